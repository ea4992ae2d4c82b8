"""The normalized snapshot of one account: what a board shows, independent of the API's shape.

A call is stored with its start time (`fetched_at - call_seconds`) so that a growing
`call_seconds` leaves the snapshot unchanged; pages tick timers themselves.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict

Source = Literal["key", "public"]


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


class QueueToday(_Frozen):
    """Today's call counts of one queue (or the whole account), from webhook events."""

    inbound: int = 0
    answered: int = 0
    abandoned: int = 0  # QUEUE_HANGUP_ABANDONED
    timed_out: int = 0  # QUEUE_HANGUP_TIMEOUT
    not_answered: int = 0  # QUEUE_NO_ANSWER
    abandoned_last_hour: int = 0
    # When the longest-waiting call still in the queue arrived (None: none waiting, or the
    # events do not say). A fixed time, so a growing wait is not a change.
    oldest_waiting_since: float | None = None

    @property
    def abandon_rate(self) -> float | None:
        """Abandoned calls per inbound call (None before the first inbound call): the one
        definition, for the boards, the public JSON and the alert rules."""
        return self.abandoned / self.inbound if self.inbound else None

    @classmethod
    def total(cls, counts: "list[QueueToday]") -> "QueueToday":
        """Several queues together: counts add up, the oldest waiting call is the earliest."""
        waiting = [c.oldest_waiting_since for c in counts if c.oldest_waiting_since is not None]
        summed = {
            name: sum(getattr(c, name) for c in counts)
            for name, info in cls.model_fields.items()
            if info.annotation is int
        }
        return cls(**summed, oldest_waiting_since=min(waiting, default=None))


class AgentToday(_Frozen):
    answered: int = 0
    placed: int = 0


class TodayCounts(_Frozen):
    """Counts since local midnight in the account's time zone."""

    date: str  # the local date, ISO 8601
    time_zone: str
    total: QueueToday
    queues: dict[int, QueueToday]
    agents: dict[int, AgentToday]


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

    def renders_behind(self, build: str) -> bool:
        """Whether the boards' stored renders trail this snapshot, or were made by another
        build (a deploy changed the markup): the next write renders them again."""
        return self.rendered_version < self.version or self.rendered_build != build
