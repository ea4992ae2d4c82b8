"""Typed objects for what the Voice360 API returns, validated once at the client's edge.

Fields that public mode (no API key) leaves out are optional here: `Agent.channels` and
`QueueAvailability.active_calls` are None, and `/queues` then carries only the basic info.
Models are strict: a wrong type upstream is an error, never a silent coercion.
"""

from datetime import datetime
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

# Ids are non-negative and fit the signed 64-bit columns they end up in: anything else is a
# bad payload, refused here rather than by a database later.
Id = Annotated[int, Field(ge=0, lt=2**63)]


class _Upstream(BaseModel):
    # Unknown extra fields are ignored so that additive upstream changes do not break us.
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore", populate_by_name=True)


class Call(_Upstream):
    to: str
    from_: str = Field(alias="from")
    call_seconds: int = Field(ge=0)
    direction: str

    @property
    def is_voice(self) -> bool:
        """SMS show up in `channels` for a few seconds; they do not make an agent busy."""
        return self.direction != "sms"


class Agent(_Upstream):
    pk: Id
    presence_id: str
    caller_id: str = Field(alias="callerID")
    first_name: str
    last_name: str
    devices_registered: bool
    channels: list[Call] | None = None


class QueueMember(_Upstream):
    pk: Id
    presence_id: str
    caller_id: str = Field(alias="callerID")
    first_name: str
    last_name: str


class Queue(_Upstream):
    pk: Id
    name: str
    queue_name: str
    extension: str
    strategy: str | None = None
    musiconhold: str | None = None
    timeout: int | None = None
    retry: int | None = None
    wrapuptime: int | None = None
    maxlen: int | None = None
    joinempty: str | None = None
    leavewhenempty: str | None = None
    ringinuse: str | None = None


class QueueDetail(Queue):
    assigned_users: list[QueueMember]


class QueueAvailability(_Upstream):
    pk: Id
    name: str
    queue_name: str
    extension: str
    is_ready: bool
    agents_online: int = Field(ge=0)
    agents_available: int = Field(ge=0)
    agents_on_call: int = Field(ge=0)
    active_calls: int | None = Field(default=None, ge=0)


class RateLimit(_Upstream):
    """What `X-RateLimit-Limit` and `X-RateLimit-Remaining` said (None when absent)."""

    limit: int | None = None
    remaining: int | None = None


T = TypeVar("T")


class Fetched(BaseModel, Generic[T]):
    """One successful answer: the parsed result and what the response said around it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    data: T
    rate_limit: RateLimit
    server_time: datetime | None
    elapsed_seconds: float
