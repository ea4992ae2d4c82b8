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

import json
import logging
from collections import defaultdict
from dataclasses import dataclass

from snapshots.models import Snapshot
from wallboard.redis import get_redis, run_script

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 15 * 60
TTL_SECONDS = 2 * 86400
MAX_GAP_SECONDS = 120.0
STATUSES = ("available", "on_call", "offline", "online")  # online: public data, status unknown


def interval_start(at: float) -> float:
    """The start of the interval `at` falls in. Every time zone's offset is a whole number of
    quarter hours, so these are the quarter hours of local time too."""
    return at - at % INTERVAL_SECONDS


# One poll's samples in one call (a 300-agent account's seconds were 600 commands).
# KEYS: the poll's interval hash, the agents' last state, then each interval hash that agent
# seconds go to. ARGV: ttl, the new last state (JSON or ""), the number of queues, then per
# queue: id, online, available, waiting; then for each KEYS[3..]: a count, then as many
# field, seconds pairs.
_RECORD = """
local ttl = ARGV[1]
local i = 4
for _ = 1, tonumber(ARGV[3]) do
  local q = ARGV[i]
  redis.call('HINCRBY', KEYS[1], q .. ':polls', 1)
  redis.call('HINCRBY', KEYS[1], q .. ':online', ARGV[i + 1])
  redis.call('HINCRBY', KEYS[1], q .. ':available', ARGV[i + 2])
  local peak = tonumber(redis.call('HGET', KEYS[1], q .. ':peak') or '-1')
  if tonumber(ARGV[i + 3]) > peak then redis.call('HSET', KEYS[1], q .. ':peak', ARGV[i + 3]) end
  i = i + 4
end
if tonumber(ARGV[3]) > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'EX', ttl) end
for k = 3, #KEYS do
  local n = tonumber(ARGV[i])
  i = i + 1
  for _ = 1, n do
    redis.call('HINCRBYFLOAT', KEYS[k], ARGV[i], ARGV[i + 1])
    i = i + 2
  end
  redis.call('EXPIRE', KEYS[k], ttl)
end
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
    """The previous poll's time and each agent's status then: {"at": …, "agents": {id: status}}
    in JSON (one value: read and written whole on every poll)."""
    return f"wb:samples:agents:{account_id}"


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


def _previous(redis, account_id: int) -> tuple[float | None, dict[int, str]]:
    raw = redis.get(last_key(account_id))
    if not raw:
        return None, {}
    try:
        last = json.loads(raw)
        return float(last["at"]), {int(a): str(s) for a, s in last["agents"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        logger.warning("samples: the last agent states of account %s are unreadable", account_id)
        return None, {}


def _agent_args(account_id: int, spent: dict[tuple[float, int, str], float]):
    """The agent seconds as the script takes them: (keys, args)."""
    by_key: dict[str, list[str | float]] = defaultdict(list)
    for (start, agent_id, status), seconds in spent.items():
        if seconds > 0:
            by_key[key(account_id, start)] += [f"a{agent_id}:{status}", round(seconds, 3)]
    args: list[str | float] = []
    for pairs in by_key.values():
        args += [len(pairs) // 2, *pairs]
    return list(by_key), args


def _waiting(snapshot: Snapshot, queue_id: int, fallback: int) -> int:
    """Calls waiting as the board counts them: from the events where there are any, else
    the poll's estimate."""
    today = snapshot.today
    if today is not None and queue_id in today.queues:
        return today.queues[queue_id].calls_waiting
    return fallback


def record(account_id: int, snapshot: Snapshot, at: float, pipe=None) -> None:
    """Two round trips whatever the account's size: the last states, then one script. With
    `pipe`, the script is only queued on it (the poller sends it with its own)."""
    redis = get_redis()
    queues: list[int] = []
    for q in snapshot.queues:
        estimate = max(0, (q.active_calls or 0) - q.agents_on_call)
        queues += [q.id, q.agents_online, q.agents_available, _waiting(snapshot, q.id, estimate)]
    keys, agent_args, last = [], [], ""
    if snapshot.agents:
        previous_at, previous = _previous(redis, account_id)
        keys, agent_args = _agent_args(
            account_id, agent_seconds(previous_at, previous, snapshot, at)
        )
        states = {a.id: a.status for a in snapshot.agents}
        last = json.dumps({"at": at, "agents": states}, separators=(",", ":"))
    if not queues and not last:
        return
    run_script(
        pipe if pipe is not None else redis,
        _RECORD,
        [key(account_id, interval_start(at)), last_key(account_id), *keys],
        [TTL_SECONDS, last, len(queues) // 4, *queues, *agent_args],
    )


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
