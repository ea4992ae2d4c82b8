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


def request_early_poll(account_id: int) -> bool:
    """Ask for an early poll of the account. Returns whether this call sent one (False: a
    poll already sent for this burst will cover it)."""
    if settings.EARLY_POLL_BUDGET_PERCENT <= 0:
        return False
    debounce = float(settings.EARLY_POLL_DEBOUNCE_SECONDS)
    if not get_redis().set(debounce_key(account_id), "1", nx=True, px=max(1, int(debounce * 1000))):
        return False
    send_early_poll(account_id, debounce)
    return True


def send_early_poll(account_id: int, countdown: float) -> None:
    from polling.tasks import early_poll

    early_poll.apply_async(
        (account_id,),
        countdown=countdown,
        expires=countdown + EARLY_POLL_EXPIRES_SECONDS,
    )
