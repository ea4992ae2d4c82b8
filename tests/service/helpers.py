"""Storing events as the receiver does, received now (the tally finds new events by their
receipt time, which is always this machine's clock), whatever time they say they happened."""

import time
from typing import Any

from django.test import TestCase

from tests.webhooks.helpers import payload
from webhooks.models import WebhookEvent, WebhookReceiver
from webhooks.storage import store
from webhooks.validation import WebhookPayload

QUEUE = 100135


def stored(
    receiver: WebhookReceiver, event_name: str, when: float, **metadata: Any
) -> WebhookEvent:
    """Stored and committed: the commit's callbacks run (the tests' transaction never
    commits), so the account's event generation moves on as in production."""
    data = payload(event_name, timestamp=int(when), **metadata)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert store(receiver, WebhookPayload(**data), received=time.time())
    return WebhookEvent.objects.latest("pk")
