"""What a poll came to: its outcome (counted in /metrics and logged) and its next due time."""

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    CHANGED = "changed"  # a new version was stored and published
    UNCHANGED = "unchanged"  # the API said nothing new; only fetched_at moved
    SUPERSEDED = "superseded"  # another writer kept winning the race to store
    FAILED = "failed"  # the API call failed; backed off
    RATE_LIMITED = "rate_limited"  # a 429: the bucket is paused until Retry-After
    KEY_REJECTED = "key_rejected"  # 401/403 with the key: public mode from now on
    BUDGET_WAIT = "budget_wait"  # no room in the budget: rescheduled for when there is
    BUSY = "busy"  # another poll holds the account's lock
    GONE = "gone"  # the account is no longer a poll target
    EARLY_DENIED = "early_denied"  # an early poll found no room in the early slice
    OVERLAY = "overlay"  # the overlay alone was brought up to date (an acknowledgement)


@dataclass(frozen=True)
class PollResult:
    outcome: Outcome
    next_due: float
    version: int | None = None
