"""Old webhook events are deleted after WEBHOOK_RETENTION_DAYS, a batch at a time so that
a large purge never holds a long lock on the table the receiver writes to."""

import logging
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings

from webhooks.models import WebhookEvent

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000


def cutoff(now: float) -> datetime:
    return datetime.fromtimestamp(now, UTC) - timedelta(days=settings.WEBHOOK_RETENTION_DAYS)


def purge(now: float | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Delete events that occurred before the retention window; returns how many."""
    before = cutoff(time.time() if now is None else now)
    deleted = 0
    while True:
        batch = list(
            WebhookEvent.objects.filter(occurred_at__lt=before)
            .order_by("occurred_at")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            break
        deleted += WebhookEvent.objects.filter(pk__in=batch).delete()[0]
    if deleted:
        logger.info("purged %d webhook events older than %s", deleted, before.isoformat())
    return deleted
