"""Running totals of an account's calls, kept so that no poll has to scan today's events.

Per queue: today's totals and one bucket per minute of the last hour (the rolling windows
add minutes up); per agent: today's; and the calls waiting now. `apply(call, +1)` and
`apply(call, -1)` are exact inverses, so the ledger (service/ledger.py) replaces a call's
old summary with its new one when more of its events arrive, in any order.

A call counts in the day and the minute its wait ended (answered, abandoned, timed out, not
answered); "calls in" counts by arrival, an agent's answers by the answer, calls placed by
the dial. "Within the threshold" and "short abandon" are judged with the queue's targets,
which are part of the tally: new targets mean a new tally (the ledger rebuilds it).
"""

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from service.calls import Call, Kind, Outcome

MINUTE = 60
KEPT_MINUTES = 60  # the longest rolling window


@dataclass(frozen=True)
class Target:
    """A queue's service target: `target_percent` of calls answered within
    `threshold_seconds`; callers who hang up within `short_abandon_seconds` do not count."""

    threshold_seconds: int = 20
    short_abandon_seconds: int = 5
    target_percent: float = 80.0


DEFAULT_TARGET = Target()


class _Counts:
    """Dataclass fields that add up; stored as a plain list of numbers."""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))  # type: ignore[arg-type]

    def add(self, other: "_Counts") -> None:
        for name in self._names:  # type: ignore[attr-defined]
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def dump(self) -> list[float]:
        return [getattr(self, name) for name in self._names]  # type: ignore[attr-defined]

    @classmethod
    def load(cls, values: list[float]):
        return cls(*values)

    @property
    def empty(self) -> bool:
        return all(abs(getattr(self, name)) < 1e-6 for name in self._names)  # type: ignore[attr-defined]


@dataclass
class Bucket(_Counts):
    """One queue's calls in one period."""

    inbound: int = 0
    answered: int = 0
    answered_timed: int = 0  # answered with a known wait: the speed of answer's calls
    answered_within: int = 0  # of those, within the threshold
    wait_total: float = 0.0  # their waits, summed
    abandoned: int = 0
    short_abandoned: int = 0
    timed_out: int = 0
    not_answered: int = 0
    talked: int = 0  # answered calls that ended: the handle time's calls
    talk_total: float = 0.0


@dataclass
class AgentBucket(_Counts):
    answered: int = 0
    talked: int = 0
    talk_total: float = 0.0
    placed: int = 0


Bucket._names = Bucket.names()  # type: ignore[attr-defined]
AgentBucket._names = AgentBucket.names()  # type: ignore[attr-defined]


def _whole(bucket: Bucket) -> Bucket:
    """Counts back to ints after summing as floats."""
    for f in fields(Bucket):
        if f.type in (int, "int"):
            setattr(bucket, f.name, round(getattr(bucket, f.name)))
    return bucket


