"""The normalized snapshot of one account: what a board shows, independent of the API's shape.

A call is stored with its start time (`fetched_at - call_seconds`) so that a growing
`call_seconds` leaves the snapshot unchanged; pages tick timers themselves.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict

Source = Literal["key", "public"]
AgentStatus = Literal["available", "on_call", "online", "offline"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ActiveCall(_Frozen):
    direction: str
    peer: str
    started_at: float  # Unix seconds


class AgentState(_Frozen):
    id: int
    extension: str
    caller_id: str
    first_name: str
    last_name: str
    registered: bool
    # None in public mode: the API does not say who is on a call.
    calls: list[ActiveCall] | None
    # Since when the agent has been in its status (None: not known yet); see
    # snapshots/time_in_state.py.
    state_since: float | None = None

    @property
    def status(self) -> AgentStatus:
        if not self.registered:
            return "offline"
        if self.calls is None:
            return "online"  # public data: online, but whether on a call is unknown
        return "on_call" if self.calls else "available"


class QueueConfig(_Frozen):
    strategy: str | None = None
    musiconhold: str | None = None
    timeout: int | None = None
    retry: int | None = None
    wrapuptime: int | None = None
    maxlen: int | None = None
    joinempty: str | None = None
    leavewhenempty: str | None = None
    ringinuse: str | None = None


class QueueState(_Frozen):
    id: int
    name: str
    queue_name: str
    extension: str
    is_ready: bool
    agents_online: int
    agents_available: int
    agents_on_call: int
    active_calls: int | None  # None in public mode
    config: QueueConfig | None  # None until /queues has been read (or in public mode)
    member_ids: list[int] | None  # None without a key: /queues/{id} needs one


WINDOWS = (15, 30, 60)  # the rolling windows, in minutes, a board may choose from


def _shared(values: list) -> object:
    """The one value all have; None when they differ (or there are none)."""
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


class ServiceLevel(_Frozen):
    """The calls of one queue (or several together) whose wait ended in one window: "today"
    or the last N minutes. The formulas are in docs/metrics.md; computed once, here."""

    window: str = "today"  # "today", "15m", "30m" or "60m"
    # The queue's target; None for queues together whose targets differ.
    threshold_seconds: int | None = 20
    short_abandon_seconds: int | None = 5
    target_percent: float | None = 80.0
    answered: int = 0
    answered_within_threshold: int = 0
    answered_timed: int = 0  # answered calls whose wait is known
    wait_total: float = 0.0  # their waits, summed (seconds)
    abandoned: int = 0  # short abandons included
    short_abandoned: int = 0
    timed_out: int = 0
    not_answered: int = 0

    @property
    def offered(self) -> int:
        return self.answered + self.abandoned + self.timed_out + self.not_answered

    @property
    def percent(self) -> float | None:
        """Answered within the threshold / (offered - short abandons), in percent."""
        counted = self.offered - self.short_abandoned
        return 100.0 * self.answered_within_threshold / counted if counted > 0 else None

    @property
    def asa_seconds(self) -> float | None:
        """Average speed of answer: the mean wait of answered calls."""
        return self.wait_total / self.answered_timed if self.answered_timed else None

    @property
    def abandon_rate(self) -> float | None:
        """Abandoned / offered, short abandons left out of both (a fraction)."""
        counted = self.offered - self.short_abandoned
        return (self.abandoned - self.short_abandoned) / counted if counted > 0 else None

    @property
    def meets_target(self) -> bool | None:
        percent = self.percent
        if percent is None or self.target_percent is None:
            return None
        return percent >= self.target_percent

    @classmethod
    def combine(cls, levels: "list[ServiceLevel]", window: str) -> "ServiceLevel":
        """Several queues' calls together; each call judged by its own queue's target."""
        summed = {
            name: sum(getattr(level, name) for level in levels)
            for name, info in cls.model_fields.items()
            if info.annotation in (int, float)
        }
        targets = {
            name: _shared([getattr(level, name) for level in levels])
            for name in ("threshold_seconds", "short_abandon_seconds", "target_percent")
        }
        return cls(window=window, **summed, **targets)


class QueueToday(_Frozen):
    """Today's calls of one queue (or the whole account), from webhook events."""

    inbound: int = 0  # calls that arrived today
    service: ServiceLevel = ServiceLevel()  # calls whose wait ended today
    recent: dict[int, ServiceLevel] = {}  # minutes -> the last 15, 30 and 60 minutes
    calls_waiting: int = 0
    # When the longest-waiting call still in the queue arrived (None: none waiting, or the
    # events do not say). A fixed time, so a growing wait is not a change.
    oldest_waiting_since: float | None = None
    talked: int = 0  # answered calls that ended today
    talk_total: float = 0.0

    @property
    def answered(self) -> int:
        return self.service.answered

    @property
    def abandoned(self) -> int:
        return self.service.abandoned

    @property
    def timed_out(self) -> int:
        return self.service.timed_out

    @property
    def not_answered(self) -> int:
        return self.service.not_answered

    @property
    def abandon_rate(self) -> float | None:
        return self.service.abandon_rate

    @property
    def abandoned_last_hour(self) -> int:
        last_hour = self.recent.get(60)
        return last_hour.abandoned if last_hour else 0

    @property
    def aht_seconds(self) -> float | None:
        """Average handle time: the mean talk time of today's answered calls that ended."""
        return self.talk_total / self.talked if self.talked else None

    def window(self, minutes: int) -> ServiceLevel:
        return self.recent.get(minutes) or ServiceLevel(window=f"{minutes}m")

    @classmethod
    def total(cls, counts: "list[QueueToday]") -> "QueueToday":
        """Several queues together: counts add up, the oldest waiting call is the earliest."""
        waiting = [c.oldest_waiting_since for c in counts if c.oldest_waiting_since is not None]
        return cls(
            inbound=sum(c.inbound for c in counts),
            service=ServiceLevel.combine([c.service for c in counts], "today"),
            recent={
                m: ServiceLevel.combine([c.window(m) for c in counts], f"{m}m") for m in WINDOWS
            },
            calls_waiting=sum(c.calls_waiting for c in counts),
            oldest_waiting_since=min(waiting, default=None),
            talked=sum(c.talked for c in counts),
            talk_total=sum(c.talk_total for c in counts),
        )


