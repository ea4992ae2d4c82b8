"""Typed upstream objects for snapshot tests, as the client would hand them over."""

from snapshots.models import Snapshot
from snapshots.normalize import build_snapshot
from voice360.models import Agent, Call, Queue, QueueAvailability

FETCHED_AT = 1_700_000_000.0


def call(seconds: int, direction: str = "inbound", peer: str = "5551234") -> Call:
    ends = {"from": peer, "to": "1001"} if direction == "inbound" else {"from": "1001", "to": peer}
    return Call.model_validate({**ends, "call_seconds": seconds, "direction": direction})


def agent(
    pk: int = 123, registered: bool = True, calls: list[Call] | None = None, **names
) -> Agent:
    return Agent.model_validate(
        {
            "pk": pk,
            "presence_id": names.get("presence_id", str(1000 + pk)),
            "callerID": names.get("caller_id", f"Agent {pk}"),
            "first_name": names.get("first_name", "Agent"),
            "last_name": names.get("last_name", str(pk)),
            "devices_registered": registered,
            "channels": [c.model_dump(by_alias=True) for c in calls] if calls is not None else [],
        }
    )


def queue_availability(pk: int = 100134, **counts) -> QueueAvailability:
    values = {"is_ready": True, "agents_online": 1, "agents_available": 1, "agents_on_call": 0}
    values |= {"active_calls": 0} | counts
    return QueueAvailability.model_validate(
        {"pk": pk, "name": str(pk), "queue_name": "Sales Queue", "extension": "8001", **values}
    )


def queue_config(pk: int = 100134, **fields) -> Queue:
    values = {"strategy": "ringall", "timeout": 20, "ringinuse": "no"} | fields
    return Queue.model_validate(
        {"pk": pk, "name": str(pk), "queue_name": "Sales Queue", "extension": "8001", **values}
    )


def snapshot(
    agents=(),
    queues=(),
    fetched_at: float = FETCHED_AT,
    configs=None,
    members=None,
    source: str = "key",
) -> Snapshot:
    return build_snapshot(
        61, source, list(agents), list(queues), fetched_at, configs=configs, members=members
    )
