"""Typed client objects -> a normalized Snapshot.

Upstream text is data, and not always clean: control characters (NUL and the rest of C0 but
tab and newline, and DEL) are taken out of every name, number and extension here, once, so
that no badge, page or database sees them (a NUL breaks PostgreSQL text, a \x01 an SVG). An
id that appears twice in one answer is one agent or queue: the last one wins, and each
duplicate is reported to `on_duplicate` (the poller counts them).
"""

import re
from collections.abc import Callable, Iterable

from snapshots.models import (
    ActiveCall,
    AgentState,
    QueueConfig,
    QueueState,
    Snapshot,
    Source,
)
from voice360.models import Agent, Call, Queue, QueueAvailability, QueueDetail

CONFIG_FIELDS = tuple(QueueConfig.model_fields)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(text: str) -> str:
    return _CONTROL.sub("", text)


def _last_of_each(items: Iterable, key: Callable, report: Callable[[int], None]) -> list:
    by_id: dict[int, object] = {}
    for item in items:
        if key(item) in by_id:
            report(key(item))
        by_id[key(item)] = item
    return list(by_id.values())


# `call_seconds` is whole seconds, counted down to the second (the sandbox floors): the call
# started between call_seconds and call_seconds + 1 s before the API read it. Its middle
# keeps a timer within half a second of the call's age, rather than up to a whole second
# behind before the page's own flooring adds its part.
CALL_SECONDS_MIDDLE = 0.5


def active_call(call: Call, fetched_at: float) -> ActiveCall:
    peer = call.from_ if call.direction == "inbound" else call.to
    return ActiveCall(
        direction=clean(call.direction),
        peer=clean(peer),
        started_at=round(fetched_at - call.call_seconds - CALL_SECONDS_MIDDLE, 3),
    )


def agent_state(agent: Agent, fetched_at: float) -> AgentState:
    calls = None
    if agent.channels is not None:
        # An SMS shows up as a channel for a few seconds; it is not a call.
        voice = [c for c in agent.channels if c.is_voice]
        calls = sorted(
            (active_call(c, fetched_at) for c in voice), key=lambda c: (c.direction, c.peer)
        )
    return AgentState(
        id=agent.pk,
        extension=clean(agent.presence_id),
        caller_id=clean(agent.caller_id),
        first_name=clean(agent.first_name),
        last_name=clean(agent.last_name),
        registered=agent.devices_registered,
        calls=calls,
    )


def queue_config(queue: Queue) -> QueueConfig | None:
    values = {name: getattr(queue, name) for name in CONFIG_FIELDS}
    values = {name: clean(v) if isinstance(v, str) else v for name, v in values.items()}
    if all(v is None for v in values.values()):
        return None  # public mode: basic fields only
    return QueueConfig(**values)


def queue_state(
    availability: QueueAvailability, config: Queue | None, members: list[int] | None
) -> QueueState:
    return QueueState(
        id=availability.pk,
        name=clean(availability.name),
        queue_name=clean(availability.queue_name),
        extension=clean(availability.extension),
        is_ready=availability.is_ready,
        agents_online=availability.agents_online,
        agents_available=availability.agents_available,
        agents_on_call=availability.agents_on_call,
        active_calls=availability.active_calls,
        config=queue_config(config) if config else None,
        member_ids=members,
    )


def member_ids(detail: QueueDetail) -> list[int]:
    return sorted(user.pk for user in detail.assigned_users)


def build_snapshot(
    account_id: int,
    source: Source,
    agents: Iterable[Agent],
    queues: Iterable[QueueAvailability],
    fetched_at: float,
    configs: dict[int, Queue] | None = None,
    members: dict[int, list[int]] | None = None,
    source_reason: str | None = None,
    on_duplicate: Callable[[str, int], None] = lambda kind, pk: None,
) -> Snapshot:
    """`members` None means unknown (public mode): every queue's member_ids is None then.
    `on_duplicate(kind, id)`: an agent or queue id seen twice in one answer."""
    configs = configs or {}
    agents = _last_of_each(agents, lambda a: a.pk, lambda pk: on_duplicate("agent", pk))
    queues = _last_of_each(queues, lambda q: q.pk, lambda pk: on_duplicate("queue", pk))
    return Snapshot(
        account_id=account_id,
        source=source,
        source_reason=source_reason,
        agents=sorted((agent_state(a, fetched_at) for a in agents), key=lambda a: a.id),
        queues=sorted(
            (
                queue_state(q, configs.get(q.pk), None if members is None else members.get(q.pk))
                for q in queues
            ),
            key=lambda q: q.id,
        ),
    )
