"""The outgoing webhook: a fired alert posted to a Slack-compatible incoming webhook.

The message names the board, the queue and the rule with its counts, and links to the board
when ALERT_LINK_BASE_URL is set; never a person. Each attempt waits at most
ALERT_WEBHOOK_TIMEOUT_SECONDS; a failed one is retried ALERT_WEBHOOK_RETRIES times through
Celery (a countdown, so the worker polls meanwhile instead of sleeping). The outcome is kept
on the event (notified, notify_error) and counted in `wb:metrics:alert_notifications`.
The URL is a secret: it is never logged, and errors are recorded without it. Where it may
post, and how, is alerts/outgoing.py; an address it refuses is recorded as refused, never
tried.
"""

import logging

import httpx
from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.views.decorators.debug import sensitive_variables

from accounts.crypto import Undecryptable
from alerts import outgoing
from alerts.models import AlertEvent
from wallboard.redis import get_redis

logger = logging.getLogger(__name__)

METRICS_KEY = "wb:metrics:alert_notifications"
UNDECRYPTABLE = (
    "The webhook URL cannot be decrypted with FIELD_ENCRYPTION_KEY (was the key changed "
    "without rotate_encryption_key?): enter the URL again."
)


def send_notification(event_id: int) -> None:
    """Queue the post once the event's row is committed (the worker reads it)."""
    transaction.on_commit(lambda: notify_webhook.delay(event_id))


def slack_escaped(text: str) -> str:
    """Text as Slack shows it, not as markup: a queue named "<!channel>" pings nobody and
    one named "<https://x|y>" plants no link (Slack's own escaping: &, <, >)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def message_text(event: AlertEvent) -> str:
    board = event.board
    parts = (event.message, board.title, str(event.rule))
    message, title, rule = (slack_escaped(part) for part in parts)
    text = f"⚠ {message} — board “{title}”, rule: {rule}"
    if settings.ALERT_LINK_BASE_URL:
        url = settings.ALERT_LINK_BASE_URL + reverse("board-supervisor", args=[board.slug])
        text += f" <{url}|open the board>"
    return text


def count(outcome: str) -> None:
    get_redis().hincrby(METRICS_KEY, outcome, 1)


def _describe(exc: Exception) -> str:
    # httpx puts the URL in some messages; the URL is a secret, so only the kind is kept.
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    return type(exc).__name__


@shared_task(bind=True, ignore_result=True, max_retries=None)
@sensitive_variables("url")
def notify_webhook(self, event_id: int) -> str:
    event = AlertEvent.objects.select_related("rule", "board").filter(pk=event_id).first()
    if event is None or not event.rule.webhook_url_encrypted:
        return "gone"  # the rule or its URL was deleted meanwhile
    try:
        url = event.rule.webhook_url or ""
    except Undecryptable:
        return _record(event, "undecryptable", UNDECRYPTABLE)
    try:
        outgoing.post(
            url, {"text": message_text(event)}, timeout=settings.ALERT_WEBHOOK_TIMEOUT_SECONDS
        )
    except ValidationError as refused:
        return _record(event, "refused", f"URL refused: {refused.messages[0]}")
    except httpx.HTTPError as exc:
        error = _describe(exc)
        attempt = self.request.retries
        if attempt < settings.ALERT_WEBHOOK_RETRIES:
            AlertEvent.objects.filter(pk=event_id).update(
                notify_error=f"attempt {attempt + 1} failed: {error}"
            )
            count("retried")
            countdown = settings.ALERT_WEBHOOK_RETRY_SECONDS * (2**attempt)
            raise self.retry(countdown=countdown, expires=countdown + 600) from None
        logger.warning("alert %s: outgoing webhook failed: %s", event_id, error)
        return _record(event, "failed", f"failed after {attempt + 1} attempts: {error}")
    return _record(event, "sent", "")


def _record(event: AlertEvent, outcome: str, error: str) -> str:
    AlertEvent.objects.filter(pk=event.pk).update(
        notified=outcome == "sent", notify_error=error[:300]
    )
    count(outcome)
    return outcome