class AgentToday(_Frozen):
    answered: int = 0  # inbound calls, queue and direct
    placed: int = 0
    talked: int = 0  # answered calls that ended
    talk_total: float = 0.0

    @property
    def aht_seconds(self) -> float | None:
        return self.talk_total / self.talked if self.talked else None


class TodayCounts(_Frozen):
    """Calls since local midnight in the account's time zone (docs/metrics.md)."""

    date: str  # the local date, ISO 8601
    time_zone: str
    total: QueueToday  # every queue together
    queues: dict[int, QueueToday]
    agents: dict[int, AgentToday]
    direct_answered: int = 0  # inbound calls answered without a queue


class ActiveAlert(_Frozen):
    """A threshold rule of a board that is breached now (alerts/)."""

    id: int  # the alert event: acknowledging names it
    rule_id: int
    board_id: int
    queue_id: int | None
    kind: str
    message: str
    since: float  # Unix seconds
    acknowledged: bool = False
    # Screens with sound enabled play it: false once acknowledged or in quiet hours.
    sound: bool = False


class Snapshot(_Frozen):
    """What changed-or-not is decided on. Excludes fetched_at and version on purpose.

    `today` and `alerts` are the overlay: not read from the API but from webhook events and
    alert rules, put on each snapshot before it is stored (polling/overlay.py), so that they
    are versioned, diffed and pushed like everything else.
    """

    account_id: int
    source: Source
    # Why the data is limited when source is "public" (no key, or the key was rejected).
    source_reason: str | None = None
    agents: list[AgentState]
    queues: list[QueueState]
    today: TodayCounts | None = None  # None: no webhook events from this account
    alerts: list[ActiveAlert] = []


class HealthState(_Frozen):
    last_success_at: float | None = None
    last_error: str | None = None
    last_error_at: float | None = None
    consecutive_failures: int = 0


class StoredSnapshot(_Frozen):
    """A snapshot as readers get it: content, version, when it was fetched, and health."""

    snapshot: Snapshot
    version: int
    fetched_at: float
    health: HealthState
    interval: float | None = None  # the effective poll interval when it was written
    rendered_version: int = 0  # the version the boards' feeds are rendered at
    rendered_build: str = ""  # by which build of the templates (wallboard/build.py)
    answers: str = ""  # what the API answered to make it (the poller's; polling/same_answer.py)

    def renders_behind(self, build: str) -> bool:
        """Whether the boards' stored renders trail this snapshot, or were made by another
        build (a deploy changed the markup): the next write renders them again."""
        return self.rendered_version < self.version or self.rendered_build != build
