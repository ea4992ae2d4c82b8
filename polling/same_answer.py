"""An upstream answer whose bytes are the last one's is not parsed again.

Most polls of a quiet account get the same bytes as the poll before, apart from the
envelope's `timestamp`. The digest of each availability answer (without that timestamp) is
stored with the snapshot it was worked into (`Answers`, the snapshot hash's `answers`
field, written in the same script as the body), so every worker on every host compares
with the same truth. A poll reads the digests before its requests; an answer whose digest
matches is neither parsed nor normalized (`Unchanged`): the writer takes that part of the
snapshot from the stored one, which those very bytes made. The digest covers the build of
the code too, so a deploy that changes the normalization works every answer in again.

`PollClient` is the poller's Voice360Client: it shares the process's client's connection
pool and computes the digest of each body it reads for a poll that asked (`checked`).
"""

import contextvars
import hashlib
import re
import time
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from voice360.client import Voice360Client
from voice360.models import Fetched, RateLimit
from voice360.parsing import parse_rate_limit
from wallboard import runtime
from wallboard.build import build_id

T = TypeVar("T")

# The envelope's timestamp as its last member or its first: anchored at the body's end or
# start, so a "timestamp" inside `result` is never taken out.
_LAST = re.compile(rb',\s*"timestamp"\s*:\s*(?:"[^"\\]*"|-?[0-9.eE+-]+)\s*}\s*\Z')
_FIRST = re.compile(rb'\A\s*{\s*"timestamp"\s*:\s*(?:"[^"\\]*"|-?[0-9.eE+-]+)\s*,')
_TAIL = 200  # bytes: where the last member is looked for


def digest(body: bytes) -> str:
    """Of the body without the envelope's timestamp, and of this build."""
    h = hashlib.blake2b(build_id().encode(), digest_size=16)
    view = memoryview(body)
    last = _LAST.search(body, max(0, len(body) - _TAIL))
    if last is not None:
        h.update(view[: last.start()])
    elif (first := _FIRST.match(body)) is not None:
        h.update(view[first.end() :])
    else:
        h.update(view)
    return h.hexdigest()


@dataclass(frozen=True)
class Answers:
    """The digests of the two availability answers a stored snapshot was made of, and the
    queue ids of the second (what the queue configuration must cover)."""

    agents: str
    queues: str
    queue_ids: frozenset[int]

    def encode(self) -> str:
        return f"{self.agents} {self.queues} {','.join(map(str, sorted(self.queue_ids)))}"

    @classmethod
    def decode(cls, raw: str | None) -> "Answers | None":
        """None for anything else (nothing stored, another build's format)."""
        parts = (raw or "").split(" ")
        if len(parts) != 3 or not parts[0] or not parts[1]:
            return None
        try:
            ids = frozenset(int(q) for q in parts[2].split(",") if q)
        except ValueError:
            return None
        return cls(parts[0], parts[1], ids)


class Unchanged(Exception):  # an outcome of a read, caught by `checked`
    """The answer's bytes were the expected ones: not parsed."""

    def __init__(self, rate_limit: RateLimit) -> None:
        super().__init__("unchanged answer")
        self.rate_limit = rate_limit


@dataclass
class _Check:
    expected: str | None
    digest: str | None = None


_check: contextvars.ContextVar[_Check | None] = contextvars.ContextVar("answer", default=None)


class PollClient(Voice360Client):
    """Digests each successful answer of a checked read; raises Unchanged, before the
    client parses it, when it matches."""

    async def _fetch(
        self, name: str, path: str, api_key: str | None
    ) -> tuple[int, Mapping[str, str], bytes]:
        status, headers, body = await super()._fetch(name, path, api_key)
        check = _check.get()
        if check is not None and 200 <= status < 300:
            check.digest = digest(body)
            if check.digest == check.expected:
                raise Unchanged(parse_rate_limit(headers))
        return status, headers, body


@dataclass(frozen=True)
class Checked:
    """One read: `fetched` None when the bytes were the expected ones."""

    fetched: Fetched | None
    digest: str | None
    rate_limit: RateLimit
    elapsed_seconds: float


async def checked(read: Awaitable[Fetched], expected: str | None) -> Checked:
    """Await one read of the PollClient, comparing its bytes with `expected`. Run it as a
    task of its own (asyncio.gather does): the check lives in the task's context."""
    check = _Check(expected)
    token = _check.set(check)
    started = time.perf_counter()
    try:
        fetched = await read
    except Unchanged as same:
        return Checked(None, expected, same.rate_limit, time.perf_counter() - started)
    finally:
        _check.reset(token)
    return Checked(fetched, check.digest, fetched.rate_limit, fetched.elapsed_seconds)


_clients: dict[str, PollClient] = {}


def get_client() -> PollClient:
    """The poller's client, on the connections of the process's client (wallboard/runtime.py
    owns and closes them; call only from code run by runtime.run())."""
    base = runtime.get_client()
    client = _clients.get(base.base_url)
    if client is None or client.http is not base.http:
        client = _clients[base.base_url] = PollClient(
            base.base_url, timeout=base.timeout, max_body_bytes=base.max_body_bytes, http=base.http
        )
    return client
