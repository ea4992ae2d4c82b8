"""After a run of upstream faults of every kind the sandbox injects, a watched account is
polled again within seconds once it heals: its boards are live again within about 5 s of the
upstream healing (the watchdog shows it within a second of the poll), without leaving the
rate budget. The browser test (tests/browser/test_resilience.py) measures it end to end."""

import time

import pytest

from polling import budget
from snapshots import store
from snapshots.watchers import key
from tests.polling.helpers import add_account, poll_now

FAULTS = {
    "outage": {"kind": "outage"},
    "HTTP 500": {"kind": "status", "status": 500},
    "error envelope": {"kind": "error_true", "error_code": "INTERNAL_ERROR"},
    "HTML instead of JSON": {"kind": "malformed"},
    "truncated body": {"kind": "truncated"},
    "mistyped body": {"kind": "wrong_types"},
    "8 MB body": {"kind": "huge", "megabytes": 8},
    "latency past the timeout": {"kind": "latency", "ms": 4000},
}


@pytest.mark.parametrize("rule", FAULTS.values(), ids=list(FAULTS))
def test_a_watched_account_is_polled_again_within_seconds_after_any_fault(
    wallboard, redis_client, rule
):
    add_account()
    poll_now()
    redis_client.set(key(61), "1", ex=60)  # a web process serves a viewer of its boards
    wallboard.control("PUT", "/faults", {"rules": [rule]})
    for _ in range(3):
        failed = poll_now()
        assert failed.outcome == "failed"
        assert failed.next_due - time.time() <= budget.WATCHED_BACKOFF_MAX_SECONDS + 0.2
    assert store.read_snapshot(61).health.consecutive_failures == 3
    wallboard.control("DELETE", "/faults")
    assert poll_now().outcome in ("changed", "unchanged")
    assert store.read_snapshot(61).health.consecutive_failures == 0


def test_a_429_is_obeyed_for_as_long_as_it_says_even_when_watched(wallboard, redis_client):
    add_account()
    poll_now()
    redis_client.set(key(61), "1", ex=60)
    wallboard.control("POST", "/faults", {"kind": "status", "status": 429, "count": 1})
    limited = poll_now()
    assert limited.outcome == "rate_limited"
    assert limited.next_due - time.time() >= 4.5  # the sandbox's Retry-After: 5
