"""What the polls saw in each 15-minute interval, for the interval history
(service/intervals.py): per queue, how many polls, the agents online and available summed
(for their mean), and the most calls waiting at once; per agent, the seconds spent in each
status. One hash per account and interval in Redis, `wb:samples:<account>:<interval start>`,
kept two days; written after every stored poll.

An agent's seconds between two polls go to the status the earlier poll saw, up to the moment
the later one says the agent's status began (`state_since`), and to the new status from
there. A gap longer than MAX_GAP_SECONDS (the worker was down, the API away) counts for
nobody: better a day short than time made up.
"""

from collections import defaultdict
from dataclasses import dataclass

from snapshots.models import Snapshot
from wallboard.redis import get_redis

INTERVAL_SECONDS = 15 * 60
TTL_SECONDS = 2 * 86400
MAX_GAP_SECONDS = 120.0
STATUSES = ("available", "on_call", "offline", "online")  # online: public data, status unknown


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


def last_key(account_id: int) -> str:
    """The previous poll's time (`at`) and each agent's status then."""
    return f"wb:samples:last:{account_id}"


def _split(start: float, end: float) -> list[tuple[float, float]]:
    """[start, end) cut at the interval boundaries: (interval start, seconds) each."""
    parts = []
    while start < end:
        boundary = interval_start(start) + INTERVAL_SECONDS
        parts.append((interval_start(start), min(end, boundary) - start))
        start = boundary
    return parts


def agent_seconds(
    previous_at: float | None, previous: dict[int, str], snapshot: Snapshot, at: float
) -> dict[tuple[float, int, str], float]:
    """(interval start, agent id, status) -> seconds since the previous poll."""
    spent: dict[tuple[float, int, str], float] = defaultdict(float)
    if previous_at is None or not 0 < at - previous_at <= MAX_GAP_SECONDS:
        return spent
    for agent in snapshot.agents:
        status = agent.status
        before = previous.get(agent.id, status)
        since = agent.state_since if before != status and agent.state_since else previous_at
        since = min(max(since, previous_at), at)
        for part in ((previous_at, since, before), (since, at, status)):
            for start, seconds in _split(part[0], part[1]):
                spent[start, agent.id, part[2]] += seconds
    return spent


def _record_agents(redis, account_id: int, snapshot: Snapshot, at: float) -> None:
    last = redis.hgetall(last_key(account_id))
    previous_at = float(last.pop("at")) if "at" in last else None
    previous = {int(agent_id): status for agent_id, status in last.items()}
    spent = agent_seconds(previous_at, previous, snapshot, at)
    pipe = redis.pipeline(transaction=False)
    for (start, agent_id, status), seconds in spent.items():
        if seconds > 0:
            pipe.hincrbyfloat(key(account_id, start), f"a{agent_id}:{status}", round(seconds, 3))
    for start in {start for start, _, _ in spent}:
        pipe.expire(key(account_id, start), TTL_SECONDS)
    pipe.delete(last_key(account_id))
    pipe.hset(last_key(account_id), mapping={"at": at} | {a.id: a.status for a in snapshot.agents})
    pipe.expire(last_key(account_id), TTL_SECONDS)
    pipe.execute()


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
    redis = get_redis()
    if len(args) > 1:
        redis.register_script(_ADD)(keys=[key(account_id, interval_start(at))], args=args)
    if snapshot.agents:
        _record_agents(redis, account_id, snapshot, at)


def read(account_id: int, start: float) -> dict[int, Samples]:
    raw = get_redis().hgetall(key(account_id, start))
    found: dict[int, dict[str, int]] = {}
    for field, value in raw.items():
        if field.startswith("a"):
            continue  # an agent's seconds (read_agents)
        queue_id, _, name = field.partition(":")
        found.setdefault(int(queue_id), {})[name] = int(value)
    return {
        q: Samples(v.get("polls", 0), v.get("online", 0), v.get("available", 0), v.get("peak", 0))
        for q, v in found.items()
        if v.get("polls")
    }


def read_agents(account_id: int, starts: list[float]) -> dict[int, dict[str, float]]:
    """Each agent's seconds per status over the intervals from `starts`."""
    pipe = get_redis().pipeline(transaction=False)
    for start in starts:
        pipe.hgetall(key(account_id, start))
    spent: dict[int, dict[str, float]] = {}
    for raw in pipe.execute():
        for field, value in raw.items():
            if field.startswith("a"):
                agent_id, _, status = field[1:].partition(":")
                times = spent.setdefault(int(agent_id), dict.fromkeys(STATUSES, 0.0))
                times[status] = times.get(status, 0.0) + float(value)
    return spent
