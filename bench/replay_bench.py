"""Replay log benchmark (snapshots/replay.py): what an hour of an account's changes costs to
store, against a full copy per poll, and how long a moment takes to rebuild.

    .venv/bin/python bench/replay_bench.py [--minutes 60] [--seed 7]

Simulates polls 2 s apart for two accounts built from the sandbox's scenarios, the demo
account (6 agents, 2 queues) and the large one (300 agents, 20 queues): with a seeded random,
calls arrive at a steady rate for the account's size and last minutes, agents log in and
out now and then, today's counts move when calls end, alerts come and go. Every poll that
changed the snapshot is recorded as the poller records it (with the previous snapshot);
the poll times lie in the last hour, so all of it is inside the window. Prints, per account:
  - bytes per account-hour: the replay key's MEMORY USAGE and the entries' raw bytes, against
    a full JSON copy per poll (and per changed poll), and the ratio;
  - the CPU one record costs the poll;
  - the time to rebuild a moment, median and p95 over 200 random moments in the window.
Uses Redis db 14 (BENCH_REDIS_URL) and empties it before and after.
"""

import argparse
import os
import random
import statistics
import time
from dataclasses import dataclass, field

from common import pct, result_line

os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wallboard.settings")
os.environ.setdefault("DEBUG", "true")  # the development secrets, which production refuses

import django

django.setup()

from sandbox import scenarios  # noqa: E402
from sandbox.entities import Account  # noqa: E402
from snapshots import replay  # noqa: E402
from snapshots.models import (  # noqa: E402
    WINDOWS,
    ActiveAlert,
    ActiveCall,
    AgentState,
    AgentToday,
    QueueConfig,
    QueueState,
    QueueToday,
    ServiceLevel,
    Snapshot,
    TodayCounts,
)
from wallboard.redis import get_redis  # noqa: E402

POLL_SECONDS = 2.0
TALK_SECONDS = 240.0  # mean talk time; calls start at the rate that keeps ~60 % on calls
OCCUPANCY = 0.6
LOGIN_CHANGES_PER_HOUR = 0.5  # per agent: shift changes, breaks
ALERTS_PER_HOUR = 6


@dataclass
class Ended:
    queue_id: int
    at: float
    wait: float
    talk: float


