"""Today's counts of an account, from its stored webhook events.

"Today" starts at local midnight in the account's `time_zone` at `now` and takes events up
to MAX_CLOCK_SKEW_SECONDS after `now` (a sender's clock may be a little ahead of ours), never
past the next midnight. What counts as what
(each count is of distinct `call_id`s, so a redelivered or repeated event cannot inflate it):

- inbound: INCOMING_EXTERNAL_CALL (per queue: its queue_id; total: all of them).
- answered: USER_ANSWER with direction "inbound" (per queue: with that queue_id; total:
  every inbound answer, queue calls and direct calls alike).
- abandoned: QUEUE_HANGUP_ABANDONED. timed_out: QUEUE_HANGUP_TIMEOUT.
- not_answered: QUEUE_NO_ANSWER (a call counts once, however many ring rounds failed).
- abandoned_last_hour: QUEUE_HANGUP_ABANDONED in the 3600 s before `now`, even from
  before midnight.
- oldest_waiting_since: see below (total: the oldest of the queues').

Per agent (metadata.user_id): answered = USER_ANSWER, placed = USER_DIAL.

A call is waiting in its queue when its INCOMING_EXTERNAL_CALL has no USER_ANSWER,
CALL_ENDED, QUEUE_HANGUP_TIMEOUT or QUEUE_HANGUP_ABANDONED at or after it. QUEUE_NO_ANSWER
does not end the wait: it says one ring round went unanswered and the caller waits on for
the next. Calls that arrived more than WAITING_HORIZON_SECONDS ago are ignored, so a lost
end event cannot keep a "waiting since" on the board for ever. CALL_ENDED, USER_HANGUP and
the SMS events count nothing.

Counts are cached in Redis per account and local date for a short while (counts_cache.py)
and dropped when an event is stored; without Redis, or after it lost its data, they are
simply computed again from the database.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from accounts.models import Voice360Account
from snapshots.models import AgentToday, QueueToday, TodayCounts
from webhooks import counts_cache
from webhooks.models import WebhookEvent
from webhooks.validation import MAX_CLOCK_SKEW_SECONDS

WAITING_HORIZON_SECONDS = 3 * 3600
LAST_HOUR_SECONDS = 3600

INCOMING = "INCOMING_EXTERNAL_CALL"
ANSWER = "USER_ANSWER"
DIAL = "USER_DIAL"
ABANDONED = "QUEUE_HANGUP_ABANDONED"
TIMEOUT = "QUEUE_HANGUP_TIMEOUT"
NO_ANSWER = "QUEUE_NO_ANSWER"
WAIT_ENDERS = (ANSWER, "CALL_ENDED", TIMEOUT, ABANDONED)


def today_counts(account_id: int, now: float) -> TodayCounts | None:
    """Counts since local midnight (the account's time zone) at `now`; None while the account
    has no stored events (so boards do not show zeros that only mean "not set up")."""
    cached = counts_cache.read(account_id)
    if cached.entry is not None and cached.entry.serves(now):
        return cached.entry.counts
    account = (
        Voice360Account.objects.filter(account_id=account_id).values("pk", "time_zone").first()
    )
    if account is None:
        return None
    zone = ZoneInfo(account["time_zone"])
    counts = compute(account["pk"], zone, now)
    local_date = datetime.fromtimestamp(now, zone).date().isoformat()
    entry = counts_cache.Entry(
        generation=cached.generation, time_zone=zone.key, date=local_date, counts=counts
    )
    counts_cache.write(account_id, entry)
    return counts


def compute(account_pk: int, zone: ZoneInfo, now: float) -> TodayCounts | None:
    """The counts straight from the database, in four grouped queries."""
    now_at = datetime.fromtimestamp(now, UTC)
    events = WebhookEvent.objects.filter(account_id=account_pk, countable=True)
    retention = timedelta(days=settings.WEBHOOK_RETENTION_DAYS)
    if not events.filter(occurred_at__gte=now_at - retention).exists():
        return None
    local_now = now_at.astimezone(zone)
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    hour_ago = now_at - timedelta(seconds=LAST_HOUR_SECONDS)
    until = _until(now_at, local_now, zone)
    recent = events.filter(occurred_at__gte=min(midnight, hour_ago), occurred_at__lt=until)
    aggregates = _queue_aggregates(midnight, hour_ago)
    total = QueueToday(**recent.aggregate(**aggregates))
    queues = {
        row.pop("queue_id"): row
        for row in recent.exclude(queue_id=None).values("queue_id").annotate(**aggregates)
    }
    waiting = _oldest_waiting(events, now_at, until)
    for queue_id in waiting:
        queues.setdefault(queue_id, {})
    by_queue = {
        queue_id: QueueToday(**counts, oldest_waiting_since=waiting.get(queue_id))
        for queue_id, counts in sorted(queues.items())
    }
    if waiting:
        total = total.model_copy(update={"oldest_waiting_since": min(waiting.values())})
    return TodayCounts(
        date=local_now.date().isoformat(),
        time_zone=zone.key,
        total=total,
        queues=by_queue,
        agents=_agents(recent.filter(occurred_at__gte=midnight)),
    )


def _until(now_at: datetime, local_now: datetime, zone: ZoneInfo) -> datetime:
    """Events up to a little after `now` count: a sender whose clock is a few seconds ahead
    (up to the skew the receiver accepts) must not see its events wait for ours. Never past
    the local day's end."""
    tomorrow = (local_now.replace(tzinfo=None) + timedelta(days=1)).date()
    next_midnight = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=zone)
    return min(now_at + timedelta(seconds=MAX_CLOCK_SKEW_SECONDS), next_midnight)


