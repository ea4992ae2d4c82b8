"""Webhook counters in Redis, summed over every web process and read by /metrics.

wb:metrics:webhook_events      event type -> events accepted (stored for the first time)
wb:metrics:webhook_duplicates  event type -> events delivered again (stored once)
wb:metrics:webhook_rejections  reason -> requests answered 4xx (unknown_token, bad_json, ...)
wb:metrics:webhook_notes       clock_skew, after_commit_failed -> count
wb:metrics:webhook_not_countable  event type -> events stored that the counts cannot use

A counter that cannot be written (Redis down) is logged and skipped: the event itself is
in the database, and counting must never fail a delivery.
"""

import logging
from collections.abc import Iterator

import redis
from prometheus_client.core import CounterMetricFamily, Metric

from wallboard.redis import get_redis

logger = logging.getLogger(__name__)

ACCEPTED = "wb:metrics:webhook_events"
DUPLICATES = "wb:metrics:webhook_duplicates"
REJECTIONS = "wb:metrics:webhook_rejections"
NOTES = "wb:metrics:webhook_notes"
NOT_COUNTABLE = "wb:metrics:webhook_not_countable"


def _increment(key: str, label: str) -> None:
    try:
        get_redis().hincrby(key, label, 1)
    except redis.RedisError as exc:
        logger.warning("webhook counter %s[%s] not counted: %s", key, label, type(exc).__name__)


def count_accepted(event_name: str) -> None:
    _increment(ACCEPTED, event_name)


def count_duplicate(event_name: str) -> None:
    _increment(DUPLICATES, event_name)


def count_rejected(reason: str) -> None:
    _increment(REJECTIONS, reason)


def count_not_countable(event_name: str) -> None:
    _increment(NOT_COUNTABLE, event_name)


def count_note(note: str) -> None:
    _increment(NOTES, note)


def read(key: str) -> dict[str, int]:
    return {k: int(v) for k, v in get_redis().hgetall(key).items()}


def families(client: redis.Redis) -> Iterator[Metric]:
    """The webhook metric families, in one Redis round trip."""
    pipe = client.pipeline(transaction=False)
    for key in (ACCEPTED, DUPLICATES, REJECTIONS, NOTES, NOT_COUNTABLE):
        pipe.hgetall(key)
    accepted, duplicates, rejections, notes, not_countable = pipe.execute()
    specs = (
        ("wallboard_webhook_events", "Webhook events stored, by type.", "event", accepted),
        (
            "wallboard_webhook_duplicates",
            "Webhook events delivered again (stored and counted once), by type.",
            "event",
            duplicates,
        ),
        (
            "wallboard_webhook_rejections",
            "Webhook requests refused (4xx), by reason.",
            "reason",
            rejections,
        ),
        (
            "wallboard_webhook_not_countable",
            "Webhook events stored that today's counts cannot use (an unknown type, a field "
            "missing or mistyped), by type.",
            "event",
            not_countable,
        ),
        (
            "wallboard_webhook_notes",
            "Webhook oddities: clock_skew (timestamp ahead, receipt time used), "
            "after_commit_failed (Redis down after storing: no early poll).",
            "note",
            notes,
        ),
    )
    for name, documentation, label, values in specs:
        metric = CounterMetricFamily(name, documentation, labels=[label])
        for key, value in sorted(values.items()):
            metric.add_metric([key], int(value))
        yield metric
