"""Deliveries that are accepted: POST with a JSON body and GET with query parameters."""

import time

import pytest

from tests.webhooks.helpers import PHONE, SMS_BODY, get, payload, post, url
from webhooks import metrics
from webhooks.models import WebhookEvent
from webhooks.validation import EVENT_TYPES


@pytest.mark.parametrize("event_name", EVENT_TYPES)
def test_it_stores_every_event_type_sent_by_post(client, receiver, event_name):
    response = post(client, payload(event_name))
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "stored"}
    event = WebhookEvent.objects.get()
    assert event.event_name == event_name
    assert event.account == receiver.account
    assert metrics.read(metrics.ACCEPTED) == {event_name: 1}


def test_it_stores_a_get_delivery_like_the_post_one(client, receiver):
    body = payload("QUEUE_HANGUP_ABANDONED", call_id="c61-9", wait_seconds=35)
    response = get(client, body)
    assert response.status_code == 200, response.content
    event = WebhookEvent.objects.get()
    assert (event.event_name, event.call_id, event.queue_id) == (
        "QUEUE_HANGUP_ABANDONED",
        "c61-9",
        100135,
    )
    assert event.occurred_at.timestamp() == body["timestamp"]
    assert event.metadata["wait_seconds"] == 35


def test_it_pulls_out_the_columns_the_counts_group_by(client, receiver):
    post(client, payload("CALL_ENDED", call_id="c61-5", reason="abandoned", user_id=None))
    event = WebhookEvent.objects.get()
    assert (event.call_id, event.queue_id, event.user_id) == ("c61-5", 100135, None)
    assert (event.direction, event.reason) == ("inbound", "abandoned")


def test_it_does_not_keep_sms_bodies(client, receiver):
    post(client, payload("SMS_RECEIVED"))
    event = WebhookEvent.objects.get()
    assert "body" not in event.metadata
    assert event.metadata["from_number"] == PHONE
    assert SMS_BODY not in str(event.metadata)


def test_it_counts_accepted_events_on_the_receiver(client, receiver):
    post(client, payload("USER_DIAL"))
    post(client, payload("USER_DIAL"))
    receiver.refresh_from_db()
    assert receiver.accepted_count == 2
    assert receiver.last_event_at is not None


def test_a_timestamp_far_ahead_is_stored_at_its_receipt_time(client, receiver):

    body = payload("USER_DIAL", timestamp=int(time.time()) + 3600)
    before = time.time()
    assert post(client, body).status_code == 200
    event = WebhookEvent.objects.get()
    assert before - 1 <= event.occurred_at.timestamp() <= time.time() + 1
    assert metrics.read(metrics.NOTES) == {"clock_skew": 1}


def test_a_timestamp_slightly_ahead_is_kept(client, receiver):

    ahead = int(time.time()) + 120
    post(client, payload("USER_DIAL", timestamp=ahead))
    assert WebhookEvent.objects.get().occurred_at.timestamp() == ahead
    assert metrics.read(metrics.NOTES) == {}


def test_the_url_works_without_its_trailing_slash(client, receiver):
    response = client.post(
        url().rstrip("/"), data=payload("USER_DIAL"), content_type="application/json"
    )
    assert response.status_code == 200