def _calls(event_name: str, since: datetime, **extra: object) -> Count:
    return Count(
        "call_id", filter=Q(event_name=event_name, occurred_at__gte=since, **extra), distinct=True
    )


def _queue_aggregates(midnight: datetime, hour_ago: datetime) -> dict[str, Count]:
    return {
        "inbound": _calls(INCOMING, midnight),
        "answered": _calls(ANSWER, midnight, direction="inbound"),
        "abandoned": _calls(ABANDONED, midnight),
        "timed_out": _calls(TIMEOUT, midnight),
        "not_answered": _calls(NO_ANSWER, midnight),
        "abandoned_last_hour": _calls(ABANDONED, hour_ago),
    }


def _oldest_waiting(
    events: QuerySet[WebhookEvent], now_at: datetime, until: datetime
) -> dict[int, float]:
    """queue_id -> arrival (Unix seconds) of its longest-waiting call, for queues with one."""
    ended = events.filter(
        call_id=OuterRef("call_id"),
        event_name__in=WAIT_ENDERS,
        occurred_at__gte=OuterRef("occurred_at"),
    )
    horizon = now_at - timedelta(seconds=WAITING_HORIZON_SECONDS)
    rows = (
        events.filter(event_name=INCOMING, occurred_at__gte=horizon, occurred_at__lt=until)
        .exclude(queue_id=None)
        .exclude(Exists(ended))
        .values("queue_id")
        .annotate(since=Min("occurred_at"))
    )
    return {row["queue_id"]: row["since"].timestamp() for row in rows}


def _agents(events: QuerySet[WebhookEvent]) -> dict[int, AgentToday]:
    rows = (
        events.filter(event_name__in=(ANSWER, DIAL))
        .exclude(user_id=None)
        .values("user_id")
        .annotate(
            answered=Count("call_id", filter=Q(event_name=ANSWER), distinct=True),
            placed=Count("call_id", filter=Q(event_name=DIAL), distinct=True),
        )
        .order_by("user_id")
    )
    return {row.pop("user_id"): AgentToday(**row) for row in rows}
