"""Interval history: each queue's calls per 15-minute interval and each agent's day, kept for
SERVICE_HISTORY_DAYS (docs/metrics.md, "Interval history").

Built by a Celery task after each interval's end (service/tasks.py) from the stored events,
with the same rules as the boards' figures: the day's calls are worked out from the table
(service/ledger.py `rebuild`) and the minutes of the interval summed. Idempotent: building an
interval again replaces its rows with the same numbers, or with better ones when events
arrived late; the task builds the last two intervals each time for that reason.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from accounts.models import Voice360Account
from service import ledger, samples
from service.calls import Call, Kind
from service.figures import service_level
from service.models import AgentDay, QueueInterval, targets_of
from service.samples import INTERVAL_SECONDS, interval_start
from service.tally import MINUTE, Bucket, day_bounds

FIELDS = {  # QueueInterval field: Bucket field
    "answered": "answered",
    "answered_within_threshold": "answered_within",
    "abandoned": "abandoned",
    "short_abandoned": "short_abandoned",
    "timed_out": "timed_out",
    "not_answered": "not_answered",
    "answered_timed": "answered_timed",
    "wait_total_seconds": "wait_total",
    "talked": "talked",
    "talk_total_seconds": "talk_total",
}


def bucket_of(row: QueueInterval) -> Bucket:
    """A stored row back as the tally's counts, for the formulas (service/figures.py)."""
    return Bucket(**{name: getattr(row, field) for field, name in FIELDS.items()})


def _sums(minutes: dict[int, dict[int, Bucket]], start: float) -> dict[int, Bucket]:
    sums: dict[int, Bucket] = {}
    for minute in range(int(start), int(start) + INTERVAL_SECONDS, MINUTE):
        for queue_id, bucket in minutes.get(minute, {}).items():
            sums.setdefault(queue_id, Bucket()).add(bucket)
    return sums


def _longest_waits(calls: list[Call], start: float) -> dict[int, float]:
    """Per queue, the longest wait that ended in the interval (answered, abandoned or not)."""
    longest: dict[int, float] = {}
    for call in calls:
        ended = call.wait_ended_at
        if call.kind is not Kind.QUEUE or call.wait_seconds is None or ended is None:
            continue
        if start <= ended < start + INTERVAL_SECONDS and call.queue_id is not None:
            longest[call.queue_id] = max(longest.get(call.queue_id, 0.0), call.wait_seconds)
    return longest


def build(account: Voice360Account, start: float) -> list[QueueInterval]:
    """The rows of one interval (from `start`, an interval start) for every queue with calls
    in it, stored in place of the ones built before; then the day of its agents so far."""
    zone = ZoneInfo(account.time_zone)
    # The day's calls as of the interval's end: the ones whose wait ended in it.
    end = start + INTERVAL_SECONDS - 1
    state = ledger.rebuild(account.pk, zone, targets_of(account.pk), end, keep_calls=True)
    at = datetime.fromtimestamp(start, UTC)
    calls = _sums(state.tally.minutes, start)
    longest = _longest_waits(state.calls, start)
    polls = samples.read(account.account_id, start)
    rows = []
    for queue_id in sorted(set(calls) | set(polls)):
        bucket = calls.get(queue_id, Bucket())
        values = {field: getattr(bucket, name) for field, name in FIELDS.items()}
        values["max_wait_seconds"] = longest.get(queue_id)
        offered = service_level(bucket, state.tally.target(queue_id), "15m").offered
        seen = polls.get(queue_id)
        if seen is not None:
            values |= {
                "peak_waiting": seen.peak_waiting,
                "agents_online": round(seen.agents_online, 2),
                "agents_available": round(seen.agents_available, 2),
            }
        rows.append(
            QueueInterval(account=account, queue_id=queue_id, start=at, offered=offered, **values)
        )
    with transaction.atomic():
        QueueInterval.objects.filter(account=account, start=at).delete()
        QueueInterval.objects.bulk_create(rows)
        _build_agent_day(account, state.tally, end)
    return rows


def _day_starts(day: str, zone: ZoneInfo, until: float) -> list[float]:
    """The interval starts of the local day up to `until` (92 to 100 of a whole day)."""
    first, last = day_bounds(day, zone)
    return [t for t in range(int(first), int(min(last, until)) + 1, INTERVAL_SECONDS)]


def _build_agent_day(account: Voice360Account, tally, until: float) -> list[AgentDay]:
    """Each agent's local day up to `until` from the day's tally and the polls' samples, in
    place of the rows built before. An agent seen by the polls but with no call gets a row."""
    day = tally.date
    spent = samples.read_agents(account.account_id, _day_starts(day, tally.zone, until))
    rows = []
    for agent_id in sorted(set(tally.agents) | set(spent)):
        counts = tally.agents.get(agent_id)
        times = spent.get(agent_id, {})
        rows.append(
            AgentDay(
                account=account,
                agent_id=agent_id,
                date=date.fromisoformat(day),
                answered=counts.answered if counts else 0,
                placed=counts.placed if counts else 0,
                talked=counts.talked if counts else 0,
                talk_seconds=round(counts.talk_total, 3) if counts else 0.0,
                available_seconds=round(times.get("available", 0.0), 3),
                on_call_seconds=round(times.get("on_call", 0.0), 3),
                offline_seconds=round(times.get("offline", 0.0), 3),
                unknown_seconds=round(times.get("online", 0.0), 3),
            )
        )
    AgentDay.objects.filter(account=account, date=day).delete()
    AgentDay.objects.bulk_create(rows)
    return rows


def build_recent(now: float) -> int:
    """The two intervals that ended last, for every enabled account; then the purge."""
    ended = interval_start(now) - INTERVAL_SECONDS
    built = 0
    for account in Voice360Account.objects.filter(enabled=True):
        for start in (ended - INTERVAL_SECONDS, ended):
            built += len(build(account, start))
    purge(now)
    return built


def purge(now: float) -> int:
    kept_from = datetime.fromtimestamp(now, UTC) - timedelta(days=settings.SERVICE_HISTORY_DAYS)
    deleted, _ = QueueInterval.objects.filter(start__lt=kept_from).delete()
    agent_days, _ = AgentDay.objects.filter(date__lt=kept_from.date()).delete()
    return deleted + agent_days
