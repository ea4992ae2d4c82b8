"""docs/metrics.md read again, independently of service/: what every figure should be.

Written from the specification alone, simply: each call id's events are replayed by the
documented rules into calls, and the figures are counted with plain loops over those calls
(no running totals, no buckets). `figures()` gives them as one flat dict, keyed by tuples,
which tests/service/test_reference.py compares with the product's (`flat()` there).

Where docs/metrics.md leaves a choice open, the choice made here is marked "Reading:".
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

INCOMING, DIAL, ANSWER = "INCOMING_EXTERNAL_CALL", "USER_DIAL", "USER_ANSWER"
HANGUP, ENDED = "USER_HANGUP", "CALL_ENDED"
NO_ANSWER, ABANDONED, TIMEOUT = "QUEUE_NO_ANSWER", "QUEUE_HANGUP_ABANDONED", "QUEUE_HANGUP_TIMEOUT"
QUEUE_EVENTS = (NO_ANSWER, ABANDONED, TIMEOUT)
# "ordered by timestamp, then by stage (arrival or dial; unanswered ring round; answer,
# abandon or timeout; agent hang-up; end), then by the order they were stored"
STAGE = {INCOMING: 0, DIAL: 0, NO_ANSWER: 1, ANSWER: 2, ABANDONED: 2, TIMEOUT: 2, HANGUP: 3}
STAGE[ENDED] = 4
GAP = 4 * 3600  # "any event more than 4 hours after the one before" begins a new call
REDELIVERY = 300  # Reading: "within 5 minutes" includes exactly 300 s.
WAITING = 3 * 3600  # Reading: "arrived within the last 3 hours" is now - arrival < 3 h.
WINDOWS = (15, 30, 60)
DEFAULT_TARGET = (20, 5, 80.0)  # threshold T, short-abandon limit S, target percent


@dataclass(frozen=True)
class Stored:
    """One stored event: `id` is its place in the order of storage."""

    id: int
    call_id: str
    name: str
    at: int
    meta: dict[str, Any]

    def get(self, name: str) -> Any:
        return self.meta.get(name)


def _identity(event: Stored) -> tuple:
    return tuple(event.get(k) for k in ("queue_id", "user_id", "from_number", "to_number"))


def split(events: list[Stored]) -> list[list[Stored]]:
    """The calls of one call id ("One call or several"). A redelivered arrival or dial is
    left out. Reading: "the one before" is the event before in order, whatever it is."""
    calls: list[list[Stored]] = []
    previous: Stored | None = None
    for event in sorted(events, key=lambda e: (e.at, STAGE[e.name], e.id)):
        current = calls[-1] if calls else []
        if previous is None or event.at - previous.at > GAP:
            calls.append([event])
        elif event.name in (INCOMING, DIAL):
            began = [e for e in current if e.name in (INCOMING, DIAL)]
            if any(e.name == ENDED for e in current):
                calls.append([event])
            elif not began:
                current.append(event)
            elif not (
                event.name == began[0].name
                and _identity(event) == _identity(began[0])
                and event.at - began[0].at <= REDELIVERY
            ):
                calls.append([event])
            # else: a redelivery, which changes nothing
        elif (
            event.name == ANSWER
            and event.get("queue_id") is None
            and event.get("direction") == "inbound"
            and any(e.name == ENDED for e in current)
        ):
            calls.append([event])  # "at an inbound USER_ANSWER without a queue ... ended"
        else:
            current.append(event)
        previous = event
    return calls


@dataclass
class Call:
    queue: int | None
    arrival: float | None  # the Arrival (possibly worked out from a queue event)
    incoming: Stored | None  # the INCOMING_EXTERNAL_CALL ("calls in")
    dial: Stored | None
    outcome: str | None  # answered, abandoned, timed_out, not_answered
    decider: Stored | None  # the event that decided the outcome: where the wait ended
    wait: float | None
    talk: float | None
    agent: int | None  # who answered

    @property
    def direct(self) -> bool:
        # Reading: "an inbound answer" is a USER_ANSWER with direction inbound; a call
        # without a queue answered only by its CALL_ENDED counts nowhere (an outbound call's
        # CALL_ENDED also has a user and reason completed).
        # "A call without a queue is outbound when it has a USER_DIAL, else direct ..."
        answered = self.outcome == "answered" and self.decider.name == ANSWER
        return self.queue is None and self.dial is None and answered


def judge(events: list[Stored]) -> Call:
    """What happened to one call. Reading: where a rule names "the" answer, abandon, end or
    queue event and the call has several, it is the first of them in order."""

    def first(test) -> Stored | None:
        return next((e for e in events if test(e)), None)

    incoming = first(lambda e: e.name == INCOMING)
    dial = first(lambda e: e.name == DIAL)
    queue_event = first(lambda e: e.name in QUEUE_EVENTS)
    answer = first(lambda e: e.name == ANSWER and e.get("direction") == "inbound")
    end = first(lambda e: e.name == ENDED)
    # "The first queue_id found on the arrival, else on the queue events, else on the
    # answers, else on the ends": by kind of event, each kind in order.
    kinds = ((INCOMING,), QUEUE_EVENTS, (ANSWER,), (ENDED,))
    carried = [e.get("queue_id") for names in kinds for e in events if e.name in names]
    queue = next((q for q in carried if q is not None), None)
    if incoming is not None:
        arrival = float(incoming.at)
    elif queue_event is not None:
        arrival = float(queue_event.at - queue_event.get("wait_seconds"))
    else:
        arrival = None
    completed = first(
        lambda e: (
            e.name == ENDED and e.get("user_id") is not None and e.get("reason") == "completed"
        )
    )
    abandon = first(lambda e: e.name == ABANDONED)
    timeout = first(lambda e: e.name == TIMEOUT)
    if answer is not None:
        outcome, decider = "answered", answer
    elif completed is not None:
        outcome, decider = "answered", completed
    elif abandon is not None:
        outcome, decider = "abandoned", abandon
    elif timeout is not None:
        outcome, decider = "timed_out", timeout
    elif end is not None:
        outcome, decider = "not_answered", end
    else:
        outcome, decider = None, None
    wait = talk = agent = None
    if (decider is not None and decider.name != ENDED) or outcome == "not_answered":
        if decider.get("wait_seconds") is not None:
            wait = float(decider.get("wait_seconds"))
        elif arrival is not None:
            wait = max(0.0, decider.at - arrival)  # Reading: never negative
        elif outcome == "not_answered":
            wait = float(decider.get("duration"))
    if outcome == "answered":
        agent = decider.get("user_id")
        if decider.name == ENDED:
            talk = float(decider.get("duration"))
        else:
            # Reading: from the answer to the call's (first) end, never negative, even where
            # that end is stamped before the answer (events of one reused id, merged).
            talk = None if end is None else max(0.0, end.at - answer.at)
    return Call(queue, arrival, incoming, dial, outcome, decider, wait, talk, agent)


def calls_of(events: list[Stored]) -> list[Call]:
    by_id: dict[str, list[Stored]] = {}
    for event in events:
        by_id.setdefault(event.call_id, []).append(event)
    return [judge(call) for same_id in by_id.values() for call in split(same_id)]


def local_date(at: float, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(at, zone).date().isoformat()


def day_start(date: str, zone: ZoneInfo) -> float:
    """Local midnight of a date (the zones used here have no gap at midnight)."""
    return datetime.fromisoformat(date).replace(tzinfo=zone).timestamp()


def day_end(date: str, zone: ZoneInfo) -> float:
    following = datetime.fromisoformat(date) + timedelta(days=1)
    return following.replace(tzinfo=zone).timestamp()


def _level(calls: list[Call], targets: dict[int, tuple]) -> dict[str, Any]:
    """The formulas of one window over calls whose wait ended in it; each call judged by
    its own queue's T and S."""
    n = {"answered": 0, "within": 0, "timed": 0, "wait_total": 0.0, "abandoned": 0}
    n.update(short=0, timed_out=0, not_answered=0)
    for call in calls:
        threshold, short, _ = targets.get(call.queue, DEFAULT_TARGET)
        if call.outcome == "answered":
            n["answered"] += 1
            if call.wait is not None:
                n["timed"] += 1
                n["wait_total"] += call.wait
                n["within"] += call.wait <= threshold
        elif call.outcome == "abandoned":
            n["abandoned"] += 1
            n["short"] += call.wait <= short
        else:
            n[call.outcome] += 1
    offered = n["answered"] + n["abandoned"] + n["timed_out"] + n["not_answered"]
    counted = offered - n["short"]
    n["offered"] = offered
    n["percent"] = 100.0 * n["within"] / counted if counted > 0 else None
    n["asa"] = n["wait_total"] / n["timed"] if n["timed"] else None
    n["abandon_rate"] = (n["abandoned"] - n["short"]) / counted if counted > 0 else None
    return n


