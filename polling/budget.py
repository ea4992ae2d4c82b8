"""The global rate budget, in Redis, shared by every worker process and host.

Buckets:
  key:<fingerprint>  one per API key: its share of the key's per-window limit
  public             one per egress IP: every account polled without a key shares it

`acquire()` is one Lua script (a sliding log of request times, Redis' own clock), so two
workers can never both take the last requests of a window. The bucket also obeys what the
API said: a 429 pauses it until Retry-After (`pause`), and a low X-RateLimit-Remaining
(`observe`) holds it back even when our own count says there is room, because other software
may use the same key. `plan_intervals` stretches every account of a bucket by one factor
when the bucket cannot serve them all, so intervals grow evenly and nobody starves.
"""

import hashlib
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import redis
from django.conf import settings

from voice360.models import RateLimit
from wallboard.redis import get_redis, run_script

PUBLIC_BUCKET = "public"
EFFECTIVE_INTERVALS_KEY = "wb:poll:effective_interval"
# bucket -> requests per window this server may send through it (for /metrics).
LIMITS_KEY = "wb:budget:limits"
# bucket -> requests per window the regular schedule is planned to take (the dispatcher's).
PLANNED_KEY = "wb:budget:planned"
# Leave this share of a bucket unplanned: key retries and config refreshes need room too.
PLANNING_HEADROOM = 0.9

# KEYS: log zset, pause key, remaining key.
# ARGV: window s, limit, n, reserve, member prefix. Returns "0" or the seconds to wait.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local window, limit, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return tostring(paused - now) end
local remaining = redis.call('GET', KEYS[3])
if remaining and tonumber(remaining) - n < tonumber(ARGV[4]) then
  return tostring(math.max(redis.call('PTTL', KEYS[3]), 100) / 1000)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
if used + n > limit then
  if n > limit then return tostring(window) end
  local i = used + n - limit - 1
  local nth = redis.call('ZRANGE', KEYS[1], i, i, 'WITHSCORES')
  return tostring(math.max(tonumber(nth[2]) + window - now, 0.001))
end
for i = 1, n do redis.call('ZADD', KEYS[1], now, ARGV[5] .. ':' .. i) end
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
if remaining then redis.call('DECRBY', KEYS[3], n) end
return '0'
"""

# KEYS: pause key. ARGV: seconds. Extends a pause, never shortens it.
_PAUSE = """
local t = redis.call('TIME')
local until_ = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then
  redis.call('SET', KEYS[1], tostring(until_), 'PX', math.ceil(tonumber(ARGV[1]) * 1000) + 1000)
