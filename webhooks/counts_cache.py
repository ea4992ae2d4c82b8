"""Today's counts of each account, cached in Redis for a short while.

wb:today:gen:<account>   bumped by every stored event (no expiry)
wb:today:<account>       JSON {generation, time_zone, date, counts}, CACHE_SECONDS

An entry serves only the local date it was computed for and only while its generation is
current: counts computed while an event was being stored (from before it) are never served
after it. It carries the account's time zone so that a hit needs no database query (the
poller asks on every poll). Redis losing these keys costs one recomputation, nothing more.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import redis
from pydantic import BaseModel

from snapshots.models import TodayCounts
from wallboard.redis import get_redis

logger = logging.getLogger(__name__)

# The rolling hour and the waiting call move with time, so entries are short-lived.
CACHE_SECONDS = 30


class Entry(BaseModel):
    generation: str
    time_zone: str
    date: str  # the local date, ISO 8601
    counts: TodayCounts | None

    def serves(self, now: float) -> bool:
        local = datetime.fromtimestamp(now, ZoneInfo(self.time_zone))
        return local.date().isoformat() == self.date


@dataclass(frozen=True)
class Lookup:
    generation: str  # "" when Redis did not answer: then nothing is written back
    entry: Entry | None  # a current entry, or None


def generation_key(account_id: int) -> str:
    return f"wb:today:gen:{account_id}"


def entry_key(account_id: int) -> str:
    return f"wb:today:{account_id}"


def invalidate(account_id: int) -> None:
    get_redis().incr(generation_key(account_id))


def read(account_id: int) -> Lookup:
    try:
        generation, raw = get_redis().mget(generation_key(account_id), entry_key(account_id))
    except redis.RedisError as exc:
        logger.warning("today's counts cache unavailable (%s); computing", type(exc).__name__)
        return Lookup("", None)
    generation = generation or "0"
    if raw is None:
        return Lookup(generation, None)
    entry = Entry.model_validate_json(raw)
    return Lookup(generation, entry if entry.generation == generation else None)


def write(account_id: int, entry: Entry) -> None:
    if not entry.generation:
        return
    try:
        get_redis().set(entry_key(account_id), entry.model_dump_json(), ex=CACHE_SECONDS)
    except redis.RedisError as exc:
        logger.warning("today's counts not cached (%s)", type(exc).__name__)
