"""The calls the events say are waiting, checked against what each poll says.

An end event that never comes (the stack stopped mid-call, the sender gave up) would leave a
caller "waiting" for hours. The queue's availability bounds the truth: its `active_calls` are
its waiting callers plus its answered calls in progress, so at most `active_calls` minus the
answered calls in progress can be waiting. An answered call counts as in progress only while
its agent is on a call in the same poll (its end event may be lost too).

When more calls wait than that bound at two polls in a row, the oldest of them that were
already waiting at the first poll are ruled out: a phantom lasts a poll or two. A call ruled
out still gets its outcome if its events come after all.
"""

from service.ledger import State
from snapshots.models import Snapshot


def bound(state: State, snapshot: Snapshot, queue_id: int, active_calls: int) -> int:
    """How many calls can be waiting in the queue, at most."""
    on_call = {agent.id for agent in snapshot.agents if agent.calls}
    talking = {agent for q, agent in state.tally.talking.values() if q == queue_id}
    return max(0, active_calls - len(talking & on_call))


def apply(state: State, snapshot: Snapshot, now: float) -> bool:
    """Rule out phantom waiting calls; True if the state changed (it is to be saved)."""
    waiting: dict[int, list[tuple[float, str]]] = {}
    for key, (queue_id, arrived) in state.waiting(now).items():
        waiting.setdefault(queue_id, []).append((arrived, key))
    changed = _forget_gone(state)
    for queue in snapshot.queues:
        if queue.active_calls is None:
            continue  # public data: the poll cannot tell
        calls = sorted(waiting.get(queue.id, []))
        excess = len(calls) - bound(state, snapshot, queue.id, queue.active_calls)
        first = state.over.get(queue.id)
        if excess <= 0:
            if first is not None:
                del state.over[queue.id]
                changed = True
        elif first is None:
            state.over[queue.id] = now
            changed = True
        else:
            for _, key in [c for c in calls if c[0] < first][:excess]:
                state.dismissed[key] = now
                changed = True
            state.over[queue.id] = now
    return changed


def _forget_gone(state: State) -> bool:
    """Ruled-out calls that are no longer waiting (their outcome came) need no entry."""
    gone = [key for key in state.dismissed if key not in state.tally.waiting]
    for key in gone:
        del state.dismissed[key]
    return bool(gone)
