"""Payloads as Voice360 (and the sandbox) sends them, and ways to deliver them."""

import itertools
import json
from datetime import UTC, datetime
from typing import Any

from django.test import Client

from webhooks.models import WebhookEvent, WebhookReceiver
from webhooks.storage import store
from webhooks.validation import WebhookPayload

ACCOUNT = 61
TOKEN = "test-webhook-token-0123456789abcdef"
PHONE = "+15551234567"
SMS_BODY = "Hello, this is a test message"
_call_ids = itertools.count(1)


def new_call_id() -> str:
    return f"c61-{next(_call_ids)}"


def metadata_for(event_name: str, **overrides: Any) -> dict[str, Any]:
    call = {"call_id": overrides.pop("call_id", None) or new_call_id()}
    numbers = {"from_number": PHONE, "to_number": "1001"}
    queue = {"queue_id": 100135, "queue_name": "support"}
    agent = {"user_id": 7, "extension": "1001"}
    sms = {"message_id": "msg_abc123", **numbers}
    base: dict[str, dict[str, Any]] = {
        "INCOMING_EXTERNAL_CALL": {**call, **numbers, **queue},
        "USER_DIAL": {**call, **agent, **numbers},
        "USER_ANSWER": {**call, **agent, "direction": "inbound", **numbers, "queue_id": 100135},
        "USER_HANGUP": {**call, **agent, "to_number": PHONE, "duration": 42},
        "CALL_ENDED": {
            **call,
            "direction": "inbound",
            **numbers,
            "duration": 42,
            "queue_id": 100135,
            "user_id": 7,
            "reason": "completed",
        },
        "SMS_RECEIVED": {**sms, "body": SMS_BODY},
        "SMS_SENT": {**sms, "body": SMS_BODY},
        "SMS_DELIVERED": {**sms, "status": "delivered"},
        "QUEUE_NO_ANSWER": {**call, **queue, "from_number": PHONE, "wait_seconds": 20},
        "QUEUE_HANGUP_TIMEOUT": {**call, **queue, "from_number": PHONE, "wait_seconds": 600},
        "QUEUE_HANGUP_ABANDONED": {**call, **queue, "from_number": PHONE, "wait_seconds": 35},
    }
    return {**base[event_name], **overrides}


def payload(event_name: str, timestamp: int = 1_704_067_200, **metadata: Any) -> dict[str, Any]:
    return {
        "event_name": event_name,
        "account_id": str(ACCOUNT),
        "timestamp": timestamp,
        "metadata": metadata_for(event_name, **metadata),
    }


def url(token: str = TOKEN) -> str:
    return f"/webhooks/voice360/{token}/"


def post(client: Client, body: object, token: str = TOKEN):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(url(token), data=data, content_type="application/json")


def get(client: Client, body: dict[str, Any], token: str = TOKEN):
    params = {**body, "metadata": json.dumps(body["metadata"])}
    return client.get(url(token), params)


def at(text: str, zone: str = "UTC") -> float:
    """Unix seconds of a local wall time, e.g. at("2026-11-28 23:59:30", "Europe/Berlin")."""
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).timestamp()


def store_event(
    receiver: WebhookReceiver, event_name: str, when: float, **metadata: Any
) -> WebhookEvent:
    """An event stored as the receiver would store it, `when` being its time (and receipt)."""
    data = payload(event_name, timestamp=int(when), **metadata)
    assert store(receiver, WebhookPayload(**data), received=when)
    return WebhookEvent.objects.latest("pk")
