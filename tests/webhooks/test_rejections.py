"""What the receiver refuses (what is no envelope at all), each with its status, its reason,
a count and a log line that carries neither the token nor any phone number or message body;
and what it keeps although the counts cannot use it."""

import json
import logging

import pytest

from tests.webhooks.helpers import PHONE, SMS_BODY, TOKEN, payload, post, url
from webhooks import metrics
from webhooks.models import WebhookEvent


def assert_rejected(response, status: int, reason: str, receiver) -> None:
    assert response.status_code == status, response.content
    assert response.json()["error"] == reason
    assert WebhookEvent.objects.count() == 0
    assert metrics.read(metrics.REJECTIONS) == {reason: 1}
    receiver.refresh_from_db()
    assert receiver.rejected_count == 1


def with_metadata(event_name: str, **changes) -> dict:
    body = payload(event_name)
    for key, value in changes.items():
        if value is ...:
            del body["metadata"][key]
        else:
            body["metadata"][key] = value
    return body


CASES = {
    "bad_json": ('{"event_name": "USER_DIAL", ', "bad_json"),
    "a list": ("[1, 2]", "not_an_object"),
    "no event name": (
        {k: v for k, v in payload("USER_DIAL").items() if k != "event_name"},
        "missing_field",
    ),
    "event name not a string": ({**payload("USER_DIAL"), "event_name": 7}, "bad_event_name"),
    "numeric account id": ({**payload("USER_DIAL"), "account_id": 61}, "bad_account_id"),
    "other account": ({**payload("USER_DIAL"), "account_id": "62"}, "wrong_account"),
    "timestamp as text": ({**payload("USER_DIAL"), "timestamp": "1704067200"}, "bad_timestamp"),
    "timestamp as float": ({**payload("USER_DIAL"), "timestamp": 1704067200.5}, "bad_timestamp"),
    "metadata as text": ({**payload("USER_DIAL"), "metadata": "{}"}, "bad_metadata"),
    "NaN": (json.dumps(with_metadata("QUEUE_NO_ANSWER", wait_seconds=float("nan"))), "bad_json"),
    "nested too deep": ('{"event_name": ' + "[" * 5000 + "]" * 5000 + "}", "too_deep"),
}
# Envelopes all: stored and answered 200, but the counts cannot use them.
NOT_COUNTABLE = {
    "unknown event": {**payload("USER_DIAL"), "event_name": "CALL_PARKED"},
    "missing call_id": with_metadata("INCOMING_EXTERNAL_CALL", call_id=...),
    "missing body": with_metadata("SMS_RECEIVED", body=...),
    "missing queue_id": with_metadata("USER_ANSWER", queue_id=...),
    "queue_id as text": with_metadata("QUEUE_NO_ANSWER", queue_id="100135"),
    "user_id as bool": with_metadata("USER_DIAL", user_id=True),
    "duration as text": with_metadata("USER_HANGUP", duration="42"),
    "null user on dial": with_metadata("USER_DIAL", user_id=None),
    "status as number": with_metadata("SMS_DELIVERED", status=1),
    "queue_id past 64 bits": with_metadata("QUEUE_NO_ANSWER", queue_id=2**64),
    "NUL in a string": with_metadata("USER_DIAL", call_id="c\x00"),
}


@pytest.mark.parametrize("case", CASES)
def test_it_rejects_a_malformed_payload_with_its_reason(client, receiver, case):
    body, reason = CASES[case]
    assert_rejected(post(client, body), 400, reason, receiver)


@pytest.mark.parametrize("case", NOT_COUNTABLE)
def test_an_envelope_the_counts_cannot_use_is_kept_and_counted_as_such(client, receiver, case):
    body = NOT_COUNTABLE[case]
    response = post(client, body)
    assert (response.status_code, response.json()) == (200, {"status": "stored"})
    (event,) = WebhookEvent.objects.all()
    assert (event.event_name, event.countable) == (body["event_name"], False)
    assert event.problem
    assert metrics.read(metrics.NOT_COUNTABLE) == {body["event_name"]: 1}
    assert metrics.read(metrics.REJECTIONS) == {}


def test_a_nul_character_is_replaced_so_that_any_database_stores_it(client, receiver):
    post(client, with_metadata("USER_DIAL", call_id="c\x00"))
    event = WebhookEvent.objects.get()
    assert event.metadata["call_id"] == "c\ufffd"
    assert event.problem == "NUL characters were replaced"


def test_it_tolerates_extra_metadata_keys(client, receiver):
    body = with_metadata("USER_DIAL", recording=True)
    assert post(client, body).status_code == 200


def test_a_null_queue_id_is_fine_where_the_api_sends_one(client, receiver):
    assert post(client, with_metadata("USER_ANSWER", queue_id=None)).status_code == 200
    assert post(client, with_metadata("CALL_ENDED", queue_id=None, user_id=None)).status_code == 200


def test_it_rejects_a_get_without_metadata_json(client, receiver):
    body = payload("USER_DIAL")
    params = {**body, "metadata": "{not json"}
    assert_rejected(client.get(url(), params), 400, "bad_json", receiver)


def test_it_rejects_a_get_with_a_missing_parameter(client, receiver):
    body = payload("USER_DIAL")
    params = {"event_name": body["event_name"], "account_id": "61", "timestamp": "1"}
    assert_rejected(client.get(url(), params), 400, "missing_field", receiver)


def test_it_answers_413_past_the_size_limit(client, receiver, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 2048
    body = with_metadata("SMS_RECEIVED", body="x" * 4096)
    assert_rejected(post(client, body), 413, "too_large", receiver)


def test_it_answers_413_to_a_get_past_the_size_limit(client, receiver, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 2048
    body = with_metadata("SMS_RECEIVED", body="x" * 4096)
    params = {**body, "metadata": json.dumps(body["metadata"])}
    assert_rejected(client.get(url(), params), 413, "too_large", receiver)


def test_a_wrong_token_is_a_404_and_counted(client, receiver):
    response = post(client, payload("USER_DIAL"), token="not-the-token")
    assert response.status_code == 404
    assert response.json() == {"error": "unknown_token", "detail": "no receiver has this token"}
    assert WebhookEvent.objects.count() == 0
    assert metrics.read(metrics.REJECTIONS) == {"unknown_token": 1}


def test_other_methods_are_refused(client, receiver):
    assert_rejected(client.put(url(), b"{}"), 405, "bad_method", receiver)


def test_a_rejection_logs_its_reason_but_no_token_number_or_text(client, receiver, caplog):
    caplog.set_level(logging.INFO)
    post(client, {**with_metadata("SMS_RECEIVED", message_id=5), "timestamp": "soon"})
    post(client, payload("USER_DIAL"), token="guessed-token-123")
    warnings = [r.getMessage() for r in caplog.records if r.name == "webhooks.views"]
    assert any("reason=bad_timestamp" in line for line in warnings)
    assert any("reason=unknown_token" in line for line in warnings)
    text = caplog.text
    for secret in (PHONE, SMS_BODY, TOKEN, "guessed-token-123"):
        assert secret not in text


def test_the_console_log_redacts_the_webhook_token(client, receiver, console):
    post(client, payload("USER_DIAL"))
    post(client, payload("USER_DIAL"), token="guessed-token-123")
    output = console.getvalue()
    assert "/webhooks/voice360/[token]/" in output
    assert TOKEN not in output
    assert "guessed-token-123" not in output