def local_date(at: float, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(at, zone).date().isoformat()


def day_bounds(date: str, zone: ZoneInfo) -> tuple[float, float]:
    """Unix seconds of the local day's first moment and of the next day's: 23 or 25 hours
    apart on the days the clocks change."""
    day = datetime.fromisoformat(date)
    start = day.replace(tzinfo=zone)
    end = (day + timedelta(days=1)).replace(tzinfo=zone)
    return start.timestamp(), end.timestamp()


def minute_of(at: float) -> int:
    return int(at // MINUTE) * MINUTE


@dataclass
class Tally:
    zone: ZoneInfo
    date: str  # the local date "today" is, ISO 8601
    targets: dict[int, Target] = field(default_factory=dict)
    days: dict[int, Bucket] = field(default_factory=dict)  # queue id -> today
    minutes: dict[int, dict[int, Bucket]] = field(default_factory=dict)  # minute -> queue ->
    agents: dict[int, AgentBucket] = field(default_factory=dict)
    direct: Bucket = field(default_factory=Bucket)  # inbound calls answered without a queue
    waiting: dict[str, tuple[int, float]] = field(default_factory=dict)  # key -> queue, arrival
    talking: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> queue, agent

    def target(self, queue_id: int) -> Target:
        return self.targets.get(queue_id, DEFAULT_TARGET)

    def __post_init__(self) -> None:
        self.day_start, self.day_end = day_bounds(self.date, self.zone)

    def is_today(self, at: float | None) -> bool:
        return at is not None and self.day_start <= at < self.day_end

    def apply(self, call: Call, sign: int) -> None:
        if call.kind is Kind.QUEUE and call.queue_id is not None:
            self._queue_call(call, call.queue_id, sign)
        elif call.kind is Kind.DIRECT and self.is_today(call.answered_at):
            self.direct.add(self._answered(call, None, sign))
        if call.agent_id is not None:
            self._agent(call, call.agent_id, sign)
        if call.waiting:
            self._mark(self.waiting, call.key, (call.queue_id, call.arrived_at), sign)
        if call.talking:
            self._mark(self.talking, call.key, (call.queue_id, call.agent_id), sign)

    @staticmethod
    def _mark(table: dict, key: str, value: tuple, sign: int) -> None:
        if sign > 0:
            table[key] = value
        else:
            table.pop(key, None)

    def _queue_call(self, call: Call, queue_id: int, sign: int) -> None:
        if self.is_today(call.inbound_at):
            self._day(queue_id).inbound += sign
        if call.inbound_at is not None:
            self._minute(call.inbound_at, queue_id).inbound += sign
        if call.outcome is None or call.wait_ended_at is None:
            return
        counted = self._outcome(call, queue_id, sign)
        if self.is_today(call.wait_ended_at):
            self._day(queue_id).add(counted)
        self._minute(call.wait_ended_at, queue_id).add(counted)

    def _outcome(self, call: Call, queue_id: int, sign: int) -> Bucket:
        target = self.target(queue_id)
        wait = call.wait_seconds
        if call.outcome is Outcome.ANSWERED:
            return self._answered(call, target, sign)
        if call.outcome is Outcome.ABANDONED:
            short = wait is not None and wait <= target.short_abandon_seconds
            return Bucket(abandoned=sign, short_abandoned=sign if short else 0)
        if call.outcome is Outcome.TIMED_OUT:
            return Bucket(timed_out=sign)
        return Bucket(not_answered=sign)

    @staticmethod
    def _answered(call: Call, target: Target | None, sign: int) -> Bucket:
        counted = Bucket(answered=sign)
        wait = call.wait_seconds
        if wait is not None:
            counted.answered_timed = sign
            counted.wait_total = sign * wait
            if target is not None and wait <= target.threshold_seconds:
                counted.answered_within = sign
        if call.talk_seconds is not None:
            counted.talked = sign
            counted.talk_total = sign * call.talk_seconds
        return counted

    def _agent(self, call: Call, agent_id: int, sign: int) -> None:
        counted = AgentBucket()
        if call.kind is Kind.OUTBOUND:
            if self.is_today(call.dialled_at):
                counted.placed = sign
        elif self.is_today(call.answered_at):
            counted.answered = sign
            if call.talk_seconds is not None:
                counted.talked = sign
                counted.talk_total = sign * call.talk_seconds
        if not counted.empty:
            self.agents.setdefault(agent_id, AgentBucket()).add(counted)

    def _day(self, queue_id: int) -> Bucket:
        return self.days.setdefault(queue_id, Bucket())

    def _minute(self, at: float, queue_id: int) -> Bucket:
        return self.minutes.setdefault(minute_of(at), {}).setdefault(queue_id, Bucket())

    # --- reading ---------------------------------------------------------------------

    def prune(self, now: float) -> None:
        """Forget minutes no window reaches any more, and buckets back to zero."""
        oldest = minute_of(now) - (KEPT_MINUTES - 1) * MINUTE
        for minute in [m for m in self.minutes if m < oldest]:
            del self.minutes[minute]
        for minute, queues in list(self.minutes.items()):
            for queue_id in [q for q, b in queues.items() if b.empty]:
                del queues[queue_id]
            if not queues:
                del self.minutes[minute]
        for table in (self.days, self.agents):
            for key in [k for k, b in table.items() if b.empty]:
                del table[key]

    def window(self, queue_id: int, minutes: int, now: float) -> Bucket:
        """The queue's calls of the current minute and the `minutes - 1` before it."""
        return self.windows(queue_id, (minutes,), now)[minutes]

    def windows(self, queue_id: int, lengths: tuple[int, ...], now: float) -> dict[int, Bucket]:
        """`window` for several lengths, each minute's bucket read once."""
        current = minute_of(now)
        rows = [
            (minute, queues[queue_id].dump())
            for minute, queues in self.minutes.items()
            if queue_id in queues
        ]
        out = {}
        for length in lengths:
            oldest = current - (length - 1) * MINUTE
            columns = zip(*(values for minute, values in rows if minute >= oldest), strict=True)
            sums = [sum(column) for column in columns] or [0] * len(Bucket._names)  # type: ignore[attr-defined]
            out[length] = _whole(Bucket.load(sums))
        return out

    def queue_ids(self) -> set[int]:
        seen = set(self.days) | {q for queues in self.minutes.values() for q in queues}
        return seen | {queue_id for queue_id, _ in self.waiting.values()}

    # --- storing ---------------------------------------------------------------------

    def dump(self) -> dict:
        return {
            "date": self.date,
            "days": {str(q): b.dump() for q, b in self.days.items()},
            "minutes": {
                str(m): {str(q): b.dump() for q, b in queues.items()}
                for m, queues in self.minutes.items()
            },
            "agents": {str(a): b.dump() for a, b in self.agents.items()},
            "direct": self.direct.dump(),
            "waiting": {key: [q, at] for key, (q, at) in self.waiting.items()},
            "talking": {key: [q, agent] for key, (q, agent) in self.talking.items()},
        }

    @classmethod
    def load(cls, data: dict, zone: ZoneInfo, targets: dict[int, Target]) -> "Tally":
        return cls(
            zone=zone,
            date=data["date"],
            targets=targets,
            days={int(q): Bucket.load(v) for q, v in data["days"].items()},
            minutes={
                int(m): {int(q): Bucket.load(v) for q, v in queues.items()}
                for m, queues in data["minutes"].items()
            },
            agents={int(a): AgentBucket.load(v) for a, v in data["agents"].items()},
            direct=Bucket.load(data["direct"]),
            waiting={key: (int(q), float(at)) for key, (q, at) in data["waiting"].items()},
            talking={key: (int(q), int(agent)) for key, (q, agent) in data["talking"].items()},
        )