end
"""


def key_bucket(api_key: str) -> str:
    # A fingerprint, never the key: Redis is not where keys are kept in clear.
    return "key:" + hashlib.sha256(api_key.encode()).hexdigest()[:16]


def _keys(bucket: str) -> list[str]:
    return [f"wb:budget:{bucket}:log", f"wb:budget:{bucket}:pause", f"wb:budget:{bucket}:remaining"]


def window_seconds() -> float:
    return float(settings.POLL_RATE_WINDOW_SECONDS)


def bucket_limit(bucket: str, share: float = 1.0) -> int:
    """Requests per window this server may send through `bucket`."""
    if bucket == PUBLIC_BUCKET:
        return max(
            1, settings.VOICE360_PUBLIC_RATE_LIMIT * settings.POLL_PUBLIC_BUDGET_PERCENT // 100
        )
    return max(1, int(settings.VOICE360_KEY_RATE_LIMIT * share))


def _reserve(bucket: str) -> int:
    # What must stay unused of the API's own count before we stop: a few requests of slack
    # for requests in flight from other workers.
    return 3 if bucket == PUBLIC_BUCKET else max(3, settings.VOICE360_KEY_RATE_LIMIT // 50)


def _acquire(
    keys: list[str], limit: int, n: int, reserve: int, client: redis.Redis | None
) -> float:
    script = (client or get_redis()).register_script(_ACQUIRE)
    return float(script(keys=keys, args=[window_seconds(), limit, n, reserve, uuid.uuid4().hex]))


def acquire(bucket: str, n: int, share: float = 1.0, client: redis.Redis | None = None) -> float:
    """Take `n` requests from the bucket. Returns 0.0 when granted, else seconds to wait."""
    return _acquire(_keys(bucket), bucket_limit(bucket, share), n, _reserve(bucket), client)


def queue_acquire(bucket: str, n: int, share: float, pipe: redis.client.Pipeline) -> None:
    """Queue `acquire` on `pipe`; its answer there is what acquire returns (as a string)."""
    args = [window_seconds(), bucket_limit(bucket, share), n, _reserve(bucket), uuid.uuid4().hex]
    run_script(pipe, _ACQUIRE, _keys(bucket), args)


def early_share() -> float:
    """The slice of every bucket kept for early polls (webhook events); the regular schedule
    is planned on the rest."""
    return settings.EARLY_POLL_BUDGET_PERCENT / 100


def early_limit(bucket: str, share: float = 1.0, client: redis.Redis | None = None) -> int:
    """Requests per window early polls may take: their reserved slice at least, and whatever
    the regular schedule leaves idle of the planned part of the bucket (a few accounts on a
    key use little of it: their early polls need not wait for a slice sized for many)."""
    limit = bucket_limit(bucket, share)
    reserved = int(limit * early_share())
    planned = (client or get_redis()).hget(PLANNED_KEY, bucket)
    idle = int(limit * PLANNING_HEADROOM - float(planned)) if planned is not None else 0
    return max(1, reserved, idle)


def acquire_early(
    bucket: str, n: int, share: float = 1.0, client: redis.Redis | None = None
) -> float:
    """Take `n` requests for an early poll: first from the early slice's own log (so early
    polls never take more than their slice), then from the bucket (so the total never
    breaks the limit). Returns 0.0 when granted, else seconds to wait."""
    if early_share() <= 0:
        return window_seconds()  # early polls are switched off
    keys = _keys(bucket)
    early_keys = [f"wb:budget:{bucket}:early", keys[1], keys[2]]
    limit = early_limit(bucket, share, client)
    wait = _acquire(early_keys, limit, n, _reserve(bucket), client)
    return wait if wait > 0 else acquire(bucket, n, share, client)


def observe(bucket: str, rate_limit: RateLimit, client: redis.Redis | None = None) -> None:
    """Remember what X-RateLimit-Remaining said, for a short while."""
    if rate_limit.remaining is None:
        return
    ttl_ms = max(1000, int(window_seconds() * 1000 / 6))
    (client or get_redis()).set(_keys(bucket)[2], rate_limit.remaining, px=ttl_ms)


def pause(bucket: str, seconds: float, client: redis.Redis | None = None) -> None:
    """Hold every request of the bucket for `seconds` (a 429's Retry-After)."""
    r = client or get_redis()
    run_script(r, _PAUSE, [_keys(bucket)[1]], [max(0.1, seconds)])


def paused_for(bucket: str, client: redis.Redis | None = None) -> float:
    r = client or get_redis()
    until = r.get(_keys(bucket)[1])
    if until is None:
        return 0.0
    seconds, micros = r.time()
    return max(0.0, float(until) - (seconds + micros / 1_000_000))


def used(bucket: str, client: redis.Redis | None = None) -> int:
    """Requests taken from the bucket in the current window (for display and tests)."""
    r = client or get_redis()
    seconds, micros = r.time()
    now = seconds + micros / 1_000_000
    return int(r.zcount(_keys(bucket)[0], now - window_seconds(), "+inf"))


# While someone watches an account's boards, failed polls are retried at most this long
# apart: its boards are live again within about that long after the upstream heals.
WATCHED_BACKOFF_MAX_SECONDS = 3.0


def backoff_seconds(failures: int, interval: float, watched: bool = False) -> float:
    """Jittered exponential backoff after `failures` consecutive transient failures; shorter
    for an account someone watches (still within its rate budget: a poll takes from it)."""
    most = float(settings.POLL_BACKOFF_MAX_SECONDS)
    if watched:
        most = min(most, max(WATCHED_BACKOFF_MAX_SECONDS, interval))
    ceiling = min(most, interval * 2 ** max(0, failures - 1))
    return random.uniform(max(interval, ceiling / 2), max(interval, ceiling))


@dataclass(frozen=True)
class PlannedAccount:
    account_id: int
    bucket: str
    interval: float
    share: float
    requests_per_poll: float


def requests_per_poll(interval: float, queues: int = 2) -> float:
    """Two reads per poll, plus the config refresh (/queues and each /queues/{id}) amortized."""
    return 2 + (1 + queues) * interval / float(settings.POLL_CONFIG_REFRESH_SECONDS)


def plan_intervals(accounts: Iterable[PlannedAccount]) -> dict[int, float]:
    """Effective interval per account: each bucket's accounts stretched by one common factor."""
    by_bucket: dict[str, list[PlannedAccount]] = {}
    for account in accounts:
        by_bucket.setdefault(account.bucket, []).append(account)
    effective: dict[int, float] = {}
    for bucket, members in by_bucket.items():
        share = max(m.share for m in members)
        planned_share = max(0.1, PLANNING_HEADROOM - early_share())
        capacity = bucket_limit(bucket, share) * planned_share / window_seconds()
        demand = sum(m.requests_per_poll / m.interval for m in members)
        stretch = max(1.0, demand / capacity)
        for m in members:
            effective[m.account_id] = round(m.interval * stretch, 3)
    return effective


def planned_demand(
    accounts: Iterable[PlannedAccount], intervals: dict[int, float]
) -> dict[str, float]:
    """Requests per window each bucket's regular polls take at their effective intervals."""
    demand: dict[str, float] = {}
    for account in accounts:
        per_window = account.requests_per_poll / intervals[account.account_id] * window_seconds()
        demand[account.bucket] = demand.get(account.bucket, 0.0) + per_window
    return demand


def store_planned(demand: dict[str, float], client: redis.Redis | None = None) -> None:
    pipe = (client or get_redis()).pipeline(transaction=True)
    pipe.delete(PLANNED_KEY)
    if demand:
        pipe.hset(PLANNED_KEY, mapping={bucket: round(v, 2) for bucket, v in demand.items()})
    pipe.execute()


def store_effective_intervals(
    intervals: dict[int, float], client: redis.Redis | None = None
) -> None:
    r = client or get_redis()
    pipe = r.pipeline(transaction=True)
    pipe.delete(EFFECTIVE_INTERVALS_KEY)
    if intervals:
        pipe.hset(EFFECTIVE_INTERVALS_KEY, mapping={str(k): v for k, v in intervals.items()})
    pipe.execute()


def store_limits(limits: dict[str, int], client: redis.Redis | None = None) -> None:
    pipe = (client or get_redis()).pipeline(transaction=True)
    pipe.delete(LIMITS_KEY)
    if limits:
        pipe.hset(LIMITS_KEY, mapping=limits)
    pipe.execute()


def log_key(bucket: str) -> str:
    return _keys(bucket)[0]


def effective_interval(account_id: int, client: redis.Redis | None = None) -> float | None:
    return interval_of((client or get_redis()).hget(EFFECTIVE_INTERVALS_KEY, str(account_id)))


def interval_of(stored: str | None) -> float | None:
    """An effective interval as `wb:poll:effective_interval` holds it (None: not planned)."""
    return float(stored) if stored is not None else None
