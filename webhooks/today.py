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

Counts are cached in Redis per (account, local date) for CACHE_SECONDS (the rolling hour
and the waiting call move with time) and dropped when an event is stored; without Redis,
or after it lost its data, they are simply computed again from the database.
"""

import json
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import redis
from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from accounts.models import Voice360Account
from snapshots.models import AgentToday, QueueToday, TodayCounts
from wallboard.redis import get_redis
from webhooks.models import WebhookEvent
from webhooks.validation import MAX_CLOCK_SKEW_SECONDS

logger = logging.getLogger(__name__)

CACHE_SECONDS = 30
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
    account = (
        Voice360Account.objects.filter(account_id=account_id).values("pk", "time_zone").first()
    )
    if account is None:
        return None
    zone = ZoneInfo(account["time_zone"])
    local_date = datetime.fromtimestamp(now, zone).date().isoformat()
    generation, cached = _read_cache(account_id, local_date)
    if cached is not None:
        return cached.counts
    counts = compute(account["pk"], zone, now)
    _write_cache(account_id, local_date, generation, counts)
    return counts


def compute(account_pk: int, zone: ZoneInfo, now: float) -> TodayCounts | None:
    """The counts straight from the database, in four grouped queries."""
    now_at = datetime.fromtimestamp(now, UTC)
    events = WebhookEvent.objects.filter(account_id=account_pk)
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


# --- the cache -------------------------------------------------------------------------------
# wb:today:gen:<account>          bumped by every stored event (no expiry)
# wb:today:<account>:<date>       "<generation>|<counts JSON or null>", CACHE_SECONDS
# A value is used only while its generation is current, so counts computed while an event
# was being stored (from before it) are never served after it.


class _Cached:
    def __init__(self, counts: TodayCounts | None) -> None:
        self.counts = counts


def _generation_key(account_id: int) -> str:
    return f"wb:today:gen:{account_id}"


def _value_key(account_id: int, local_date: str) -> str:
    return f"wb:today:{account_id}:{local_date}"


def invalidate(account_id: int) -> None:
    get_redis().incr(_generation_key(account_id))


def _read_cache(account_id: int, local_date: str) -> tuple[str, _Cached | None]:
    try:
        generation, raw = get_redis().mget(
            _generation_key(account_id), _value_key(account_id, local_date)
        )
    except redis.RedisError as exc:
        logger.warning("today's counts cache unavailable (%s); computing", type(exc).__name__)
        return "", None
    generation = generation or "0"
    if raw is None:
        return generation, None
    stored_generation, _, body = raw.partition("|")
    if stored_generation != generation:
        return generation, None
    data = json.loads(body)
    return generation, _Cached(None if data is None else TodayCounts.model_validate(data))


def _write_cache(
    account_id: int, local_date: str, generation: str, counts: TodayCounts | None
) -> None:
    if not generation:
        return  # Redis did not answer the read
    body = "null" if counts is None else counts.model_dump_json()
    try:
        get_redis().set(
            _value_key(account_id, local_date), f"{generation}|{body}", ex=CACHE_SECONDS
        )
    except redis.RedisError as exc:
        logger.warning("today's counts not cached (%s)", type(exc).__name__)
