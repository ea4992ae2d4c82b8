"""Today's calls and service figures of an account: what the overlay puts on each snapshot.

Cheap on every poll: one Redis round trip when nothing happened (the events' generation and
the tally's revision are what this process saw last); when events were stored, the new ones
folded into the tally this process holds (service/ledger.py), read from Redis again only if
another process wrote it meanwhile; the figures worked out again only then or
when a minute passed (the rolling windows move); once a minute one query looks for events
anyway. Each poll also checks the waiting calls against the poll's queues
(service/reconcile.py).
"""

import logging
from collections import OrderedDict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import redis

from accounts.models import Voice360Account
from service import figures, ledger, reconcile
from service.ledger import State
from service.models import targets_of
from service.tally import local_date, minute_of
from snapshots.models import Snapshot, TodayCounts
from wallboard.redis import get_redis
from webhooks.generation import generation_key

logger = logging.getLogger(__name__)

CACHED_ACCOUNTS = 2000


@dataclass
class _Seen:
    account_pk: int
    state: State
    minute: int = -1  # of `counts`
    counts: TodayCounts | None = None
    swept: int = -1  # the minute events were last looked for without a new generation


# This process's last state of each account it polls (an LRU): a poll where nothing happened
# neither reads nor parses the tally.
_seen: "OrderedDict[int, _Seen]" = OrderedDict()


def forget() -> None:
    """Drop what this process remembers (tests that rewrite Redis underneath it)."""
    _seen.clear()


def _current(account_id: int, now: float) -> _Seen | None:
    generation, revision = get_redis().mget(
        generation_key(account_id), ledger.revision_key(account_id)
    )
    generation, revision = generation or "0", revision or ""
    seen = _seen.get(account_id)
    if (
        seen is not None
        and seen.state.revision == revision
        and seen.state.tally.date == local_date(now, seen.state.zone)
    ):
        _seen.move_to_end(account_id)
        if seen.state.generation == generation:
            _sweep(account_id, seen, now)
            return seen
        if _catch_up(account_id, seen, generation, now):
            return seen
    found = _up_to_date(account_id, generation, revision, now)
    if found is None:
        _seen.pop(account_id, None)
        return None
    seen = _seen[account_id] = _Seen(*found, swept=minute_of(now))
    while len(_seen) > CACHED_ACCOUNTS:
        _seen.popitem(last=False)
    return seen


def _catch_up(account_id: int, seen: _Seen, generation: str, now: float) -> bool:
    """Events were stored and no other process wrote the tally since this one did: fold
    them into the state this process holds, without reading and parsing it again. False
    when another writer got in first meanwhile (the caller reads theirs)."""
    ledger.fold(seen.account_pk, seen.state)
    seen.state.generation = generation
    seen.state.tally.prune(now)
    seen.minute, seen.swept = -1, minute_of(now)
    return ledger.save(account_id, seen.state)


def _sweep(account_id: int, seen: _Seen, now: float) -> None:
    """Once a minute, look for events anyway: an event stored while Redis was away could
    not move the generation on."""
    if seen.swept == minute_of(now):
        return
    seen.swept = minute_of(now)
    if ledger.fold(seen.account_pk, seen.state):
        seen.state.tally.prune(now)
        ledger.save(account_id, seen.state)
        seen.minute = -1


def _up_to_date(
    account_id: int, generation: str, revision: str, now: float
) -> tuple[int, State] | None:
    account = (
        Voice360Account.objects.filter(account_id=account_id).values("pk", "time_zone").first()
    )
    if account is None:
        return None
    zone, targets = ZoneInfo(account["time_zone"]), targets_of(account["pk"])
    state = ledger.read(account_id, zone, targets, now)
    if state is None:
        state = ledger.rebuild(account["pk"], zone, targets, now, revision)
        kept = ledger.ruled_out(account_id)
        state.dismissed = {k: at for k, at in kept.items() if k in state.tally.waiting}
    elif state.generation != generation:
        ledger.fold(account["pk"], state)
    else:
        return account["pk"], state  # another process brought it up to date
    state.generation = generation
    state.tally.prune(now)
    if not ledger.save(account_id, state):
        logger.info("service tally of account %s written by another worker", account_id)
    return account["pk"], state


def _from_the_table(account_id: int, now: float) -> TodayCounts | None:
    account = Voice360Account.objects.filter(account_id=account_id).first()
    if account is None:
        return None
    zone = ZoneInfo(account.time_zone)
    state = ledger.rebuild(account.pk, zone, targets_of(account.pk), now)
    return figures.today_counts(state, now) if state.has_events else None


def today_counts(
    account_id: int, now: float, snapshot: Snapshot | None = None
) -> TodayCounts | None:
    """The figures at `now`; None while the account has no stored events at all (boards do
    not show zeros that only mean "webhooks not set up"). `snapshot`: the poll's, to check
    the waiting calls against."""
    try:
        seen = _current(account_id, now)
    except redis.RedisError as exc:
        logger.warning(
            "service tally unavailable (%s); counting from the table", type(exc).__name__
        )
        return _from_the_table(account_id, now)
    if seen is None:
        return None
    if snapshot is not None and reconcile.apply(seen.state, snapshot, now):
        ledger.save(account_id, seen.state)
        seen.minute = -1
    if seen.minute != minute_of(now):
        state = seen.state
        seen.counts = figures.today_counts(state, now) if state.has_events else None
        seen.minute = minute_of(now)
    return seen.counts
