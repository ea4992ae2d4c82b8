"""Early polls: a burst of webhook events makes one poll, early polls stay inside their own
slice of the rate budget, and one that finds no room leaves the regular schedule alone."""

import json
import time

from polling import budget, early, poller, schedule, writer
from snapshots import store
from tests.polling.helpers import DEMO_KEY, add_account, poll_now
from webhooks.models import WebhookEvent
from webhooks.signals import upstream_changed

BROKER_QUEUE = "celery"  # Celery's default queue: a Redis list in the tests' database


def sent_tasks(redis_client) -> list[dict]:
    return [json.loads(raw)["headers"] for raw in redis_client.lrange(BROKER_QUEUE, 0, -1)]


def an_event_changed(account_id: int) -> None:
    """What the webhook receiver sends once a call or queue event is stored."""
    upstream_changed.send(sender=WebhookEvent, account_id=account_id)


def test_a_burst_of_a_thousand_events_sends_one_early_poll(wallboard, redis_client, settings):
    settings.EARLY_POLL_DEBOUNCE_SECONDS = 5  # the whole burst falls in one debounce window
    for _ in range(1000):
        an_event_changed(61)
    (task,) = sent_tasks(redis_client)
    assert task["task"] == "polling.tasks.early_poll"
    assert task["eta"] is not None  # after the debounce, so the burst is in the poll
    assert task["expires"] is not None


def test_events_after_the_debounce_send_the_next_poll(wallboard, redis_client, settings):
    settings.EARLY_POLL_DEBOUNCE_SECONDS = 0.05
    an_event_changed(61)
    assert len(sent_tasks(redis_client)) == 1
    deadline = time.monotonic() + 5
    while redis_client.exists(early.debounce_key(61)) and time.monotonic() < deadline:
        time.sleep(0.01)  # the debounce key's own expiry in Redis: nothing to await
    an_event_changed(61)
    assert len(sent_tasks(redis_client)) == 2


def test_early_polls_can_be_switched_off(wallboard, redis_client, settings):
    settings.EARLY_POLL_BUDGET_PERCENT = 0
    an_event_changed(61)
    assert sent_tasks(redis_client) == []


def test_early_polls_take_at_most_their_slice_of_the_budget(wallboard, redis_client, settings):
    settings.VOICE360_KEY_RATE_LIMIT = 100  # 50 for the wallboard's 50 % share, 10 early
    add_account()
    poll_now()
    bucket = budget.key_bucket(DEMO_KEY)
    used_before = budget.used(bucket)
    outcomes = [poller.poll_account(61, early=True).outcome for _ in range(12)]
    assert outcomes[:5] == ["unchanged"] * 5 or all(o != "early_denied" for o in outcomes[:5])
    assert outcomes[5:] == ["early_denied"] * 7
    assert budget.used(bucket) - used_before == 10
    seen = wallboard.control("GET", "/requests").json()["keys"]["61:developer"]
    assert seen["rate_limited"] == 0


def test_early_polls_may_also_use_what_the_regular_schedule_leaves_idle(
    wallboard, redis_client, settings
):
    settings.VOICE360_KEY_RATE_LIMIT = 100  # 50 for the wallboard; 45 planned at most
    add_account()
    poll_now()
    bucket = budget.key_bucket(DEMO_KEY)
    # What the dispatcher stores each tick: this account's 2 s polls take ~30 a minute.
    budget.store_planned(
        budget.planned_demand(
            [budget.PlannedAccount(61, bucket, 2.0, 0.5, requests_per_poll=1.0)], {61: 2.0}
        )
    )
    assert budget.early_limit(bucket, 0.5) == 15  # 45 planned at most, 30 of it taken
    used_before = budget.used(bucket)
    outcomes = [poller.poll_account(61, early=True).outcome for _ in range(10)]
    assert outcomes.count("early_denied") == 3  # 7 polls of 2 requests fit in 15
    assert budget.used(bucket) - used_before == 14


def test_a_denied_early_poll_leaves_the_regular_schedule_as_it_was(
    wallboard, redis_client, settings
):
    settings.VOICE360_KEY_RATE_LIMIT = 100
    settings.EARLY_POLL_BUDGET_PERCENT = 1  # one request: never room for a poll's two
    add_account()
    poll_now()
    schedule.sync_accounts({61: 2.0})
    due = time.time() + 1.5
    schedule.reschedule(61, due)
    version = store.snapshot_version(61)
    assert poller.poll_account(61, early=True).outcome == "early_denied"
    assert schedule.due_at(61) == due
    assert store.snapshot_version(61) == version  # nothing new to show: nothing written


def test_an_early_poll_restarts_the_regular_interval(wallboard, redis_client):
    add_account(interval=2.0)
    poll_now()
    schedule.sync_accounts({61: 2.0})
    schedule.reschedule(61, time.time() + 0.5)
    started = time.time()
    assert poller.poll_account(61, early=True).outcome in ("changed", "unchanged")
    assert schedule.due_at(61) >= started + 2.0


def test_the_regular_schedule_is_planned_without_the_early_slice(settings):
    settings.VOICE360_KEY_RATE_LIMIT = 1000
    settings.EARLY_POLL_BUDGET_PERCENT = 20
    # 500 requests a minute for the bucket; regular polls may plan on 70 % of it (350/min).
    accounts = [
        budget.PlannedAccount(pk, "key:x", interval=1.0, share=0.5, requests_per_poll=2)
        for pk in range(3)
    ]
    intervals = budget.plan_intervals(accounts)
    demand_per_minute = sum(2 * 60 / interval for interval in intervals.values())
    assert demand_per_minute <= 350 + 1


def test_an_overlay_refresh_leaves_the_health_as_it_was(wallboard, redis_client):
    add_account()
    poll_now()
    store.record_failure(61, "ServerError: boom", time.time())
    assert writer.refresh_overlay(61, poller.lock_ttl()).outcome == "overlay"
    health = store.read_health(61)
    assert health.consecutive_failures == 1
    assert health.last_error == "ServerError: boom"
