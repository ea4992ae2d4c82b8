"""An account's running tally of calls in Redis, brought up to date from new webhook events.

    wb:service:<account>       the JSON of `State`, TTL 2 days
    wb:service:rev:<account>   its revision, bumped by every write (read with the events'
                               generation in one round trip: service/today.py)

The tally covers one local day. It is built from the events of that day (and the hours
before it that its rolling windows and waiting calls reach), then kept up to date: when
events were stored since (their generation, webhooks/generation.py, moved on), the events
received lately are read, and for each call id among them the call's summary without the new
events is taken out of the tally and the summary with them put in (service/calls.py). So an
event arriving late, out of order or twice (a redelivery is not even stored twice) changes
exactly what it should. A new day, other targets, another time zone or a lost key rebuild
the tally from the table.

The poll holds the account's lock while it works here; should two writers meet all the same,
the second one's write is dropped (`revision`), and its events are found again next time:
"received lately" reaches LOOKBACK_SECONDS back, less the ids already counted (`seen`).
An event committed more than LOOKBACK_SECONDS after it was received is counted at the next
rebuild.
"""

import json
import logging
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from service import sources
from service.calls import Call, by_call_id, calls_of
from service.tally import Tally, Target, day_bounds, local_date
from wallboard.redis import get_redis

logger = logging.getLogger(__name__)

FORMAT = 1
LOOKBACK_SECONDS = 120.0
# A call still waiting after this long lost its end event: it is no longer "waiting".
WAITING_HORIZON_SECONDS = 3 * 3600
# How far before the local midnight a day's tally reads: the last hour's windows, and the
# calls still waiting from before midnight.
REACH_SECONDS = 3600 + WAITING_HORIZON_SECONDS
TTL_SECONDS = 2 * 86400

# Write the state only if nobody else wrote since it was read.
_SAVE = """
local current = redis.call('GET', KEYS[2])
if (current or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[4])
return 1
"""


def key(account_id: int) -> str:
    return f"wb:service:{account_id}"


def revision_key(account_id: int) -> str:
    return f"wb:service:rev:{account_id}"


def targets_key(targets: dict[int, Target]) -> str:
    return json.dumps(
        sorted(
            (q, t.threshold_seconds, t.short_abandon_seconds, t.target_percent)
            for q, t in targets.items()
        )
    )


@dataclass
class State:
    tally: Tally
    since: float  # the earliest event time the tally reads (fixed for its day)
    cursor: float  # events received from LOOKBACK_SECONDS before this were looked for
    seen: dict[int, float] = field(default_factory=dict)  # lately counted ids: receipt time
    generation: str = ""  # of the events folded in
    has_events: bool = False  # any stored event at all (else boards show no counts)
    dismissed: dict[str, float] = field(default_factory=dict)  # waiting calls ruled out
    over: dict[int, float] = field(default_factory=dict)  # queue -> first poll it looked over
    revision: str = ""
    calls: list[Call] = field(default_factory=list)  # only when rebuilt with keep_calls

    @property
    def zone(self) -> ZoneInfo:
        return self.tally.zone

    def waiting(self, now: float) -> dict[str, tuple[int, float]]:
        """The calls waiting now: not ruled out, and not past the horizon."""
        horizon = now - WAITING_HORIZON_SECONDS
        return {
            k: (q, at)
            for k, (q, at) in self.tally.waiting.items()
            if k not in self.dismissed and at >= horizon
        }

    def dump(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "zone": self.zone.key,
                "targets": targets_key(self.tally.targets),
                "since": self.since,
                "cursor": self.cursor,
                "seen": self.seen,
                "generation": self.generation,
                "has_events": self.has_events,
                "dismissed": self.dismissed,
                "over": self.over,
                "tally": self.tally.dump(),
            },
            separators=(",", ":"),
        )


def _load(raw: str, revision: str, targets: dict[int, Target]) -> State:
    data = json.loads(raw)
    zone = ZoneInfo(data["zone"])
    return State(
        tally=Tally.load(data["tally"], zone, targets),
        since=data["since"],
        cursor=data["cursor"],
        seen={int(k): v for k, v in data["seen"].items()},
        generation=data["generation"],
        has_events=data["has_events"],
        dismissed=data["dismissed"],
        over={int(k): v for k, v in data["over"].items()},
        revision=revision,
    )


