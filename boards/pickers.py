"""What an account has, by name, for the admin's pickers: its queues and its agents.

Read from the account's last stored snapshot (snapshots/store.py: the poller's queue
availability, config and members as of its last poll), never from the API: the admin makes
no upstream call. An id the board refers to that the snapshot does not know (a queue not
polled yet, or gone upstream) keeps an entry, labelled by its id, so that it stays visible
and can be removed rather than silently dropped.
"""

from collections import Counter
from collections.abc import Iterable

from accounts.models import Voice360Account
from boards.models import Board
from snapshots import store
from snapshots.models import Snapshot


def unknown_queue(queue_id: int) -> str:
    return f"Queue {queue_id} (not in the last poll)"


def _snapshot(account: Voice360Account | None) -> Snapshot | None:
    if account is None or account.pk is None:
        return None
    stored = store.read_snapshot(account.account_id)
    return stored.snapshot if stored is not None else None


def queue_names(account: Voice360Account | None, also: Iterable[int] = ()) -> dict[int, str]:
    """Queue id -> its name, the account's queues in the snapshot's order; then the ids of
    `also` that it does not know. Two queues of one name are told apart by their ids."""
    snapshot = _snapshot(account)
    queues = snapshot.queues if snapshot is not None else []
    names = {q.id: (q.queue_name or q.name or "").strip() or f"Queue {q.id}" for q in queues}
    twice = {name for name, count in Counter(names.values()).items() if count > 1}
    labels = {pk: f"{name} ({pk})" if name in twice else name for pk, name in names.items()}
    for queue_id in also:
        labels.setdefault(queue_id, unknown_queue(queue_id))
    return labels


def agent_names(account: Voice360Account | None, also: Iterable[int] = ()) -> dict[int, str]:
    """Agent id -> "First Last (extension)", by name; then the ids of `also` it does not know."""
    snapshot = _snapshot(account)
    agents = snapshot.agents if snapshot is not None else []
    labels = {
        a.id: f"{f'{a.first_name} {a.last_name}'.strip() or a.caller_id or 'Agent'} ({a.extension})"
        for a in sorted(agents, key=lambda a: (a.first_name.lower(), a.last_name.lower(), a.id))
    }
    for agent_id in also:
        labels.setdefault(agent_id, f"Agent {agent_id} (not in the last poll)")
    return labels


def account_of(board: Board | None) -> Voice360Account | None:
    """The board's account; on a new board, the only account there is (else None)."""
    if board is not None and board.account_id is not None:
        return board.account
    accounts = list(Voice360Account.objects.all()[:2])
    return accounts[0] if len(accounts) == 1 else None


def queues_used_by(board: Board) -> list[int]:
    """Every queue id the board refers to: its queues, thresholds, tiles and alert rules."""
    used = [*(board.queue_ids or ()), *board.thresholds.values_list("queue_id", flat=True)]
    for options in board.tiles.values_list("options", flat=True):
        queue = (options or {}).get("queue")
        used += [queue] if isinstance(queue, int) else []
        used += [q for q in (options or {}).get("queues", []) if isinstance(q, int)]
    # The alerts app's rules, by their relation's name (boards does not import alerts).
    if hasattr(board, "alert_rules"):
        used += [q for q in board.alert_rules.values_list("queue_id", flat=True) if q]
    return used


def board_queue_names(board: Board | None) -> dict[int, str]:
    """The queues a board's form offers: its account's by name, and every one it refers to."""
    used = queues_used_by(board) if board is not None and board.pk is not None else []
    return queue_names(account_of(board), also=used)
