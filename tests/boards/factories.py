"""Snapshots and board settings for the board tests, built from the real snapshot models."""

from boards.board_settings import BoardSettings
from snapshots.models import (
    WINDOWS,
    ActiveCall,
    AgentState,
    HealthState,
    QueueConfig,
    QueueState,
    QueueToday,
    ServiceLevel,
    Snapshot,
    StoredSnapshot,
)

NOW = 1_800_000_000.0


def agent(pk: int, name: str, *, registered: bool = True, calls=(), public: bool = False):
    first, _, last = name.partition(" ")
    return AgentState(
        id=pk,
        extension=str(1000 + pk % 1000),
        caller_id=name,
        first_name=first,
        last_name=last,
        registered=registered,
        calls=None if public else list(calls),
    )


def call(peer: str = "+15551234567", direction: str = "inbound", started: float = NOW - 65):
    return ActiveCall(direction=direction, peer=peer, started_at=started)


def queue(pk: int, name: str, *, online=3, available=2, on_call=1, active=1, members=(1, 2)):
    return QueueState(
        id=pk,
        name=str(pk),
        queue_name=name,
        extension=str(8000 + pk % 100),
        is_ready=online > 0,
        agents_online=online,
        agents_available=available,
        agents_on_call=on_call,
        active_calls=active,
        config=QueueConfig(strategy="ringall", timeout=20, wrapuptime=10),
        member_ids=list(members),
    )


def stored(agents, queues, *, version: int = 1, source: str = "key", reason=None, today=None):
    return StoredSnapshot(
        snapshot=Snapshot(
            account_id=61,
            source=source,
            source_reason=reason,
            agents=agents,
            queues=queues,
            today=today,
        ),
        version=version,
        fetched_at=NOW,
        health=HealthState(last_success_at=NOW),
    )


def settings(**overrides) -> BoardSettings:
    values = {
        "id": 1,
        "slug": "floor",
        "title": "Floor",
        "account_id": 61,
        "queue_ids": (),
        "members_only": False,
        "warning_at_or_below": 1,
    }
    values.update(overrides)
    return BoardSettings(**values)


def queue_today(
    *,
    answered: int = 0,
    abandoned: int = 0,
    timed_out: int = 0,
    not_answered: int = 0,
    within: int | None = None,
    short_abandoned: int = 0,
    abandoned_last_hour: int = 0,
    **fields,
) -> QueueToday:
    """A queue's day in the counts that matter to a test; every answer within the threshold
    unless `within` says otherwise."""
    level = ServiceLevel(
        answered=answered,
        answered_within_threshold=answered if within is None else within,
        abandoned=abandoned,
        short_abandoned=short_abandoned,
        timed_out=timed_out,
        not_answered=not_answered,
    )
    recent = {m: ServiceLevel(window=f"{m}m") for m in WINDOWS}
    recent[60] = ServiceLevel(window="60m", abandoned=abandoned_last_hour)
    return QueueToday(service=level, recent=recent, **fields)