def _queue(calls: list[Call], targets, zone, now: float, queue: int | None) -> dict[str, Any]:
    """One queue's figures (queue None: all queues together)."""
    mine = [c for c in calls if c.queue is not None and (queue is None or c.queue == queue)]
    today = local_date(now, zone)
    minute = int(now // 60)
    decided = [c for c in mine if c.outcome is not None]
    out: dict[str, Any] = {}
    windows = {"today": [c for c in decided if local_date(c.decider.at, zone) == today]}
    for minutes in WINDOWS:
        windows[minutes] = [c for c in decided if minute - minutes < c.decider.at // 60 <= minute]
    for name, window in windows.items():
        for figure, value in _level(window, targets).items():
            out[name, figure] = value
    if queue is not None:
        target_percent = targets.get(queue, DEFAULT_TARGET)[2]
        percent = out["today", "percent"]
        out["meets"] = None if percent is None else percent >= target_percent
    out["inbound"] = sum(
        1 for c in mine if c.incoming is not None and local_date(c.incoming.at, zone) == today
    )
    waiting = [
        c.arrival
        for c in mine
        if c.outcome is None and c.arrival is not None and now - WAITING < c.arrival <= now
    ]
    out["waiting"], out["oldest"] = len(waiting), min(waiting, default=None)
    talks = [c.talk for c in windows["today"] if c.outcome == "answered" and c.talk is not None]
    out["talked"], out["talk_total"] = len(talks), float(sum(talks))
    out["aht"] = sum(talks) / len(talks) if talks else None
    return out


def figures(
    events: list[Stored], zone: ZoneInfo, targets: dict[int, tuple], now: float, queues
) -> dict[tuple, Any]:
    """Every figure of docs/metrics.md at `now`, flat: ("queue", id or "total", ...),
    ("agent", id, ...), ("direct_answered",), ("date",). `queues`: the ids to report."""
    calls = calls_of(events)
    today = local_date(now, zone)
    out: dict[tuple, Any] = {("date",): today, ("time_zone",): zone.key}
    for queue in [*queues, None]:
        for key, value in _queue(calls, targets, zone, now, queue).items():
            keys = key if isinstance(key, tuple) else (key,)
            out["queue", "total" if queue is None else queue, *keys] = value
    agents: dict[int, dict[str, Any]] = {}

    def agent(user_id: int) -> dict[str, Any]:
        return agents.setdefault(user_id, {"answered": 0, "placed": 0, "talked": 0, "talk": 0.0})

    direct = 0
    for call in calls:
        # "calls placed (calls with a USER_DIAL and no queue, by the dial's time)"
        placed = call.dial is not None and call.queue is None
        if placed and local_date(call.dial.at, zone) == today:
            agent(call.dial.get("user_id"))["placed"] += 1
        answered_today = call.outcome == "answered" and local_date(call.decider.at, zone) == today
        if answered_today and (call.queue is not None or call.direct):
            direct += call.queue is None
            figures_of = agent(call.agent)
            figures_of["answered"] += 1
            if call.talk is not None:
                figures_of["talked"] += 1
                figures_of["talk"] += call.talk
    out["direct_answered",] = direct
    for user_id, values in agents.items():
        for figure, value in values.items():
            out["agent", user_id, figure] = value
        talked = values["talked"]
        out["agent", user_id, "aht"] = values["talk"] / talked if talked else None
    return out
