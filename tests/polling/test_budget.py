import time

from polling import budget
from voice360.models import RateLimit


def test_it_grants_requests_up_to_the_limit_then_says_how_long_to_wait(settings, redis_client):
    settings.VOICE360_KEY_RATE_LIMIT = 10
    settings.POLL_RATE_WINDOW_SECONDS = 30
    bucket = budget.key_bucket("k")
    assert budget.acquire(bucket, 2, share=0.5) == 0
    assert budget.acquire(bucket, 3, share=0.5) == 0
    wait = budget.acquire(bucket, 1, share=0.5)
    assert 29 < wait <= 30
    assert budget.used(bucket) == 5


def test_requests_are_granted_again_when_the_window_slides(settings, redis_client):
    settings.POLL_RATE_WINDOW_SECONDS = 1
    settings.VOICE360_PUBLIC_RATE_LIMIT = 2
    settings.POLL_PUBLIC_BUDGET_PERCENT = 100
    assert budget.acquire(budget.PUBLIC_BUCKET, 2) == 0
    wait = budget.acquire(budget.PUBLIC_BUCKET, 1)
    assert 0 < wait <= 1
    redis_client.zadd(  # age the log instead of sleeping: both entries leave the window
        "wb:budget:public:log", {m: 0 for m in redis_client.zrange("wb:budget:public:log", 0, -1)}
    )
    assert budget.acquire(budget.PUBLIC_BUCKET, 1) == 0


def test_a_pause_holds_the_bucket_and_is_never_shortened(redis_client):
    budget.pause("public", 5)
    budget.pause("public", 1)
    assert 4 < budget.paused_for("public") <= 5
    assert 4 < budget.acquire("public", 1) <= 5


def test_a_low_remaining_from_the_api_holds_the_bucket_back(redis_client):
    bucket = budget.key_bucket("k")
    budget.observe(bucket, RateLimit(limit=1000, remaining=10))
    assert budget.acquire(bucket, 2, share=0.5) > 0
    budget.observe(bucket, RateLimit(limit=1000, remaining=900))
    assert budget.acquire(bucket, 2, share=0.5) == 0


def test_a_short_budget_stretches_every_account_of_the_bucket_evenly(settings):
    settings.POLL_RATE_WINDOW_SECONDS = 60
    public = [budget.PlannedAccount(i, budget.PUBLIC_BUCKET, 2.0, 1.0, 2.0) for i in range(1, 61)]
    keyed = [budget.PlannedAccount(100, budget.key_bucket("k"), 2.0, 0.5, 2.0)]
    intervals = budget.plan_intervals(public + keyed)
    stretched = {intervals[i] for i in range(1, 61)}
    assert len(stretched) == 1  # one factor for all: nobody starves
    (interval,) = stretched
    # 60 accounts x 2 requests per interval must fit 90 x 0.9 requests per minute.
    assert 60 * 2 * 60 / interval <= 90 * budget.PLANNING_HEADROOM + 1e-6
    assert intervals[100] == 2.0  # the keyed account has room and keeps its interval


def test_backoff_grows_with_failures_and_stays_under_the_ceiling(settings):
    settings.POLL_BACKOFF_MAX_SECONDS = 30
    first = [budget.backoff_seconds(1, 2.0) for _ in range(50)]
    later = [budget.backoff_seconds(8, 2.0) for _ in range(50)]
    assert max(first) <= 2.0
    assert min(later) >= 15 and max(later) <= 30
    assert len(set(later)) > 1  # jittered


def test_a_watched_account_is_retried_within_seconds_whatever_its_failures(settings):
    settings.POLL_BACKOFF_MAX_SECONDS = 30
    watched = [budget.backoff_seconds(20, 2.0, watched=True) for _ in range(50)]
    unwatched = [budget.backoff_seconds(20, 2.0) for _ in range(50)]
    assert min(watched) >= 2.0 and max(watched) <= budget.WATCHED_BACKOFF_MAX_SECONDS
    assert min(unwatched) >= 15.0
    assert budget.backoff_seconds(20, 10.0, watched=True) >= 10.0  # never faster than polls


def test_a_poll_that_fails_for_a_watched_account_comes_back_soon(wallboard, redis_client):
    from snapshots.watchers import key
    from tests.polling.helpers import add_account, poll_now

    add_account()
    poll_now()
    wallboard.control("PUT", "/faults", {"rules": [{"kind": "status", "status": 500}]})
    for _ in range(6):
        poll_now()  # a run of 500s: far into the backoff
    assert poll_now().next_due - time.time() > budget.WATCHED_BACKOFF_MAX_SECONDS
    redis_client.set(key(61), "1", ex=15)  # a web process serves a viewer of its boards
    assert poll_now().next_due - time.time() <= budget.WATCHED_BACKOFF_MAX_SECONDS + 0.5
