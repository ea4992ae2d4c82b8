import itertools
import threading
import time

import pytest
from django.db import connection

from polling import dispatcher, poller, schedule
from snapshots import store
from tests.polling.helpers import add_account


@pytest.mark.django_db(transaction=True)
def test_duplicate_dispatchers_never_claim_one_account_twice(wallboard, redis_client):
    for account_id in (61, *range(1001, 1006)):
        add_account(account_id, key=None)
    dispatcher.dispatch(enqueue=lambda *_: None)  # publishes and schedules
    redis_client.zadd(
        schedule.DUE_KEY, {m: 0 for m in redis_client.zrange(schedule.DUE_KEY, 0, -1)}
    )
    claimed: list[int] = []
    barrier = threading.Barrier(4)

    def tick() -> None:
        barrier.wait()
        try:
            claimed.extend(dispatcher.dispatch(enqueue=lambda *_: None))
        finally:
            connection.close()

    threads = [threading.Thread(target=tick) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == [61, 1001, 1002, 1003, 1004, 1005]


def test_each_poll_task_expires_after_one_effective_interval(wallboard, redis_client):
    add_account(61, interval=3.0)
    redis_client.delete(schedule.DUE_KEY)
    dispatcher.dispatch(enqueue=lambda *_: None)  # schedules the account at a random phase
    redis_client.zadd(schedule.DUE_KEY, {"61": 0})
    sent: list[list[dispatcher.Claim]] = []
    dispatcher.dispatch(enqueue=sent.append)
    assert sent == [[(61, 3.0, 0.0)]]  # one task for the tick, expiring after the interval
    assert schedule.due_at(61) > time.time() + 3  # leased until the task runs or expires


@pytest.mark.django_db(transaction=True)
def test_two_polls_of_one_account_never_overlap(wallboard, redis_client):
    add_account(61)
    wallboard.control("POST", "/faults", {"kind": "latency", "ms": 400})
    poller_results = []
    barrier = threading.Barrier(3)

    def poll() -> None:
        barrier.wait()
        try:
            poller_results.append(poller.poll_account(61).outcome)
        finally:
            connection.close()

    from polling.targets import enabled_targets, publish_targets

    publish_targets(enabled_targets())
    threads = [threading.Thread(target=poll) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(poller_results) == ["busy", "busy", "changed"]
    requests = wallboard.control("GET", "/requests").json()["keys"]["61:developer"]["requests"]
    assert requests == 2 + 3  # one poll: two reads plus the first config refresh (1 + 2 queues)
    spans = sorted((p.started, p.finished) for p in store.recent_polls(61) if p.outcome != "busy")
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))


def test_a_tick_sends_what_falls_due_before_the_next_tick_with_a_countdown(wallboard, redis_client):
    add_account(61, interval=2.0)
    dispatcher.dispatch(enqueue=lambda *_: None)
    redis_client.zadd(schedule.DUE_KEY, {"61": schedule.redis_now() + 0.6})
    sent: list[list[dispatcher.Claim]] = []
    dispatcher.dispatch(enqueue=sent.append)
    [[(account_id, expires, countdown)]] = sent
    assert account_id == 61
    assert 0.4 < countdown <= 0.6  # starts when due, not at the next tick
    assert expires == pytest.approx(countdown + 2.0)
