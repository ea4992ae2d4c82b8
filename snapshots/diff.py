"""Whether a viewer would see anything change between consecutive snapshots.

A snapshot holds only what a board shows, normalized (agents and queues by id, calls by
direction and peer), so "changed" is plain equality, once one thing is taken care of: a
call is stored with its start (`fetched_at - call_seconds`), which jitters by the poll's
timing. `carry_call_starts` keeps the previous start of each call that is the same call
(same direction and peer, a start within the drift tolerance), so a growing `call_seconds`
leaves the snapshot byte-identical; a start beyond the tolerance is a new call, or a clock
that jumped, and shows.

What changed in detail is the renderer's business: it compares each fragment's HTML with
the stored render's (boards/rendering.py) and sends those that differ.
"""

from snapshots.models import ActiveCall, Snapshot


def _same_call(old: ActiveCall, new: ActiveCall, tolerance: float) -> bool:
    return (old.direction, old.peer) == (new.direction, new.peer) and abs(
        old.started_at - new.started_at
    ) <= tolerance


def _carried(call: ActiveCall, old_calls: list[ActiveCall], tolerance: float) -> ActiveCall:
    return next((old for old in old_calls if _same_call(old, call, tolerance)), call)


def carry_call_starts(old: Snapshot | None, new: Snapshot, tolerance: float) -> Snapshot:
    """Keep the previous start of each call that is the same call within `tolerance` seconds."""
    if old is None:
        return new
    old_agents = {a.id: a for a in old.agents}
    agents = []
    for agent in new.agents:
        before = old_agents.get(agent.id)
        if agent.calls and before and before.calls:
            calls = [_carried(c, before.calls, tolerance) for c in agent.calls]
            agent = agent.model_copy(update={"calls": calls})
        agents.append(agent)
    return new.model_copy(update={"agents": agents})


def changed(old: Snapshot | None, new: Snapshot) -> bool:
    """Whether `new` shows anything `old` did not (call starts carried over already)."""
    return old != new
