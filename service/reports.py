"""Interval and agent reports of one day, as CSV rows (the board's report.csv and
`manage.py export_report`): a header row, then numbers only; times in the account's time
zone; names of queues and agents, never a phone number."""

import csv
import io
from collections.abc import Iterable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from accounts.models import Voice360Account
from service.figures import service_level
from service.intervals import bucket_of
from service.models import AgentDay, QueueInterval, targets_of
from service.tally import DEFAULT_TARGET, day_bounds

KINDS = ("interval", "agent")
INTERVAL_HEADER = (
    "interval_start",
    "queue_id",
    "queue",
    "offered",
    "answered",
    "answered_within_threshold",
    "abandoned",
    "short_abandoned",
    "timed_out",
    "not_answered",
    "service_level_percent",
    "mean_wait_seconds",
    "max_wait_seconds",
    "aht_seconds",
    "peak_waiting",
    "agents_online",
    "agents_available",
)
AGENT_HEADER = (
    "date",
    "agent_id",
    "agent",
    "answered",
    "placed",
    "talk_seconds",
    "aht_seconds",
    "available_seconds",
    "on_call_seconds",
    "offline_seconds",
    "unknown_status_seconds",
)


FORMULA = ("=", "+", "-", "@")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def interval_rows(
    account: Voice360Account, day: date, queue_ids: Iterable[int], queue_names: dict[int, str]
) -> list[tuple]:
    """One row per queue and interval with calls, in time order. `queue_ids`: empty for all."""
    zone = ZoneInfo(account.time_zone)
    start, end = (datetime.fromtimestamp(t, UTC) for t in day_bounds(day.isoformat(), zone))
    found = QueueInterval.objects.filter(account=account, start__gte=start, start__lt=end)
    if queue_ids := tuple(queue_ids):
        found = found.filter(queue_id__in=queue_ids)
    targets = targets_of(account.pk)
    rows = [INTERVAL_HEADER]
    for row in found.order_by("start", "queue_id"):
        target = targets.get(row.queue_id, DEFAULT_TARGET)
        level = service_level(bucket_of(row), target, "15m")
        rows.append(
            (
                row.start.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                row.queue_id,
                queue_names.get(row.queue_id, ""),
                row.offered,
                row.answered,
                row.answered_within_threshold,
                row.abandoned,
                row.short_abandoned,
                row.timed_out,
                row.not_answered,
                _number(level.percent),
                _number(row.mean_wait_seconds),
                _number(row.max_wait_seconds),
                _number(row.aht_seconds),
                "" if row.peak_waiting is None else row.peak_waiting,
                _number(row.agents_online),
                _number(row.agents_available),
            )
        )
    return rows


def agent_rows(account: Voice360Account, day: date, agent_names: dict[int, str]) -> list[tuple]:
    """One row per agent seen that day (calls or polls), as the interval history built it:
    up to the last quarter hour for today."""
    rows = [AGENT_HEADER]
    for row in AgentDay.objects.filter(account=account, date=day).order_by("agent_id"):
        rows.append(
            (
                day.isoformat(),
                row.agent_id,
                agent_names.get(row.agent_id, ""),
                row.answered,
                row.placed,
                _number(row.talk_seconds),
                _number(row.aht_seconds),
                _number(row.available_seconds),
                _number(row.on_call_seconds),
                _number(row.offline_seconds),
                _number(row.unknown_seconds),
            )
        )
    return rows


def to_csv(rows: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # A name could start with = + - @: a spreadsheet would run it as a formula.
    writer.writerows(
        tuple(f"'{v}" if isinstance(v, str) and v.startswith(FORMULA) else v for v in row)
        for row in rows
    )
    return out.getvalue()
