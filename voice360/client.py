"""The async Voice360 client. One instance (and one aiohttp session) per event loop.

    client = Voice360Client(base_url, timeout=10.0, max_body_bytes=5_000_000)
    async with client:                       # or: await client.aclose()
        fetched = await client.availability(61, api_key)      # Fetched[list[Agent]]
        await client.queues(61, api_key)                      # Fetched[list[Queue]]
        await client.queue(61, 100134, api_key)               # Fetched[QueueDetail]
        await client.queue_availability(61, api_key)          # Fetched[list[QueueAvailability]]
        await client.queue_availability_detail(61, 100134, api_key)  # Fetched[QueueAvailability]

`api_key=None` is public mode: no X-API-Key header, reduced fields accepted.

Every failure is a `voice360.errors.Voice360Error` subclass (cancellation aside): API errors
by error code or status, `TransportError` when no answer arrived, `BadResponse` when the
answer is not what the doc promises. The API key never appears in a message or a log line.

The HTTP client is aiohttp's: a poll is mostly two small GETs, and a worker makes hundreds a
second. Against the sandbox, 16 at a time, an httpx.AsyncClient spent about 2.5 ms of CPU per
request (much of it in its connection pool's bookkeeping, which walks every pooled connection
at each request's start and end) and aiohttp 0.4 ms. The session keeps no cookies: one
session polls many accounts.

A session (and so this client) must not be shared across event loops: its pooled
connections belong to the loop that opened them. Create one Voice360Client per loop (e.g.
per Celery worker process that keeps one loop); the session is opened on that loop, at the
first request.
"""

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, Self, TypeVar

import aiohttp
from aiohttp.http_exceptions import ContentEncodingError
from pydantic import TypeAdapter

from voice360.errors import (
    BadResponse,
    ConnectionFailed,
    ResponseTooLarge,
    Timeout,
    TransportError,
    Voice360Error,
)
from voice360.models import Agent, Fetched, Queue, QueueAvailability, QueueDetail
from voice360.parsing import parse_answer, parse_rate_limit

T = TypeVar("T")

logger = logging.getLogger(__name__)

USER_AGENT = "voice360-wallboard/0.1 (live wallboard; aiohttp)"
DEFAULT_MAX_BODY_BYTES = 5_000_000
# One host, many accounts polled concurrently: enough connections for a burst of polls,
# all kept alive so steady polling never pays a new handshake.
MAX_CONNECTIONS = 64
KEEPALIVE_SECONDS = 30.0
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class _Endpoint(Generic[T]):
    """How to read one endpoint's `result`; adapters are built once, at import."""

    adapter: TypeAdapter[T]
    fetched: type[Fetched[T]]


_AGENTS = _Endpoint(TypeAdapter(list[Agent]), Fetched[list[Agent]])
_QUEUES = _Endpoint(TypeAdapter(list[Queue]), Fetched[list[Queue]])
_QUEUE_DETAIL = _Endpoint(TypeAdapter(QueueDetail), Fetched[QueueDetail])
_QUEUE_AVAILABILITIES = _Endpoint(
    TypeAdapter(list[QueueAvailability]), Fetched[list[QueueAvailability]]
)
_QUEUE_AVAILABILITY = _Endpoint(TypeAdapter(QueueAvailability), Fetched[QueueAvailability])


