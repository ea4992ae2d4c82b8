"""What happened to each call, from its webhook events: the one place these rules live.

Pure functions from the events of one call id to `Call`s (docs/metrics.md, "Calls"):

- Events are ordered by time, then by their stage in a call's life (a call arrives before it
  is answered, is answered before it ends: webhook timestamps are whole seconds, so events
  of one second are common), then by the order they were stored.
- One call id may hold several calls (an id reused after a restart). A new call begins at an
  arrival or a dial when the current one has ended or already began, and at a direct call's
  answer when the current one has ended (an arrival identical
  to the first within REDELIVERY_SECONDS is that one again), and at any event more than
  EPISODE_GAP_SECONDS after the one before.
- A queue call's outcome is decided by the strongest evidence, whatever the order the
  events came in: an answer; else an abandon; else a timeout; else its end ("not answered").
  Without any of them it is still waiting. `QUEUE_NO_ANSWER` is one unanswered ring round:
  the caller waits on.
"""

import math
from dataclasses import dataclass
from enum import StrEnum
from itertools import groupby

INCOMING = "INCOMING_EXTERNAL_CALL"
DIAL = "USER_DIAL"
ANSWER = "USER_ANSWER"
HANGUP = "USER_HANGUP"
ENDED = "CALL_ENDED"
NO_ANSWER = "QUEUE_NO_ANSWER"
ABANDONED = "QUEUE_HANGUP_ABANDONED"
TIMEOUT = "QUEUE_HANGUP_TIMEOUT"
QUEUE_EVENTS = (NO_ANSWER, ABANDONED, TIMEOUT)
STAGE = {
    INCOMING: 0,
    DIAL: 0,
    NO_ANSWER: 1,
    ANSWER: 2,
    ABANDONED: 2,
    TIMEOUT: 2,
    HANGUP: 3,
    ENDED: 4,
}
CALL_EVENTS = tuple(STAGE)
# No call lasts this long: later events of the same id are another call.
EPISODE_GAP_SECONDS = 4 * 3600
# An arrival identical to the call's first this soon after it is the same one, sent again.
REDELIVERY_SECONDS = 300


class Outcome(StrEnum):
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    TIMED_OUT = "timed_out"
    NOT_ANSWERED = "not_answered"


class Kind(StrEnum):
    QUEUE = "queue"  # came through a queue: has every service metric
    DIRECT = "direct"  # inbound, answered without a queue: counts for its agent only
    OUTBOUND = "outbound"  # an agent dialled out


@dataclass(frozen=True, slots=True)
class Event:
    """The fields of one stored webhook event that these rules read."""

    id: int
    name: str
    at: float  # Unix seconds
    queue_id: int | None = None
    user_id: int | None = None
    direction: str = ""
    reason: str = ""
    wait_seconds: float | None = None
    duration: float | None = None
    # Only to recognise a redelivered arrival or dial; never kept in a Call.
    from_number: str = ""
    to_number: str = ""
    received_at: float = 0.0  # when the wallboard stored it

    @property
    def starts(self) -> bool:
        return self.name in (INCOMING, DIAL)

    @property
    def answers_direct(self) -> bool:
        """An inbound answer without a queue: how a direct call begins (it has no arrival)."""
        return self.name == ANSWER and self.queue_id is None and self.direction == "inbound"

    def repeats(self, start: "Event") -> bool:
        """Whether this arrival or dial is `start` delivered again (with another time)."""
        same = (self.name, self.queue_id, self.user_id, self.from_number, self.to_number) == (
            start.name,
            start.queue_id,
            start.user_id,
            start.from_number,
            start.to_number,
        )
        return same and self.at - start.at <= REDELIVERY_SECONDS


@dataclass(frozen=True, slots=True)
class Call:
    key: str  # call id and the time of its first event: one call of a reused id
    kind: Kind
    queue_id: int | None
    arrived_at: float | None  # when it reached the queue (None: the events do not say)
    inbound_at: float | None  # its INCOMING_EXTERNAL_CALL (what "calls in" counts)
    outcome: Outcome | None  # None: still waiting, or not a queue call
    wait_ended_at: float | None  # when the outcome happened: the window it belongs to
    wait_seconds: float | None  # None: unknown (an answer whose arrival was lost)
    agent_id: int | None  # who answered it, or who dialled it
    answered_at: float | None  # inbound answers, queue or direct
    talk_seconds: float | None  # answered calls that ended
    dialled_at: float | None  # outbound calls
    ended: bool

    @property
    def talking(self) -> bool:
        """An answered queue call not ended yet (as far as the events say)."""
        return (
            self.kind is Kind.QUEUE
            and self.outcome is Outcome.ANSWERED
            and not self.ended
            and self.agent_id is not None
        )

    @property
    def waiting(self) -> bool:
        return (
            self.kind is Kind.QUEUE
            and self.outcome is None
            and not self.ended
            and self.arrived_at is not None
        )


def order(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (e.at, STAGE.get(e.name, 5), e.id))


