"""Storing an accepted event once, then telling the rest of the wallboard about it.

The row is written in a transaction with the receiver's counters; a second delivery of the
same event hits the unique `dedup_key` and is only counted. Once the row is committed the
account's event generation moves on (webhooks/generation.py: the service tally reads the new
event) and, for call and queue events, `upstream_changed` is sent (webhooks/signals.py: the
poller asks for an early poll). Those two need Redis; when it is down the event stays stored
and the sender still gets its 200 (the next regular poll, and the tally's once-a-minute look
for events, catch up).
"""

import logging
from datetime import UTC, datetime
from functools import partial

import kombu.exceptions
import redis
from django.db import IntegrityError, transaction
from django.db.models import F

from webhooks import generation, metrics
from webhooks.models import WebhookEvent, WebhookReceiver
from webhooks.signals import upstream_changed
from webhooks.validation import MAX_CLOCK_SKEW_SECONDS, WebhookPayload

logger = logging.getLogger(__name__)

# Events that change what the API reports (calls, queues): they trigger an early poll.
EARLY_POLL_EVENTS = frozenset(
    {
        "INCOMING_EXTERNAL_CALL",
        "USER_DIAL",
        "USER_ANSWER",
        "USER_HANGUP",
        "CALL_ENDED",
        "QUEUE_NO_ANSWER",
        "QUEUE_HANGUP_TIMEOUT",
        "QUEUE_HANGUP_ABANDONED",
    }
)
# Kept out of the stored metadata: nothing counts them, and they are personal data.
DROPPED_METADATA = ("body",)


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _int_or_none(value: object) -> int | None:
    # Within the signed 64-bit columns; a larger one stays in the metadata alone.
    if isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63:
        return value
    return None


def _text(value: object, length: int) -> str:
    return value[:length] if isinstance(value, str) else ""


def build_event(
    receiver: WebhookReceiver, payload: WebhookPayload, received: float
) -> WebhookEvent:
    occurred = float(payload.timestamp)
    if occurred > received + MAX_CLOCK_SKEW_SECONDS:
        metrics.count_note("clock_skew")
        logger.warning(
            "webhook timestamp %d s ahead of our clock account=%s event=%s; using receipt time",
            occurred - received,
            payload.account_id,
            payload.event_name,
        )
        occurred = received
    meta = payload.metadata
    return WebhookEvent(
        account_id=receiver.account_id,
        event_name=payload.event_name,
        occurred_at=_at(occurred),
        received_at=_at(received),
        dedup_key=payload.dedup_key(),
        call_id=_text(meta.get("call_id"), 128),
        queue_id=_int_or_none(meta.get("queue_id")),
        user_id=_int_or_none(meta.get("user_id")),
        direction=_text(meta.get("direction"), 16),
        reason=_text(meta.get("reason"), 16),
        metadata={k: v for k, v in meta.items() if k not in DROPPED_METADATA},
        countable=not payload.problem,
        problem=payload.problem[:200],
    )


def store(receiver: WebhookReceiver, payload: WebhookPayload, received: float) -> bool:
    """True when the event is new, False when it was stored before. Raises DatabaseError
    when the database cannot take it (the view answers 503 so that the sender retries)."""
    event = build_event(receiver, payload, received)
    receivers = WebhookReceiver.objects.filter(pk=receiver.pk)
    try:
        with transaction.atomic():
            event.save(force_insert=True)
            receivers.update(accepted_count=F("accepted_count") + 1, last_event_at=_at(received))
            account_id = int(payload.account_id)
            transaction.on_commit(
                partial(after_commit, account_id, payload.event_name), robust=True
            )
    except IntegrityError:
        receivers.update(duplicate_count=F("duplicate_count") + 1)
        metrics.count_duplicate(payload.event_name)
        return False
    metrics.count_accepted(payload.event_name)
    if payload.problem:
        metrics.count_not_countable(payload.event_name)
        logger.warning(
            "webhook stored but not countable account=%s event=%s: %s",
            payload.account_id,
            payload.event_name,
            payload.problem,
        )
    return True


def after_commit(account_id: int, event_name: str) -> None:
    try:
        generation.bump(account_id)
        if event_name in EARLY_POLL_EVENTS:
            upstream_changed.send(sender=WebhookEvent, account_id=account_id)
    except (redis.RedisError, kombu.exceptions.OperationalError) as exc:
        metrics.count_note("after_commit_failed")
        logger.warning(
            "webhook event stored but Redis is unavailable (%s) account=%s event=%s: "
            "no early poll, counted within a minute",
            type(exc).__name__,
            account_id,
            event_name,
        )