@dataclass
class CallCentre:
    """One account's agents, calls and today's figures as the polls would see them."""

    account: Account
    rng: random.Random
    now: float
    registered: dict[int, bool] = field(default_factory=dict)
    calls: dict[int, tuple[ActiveCall, int, float]] = field(default_factory=dict)
    since: dict[int, float] = field(default_factory=dict)
    ended: list[Ended] = field(default_factory=list)
    agent_today: dict[int, AgentToday] = field(default_factory=dict)
    alerts: list[ActiveAlert] = field(default_factory=list)
    next_alert: int = 1

    def __post_init__(self) -> None:
        self.registered = {pk: a.registered for pk, a in self.account.agents.items()}
        self.since = dict.fromkeys(self.account.agents, self.now - 600)
        self.queue_of = {
            pk: [q.pk for q in self.account.queues.values() if pk in q.members] or [0]
            for pk in self.account.agents
        }

    def step(self) -> None:
        """Two seconds go by."""
        self.now += POLL_SECONDS
        agents = len(self.account.agents)
        for pk, (_, queue_id, ends) in list(self.calls.items()):
            if ends <= self.now:
                self._end_call(pk, queue_id)
        starts = self.rng.random() * 2 * agents * OCCUPANCY * POLL_SECONDS / TALK_SECONDS
        for _ in range(int(starts) + (self.rng.random() < starts % 1)):
            free = [pk for pk, on in self.registered.items() if on and pk not in self.calls]
            if free:
                self._start_call(self.rng.choice(free))
        for pk in self.account.agents:
            if self.rng.random() < LOGIN_CHANGES_PER_HOUR * POLL_SECONDS / 3600:
                self.registered[pk] = not self.registered[pk]
                self.calls.pop(pk, None)
                self.since[pk] = self.now
        self._alerts()

    def _start_call(self, pk: int) -> None:
        peer = f"+1555{self.rng.randrange(10**7):07d}"
        call = ActiveCall(
            direction=self.rng.choice(["inbound"] * 4 + ["outbound"]),
            peer=peer,
            started_at=self.now - self.rng.uniform(0, POLL_SECONDS),
        )
        talk = self.rng.expovariate(1 / TALK_SECONDS)
        self.calls[pk] = (call, self.rng.choice(self.queue_of[pk]), self.now + talk)
        self.since[pk] = self.now

    def _end_call(self, pk: int, queue_id: int) -> None:
        call, _, _ = self.calls.pop(pk)
        talk = self.now - call.started_at
        self.ended.append(Ended(queue_id, self.now, self.rng.expovariate(1 / 15), talk))
        mine = self.agent_today.get(pk, AgentToday())
        self.agent_today[pk] = mine.model_copy(
            update={
                "answered": mine.answered + 1,
                "talked": mine.talked + 1,
                "talk_total": round(mine.talk_total + talk, 3),
            }
        )
        self.since[pk] = self.now

    def _alerts(self) -> None:
        if self.rng.random() < ALERTS_PER_HOUR * POLL_SECONDS / 3600:
            queue = self.rng.choice(list(self.account.queues.values()))
            self.alerts.append(
                ActiveAlert(
                    id=self.next_alert,
                    rule_id=1,
                    board_id=1,
                    queue_id=queue.pk,
                    kind="waiting",
                    message=f"3 callers waiting in {queue.queue_name}",
                    since=self.now,
                )
            )
            self.next_alert += 1
        self.alerts = [a for a in self.alerts if self.now - a.since < 300]

    def _level(self, calls: list[Ended], window: str) -> ServiceLevel:
        within = sum(c.wait <= 20 for c in calls)
        return ServiceLevel(
            window=window,
            answered=len(calls),
            answered_within_threshold=within,
            answered_timed=len(calls),
            wait_total=round(sum(c.wait for c in calls), 3),
        )

    def _queue_today(self, calls: list[Ended]) -> QueueToday:
        recent = {
            m: self._level([c for c in calls if c.at > self.now - m * 60], f"{m}m") for m in WINDOWS
        }
        return QueueToday(
            inbound=len(calls),
            service=self._level(calls, "today"),
            recent=recent,
            talked=len(calls),
            talk_total=round(sum(c.talk for c in calls), 3),
        )

    def snapshot(self) -> Snapshot:
        agents = [
            AgentState(
                id=pk,
                extension=a.presence_id,
                caller_id=a.caller_id,
                first_name=a.first_name,
                last_name=a.last_name,
                registered=self.registered[pk],
                calls=[self.calls[pk][0]] if pk in self.calls else [],
                state_since=self.since[pk],
            )
            for pk, a in self.account.agents.items()
        ]
        queues = [self._queue(q.pk, q) for q in self.account.queues.values()]
        by_queue = {q: [c for c in self.ended if c.queue_id == q] for q in self.account.queues}
        today = TodayCounts(
            date="2026-12-02",
            time_zone="America/New_York",
            total=self._queue_today(self.ended),
            queues={q: self._queue_today(c) for q, c in by_queue.items()},
            agents=dict(self.agent_today),
        )
        return Snapshot(
            account_id=self.account.id,
            source="key",
            agents=agents,
            queues=queues,
            today=today,
            alerts=list(self.alerts),
        )

    def _queue(self, pk: int, queue) -> QueueState:
        online = [m for m in queue.members if self.registered[m]]
        busy = [m for m in online if m in self.calls]
        return QueueState(
            id=pk,
            name=str(pk),
            queue_name=queue.queue_name,
            extension=queue.extension,
            is_ready=bool(online),
            agents_online=len(online),
            agents_available=len(online) - len(busy),
            agents_on_call=len(busy),
            active_calls=len(busy),
            config=QueueConfig(
                strategy=queue.strategy,
                timeout=queue.timeout,
                wrapuptime=queue.wrapuptime,
                maxlen=queue.maxlen,
            ),
            member_ids=list(queue.members),
        )


def raw_bytes(client, key: str) -> int:
    """The entries' field names and values, as the log stores them (compressed bodies)."""
    return sum(
        len(name) + len(value) for _, fields in client.xrange(key) for name, value in fields.items()
    )


