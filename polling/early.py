"""Early polls: a webhook event says the account changed, so poll it now, not at its turn.

A burst of events makes one poll: the first event sets a short-lived Redis key and sends
the poll task with the debounce as its countdown; the events that follow while the key
lives ride on that poll. An event that comes while the poll runs finds the key gone and
sends the next one, so the last event of a burst is always followed by a poll that saw it.
Early polls take their requests from their own slice of the budget (budget.acquire_early).
"""

from django.conf import settings

from wallboard.redis import get_redis

# A poll task that could not start within this long after its countdown is dropped: a
# newer event will have sent another one.
EARLY_POLL_EXPIRES_SECONDS = 10.0
# While another poll holds the account's lock, try again this often, at most this many times
# (that poll may have read the API before the event happened).
BUSY_RETRY_SECONDS = 0.05
BUSY_RETRIES = 40


def debounce_key(account_id: int) -> str:
    return f"wb:poll:early:{account_id}"


def claim_burst(account_id: int) -> bool:
    """Whether an event now should send an early poll: True for the first event of a burst
    (the poll it sends waits the debounce for the rest), False while that poll is pending."""
    if settings.EARLY_POLL_BUDGET_PERCENT <= 0:
        return False
    debounce = float(settings.EARLY_POLL_DEBOUNCE_SECONDS)
    return bool(
        get_redis().set(debounce_key(account_id), "1", nx=True, px=max(1, int(debounce * 1000)))
    )


def debounce_seconds() -> float:
    return float(settings.EARLY_POLL_DEBOUNCE_SECONDS)
