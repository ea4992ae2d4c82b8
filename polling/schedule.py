"""When each account is due, and the per-account lock that keeps its polls single-file.

`wb:poll:due` is a sorted set: account id -> Unix time it is next due. The dispatcher claims
due accounts with one Lua script that also pushes their due time forward by a lease, so
duplicate dispatchers (two beats) never claim one account twice. A poll holds
`wb:poll:lock:<account>` (token, TTL) while it runs; a restarted worker's lock simply expires.
"""

import random
import uuid

import redis

from wallboard.redis import get_redis, run_script

DUE_KEY = "wb:poll:due"

# KEYS: due zset. ARGV: lease seconds, max claims, lookahead seconds.
# Returns {now, id, due, id, due, ...} as strings (Lua numbers would be cut to integers).
_CLAIM = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local horizon = now + tonumber(ARGV[3])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', horizon, 'WITHSCORES',
                       'LIMIT', 0, tonumber(ARGV[2]))
for i = 1, #due, 2 do
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), due[i])
end
table.insert(due, 1, tostring(now))
return due
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# KEYS: the account's lock, the due zset. ARGV: token, TTL in ms, lease until, account id.
# 1 when the lock was taken (and the account leased to the poll), else 0.
_LOCK_AND_LEASE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('ZADD', KEYS[2], 'XX', ARGV[3], ARGV[4])
  return 1
end
return 0
"""


def lock_key(account_id: int) -> str:
    return f"wb:poll:lock:{account_id}"


def redis_now(client: redis.Redis | None = None) -> float:
    seconds, micros = (client or get_redis()).time()
    return seconds + micros / 1_000_000


def sync_accounts(intervals: dict[int, float], client: redis.Redis | None = None) -> None:
    """Add new accounts at a random phase within their interval (no synchronized burst) and
    drop the ones that are gone or disabled."""
    r = client or get_redis()
    now = redis_now(r)
    known = {int(member) for member in r.zrange(DUE_KEY, 0, -1)}
    pipe = r.pipeline(transaction=False)
    for account_id, interval in intervals.items():
        if account_id not in known:
            pipe.zadd(DUE_KEY, {str(account_id): now + random.uniform(0, interval)}, nx=True)
    gone = known - intervals.keys()
    if gone:
        pipe.zrem(DUE_KEY, *map(str, gone))
    pipe.execute()


def claim_due(
    lease: float, lookahead: float = 0.0, limit: int = 1000, client: redis.Redis | None = None
) -> list[tuple[int, float]]:
    """Claim the accounts due now or within `lookahead` seconds: (account id, seconds until
    due). A tick claims what falls due before the next tick, so polls start on time instead
    of waiting for a tick (a 2 s interval would otherwise round up to 3 ticks of 1 s)."""
    r = client or get_redis()
    now, *pairs = r.register_script(_CLAIM)(keys=[DUE_KEY], args=[lease, limit, lookahead])
    now = float(now)
    return [(int(pairs[i]), max(0.0, float(pairs[i + 1]) - now)) for i in range(0, len(pairs), 2)]


def reschedule(account_id: int, at: float, client: redis.Redis | None = None) -> None:
    # XX: an account removed meanwhile stays removed.
    (client or get_redis()).zadd(DUE_KEY, {str(account_id): at}, xx=True)


def due_at(account_id: int, client: redis.Redis | None = None) -> float | None:
    return (client or get_redis()).zscore(DUE_KEY, str(account_id))


def acquire_lock(account_id: int, ttl: float, client: redis.Redis | None = None) -> str | None:
    token = uuid.uuid4().hex
    ok = (client or get_redis()).set(lock_key(account_id), token, nx=True, px=int(ttl * 1000))
    return token if ok else None


def queue_lock_and_lease(
    account_id: int, ttl: float, lease_until: float, pipe: redis.client.Pipeline
) -> str:
    """Queue on `pipe` what acquire_lock and then reschedule(lease_until) do, the lease only
    if the lock is taken; the pipe's answer is 1 then. Returns the lock's token."""
    token = uuid.uuid4().hex
    keys = [lock_key(account_id), DUE_KEY]
    run_script(pipe, _LOCK_AND_LEASE, keys, [token, int(ttl * 1000), repr(lease_until), account_id])
    return token


def release_lock(account_id: int, token: str, client: redis.Redis | None = None) -> None:
    r = client or get_redis()
    run_script(r, _RELEASE, [lock_key(account_id)], [token])