def run(name: str, account: Account, seconds: float, rng: random.Random, raw) -> dict:
    """Record `seconds` of polls of `account`, ending now; measure what the log holds."""
    start = float(int(time.time() - seconds))  # poll times in whole ms, as the log keeps them
    centre = CallCentre(account, rng, start - POLL_SECONDS)
    centre.step()
    previous, version, recorded, record_cpu = None, 0, [], 0.0
    copy_per_poll = copy_per_change = 0
    for poll in range(int(seconds / POLL_SECONDS)):
        centre.step()
        snapshot = centre.snapshot()
        size = len(snapshot.model_dump_json())
        copy_per_poll += size
        if snapshot == previous:
            continue  # the writer records changed polls only
        version += 1
        copy_per_change += size
        fetched_at = start + poll * POLL_SECONDS
        started = time.process_time()
        replay.record(account.id, snapshot, version, fetched_at, previous=previous)
        record_cpu += time.process_time() - started
        recorded.append((fetched_at, snapshot))
        previous = snapshot
    key = replay.key(account.id)
    memory = int(get_redis().memory_usage(key, samples=0) or 0)
    stored = raw_bytes(raw, key)
    hours = seconds / 3600
    oldest, newest = replay.window(account.id)
    moments = [rng.uniform(oldest, newest) for _ in range(200)]
    rebuilds, wrong = [], 0
    for at in moments:
        started = time.perf_counter()
        moment = replay.moment(account.id, at)
        rebuilds.append((time.perf_counter() - started) * 1000)
        expected = max((r for r in recorded if r[0] <= at), key=lambda r: r[0])[1]
        wrong += moment is None or moment.snapshot != expected
    result = {
        "agents": len(account.agents),
        "queues": len(account.queues),
        "polls": int(seconds / POLL_SECONDS),
        "changed_polls": len(recorded),
        "entries": get_redis().xlen(key),
        "memory_bytes_per_hour": round(memory / hours),
        "raw_bytes_per_hour": round(stored / hours),
        "copy_per_poll_bytes_per_hour": round(copy_per_poll / hours),
        "copy_per_change_bytes_per_hour": round(copy_per_change / hours),
        "ratio_memory_to_copy_per_poll": round(memory / copy_per_poll, 4),
        "ratio_raw_to_copy_per_poll": round(stored / copy_per_poll, 4),
        "record_cpu_ms": round(record_cpu / max(1, len(recorded)) * 1000, 3),
        "rebuild_median_ms": round(statistics.median(rebuilds), 2),
        "rebuild_p95_ms": round(pct(rebuilds, 0.95), 2),
        "rebuilt_wrong": wrong,
    }
    print(
        f"{name} ({result['agents']} agents, {result['queues']} queues): "
        f"{result['changed_polls']} of {result['polls']} polls changed, {result['entries']} "
        f"entries; per account-hour: Redis memory {result['memory_bytes_per_hour']:,} B, raw "
        f"entries {result['raw_bytes_per_hour']:,} B; a full copy per poll "
        f"{result['copy_per_poll_bytes_per_hour']:,} B (per changed poll "
        f"{result['copy_per_change_bytes_per_hour']:,} B): memory "
        f"{result['ratio_memory_to_copy_per_poll']:.2%} of it, raw "
        f"{result['ratio_raw_to_copy_per_poll']:.2%}"
    )
    print(
        f"{name}: record {result['record_cpu_ms']} ms CPU per changed poll; rebuild of a moment "
        f"median {result['rebuild_median_ms']} ms, p95 {result['rebuild_p95_ms']} ms "
        f"(200 random moments; {wrong} not as recorded)"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    import redis

    raw = redis.Redis.from_url(os.environ["REDIS_URL"])  # the compressed bodies, undecoded
    get_redis().flushdb()
    try:
        demo = scenarios.build("default", 61)[0]
        large = scenarios.build("large", 61)[0]  # the demo account grown to 300 agents
        large.id = 62_000  # a key of its own beside the demo's
        rng = random.Random(args.seed)
        seconds = args.minutes * 60
        result = {
            "bench": "replay",
            "mode": f"{args.minutes:g} min of 2 s polls, seed {args.seed}",
            "demo": run("demo", demo, seconds, rng, raw),
            "large": run("large", large, seconds, rng, raw),
        }
        print(result_line(result))
    finally:
        get_redis().flushdb()
        raw.close()


if __name__ == "__main__":
    main()
