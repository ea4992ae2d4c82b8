"""The semantic diff between consecutive snapshots: only what a viewer would see change.

A call is identified by (agent, direction, peer) and its start time. A growing
`call_seconds` yields the same start, so it is not a change; a start that moved by less than
the drift tolerance is carried over from the previous snapshot (`carry_call_starts`) so the
snapshot stays byte-identical.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from snapshots.models import ActiveAlert, ActiveCall, AgentState, QueueState, Snapshot

ChangeKind = Literal[
    "source_changed",
    "agent_appeared",
    "agent_left",
    "agent_registered",
    "agent_unregistered",
    "agent_renamed",
    "call_started",
    "call_ended",
    "call_drifted",
    "queue_appeared",
    "queue_removed",
    "queue_counts_changed",
    "queue_readiness_changed",
    "queue_members_changed",
    "queue_config_changed",
    "today_changed",
    "alert_fired",
    "alert_cleared",
    "alert_changed",
]

AGENT_NAME_FIELDS = ("extension", "caller_id", "first_name", "last_name")
QUEUE_COUNT_FIELDS = ("agents_online", "agents_available", "agents_on_call", "active_calls")
QUEUE_CONFIG_FIELDS = ("name", "queue_name", "extension", "config")


class Change(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: ChangeKind
    agent_id: int | None = None
    queue_id: int | None = None
    before: Any = None
    after: Any = None


def _call_key(call: ActiveCall) -> tuple[str, str]:
    return (call.direction, call.peer)


def _match_call(call: ActiveCall, old_calls: list[ActiveCall], tolerance: float) -> ActiveCall:
    for old in old_calls:
        if _call_key(old) == _call_key(call) and abs(old.started_at - call.started_at) <= tolerance:
            return old
    return call


def carry_call_starts(old: Snapshot | None, new: Snapshot, tolerance: float) -> Snapshot:
    """Keep the previous start of each call that is the same call within `tolerance` seconds."""
    if old is None:
        return new
    old_agents = {a.id: a for a in old.agents}
    agents = []
    for agent in new.agents:
        before = old_agents.get(agent.id)
        if agent.calls and before and before.calls:
            calls = [_match_call(c, before.calls, tolerance) for c in agent.calls]
            agent = agent.model_copy(update={"calls": calls})
        agents.append(agent)
    return new.model_copy(update={"agents": agents})


def _agent_changes(old: AgentState, new: AgentState) -> list[Change]:
    changes: list[Change] = []
    if old.registered != new.registered:
        kind = "agent_registered" if new.registered else "agent_unregistered"
        changes.append(Change(kind=kind, agent_id=new.id))
    names_before = {f: getattr(old, f) for f in AGENT_NAME_FIELDS}
    names_after = {f: getattr(new, f) for f in AGENT_NAME_FIELDS}
    if names_before != names_after:
        changes.append(
            Change(kind="agent_renamed", agent_id=new.id, before=names_before, after=names_after)
        )
    changes.extend(_call_changes(new.id, old.calls or [], new.calls or []))
    return changes


def _call_changes(agent_id: int, old: list[ActiveCall], new: list[ActiveCall]) -> list[Change]:
    changes: list[Change] = []
    old_keys = {_call_key(c): c for c in old}
    new_keys = {_call_key(c): c for c in new}
    for key, call in new_keys.items():
        before = old_keys.get(key)
        if before is None:
            changes.append(Change(kind="call_started", agent_id=agent_id, after=call.model_dump()))
        elif before.started_at != call.started_at:
            # Beyond the tolerance: a new call with the same peer, or the clock jumped.
            changes.append(
                Change(
                    kind="call_drifted",
                    agent_id=agent_id,
                    before=before.model_dump(),
                    after=call.model_dump(),
                )
            )
    for key, call in old_keys.items():
        if key not in new_keys:
            changes.append(Change(kind="call_ended", agent_id=agent_id, before=call.model_dump()))
    return changes


def _pick(queue: QueueState, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: queue.model_dump(include={f})[f] for f in fields}


def _queue_changes(old: QueueState, new: QueueState) -> list[Change]:
    changes: list[Change] = []
    if old.is_ready != new.is_ready:
        changes.append(
            Change(
                kind="queue_readiness_changed",
                queue_id=new.id,
                before=old.is_ready,
                after=new.is_ready,
            )
        )
    pairs = (
        ("queue_counts_changed", QUEUE_COUNT_FIELDS),
        ("queue_config_changed", QUEUE_CONFIG_FIELDS),
        ("queue_members_changed", ("member_ids",)),
    )
    for kind, fields in pairs:
        before, after = _pick(old, fields), _pick(new, fields)
        if before != after:
            changes.append(Change(kind=kind, queue_id=new.id, before=before, after=after))
    return changes


def diff_snapshots(old: Snapshot | None, new: Snapshot) -> list[Change]:
    """Every visible change from `old` to `new`; [] when a viewer would see nothing new."""
    if old is None:
        old = new.model_copy(update={"agents": [], "queues": [], "today": None, "alerts": []})
    changes: list[Change] = []
    if (old.source, old.source_reason) != (new.source, new.source_reason):
        changes.append(
            Change(
                kind="source_changed",
                before={"source": old.source, "reason": old.source_reason},
                after={"source": new.source, "reason": new.source_reason},
            )
        )
    changes.extend(_diff_agents(old, new))
    changes.extend(_diff_queues(old, new))
    changes.extend(_diff_overlay(old, new))
    return changes


def _diff_overlay(old: Snapshot, new: Snapshot) -> list[Change]:
    """Today's counts (one change for all of them: they move together) and alerts."""
    changes: list[Change] = []
    if old.today != new.today:
        changes.append(
            Change(
                kind="today_changed",
                before=old.today.model_dump(mode="json") if old.today else None,
                after=new.today.model_dump(mode="json") if new.today else None,
            )
        )
    before: dict[int, ActiveAlert] = {a.id: a for a in old.alerts}
    after: dict[int, ActiveAlert] = {a.id: a for a in new.alerts}
    for alert_id, alert in after.items():
        if alert_id not in before:
            kind = "alert_fired"
        elif before[alert_id] != alert:
            kind = "alert_changed"  # acknowledged, or entered/left quiet hours
        else:
            continue
        changes.append(Change(kind=kind, queue_id=alert.queue_id, after=alert.model_dump()))
    changes.extend(
        Change(kind="alert_cleared", queue_id=alert.queue_id, before=alert.model_dump())
        for alert_id, alert in before.items()
        if alert_id not in after
    )
    return changes