def episodes(events: list[Event]) -> list[list[Event]]:
    """The events of one call id split into calls, each in order; redelivered starts out."""
    calls: list[list[Event]] = []
    current: list[Event] = []
    for event in order([e for e in events if e.name in STAGE]):
        start = next((e for e in current if e.starts), None)
        ended = any(e.name == ENDED for e in current)
        gap = bool(current) and event.at - current[-1].at > EPISODE_GAP_SECONDS
        if event.starts and start is not None and not ended and event.repeats(start):
            continue  # the same arrival again
        begins = (event.starts and start is not None) or (
            ended and (event.starts or event.answers_direct)
        )
        if current and (gap or begins):
            calls.append(current)
            current = []
        current.append(event)
    if current:
        calls.append(current)
    return calls


def calls_of(call_id: str, events: list[Event]) -> list[Call]:
    """Every call the events of `call_id` describe."""
    return [summarize(call_id, part) for part in episodes(events)]


def by_call_id(events: list[tuple[str, Event]]) -> dict[str, list[Event]]:
    ordered = sorted(events, key=lambda pair: pair[0])
    return {cid: [e for _, e in group] for cid, group in groupby(ordered, key=lambda p: p[0])}


def _first(events: list[Event], *names: str) -> Event | None:
    return next((e for e in events if e.name in names), None)


def _queue_of(events: list[Event]) -> int | None:
    for names in ((INCOMING,), QUEUE_EVENTS, (ANSWER,), (ENDED,)):
        for event in events:
            if event.name in names and event.queue_id is not None:
                return event.queue_id
    return None


def _arrival(events: list[Event]) -> float | None:
    incoming = _first(events, INCOMING)
    if incoming is not None:
        return incoming.at
    queued = _first(events, *QUEUE_EVENTS)
    if queued is not None and queued.wait_seconds is not None:
        return queued.at - queued.wait_seconds
    return None


def _wait(event: Event, arrived: float | None) -> float | None:
    """What the event says the caller waited, else the time since the arrival."""
    if event.wait_seconds is not None:
        return _clamp(event.wait_seconds)
    return None if arrived is None else max(0.0, event.at - arrived)


def _outcome(
    events: list[Event], answer: Event | None, arrived: float | None
) -> tuple[Outcome, Event, float | None] | None:
    """The outcome, the event that decided it and the wait; None while undecided."""
    if answer is not None:
        return Outcome.ANSWERED, answer, _wait(answer, arrived)
    ended = _first(events, ENDED)
    if ended is not None and ended.user_id is not None and ended.reason == "completed":
        return Outcome.ANSWERED, ended, None  # answered, but its answer event was lost
    for name, outcome in ((ABANDONED, Outcome.ABANDONED), (TIMEOUT, Outcome.TIMED_OUT)):
        left = _first(events, name)
        if left is not None:
            return outcome, left, _wait(left, arrived)
    if ended is not None:
        return Outcome.NOT_ANSWERED, ended, _unanswered_wait(ended, arrived)
    return None


def _unanswered_wait(ended: Event, arrived: float | None) -> float | None:
    if arrived is not None:
        return max(0.0, ended.at - arrived)
    # Nobody took the call, so the whole of it was the wait.
    return _clamp(ended.duration) if ended.duration is not None else None


def _clamp(seconds: float) -> float:
    return max(0.0, float(seconds)) if math.isfinite(seconds) else 0.0


def _talk(events: list[Event], answered: Event | None) -> float | None:
    ended = _first(events, ENDED)
    if ended is None or answered is None:
        return None
    if answered.name == ANSWER:
        return max(0.0, ended.at - answered.at)
    return _clamp(ended.duration) if ended.duration is not None else None


def summarize(call_id: str, events: list[Event]) -> Call:
    """One call from its events (in order, as `episodes` gives them)."""
    queue_id = _queue_of(events)
    answer = next((e for e in events if e.name == ANSWER and e.direction == "inbound"), None)
    dial = _first(events, DIAL)
    if queue_id is not None:
        kind = Kind.QUEUE
    elif dial is not None:
        kind = Kind.OUTBOUND
    else:
        kind = Kind.DIRECT
    incoming = _first(events, INCOMING)
    arrived = _arrival(events) if kind is Kind.QUEUE else None
    decision = _outcome(events, answer, arrived) if kind is Kind.QUEUE else None
    outcome, decided, wait = decision or (None, None, None)
    answered = None
    if kind is Kind.QUEUE and outcome is Outcome.ANSWERED:
        answered = decided
    elif kind is Kind.DIRECT:
        answered = answer
    agent = dial.user_id if kind is Kind.OUTBOUND and dial is not None else None
    return Call(
        key=f"{call_id}@{int(events[0].at)}",
        kind=kind,
        queue_id=queue_id,
        arrived_at=arrived,
        inbound_at=incoming.at if incoming is not None else None,
        outcome=outcome,
        wait_ended_at=decided.at if decided is not None else None,
        wait_seconds=wait,
        agent_id=answered.user_id if answered is not None else agent,
        answered_at=answered.at if answered is not None else None,
        talk_seconds=_talk(events, answered),
        dialled_at=dial.at if kind is Kind.OUTBOUND and dial is not None else None,
        ended=_first(events, ENDED) is not None,
    )
