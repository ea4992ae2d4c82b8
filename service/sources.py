"""Reading an account's stored webhook events as `service.calls.Event`s.

Only countable call events with a call id count (webhooks/validation.py decides what is
countable; SMS events say nothing about calls). Reads take plain values, not model
instances: a rebuild reads a whole day of events.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import QuerySet

from service.calls import CALL_EVENTS, Event
from webhooks.models import WebhookEvent

COLUMNS = (
    "id",
    "event_name",
    "occurred_at",
    "call_id",
    "queue_id",
    "user_id",
    "direction",
    "reason",
    "metadata",
    "received_at",
)


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def call_events(account_pk: int) -> QuerySet[WebhookEvent]:
    return WebhookEvent.objects.filter(
        account_id=account_pk, countable=True, event_name__in=CALL_EVENTS
    ).exclude(call_id="")


def to_events(rows: Iterable[tuple]) -> list[tuple[str, Event]]:
    """(call id, Event) of each row of COLUMNS."""
    events = []
    for pk, name, occurred, call_id, queue_id, user_id, direction, reason, meta, got in rows:
        meta = meta if isinstance(meta, dict) else {}
        event = Event(
            id=pk,
            name=name,
            at=occurred.timestamp(),
            queue_id=queue_id,
            user_id=user_id,
            direction=direction,
            reason=reason,
            wait_seconds=_number(meta.get("wait_seconds")),
            duration=_number(meta.get("duration")),
            from_number=_text(meta.get("from_number")),
            to_number=_text(meta.get("to_number")),
            received_at=got.timestamp(),
        )
        events.append((call_id, event))
    return events


def received_since(account_pk: int, since: float) -> list[tuple[int, str, float]]:
    """(id, call id, receipt time) of the call events received at or after `since`."""
    rows = call_events(account_pk).filter(received_at__gte=_at(since))
    return [
        (pk, cid, got.timestamp())
        for pk, cid, got in rows.values_list("id", "call_id", "received_at")
    ]


def events_of(account_pk: int, call_ids: set[str], since: float) -> list[tuple[str, Event]]:
    """Every event of these call ids that happened at or after `since` (the same `since` as
    the rebuild's, so that a call is always made of the same events)."""
    rows = call_events(account_pk).filter(call_id__in=sorted(call_ids), occurred_at__gte=_at(since))
    return to_events(rows.values_list(*COLUMNS))


def events_since(account_pk: int, since: float) -> list[tuple[str, Event]]:
    """Every call event that happened at or after `since`: a rebuild's input."""
    rows = call_events(account_pk).filter(occurred_at__gte=_at(since)).order_by()
    return to_events(rows.values_list(*COLUMNS).iterator(chunk_size=5000))


def any_event(account_pk: int, now: float) -> bool:
    """Whether the account sent any event within the retention (WEBHOOK_RETENTION_DAYS)."""
    kept_from = now - settings.WEBHOOK_RETENTION_DAYS * 86400
    return WebhookEvent.objects.filter(
        account_id=account_pk, occurred_at__gte=_at(kept_from)
    ).exists()
