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


class Snapshot(_Frozen):
    """What changed-or-not is decided on. Excludes fetched_at and version on purpose."""

    account_id: int
    source: Source
    # Why the data is limited when source is "public" (no key, or the key was rejected).
    source_reason: str | None = None
    agents: list[AgentState]
    queues: list[QueueState]


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

    def age_seconds(self, now: float) -> float:
        return max(0.0, now - self.fetched_at)