class Voice360Client:
    """Read-only access to the endpoints a wallboard polls.

    `timeout` bounds one whole call (connect, send, read the full body), in seconds.
    `max_body_bytes` bounds the decoded body: larger answers raise ResponseTooLarge.
    `http` lets the caller supply (and keep owning) the aiohttp.ClientSession; otherwise
    this client opens one at its first request and closes it in `aclose()`.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        http: aiohttp.ClientSession | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_body_bytes = max_body_bytes
        self._owns_http = http is None
        self._http = http
        self._closed = False

    def __repr__(self) -> str:
        return f"Voice360Client({self.base_url!r}, timeout={self.timeout})"

    @property
    def http(self) -> aiohttp.ClientSession:
        """The underlying session (opened on the running loop, if it is not yet)."""
        if self._http is None:
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=MAX_CONNECTIONS, keepalive_timeout=KEEPALIVE_SECONDS
                ),
                # One session polls many accounts: nothing one answer sets goes with another's
                # request.
                cookie_jar=aiohttp.DummyCookieJar(),
                # The whole call's deadline is ours (_fetch); none of the session's own.
                timeout=aiohttp.ClientTimeout(total=None),
                raise_for_status=False,
                # HTTPS_PROXY / NO_PROXY are honoured, as they were with httpx: an
                # installation behind an egress proxy keeps working.
                trust_env=True,
            )
        return self._http

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._closed = True
        if self._owns_http and self._http is not None:
            await self._http.close()

    async def availability(self, account_id: int, api_key: str | None) -> Fetched[list[Agent]]:
        """Every agent; public mode leaves out `channels`."""
        return await self._get(_AGENTS, f"/{_id(account_id)}/availability", api_key)

    async def queues(self, account_id: int, api_key: str | None) -> Fetched[list[Queue]]:
        """Every queue; public mode carries only pk, name, queue_name and extension."""
        return await self._get(_QUEUES, f"/{_id(account_id)}/queues", api_key)

    async def queue(
        self, account_id: int, queue_id: int, api_key: str | None
    ) -> Fetched[QueueDetail]:
        """One queue's configuration and members (developer key only)."""
        path = f"/{_id(account_id)}/queues/{_id(queue_id)}"
        return await self._get(_QUEUE_DETAIL, path, api_key)

    async def queue_availability(
        self, account_id: int, api_key: str | None
    ) -> Fetched[list[QueueAvailability]]:
        """Agent counts per queue; public mode leaves out `active_calls`."""
        path = f"/{_id(account_id)}/availability/queues"
        return await self._get(_QUEUE_AVAILABILITIES, path, api_key)

    async def queue_availability_detail(
        self, account_id: int, queue_id: int, api_key: str | None
    ) -> Fetched[QueueAvailability]:
        """Agent counts of one queue; public mode leaves out `active_calls`."""
        path = f"/{_id(account_id)}/availability/queues/{_id(queue_id)}"
        return await self._get(_QUEUE_AVAILABILITY, path, api_key)

    async def status(self, path: str, api_key: str | None) -> int:
        """The HTTP status of a GET of `path` (under the base URL), for a check that needs
        no more (accounts/connection_test.py: is this a user's key?)."""
        status, _headers, _body = await self._fetch(f"GET {path}", path, api_key)
        return status

    async def _get(self, endpoint: _Endpoint[T], path: str, api_key: str | None) -> Fetched[T]:
        name = f"GET {path}"
        started = time.perf_counter()
        try:
            status, headers, body = await self._fetch(name, path, api_key)
            answer = parse_answer(status, headers, body, endpoint.adapter, endpoint=name)
        except Voice360Error as exc:
            logger.info("%s failed: %s", name, _redacted(exc, api_key))
            raise
        elapsed = time.perf_counter() - started
        logger.debug("%s answered %s in %.3f s", name, status, elapsed)
        # The data is validated already: construct without validating it a second time.
        return endpoint.fetched.model_construct(
            data=answer.data,
            rate_limit=answer.rate_limit,
            server_time=answer.server_time,
            elapsed_seconds=elapsed,
        )

    async def _fetch(
        self, name: str, path: str, api_key: str | None
    ) -> tuple[int, Mapping[str, str], bytes]:
        """Status, headers (case-insensitive) and the size-checked body, or a
        TransportError/ResponseTooLarge."""
        if self._closed or (self._http is not None and self._http.closed):
            raise TransportError(f"{name}: the client is closed")
        try:
            # One deadline for the whole call: a server trickling bytes outlasts any
            # per-read timeout.
            async with asyncio.timeout(self.timeout):
                return await self._send(name, path, api_key)
        except TimeoutError as exc:  # ours, or one of aiohttp's (a subclass)
            if isinstance(exc, aiohttp.ServerTimeoutError):
                raise Timeout(f"{name}: timed out ({type(exc).__name__})") from exc
            raise Timeout(f"{name}: no complete answer within {self.timeout} s") from None
        except aiohttp.ClientPayloadError as exc:
            if isinstance(exc.__cause__, ContentEncodingError):
                # An answer arrived, but its Content-Encoding does not decode: bad data.
                raise BadResponse(f"{name}: undecodable body ({exc.__cause__})") from exc
            raise ConnectionFailed(f"{name}: the answer broke off ({exc})") from exc
        except (aiohttp.ClientConnectionError, aiohttp.ClientResponseError, OSError) as exc:
            # ClientResponseError here: the server's answer was not HTTP (a broken status
            # line or headers), which a connection cut mid-answer looks like too.
            raise ConnectionFailed(f"{name}: {type(exc).__name__}: {exc}") from exc
        except (aiohttp.ClientError, ValueError) as exc:
            raise TransportError(f"{name}: {type(exc).__name__}: {exc}") from exc

    async def _send(
        self, name: str, path: str, api_key: str | None
    ) -> tuple[int, Mapping[str, str], bytes]:
        # The API key travels in a header: never follow a redirect that could carry it
        # elsewhere (the production API redirects plain HTTP to HTTPS).
        async with self.http.get(
            self.base_url + path, headers=_headers(api_key), allow_redirects=False
        ) as response:
            body = await _read_body(response, self.max_body_bytes, name)
            return response.status, response.headers, body


def _headers(api_key: str | None) -> dict[str, str]:
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    if api_key is not None:
        headers["X-API-Key"] = api_key
    return headers


async def _read_body(response: aiohttp.ClientResponse, limit: int, name: str) -> bytes:
    """The decoded body, abandoned as soon as it passes `limit` bytes."""
    length = response.headers.get("content-length", "")
    if length.isascii() and length.isdigit() and int(length) > limit:
        raise _too_large(response, name, f"Content-Length {length}", limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise _too_large(response, name, f"more than {size} bytes", limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(
    response: aiohttp.ClientResponse, name: str, seen: str, limit: int
) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"{name}: HTTP {response.status}: body of {seen} exceeds {limit} bytes",
        status=response.status,
        # aiohttp's headers look names up case-insensitively, as parse_rate_limit expects.
        rate_limit=parse_rate_limit(response.headers),
    )


def _id(value: int) -> int:
    """Ids go into the URL path: only real integers, so nothing can reshape the path."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"ids must be int, not {type(value).__name__}")
    return value


def _redacted(exc: Voice360Error, api_key: str | None) -> Voice360Error:
    """Scrub the key should the server ever echo it back in its message."""
    if api_key and api_key in exc.message:
        exc.message = exc.message.replace(api_key, "[redacted]")
        exc.args = (exc.message, *exc.args[1:])
    return exc
