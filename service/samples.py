"""What the polls saw of each queue in each 15-minute interval, for the interval history
(service/intervals.py): how many polls, the agents online and available summed (for their
mean), and the most calls waiting at once. One hash per account and interval in Redis,
`wb:samples:<account>:<interval start>`, kept two days; written after every stored poll.
"""

from dataclasses import dataclass

from snapshots.models import Snapshot
from wallboard.redis import get_redis

INTERVAL_SECONDS = 15 * 60
TTL_SECONDS = 2 * 86400


def interval_start(at: float) -> float:
    """The start of the interval `at` falls in. Every time zone's offset is a whole number of
    quarter hours, so these are the quarter hours of local time too."""
    return at - at % INTERVAL_SECONDS


# KEYS[1] the hash; ARGV: ttl, then per queue: id, online, available, waiting.
_ADD = """
for i = 2, #ARGV, 4 do
  local q = ARGV[i]
  redis.call('HINCRBY', KEYS[1], q .. ':polls', 1)
  redis.call('HINCRBY', KEYS[1], q .. ':online', ARGV[i + 1])
  redis.call('HINCRBY', KEYS[1], q .. ':available', ARGV[i + 2])
  local peak = tonumber(redis.call('HGET', KEYS[1], q .. ':peak') or '-1')
  if tonumber(ARGV[i + 3]) > peak then redis.call('HSET', KEYS[1], q .. ':peak', ARGV[i + 3]) end
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
"""


@dataclass(frozen=True)
class Samples:
    polls: int
    online_total: int
    available_total: int
    peak_waiting: int

    @property
    def agents_online(self) -> float:
        return self.online_total / self.polls

    @property
    def agents_available(self) -> float:
        return self.available_total / self.polls


def key(account_id: int, start: float) -> str:
    return f"wb:samples:{account_id}:{int(start)}"


def _waiting(snapshot: Snapshot, queue_id: int, fallback: int) -> int:
    """Calls waiting as the board counts them: from the events where there are any, else
    the poll's estimate."""
    today = snapshot.today
    if today is not None and queue_id in today.queues:
        return today.queues[queue_id].calls_waiting
    return fallback


def record(account_id: int, snapshot: Snapshot, at: float) -> None:
    args: list[int] = [TTL_SECONDS]
    for q in snapshot.queues:
        estimate = max(0, (q.active_calls or 0) - q.agents_on_call)
        args += [q.id, q.agents_online, q.agents_available, _waiting(snapshot, q.id, estimate)]
    if len(args) > 1:
        redis = get_redis()
        redis.register_script(_ADD)(keys=[key(account_id, interval_start(at))], args=args)


def read(account_id: int, start: float) -> dict[int, Samples]:
    raw = get_redis().hgetall(key(account_id, start))
    found: dict[int, dict[str, int]] = {}
    for field, value in raw.items():
        queue_id, _, name = field.partition(":")
        found.setdefault(int(queue_id), {})[name] = int(value)
    return {
        q: Samples(v.get("polls", 0), v.get("online", 0), v.get("available", 0), v.get("peak", 0))
        for q, v in found.items()
        if v.get("polls")
    }
