"""Every fault the sandbox can inject, and its rate limits, surface as one typed error."""

import asyncio
import json

import pytest

from tests.client.demo import DEVELOPER_KEY
from tests.client.raw_server import raw_server, response
from tests.sandbox_process import RunningSandbox
from voice360.client import Voice360Client
from voice360.errors import (
    ApiError,
    AuthInvalid,
    AuthRequired,
    BadRequest,
    BadResponse,
    InternalError,
    NotFound,
    RateLimited,
    ResponseTooLarge,
    ServiceUnavailable,
    Timeout,
)


def inject(sandbox: RunningSandbox, **rule: object) -> None:
    sandbox.control("PUT", "/faults", {"rules": [rule]})


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, BadRequest),
        (401, AuthRequired),
        (403, AuthInvalid),
        (404, NotFound),
        (429, RateLimited),
        (500, InternalError),
        (503, ServiceUnavailable),
    ],
)
async def test_an_injected_status_raises_its_class(
    sandbox: RunningSandbox, client: Voice360Client, status: int, expected: type[ApiError]
):
    inject(sandbox, kind="status", status=status)

    with pytest.raises(expected) as caught:
        await client.availability(61, DEVELOPER_KEY)

    assert type(caught.value) is expected
    assert caught.value.status == status
    if status in (429, 503):
        assert caught.value.retry_after is not None


@pytest.mark.parametrize(
    ("code", "expected"),
    [("NOT_FOUND", NotFound), ("RATE_LIMITED", RateLimited), ("INTERNAL_ERROR", InternalError)],
)
async def test_error_true_with_http_200_raises_the_class_of_its_code(
    sandbox: RunningSandbox, client: Voice360Client, code: str, expected: type[ApiError]
):
    inject(sandbox, kind="error_true", error_code=code)

    with pytest.raises(expected) as caught:
        await client.queues(61, DEVELOPER_KEY)

    assert (caught.value.status, caught.value.error_code) == (200, code)


@pytest.mark.parametrize("kind", ["malformed", "truncated", "wrong_types"])
async def test_a_broken_body_raises_bad_response(
    sandbox: RunningSandbox, client: Voice360Client, kind: str
):
    inject(sandbox, kind=kind)

    with pytest.raises(BadResponse) as caught:
        await client.queue_availability(61, DEVELOPER_KEY)

    assert type(caught.value) is BadResponse
    assert "GET /61/availability/queues" in str(caught.value)


async def test_wrong_types_say_what_is_wrong(sandbox: RunningSandbox, client: Voice360Client):
    # The sandbox retypes the whole envelope (`error` becomes 0), so the envelope check
    # fires before result validation; test_parsing covers naming the offending field.
    inject(sandbox, kind="wrong_types")

    with pytest.raises(
        BadResponse, match=r"HTTP 200: (result|the envelope has no boolean 'error')"
    ):
        await client.availability(61, DEVELOPER_KEY)


async def test_a_huge_body_raises_response_too_large(sandbox: RunningSandbox):
    inject(sandbox, kind="huge", megabytes=2)

    async with Voice360Client(sandbox.base_url, max_body_bytes=100_000) as client:
        with pytest.raises(ResponseTooLarge):
            await client.availability(61, DEVELOPER_KEY)


async def test_latency_beyond_the_timeout_raises_timeout(sandbox: RunningSandbox):
    inject(sandbox, kind="latency", ms=3000)

    async with Voice360Client(sandbox.base_url, timeout=0.5) as client:
        with pytest.raises(Timeout):
            await client.queues(61, DEVELOPER_KEY)


async def test_latency_within_the_timeout_only_slows_the_answer(
    sandbox: RunningSandbox, client: Voice360Client
):
    inject(sandbox, kind="latency", ms=300)

    fetched = await client.queues(61, DEVELOPER_KEY)

    assert fetched.elapsed_seconds >= 0.3


async def test_an_outage_raises_service_unavailable_in_both_modes(
    sandbox: RunningSandbox, client: Voice360Client
):
    inject(sandbox, kind="outage")

    with pytest.raises(ServiceUnavailable):
        await client.availability(61, DEVELOPER_KEY)
    with pytest.raises(ServiceUnavailable):
        await client.queue_availability(61, None)


async def test_the_client_recovers_once_a_fault_expires(
    sandbox: RunningSandbox, client: Voice360Client
):
    inject(sandbox, kind="status", status=500, count=1)

    with pytest.raises(InternalError):
        await client.queues(61, DEVELOPER_KEY)
    assert (await client.queues(61, DEVELOPER_KEY)).data


async def test_going_over_the_key_limit_raises_rate_limited_with_retry_after(
    sandbox: RunningSandbox, client: Voice360Client
):
    sandbox.control("PATCH", "/settings", {"key_limit": 3})
    for _ in range(3):
        await client.queues(61, DEVELOPER_KEY)

    with pytest.raises(RateLimited) as caught:
        await client.queues(61, DEVELOPER_KEY)

    assert caught.value.status == 429
    assert 0 < caught.value.retry_after <= 60
    assert caught.value.rate_limit.limit == 3
    assert caught.value.rate_limit.remaining == 0


async def test_going_over_the_public_limit_raises_rate_limited(
    sandbox: RunningSandbox, client: Voice360Client
):
    sandbox.control("PATCH", "/settings", {"ip_limit": 2})
    first = await client.availability(61, None)
    await client.availability(61, None)

    with pytest.raises(RateLimited) as caught:
        await client.availability(61, None)

    assert first.rate_limit.limit == 2
    assert caught.value.retry_after is not None


async def test_several_calls_share_one_connection():
    body = json.dumps({"result": [], "error": False, "message": "ok"}).encode()
    sent = response(200, body, keep_alive=True)
    async with (
        raw_server(lambda writer: writer.write(sent), keep_alive=True) as server,
        Voice360Client(server.base_url) as client,
    ):
        for _ in range(5):
            await client.queues(61, DEVELOPER_KEY)
        await client.availability(61, None)

    assert len(server.requests) == 6
    assert server.connections == 1


async def test_concurrent_calls_all_succeed_through_one_client(client: Voice360Client):
    answers = await asyncio.gather(*(client.queues(61, DEVELOPER_KEY) for _ in range(20)))

    assert {len(answer.data) for answer in answers} == {len(answers[0].data)}
