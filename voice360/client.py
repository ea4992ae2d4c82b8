"""The async Voice360 client. One instance (and one httpx.AsyncClient) per event loop.

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

An httpx.AsyncClient (and so this client) must not be shared across event loops
(encode/httpx #2473): its pooled connections belong to the loop that opened them. Create
one Voice360Client per loop (e.g. per Celery worker process that keeps one loop).
"""

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Generic, Self, TypeVar

import httpx
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

USER_AGENT = "voice360-wallboard/0.1 (live wallboard; httpx)"
DEFAULT_MAX_BODY_BYTES = 5_000_000

# One host, many accounts polled concurrently: enough connections for a burst of polls,
# and keep-alive for most of them so steady polling never pays a new handshake.
DEFAULT_LIMITS = httpx.Limits(
    max_connections=64, max_keepalive_connections=32, keepalive_expiry=30.0
)


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
    `http` lets the caller supply (and keep owning) the httpx.AsyncClient; otherwise this
    client creates one and closes it in `aclose()`.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_body_bytes = max_body_bytes
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            limits=DEFAULT_LIMITS,
            # The API key travels in a header: never follow a redirect that could carry it
            # elsewhere (the production API redirects plain HTTP to HTTPS).
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"Voice360Client({self.base_url!r}, timeout={self.timeout})"

    @property
    def http(self) -> httpx.AsyncClient:
        """The underlying httpx client (e.g. for event hooks or pool metrics)."""
        return self._http

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

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
    ) -> tuple[int, httpx.Headers, bytes]:
        """Status, headers and the size-checked body, or a TransportError/ResponseTooLarge."""
        if self._http.is_closed:
            raise TransportError(f"{name}: the client is closed")
        try:
            # httpx's timeouts are per operation; a server trickling bytes could outlast
            # them, so the whole call also gets one deadline.
            async with asyncio.timeout(self.timeout):
                return await self._send(name, path, api_key)
        except TimeoutError:
            raise Timeout(f"{name}: no complete answer within {self.timeout} s") from None
        except httpx.TimeoutException as exc:
            raise Timeout(f"{name}: timed out ({type(exc).__name__})") from exc
        except httpx.DecodingError as exc:
            # An answer arrived, but its Content-Encoding does not decode: bad data, not transport.
            raise BadResponse(f"{name}: undecodable body ({exc})") from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError, OSError) as exc:
            raise ConnectionFailed(f"{name}: {type(exc).__name__}: {exc}") from exc
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            raise TransportError(f"{name}: {type(exc).__name__}: {exc}") from exc

    async def _send(
        self, name: str, path: str, api_key: str | None
    ) -> tuple[int, httpx.Headers, bytes]:
        headers = _headers(api_key)
        async with self._http.stream("GET", self.base_url + path, headers=headers) as response:
            body = await _read_body(response, self.max_body_bytes, name)
            return response.status_code, response.headers, body


def _headers(api_key: str | None) -> dict[str, str]:
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    if api_key is not None:
        headers["X-API-Key"] = api_key
    return headers


async def _read_body(response: httpx.Response, limit: int, name: str) -> bytes:
    """The decoded body, abandoned as soon as it passes `limit` bytes."""
    length = response.headers.get("content-length", "")
    if length.isascii() and length.isdigit() and int(length) > limit:
        raise _too_large(response, name, f"Content-Length {length}", limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise _too_large(response, name, f"more than {size} bytes", limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(response: httpx.Response, name: str, seen: str, limit: int) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"{name}: HTTP {response.status_code}: body of {seen} exceeds {limit} bytes",
        status=response.status_code,
        # httpx.Headers looks names up case-insensitively, as parse_rate_limit expects.
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
