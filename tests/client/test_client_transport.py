"""The client's HTTP behaviour over real sockets, without the sandbox: headers, size limits,
deadlines, broken connections, and keeping the API key out of every message."""

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest

from tests.client.raw_server import RawServer, raw_server, response
from tests.sandbox_process import free_port
from voice360.client import Voice360Client
from voice360.errors import (
    AuthInvalid,
    BadResponse,
    ConnectionFailed,
    ResponseTooLarge,
    ServiceUnavailable,
    Timeout,
    TransportError,
    UnexpectedStatus,
)

KEY = "v360_dev_secret_key_do_not_print_0001"
AGENTS_BODY = json.dumps(
    {"result": [], "error": False, "message": "ok", "timestamp": "2024-01-15T10:30:00Z"}
).encode()


@asynccontextmanager
async def served(answer, **options) -> AsyncIterator[tuple[RawServer, Voice360Client]]:
    async with raw_server(answer) as server, Voice360Client(server.base_url, **options) as client:
        yield server, client


def answer_with(raw: bytes):
    def answer(writer: asyncio.StreamWriter) -> None:
        writer.write(raw)

    return answer


def sent_headers(request: bytes) -> dict[str, str]:
    lines = request.decode().split("\r\n")[1:]
    return {
        name.strip().lower(): value.strip()
        for name, value in (line.split(":", 1) for line in lines if ":" in line)
    }


async def test_it_sends_the_key_accept_and_a_user_agent_naming_the_wallboard():
    async with served(answer_with(response(200, AGENTS_BODY))) as (server, client):
        fetched = await client.availability(61, KEY)

    headers = sent_headers(server.requests[0])
    assert server.requests[0].startswith(b"GET /v3/voice/61/availability HTTP/1.1")
    assert headers["x-api-key"] == KEY
    assert headers["accept"] == "application/json"
    assert "wallboard" in headers["user-agent"]
    assert fetched.data == []
    assert fetched.elapsed_seconds > 0


async def test_public_mode_sends_no_api_key_header_at_all():
    async with served(answer_with(response(200, AGENTS_BODY))) as (server, client):
        await client.queue_availability(61, None)

    assert server.requests[0].startswith(b"GET /v3/voice/61/availability/queues HTTP/1.1")
    assert "x-api-key" not in sent_headers(server.requests[0])


async def test_it_refuses_a_too_large_content_length_before_reading_the_body():
    raw = response(200, b"{}", {"X-RateLimit-Limit": "1000"}).replace(
        b"Content-Length: 2", b"Content-Length: 10000000"
    )
    async with served(answer_with(raw), max_body_bytes=1000) as (_server, client):
        with pytest.raises(ResponseTooLarge, match="Content-Length 10000000") as caught:
            await client.queues(61, KEY)

    assert caught.value.status == 200
    assert caught.value.rate_limit.limit == 1000


async def test_it_stops_reading_a_chunked_body_once_it_passes_max_body_bytes():
    chunks_sent = 0

    async def answer(writer: asyncio.StreamWriter) -> None:
        nonlocal chunks_sent
        writer.write(response(200, b"", {"Transfer-Encoding": "chunked"}))
        for _ in range(1000):  # 10 MB if read to the end
            writer.write(b"2710\r\n" + b" " * 10_000 + b"\r\n")
            chunks_sent += 1
            await writer.drain()
        writer.write(b"0\r\n\r\n")

    async with served(answer, max_body_bytes=50_000) as (_server, client):
        with pytest.raises(ResponseTooLarge, match="exceeds 50000 bytes"):
            await client.queues(61, KEY)

    assert chunks_sent < 1000


async def test_it_gives_up_on_a_body_trickled_past_its_deadline():
    async def answer(writer: asyncio.StreamWriter) -> None:
        writer.write(response(200, b"", {"Transfer-Encoding": "chunked"}))
        for _ in range(20):
            writer.write(b"1\r\n \r\n")
            await writer.drain()
            await asyncio.sleep(0.1)

    async with served(answer, timeout=0.5) as (_server, client):
        with pytest.raises(Timeout, match=r"within 0\.5 s"):
            await client.availability(61, KEY)


async def test_it_reports_a_connection_dropped_mid_answer_as_connection_failed():
    async with served(answer_with(b"HTTP/1.1 200 OK\r\nContent-Le")) as (_server, client):
        with pytest.raises(ConnectionFailed):
            await client.availability(61, KEY)


async def test_it_reports_a_refused_connection_as_connection_failed():
    async with Voice360Client(f"http://127.0.0.1:{free_port()}/v3/voice") as client:
        with pytest.raises(ConnectionFailed, match="GET /61/availability"):
            await client.availability(61, KEY)


async def test_it_raises_a_transport_error_once_closed():
    client = Voice360Client(f"http://127.0.0.1:{free_port()}/v3/voice")
    await client.aclose()

    with pytest.raises(TransportError, match="closed"):
        await client.queues(61, KEY)


async def test_it_does_not_follow_redirects_that_could_carry_the_key_elsewhere():
    redirect = response(301, b"", {"Location": "http://example.invalid/"})
    async with served(answer_with(redirect)) as (server, client):
        with pytest.raises(UnexpectedStatus, match="HTTP 301"):
            await client.queues(61, KEY)

    assert len(server.requests) == 1


async def test_a_body_that_does_not_decode_is_a_bad_response():
    raw = response(200, b"not gzip at all", {"Content-Encoding": "gzip"})
    async with served(answer_with(raw)) as (_server, client):
        with pytest.raises(BadResponse, match="undecodable"):
            await client.queues(61, KEY)


async def test_it_honours_retry_after_on_a_503_from_a_proxy_with_an_html_body():
    raw = response(503, b"<html>down</html>", {"Retry-After": "30"})
    async with served(answer_with(raw)) as (_server, client):
        with pytest.raises(ServiceUnavailable) as caught:
            await client.queues(61, KEY)

    assert caught.value.retry_after == 30


async def test_it_never_shows_the_api_key_in_messages_reprs_or_logs(caplog):
    echoed = json.dumps(
        {"result": None, "error": True, "error_code": "AUTH_INVALID", "message": f"bad {KEY}"}
    ).encode()
    caplog.set_level(logging.DEBUG)
    async with served(answer_with(response(403, echoed))) as (_server, client):
        with pytest.raises(AuthInvalid) as caught:
            await client.availability(61, KEY)

    assert "[redacted]" in str(caught.value)
    for text in (str(caught.value), repr(caught.value), repr(client), caplog.text):
        assert KEY not in text


async def test_it_leaves_an_http_session_it_was_given_open():
    async with aiohttp.ClientSession() as http:
        async with Voice360Client("http://127.0.0.1:1/v3/voice", http=http) as client:
            assert client.http is http
        assert not http.closed


async def test_it_rejects_ids_that_are_not_integers():
    async with Voice360Client("http://127.0.0.1:1/v3/voice") as client:
        with pytest.raises(TypeError):
            await client.queue(61, "1/../../admin", KEY)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            await client.availability(True, KEY)
