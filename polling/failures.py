"""What a failed poll leaves behind: the account's health, the counters, the budget's pause,
and when to try again (backed off; at once in public mode after a rejected key)."""

import logging
import random
import time

from django.views.decorators.debug import sensitive_variables

from polling import budget, metrics, public_fallback
from polling.outcome import Outcome, PollResult
from polling.public_fallback import Route
from snapshots import store, watchers
from voice360.errors import AuthInvalid, AuthRequired, RateLimited, Voice360Error

logger = logging.getLogger("polling.poller")  # the poller's lines, as they always were


def _describe(exc: Voice360Error) -> str:
    # Client messages never contain the key (it redacts them); keep them short for the UI.
    return f"{type(exc).__name__}: {exc.message}"[:300]


def crashed(account_id: int, exc: Exception, interval: float) -> PollResult:
    """Something unexpected: counted, on the account's health, and backed off."""
    now = time.time()
    metrics.count_rejection(account_id, f"crash_{type(exc).__name__}")
    streak = store.record_failure(account_id, f"{type(exc).__name__} in the poller", now)
    backoff = budget.backoff_seconds(streak, interval, watchers.is_watched(account_id))
    return PollResult(Outcome.FAILED, now + backoff)


@sensitive_variables("route")
def failed(
    account_id: int, route: Route, interval: float, started: float, exc: Voice360Error
) -> PollResult:
    """The API refused or failed this poll."""
    now = max(time.time(), started)
    budget.observe(route.bucket, exc.rate_limit)
    metrics.count_rejection(account_id, type(exc).__name__)
    metrics.count_upstream_error(str(exc.status) if exc.status else type(exc).__name__)
    logger.warning(
        "poll failed account=%s mode=%s error=%r", account_id, route.mode.source, _describe(exc)
    )
    if isinstance(exc, AuthRequired | AuthInvalid) and route.api_key:
        detail = f"({exc.status} {exc.error_code or exc.code}): {exc.message}"
        reason = f"{public_fallback.KEY_REJECTED_REASON} {detail}"
        public_fallback.key_rejected(account_id, route.api_key, reason[:300], now)
        # Poll again at once, in public mode; the key is retried later.
        return PollResult(Outcome.KEY_REJECTED, now)
    streak = store.record_failure(account_id, _describe(exc), now)
    if isinstance(exc, RateLimited):
        retry_after = exc.retry_after or budget.window_seconds() / 6
        budget.pause(route.bucket, retry_after)
        return PollResult(Outcome.RATE_LIMITED, now + retry_after + random.uniform(0, 0.5))
    backoff = budget.backoff_seconds(streak, interval, watchers.is_watched(account_id))
    return PollResult(Outcome.FAILED, now + backoff)
