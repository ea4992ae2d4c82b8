"""Alert rules evaluated against each snapshot."""

from snapshots.models import ActiveAlert, Snapshot


def evaluate(account_id: int, snapshot: Snapshot, now: float) -> list[ActiveAlert]:
    """The alerts of the account's boards that are breached in `snapshot` at `now`."""
    return []
