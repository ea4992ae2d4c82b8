"""Bounded trend history per account and per queue, at two fixed resolutions.

Each series is a Redis list, newest point first, holding one point per time bucket (the
last sample taken in the bucket wins). Lists are trimmed on every write, so memory stays
bounded: 10 s points for 2 h and 1 min points for 48 h.
"""

import json
from dataclasses import dataclass

import redis

from snapshots.models import Snapshot
from wallboard.redis import get_redis, run_script


@dataclass(frozen=True)
class Resolution:
    name: str
    seconds: int
    points: int


RESOLUTIONS = (Resolution("10s", 10, 720), Resolution("1m", 60, 2880))
SERIES_FIELDS = ("t", "online", "available", "on_call", "active_calls")

# KEYS: the list. ARGV: bucket start, point JSON, max points, ttl seconds.
_APPEND = """
local head = redis.call('LINDEX', KEYS[1], 0)
if head and string.match(head, '^%[(%d+),') == ARGV[1] then
  redis.call('LSET', KEYS[1], 0, ARGV[2])
else
  redis.call('LPUSH', KEYS[1], ARGV[2])
  redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[3]) - 1)
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
"""


def series_key(account_id: int, resolution: Resolution, queue_id: int | None = None) -> str:
    scope = "account" if queue_id is None else f"queue:{queue_id}"
    return f"wb:history:{account_id}:{scope}:{resolution.name}"


def account_counts(snapshot: Snapshot) -> tuple[int, int, int, int | None]:
    online = [a for a in snapshot.agents if a.registered]
    if snapshot.source == "public":
        # Public data does not say who is on a call; queue counts do (agents may be in several
        # queues, so this is a lower bound of the account's total).
        on_call = max((q.agents_on_call for q in snapshot.queues), default=0)
        return len(online), len(online) - on_call, on_call, None
    on_call = [a for a in online if a.calls]
    calls = sum(len(a.calls or []) for a in snapshot.agents)
    return len(online), len(online) - len(on_call), len(on_call), calls


def record(
    account_id: int, snapshot: Snapshot, at: float, client: redis.Redis | None = None, pipe=None
) -> None:
    """With `pipe`, only queue the commands on it (the poller sends them with its own)."""
    r = client or get_redis()
    series: list[tuple[int | None, tuple]] = [(None, account_counts(snapshot))]
    series += [
        (q.id, (q.agents_online, q.agents_available, q.agents_on_call, q.active_calls))
        for q in snapshot.queues
    ]
    own = pipe is None
    pipe = r.pipeline(transaction=False) if own else pipe
    for resolution in RESOLUTIONS:
        bucket = int(at // resolution.seconds * resolution.seconds)
        ttl = resolution.seconds * resolution.points
        for queue_id, counts in series:
            point = json.dumps([bucket, *counts], separators=(",", ":"))
            key = series_key(account_id, resolution, queue_id)
            run_script(pipe, _APPEND, [key], [bucket, point, resolution.points, ttl])
    if own:
        pipe.execute()


def read(
    account_id: int,
    resolution: Resolution,
    queue_id: int | None = None,
    client: redis.Redis | None = None,
) -> list[dict[str, int | None]]:
    """Points oldest first, each {t, online, available, on_call, active_calls}."""
    raw = (client or get_redis()).lrange(series_key(account_id, resolution, queue_id), 0, -1)
    return [dict(zip(SERIES_FIELDS, json.loads(p), strict=True)) for p in reversed(raw)]