def read(account_id: int, zone: ZoneInfo, targets: dict[int, Target], now: float) -> State | None:
    """The stored state, if it is for this day, zone and targets."""
    raw, revision = get_redis().mget(key(account_id), revision_key(account_id))
    revision = revision or ""
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        fits = (
            data.get("format") == FORMAT
            and data["zone"] == zone.key
            and data["targets"] == targets_key(targets)
            and data["tally"]["date"] == local_date(now, zone)
        )
        return _load(raw, revision, targets) if fits else None
    except (ValueError, KeyError, TypeError):
        logger.warning("service tally of account %s unreadable; rebuilding", account_id)
        return None


def invalidate(account_id: int) -> None:
    """New targets or another time zone may have made the stored tally wrong: the revision
    moves on, so no process keeps counting into the state it holds; the next poll reads the
    stored one again, which `read` keeps only if it still fits."""
    pipe = get_redis().pipeline()
    pipe.incr(revision_key(account_id))
    pipe.expire(revision_key(account_id), TTL_SECONDS)
    pipe.execute()


def ruled_out(account_id: int) -> dict[str, float]:
    """The waiting calls the stored tally ruled out, whatever day, zone or targets it is for:
    a rebuild keeps them, or every phantom caller would be back until the polls rule it out
    again (after midnight, after a target edit)."""
    raw = get_redis().get(key(account_id))
    try:
        dismissed = json.loads(raw)["dismissed"] if raw is not None else {}
        return {str(k): float(v) for k, v in dismissed.items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}


def save(account_id: int, state: State) -> bool:
    """False when another writer got in first (its state stands)."""
    revision = str(int(state.revision or 0) + 1)
    script = get_redis().register_script(_SAVE)
    written = script(
        keys=[key(account_id), revision_key(account_id)],
        args=[state.revision, revision, state.dump(), TTL_SECONDS],
    )
    if written:
        state.revision = revision
    return bool(written)


def rebuild(
    account_pk: int,
    zone: ZoneInfo,
    targets: dict[int, Target],
    now: float,
    revision: str = "",
    *,
    keep_calls: bool = False,
) -> State:
    """The tally of the local day at `now`, from the table. `revision`: the stored tally's,
    read before (it may have no tally, only a revision), for `save`. `keep_calls`: the calls
    counted too, in `State.calls` (the interval history reads their waits)."""
    received = time.time()  # receipt times are this machine's clock, whatever `now` is
    date = local_date(now, zone)
    since = day_bounds(date, zone)[0] - REACH_SECONDS
    tally = Tally(zone=zone, date=date, targets=targets)
    seen: dict[int, float] = {}
    events = sources.events_since(account_pk, since)
    kept: list[Call] = []
    for call_id, call_events in by_call_id(events).items():
        for call in calls_of(call_id, call_events):
            tally.apply(call, +1)
            if keep_calls:
                kept.append(call)
    for _, event in events:
        if event.received_at >= received - LOOKBACK_SECONDS:
            seen[event.id] = event.received_at
    state = State(
        tally=tally, since=since, cursor=received, seen=seen, revision=revision, calls=kept
    )
    state.has_events = bool(events) or sources.any_event(account_pk, now)
    return state


def fold(account_pk: int, state: State) -> bool:
    """Count the events received since the last fold; True if there were any.

    A call's events read now may include one committed a moment after the receipt times
    were read: it counts neither before nor after this fold (the next one finds it new).
    So the summary taken out is made of exactly the events counted before."""
    now = time.time()
    since, seen = state.cursor - LOOKBACK_SECONDS, dict(state.seen)
    recent = sources.received_since(account_pk, since)
    new = {pk: (cid, got) for pk, cid, got in recent if pk not in seen}
    state.cursor = now
    state.seen = {pk: got for pk, got in seen.items() if got >= now - LOOKBACK_SECONDS}
    state.seen |= {pk: got for pk, (_, got) in new.items()}
    if not new:
        return False
    state.has_events = True

    def counted(event) -> bool:
        return event.id in seen or event.received_at < since

    call_ids = {cid for cid, _ in new.values()}
    for call_id, events in by_call_id(sources.events_of(account_pk, call_ids, state.since)).items():
        before = [e for e in events if counted(e)]
        after = [e for e in events if counted(e) or e.id in new]
        for call in calls_of(call_id, before) if before else ():
            state.tally.apply(call, -1)
        for call in calls_of(call_id, after):
            state.tally.apply(call, +1)
    return True
