"""The same event delivered again (a retry, or by GET after POST) is stored and counted once."""

from tests.webhooks.helpers import get, payload, post
from webhooks import metrics
from webhooks.models import WebhookEvent


def test_a_redelivered_event_is_stored_once_and_answered_200(client, receiver):
    body = payload("INCOMING_EXTERNAL_CALL")
    assert post(client, body).json() == {"status": "stored"}
    again = post(client, body)
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate"}
    assert WebhookEvent.objects.count() == 1
    assert metrics.read(metrics.ACCEPTED) == {"INCOMING_EXTERNAL_CALL": 1}
    assert metrics.read(metrics.DUPLICATES) == {"INCOMING_EXTERNAL_CALL": 1}
    receiver.refresh_from_db()
    assert (receiver.accepted_count, receiver.duplicate_count) == (1, 1)


def test_key_order_does_not_make_a_new_event(client, receiver):
    body = payload("USER_ANSWER")
    reordered = {
        "metadata": dict(reversed(list(body["metadata"].items()))),
        "timestamp": body["timestamp"],
        "account_id": body["account_id"],
        "event_name": body["event_name"],
    }
    post(client, body)
    assert post(client, reordered).json() == {"status": "duplicate"}


def test_the_same_event_by_get_and_by_post_is_one_event(client, receiver):
    body = payload("QUEUE_NO_ANSWER")
    get(client, body)
    assert post(client, body).json() == {"status": "duplicate"}
    assert WebhookEvent.objects.count() == 1


def test_events_that_differ_in_anything_are_two(client, receiver):
    body = payload("QUEUE_NO_ANSWER", call_id="c61-1")
    post(client, body)
    post(client, {**body, "timestamp": body["timestamp"] + 1})
    assert WebhookEvent.objects.count() == 2