def _diff_agents(old: Snapshot, new: Snapshot) -> list[Change]:
    before = {a.id: a for a in old.agents}
    after = {a.id: a for a in new.agents}
    changes: list[Change] = []
    for agent_id, agent in after.items():
        if agent_id not in before:
            changes.append(
                Change(kind="agent_appeared", agent_id=agent_id, after=agent.model_dump())
            )
            changes.extend(_call_changes(agent_id, [], agent.calls or []))
        elif before[agent_id] != agent:
            changes.extend(_agent_changes(before[agent_id], agent))
    changes.extend(
        Change(kind="agent_left", agent_id=agent_id) for agent_id in before if agent_id not in after
    )
    return changes


def _diff_queues(old: Snapshot, new: Snapshot) -> list[Change]:
    before = {q.id: q for q in old.queues}
    after = {q.id: q for q in new.queues}
    changes: list[Change] = []
    for queue_id, queue in after.items():
        if queue_id not in before:
            changes.append(
                Change(kind="queue_appeared", queue_id=queue_id, after=queue.model_dump())
            )
        elif before[queue_id] != queue:
            changes.extend(_queue_changes(before[queue_id], queue))
    changes.extend(
        Change(kind="queue_removed", queue_id=queue_id)
        for queue_id in before
        if queue_id not in after
    )
    return changes
