"""Once an event is committed: its account's cached counts are dropped and, for call and
queue events, an early poll is sent. Without Redis the event is stored all the same."""

import json

import pytest

from polling.early import debounce_key
from service import today
from tests.webhooks.helpers import ACCOUNT, payload, post
from wallboard.redis import get_redis
from webhooks.models import WebhookEvent


def queued_tasks(redis_client) -> list[str]:
    """Names of the Celery tasks waiting on the broker (the tests' Redis database)."""
    return [json.loads(m)["headers"]["task"] for m in redis_client.lrange("celery", 0, -1)]


@pytest.fixture
def slow_debounce(settings):
    # Long enough for the test to see the debounce key before it expires.
    settings.EARLY_POLL_DEBOUNCE_SECONDS = 30


@pytest.mark.parametrize(
    "event_name", ["INCOMING_EXTERNAL_CALL", "USER_ANSWER", "CALL_ENDED", "QUEUE_NO_ANSWER"]
)
def test_a_call_or_queue_event_sends_an_early_poll(
    client, receiver, redis_client, slow_debounce, django_capture_on_commit_callbacks, event_name
):
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, payload(event_name)).status_code == 200
    assert redis_client.exists(debounce_key(ACCOUNT))
    assert queued_tasks(redis_client) == ["polling.tasks.early_poll"]


def test_a_burst_of_events_sends_one_early_poll(
    client, receiver, redis_client, slow_debounce, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            post(client, payload("QUEUE_NO_ANSWER"))
    assert WebhookEvent.objects.count() == 5
    assert queued_tasks(redis_client) == ["polling.tasks.early_poll"]


@pytest.mark.parametrize("event_name", ["SMS_RECEIVED", "SMS_SENT", "SMS_DELIVERED"])
def test_an_sms_event_sends_no_poll(
    client, receiver, redis_client, slow_debounce, django_capture_on_commit_callbacks, event_name
):
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, payload(event_name)).status_code == 200
    assert not redis_client.exists(debounce_key(ACCOUNT))
    assert queued_tasks(redis_client) == []


def test_a_duplicate_sends_no_second_poll(
    client, receiver, redis_client, settings, django_capture_on_commit_callbacks
):
    body = payload("USER_ANSWER")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post(client, body)
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert post(client, body).json() == {"status": "duplicate"}
    assert callbacks == []


def test_a_stored_event_drops_the_cached_counts(
    client, receiver, redis_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, payload("INCOMING_EXTERNAL_CALL", timestamp=1_764_320_000))
    now = 1_764_320_100.0
    assert today.today_counts(ACCOUNT, now).total.inbound == 1
    with django_capture_on_commit_callbacks(execute=True):
        post(client, payload("INCOMING_EXTERNAL_CALL", timestamp=1_764_320_050))
    assert today.today_counts(ACCOUNT, now).total.inbound == 2


@pytest.fixture
def redis_down(settings):
    """Every Redis client of this process points at a port where nothing listens."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_URL = settings.REDIS_URL
    get_redis.cache_clear()
    yield
    get_redis.cache_clear()


def test_without_redis_the_event_is_stored_and_answered_200(
    client, receiver, redis_down, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, payload("INCOMING_EXTERNAL_CALL", timestamp=1_764_320_000))
    assert response.status_code == 200
    assert response.json() == {"status": "stored"}
    assert WebhookEvent.objects.count() == 1
    assert "no early poll" in caplog.text
    # And the counts are still there, from the database.
    assert today.today_counts(ACCOUNT, 1_764_320_100.0).total.inbound == 1
