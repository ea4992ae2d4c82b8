"""Webhooks delivered to a real local receiver: POST and GET, retries, every event type."""

import json

import pytest

from tests.sandbox.conftest import ACCOUNT, JOHN, SALES, Control, Receiver, dev, event_name_of

METADATA = {
    "INCOMING_EXTERNAL_CALL": {"call_id", "from_number", "to_number", "queue_id", "queue_name"},
    "USER_DIAL": {"call_id", "user_id", "extension", "from_number", "to_number"},
    "USER_ANSWER": {
        "call_id",
        "user_id",
        "extension",
        "direction",
        "from_number",
        "to_number",
        "queue_id",
    },
    "USER_HANGUP": {"call_id", "user_id", "extension", "to_number", "duration"},
    "CALL_ENDED": {
        "call_id",
        "direction",
        "from_number",
        "to_number",
        "duration",
        "queue_id",
        "user_id",
        "reason",
    },
    "SMS_RECEIVED": {"message_id", "from_number", "to_number", "body"},
    "SMS_SENT": {"message_id", "from_number", "to_number", "body"},
    "SMS_DELIVERED": {"message_id", "from_number", "to_number", "status"},
    "QUEUE_NO_ANSWER": {"call_id", "queue_id", "queue_name", "from_number", "wait_seconds"},
    "QUEUE_HANGUP_TIMEOUT": {"call_id", "queue_id", "queue_name", "from_number", "wait_seconds"},
    "QUEUE_HANGUP_ABANDONED": {"call_id", "queue_id", "queue_name", "from_number", "wait_seconds"},
}


def hook(control: Control, receiver: Receiver, **fields: object) -> dict:
    body = {
        "name": "test",
        "url": receiver.url,
        "event_type": "*",
        "method": "POST",
        "retries": 1,
        **fields,
    }
    return control("POST", f"/accounts/{ACCOUNT}/webhooks", body)


def test_post_webhook_receives_the_documented_payload(
    control: Control,
    receiver: Receiver,
) -> None:
    hook(control, receiver, event_type="SMS_RECEIVED")
    control(
        "POST",
        f"/accounts/{ACCOUNT}/sms/inbound",
        {"from_number": "+15550001111", "to_number": "+15551234567", "body": "hi there"},
    )
    received = receiver.next()
    assert received.method == "POST" and received.path == "/hook"
    payload = received.body
    assert payload is not None
    assert (payload["event_name"], payload["account_id"]) == ("SMS_RECEIVED", "61")
    assert isinstance(payload["timestamp"], int)
    assert payload["metadata"]["body"] == "hi there"
    assert payload["metadata"]["message_id"].startswith("msg_")


def test_get_webhook_sends_query_parameters(control: Control, receiver: Receiver) -> None:
    hook(control, receiver, method="GET", event_type="USER_DIAL")
    control.start_call(JOHN, direction="outbound", peer="+15557654321")
    received = receiver.next()
    assert received.method == "GET" and received.body is None
    assert received.query["event_name"] == "USER_DIAL"
    assert received.query["account_id"] == "61" and received.query["timestamp"].isdigit()
    metadata = json.loads(received.query["metadata"])
    assert (metadata["user_id"], metadata["to_number"]) == (JOHN, "+15557654321")


def test_failing_receiver_gets_retries_logged_as_attempts(
    control: Control,
    receiver: Receiver,
) -> None:
    control("PATCH", "/settings", {"webhook_backoff_seconds": 0.05})
    receiver.fail_first = 2
    hook(control, receiver, event_type="USER_DIAL", retries=3)
    control.start_call(JOHN, direction="outbound")
    statuses = [receiver.next() for _ in range(3)]
    assert all(event_name_of(r) == "USER_DIAL" for r in statuses)
    attempts = []
    for _ in range(50):  # the third attempt is logged just after the receiver answered it
        attempts = control("GET", "/webhooks/deliveries")
        if len(attempts) == 3:
            break
    assert [(a["attempt"], a["status"], a["ok"]) for a in attempts] == [
        (1, 500, False),
        (2, 500, False),
        (3, 200, True),
    ]
    assert attempts[0]["error"] == "HTTP 500"


def test_unreachable_receiver_is_retried_then_given_up(
    control: Control,
    receiver: Receiver,
) -> None:
    control("PATCH", "/settings", {"webhook_backoff_seconds": 0.01})
    hook(control, receiver, url="http://127.0.0.1:9/nothing", event_type="USER_DIAL", retries=2)
    hook(control, receiver, event_type="CALL_ENDED")  # a marker: delivered after the dial
    call = control.start_call(JOHN, direction="outbound")
    control.end_call(call["call_id"])
    receiver.until("CALL_ENDED")
    attempts = []
    for _ in range(100):
        attempts = [
            a for a in control("GET", "/webhooks/deliveries") if a["event_name"] == "USER_DIAL"
        ]
        if len(attempts) == 3:
            break
    assert [a["attempt"] for a in attempts] == [1, 2, 3]
    assert all(a["status"] is None and a["error"] for a in attempts)


def test_webhooks_are_listed_and_removed(control: Control, receiver: Receiver) -> None:
    created = hook(control, receiver)
    assert control("GET", f"/accounts/{ACCOUNT}/webhooks") == [created]
    control("DELETE", f"/accounts/{ACCOUNT}/webhooks/{created['id']}")
    assert control("GET", f"/accounts/{ACCOUNT}/webhooks") == []


@pytest.mark.parametrize(
    "bad", [{"url": "ftp://x"}, {"event_type": "NOPE"}, {"retries": 6}, {"method": "PUT"}]
)
def test_invalid_webhooks_are_refused(control: Control, receiver: Receiver, bad: dict) -> None:
    response = control.sandbox.http.post(
        f"/control/accounts/{ACCOUNT}/webhooks", json={"url": receiver.url, **bad}
    )
    assert response.status_code == 400


def test_every_event_type_arrives_with_its_documented_metadata(
    control: Control, receiver: Receiver
) -> None:
    control("POST", "/time", {"scale": 0})
    hook(control, receiver)
    support = control.add_queue([], max_wait=30)  # nobody to ring: the caller times out
    control.add_caller(support, patience=None)
    control.patch_agent(JOHN, answers="never")
    control("PATCH", f"/accounts/{ACCOUNT}/queues/{SALES}", {"members": [JOHN]})
    control.add_caller(SALES, patience=25)  # rings John, no answer, then abandons
    control.advance(30)
    control.patch_agent(JOHN, answers="always", answer_delay=1, talk_seconds=10)
    control.add_caller(SALES, patience=None)
    control.advance(20)  # answered after 1 s, talk 10 s: CALL_ENDED completed
    call = control.start_call(JOHN, direction="outbound")
    control.end_call(call["call_id"])
    control(
        "POST",
        f"/accounts/{ACCOUNT}/sms/inbound",
        {"from_number": "+15550001111", "to_number": "+15551234567", "body": "hi"},
    )
    control.sandbox.http.post(
        f"/v3/voice/{ACCOUNT}/sms/send",
        headers=dev(),
        json={"from": "+15559876543", "to": "+15551234567", "message": "hello"},
    )
    control.advance(10)

    seen: dict[str, dict] = {}
    while set(seen) != set(METADATA):
        payload = receiver.next().body
        assert payload is not None
        seen.setdefault(payload["event_name"], payload["metadata"])
    for name, keys in METADATA.items():
        assert set(seen[name]) == keys, name
