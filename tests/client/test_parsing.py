"""The pure parser: envelopes, error mapping, headers, and fuzzing with Hypothesis."""

import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from voice360.errors import (
    AuthInvalid,
    AuthRequired,
    BadResponse,
    InternalError,
    NotFound,
    RateLimited,
    ServiceUnavailable,
    UnexpectedStatus,
    Voice360Error,
)
from voice360.models import Agent, QueueAvailability, RateLimit
from voice360.parsing import (
    parse_answer,
    parse_rate_limit,
    parse_retry_after,
    parse_server_time,
)

AGENTS = TypeAdapter(list[Agent])
QUEUE_AVAILABILITY = TypeAdapter(QueueAvailability)

JOHN = {
    "pk": 123,
    "presence_id": "1001",
    "callerID": "John Smith",
    "first_name": "John",
    "last_name": "Smith",
    "devices_registered": True,
    "channels": [{"to": "5551234", "from": "1001", "call_seconds": 45, "direction": "outbound"}],
}


def envelope(result: object = None, **fields: object) -> bytes:
    return json.dumps({"result": result, "error": False, "message": "ok", **fields}).encode()


def error_envelope(code: str | None, message: str = "nope") -> bytes:
    body = {"result": None, "error": True, "message": message}
    if code is not None:
        body["error_code"] = code
    return json.dumps(body).encode()


def test_it_returns_the_validated_result_with_rate_limit_and_server_time():
    headers = {"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "998"}
    body = envelope([JOHN], timestamp="2024-01-15T10:30:00Z")

    answer = parse_answer(200, headers, body, AGENTS)

    assert answer.data[0].caller_id == "John Smith"
    assert answer.data[0].channels[0].from_ == "1001"
    assert answer.rate_limit == RateLimit(limit=1000, remaining=998)
    assert answer.server_time == datetime(2024, 1, 15, 10, 30, tzinfo=UTC)


def test_it_accepts_public_mode_answers_without_channels():
    public = {key: value for key, value in JOHN.items() if key != "channels"}

    answer = parse_answer(200, {}, envelope([public]), AGENTS)

    assert answer.data[0].channels is None


def test_it_treats_a_missing_or_invalid_timestamp_as_unknown():
    assert parse_answer(200, {}, envelope([]), AGENTS).server_time is None
    assert parse_answer(200, {}, envelope([], timestamp="yesterday"), AGENTS).server_time is None
    assert parse_answer(200, {}, envelope([], timestamp=17), AGENTS).server_time is None


def test_it_reads_a_timestamp_without_offset_as_utc():
    assert parse_server_time("2024-01-15T10:30:00") == datetime(2024, 1, 15, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("AUTH_REQUIRED", 401, AuthRequired),
        ("AUTH_INVALID", 403, AuthInvalid),
        ("AUTH_INVALID_KEY", 403, AuthInvalid),
        ("NOT_FOUND", 404, NotFound),
        ("RATE_LIMITED", 429, RateLimited),
        ("INTERNAL_ERROR", 500, InternalError),
        ("SERVICE_UNAVAILABLE", 503, ServiceUnavailable),
        ("NOT_FOUND", 200, NotFound),
        ("SOMETHING_NEW", 404, NotFound),
        (None, 503, ServiceUnavailable),
        ("SOMETHING_NEW", 200, UnexpectedStatus),
        ("SOMETHING_NEW", 418, UnexpectedStatus),
    ],
)
def test_it_picks_the_error_class_by_code_then_by_status(code, status, expected):
    with pytest.raises(expected) as caught:
        parse_answer(status, {}, error_envelope(code), AGENTS)

    assert type(caught.value) is expected
    assert caught.value.status == status
    assert caught.value.error_code == code


def test_it_puts_rate_limit_and_retry_after_on_errors():
    headers = {"x-ratelimit-limit": "3", "x-ratelimit-remaining": "0", "retry-after": "42"}

    with pytest.raises(RateLimited) as caught:
        parse_answer(429, headers, error_envelope("RATE_LIMITED"), AGENTS)

    assert caught.value.rate_limit == RateLimit(limit=3, remaining=0)
    assert caught.value.retry_after == 42


def test_it_names_the_endpoint_code_and_message_in_errors():
    with pytest.raises(AuthInvalid, match=r"GET /61/queues: HTTP 403: AUTH_INVALID: Bad key"):
        parse_answer(
            403, {}, error_envelope("AUTH_INVALID", "Bad key"), AGENTS, endpoint="GET /61/queues"
        )


@pytest.mark.parametrize(
    ("status", "expected"),
    [(503, ServiceUnavailable), (500, InternalError), (502, UnexpectedStatus), (200, BadResponse)],
)
def test_it_falls_back_to_the_status_when_the_body_is_not_an_envelope(status, expected):
    with pytest.raises(expected, match="not JSON") as caught:
        parse_answer(status, {}, b"<html>Bad gateway</html>", AGENTS)

    assert type(caught.value) is expected


def test_it_treats_a_failing_status_with_error_false_as_an_error():
    with pytest.raises(InternalError, match="'error' is false"):
        parse_answer(500, {}, envelope([]), AGENTS)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b'{"result": [], "error": false',
        b"[]",
        b'"ok"',
        b'{"result": []}',
        b'{"error": false}',
        b'{"result": [], "error": "false"}',
        b"\xff\xfe\x00garbage",
        b"[" * 100_000,
    ],
)
def test_it_raises_bad_response_for_bodies_that_are_not_a_success_envelope(body):
    with pytest.raises(BadResponse):
        parse_answer(200, {}, body, AGENTS)


def test_it_names_the_endpoint_and_first_offending_field_on_wrong_types():
    wrong = {**JOHN, "devices_registered": "yes", "pk": "123"}

    with pytest.raises(BadResponse) as caught:
        parse_answer(200, {}, envelope([JOHN, wrong]), AGENTS, endpoint="GET /61/availability")

    message = str(caught.value)
    assert message.startswith("GET /61/availability: HTTP 200: result[1].pk: ")
    assert "(+1 more)" in message
    assert caught.value.__cause__ is None


def test_it_rejects_negative_counts():
    body = envelope(
        {
            "pk": 1,
            "name": "1",
            "queue_name": "q",
            "extension": "8001",
            "is_ready": True,
            "agents_online": -1,
            "agents_available": 0,
            "agents_on_call": 0,
        }
    )

    with pytest.raises(BadResponse, match=r"result\.agents_online"):
        parse_answer(200, {}, body, QUEUE_AVAILABILITY)


def test_it_clips_long_upstream_messages():
    with pytest.raises(NotFound) as caught:
        parse_answer(404, {}, error_envelope("NOT_FOUND", "x" * 10_000 + "\n\x00"), AGENTS)

    assert len(str(caught.value)) < 300


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, RateLimit()),
        (
            {"x-ratelimit-limit": "1000", "x-ratelimit-remaining": "0"},
            RateLimit(limit=1000, remaining=0),
        ),
        ({"x-ratelimit-limit": " 100 ", "x-ratelimit-remaining": "-5"}, RateLimit(limit=100)),
        ({"x-ratelimit-limit": "lots", "x-ratelimit-remaining": "1_000"}, RateLimit()),
        ({"x-ratelimit-limit": "1e3", "x-ratelimit-remaining": "²"}, RateLimit()),
        ({"x-ratelimit-limit": "9" * 40}, RateLimit()),
    ],
)
def test_it_reads_rate_limit_headers_and_ignores_garbage(headers, expected):
    assert parse_rate_limit(headers) == expected


# --- fuzzing --------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)
statuses = st.integers(min_value=100, max_value=599)
header_values = st.text(max_size=30)
headers = st.fixed_dictionaries(
    {},
    optional={
        "X-RateLimit-Limit": header_values,
        "X-RateLimit-Remaining": header_values,
        "Retry-After": header_values
        | st.datetimes().map(lambda when: when.strftime("%a, %d %b %Y %H:%M:%S GMT")),
    },
)
agent_like = st.fixed_dictionaries(
    {},
    optional={name: json_values for name in [*JOHN, "extra"]},
)
envelopes = st.fixed_dictionaries(
    {},
    optional={
        "result": json_values | st.lists(agent_like, max_size=3),
        "error": json_values,
        "error_code": st.sampled_from(["NOT_FOUND", "AUTH_INVALID", "WHAT"]) | json_values,
        "message": json_values,
        "timestamp": json_values | st.datetimes().map(datetime.isoformat),
    },
)
fuzz = settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])


def parses_or_raises_voice360_error(status: int, headers: dict[str, str], body: bytes) -> None:
    try:
        answer = parse_answer(status, headers, body, AGENTS)
    except Voice360Error as exc:
        assert exc.message
        assert isinstance(exc.rate_limit, RateLimit)
        assert exc.retry_after is None or exc.retry_after >= 0
    else:
        assert 200 <= status < 300
        assert all(isinstance(agent, Agent) for agent in answer.data)


@fuzz
@given(statuses, headers, st.binary(max_size=200))
def test_arbitrary_bytes_only_ever_raise_voice360_errors(status, headers, body):
    parses_or_raises_voice360_error(status, headers, body)


@fuzz
@given(statuses, headers, json_values)
def test_arbitrary_json_only_ever_raises_voice360_errors(status, headers, value):
    parses_or_raises_voice360_error(status, headers, json.dumps(value).encode())


@fuzz
@given(statuses, headers, envelopes)
def test_envelopes_with_random_field_types_only_ever_raise_voice360_errors(status, headers, value):
    parses_or_raises_voice360_error(status, headers, json.dumps(value).encode())


names = st.text(min_size=1, max_size=20)
counts = st.integers(min_value=0, max_value=10**9)
calls = st.fixed_dictionaries(
    {
        "to": names,
        "from": names,
        "call_seconds": counts,
        "direction": st.sampled_from(["inbound", "outbound", "sms"]),
    }
)
agents = st.fixed_dictionaries(
    {
        "pk": st.integers(min_value=0, max_value=2**63 - 1),
        "presence_id": names,
        "callerID": names,
        "first_name": names,
        "last_name": names,
        "devices_registered": st.booleans(),
    },
    optional={"channels": st.lists(calls, max_size=3)},
)


@fuzz
@given(st.lists(agents, max_size=5))
def test_valid_agents_round_trip(generated):
    answer = parse_answer(200, {}, envelope(generated), AGENTS)

    dumped = [agent.model_dump(by_alias=True, exclude_unset=True) for agent in answer.data]
    assert dumped == generated


@pytest.mark.parametrize("pk", [-1, 2**63, 2**64])
def test_an_id_that_is_negative_or_past_64_bits_is_a_bad_payload(pk):
    with pytest.raises(BadResponse, match=r"result\[0\]\.pk: "):
        parse_answer(200, {}, envelope([{**JOHN, "pk": pk}]), AGENTS)


# --- Retry-After -------------------------------------------------------------------------

NOW = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        ("Mon, 15 Jan 2024 10:31:30 GMT", 90.0),
        ("Monday, 15-Jan-24 10:31:30 GMT", 90.0),
        ("Mon Jan 15 10:31:30 2024", 90.0),
        ("Mon, 15 Jan 2024 10:00:00 GMT", 0.0),
        ("Mon, 15 Jan 2024 11:31:30 +0100", 90.0),
    ],
)
def test_it_reads_retry_after_as_seconds_or_http_date(value, expected):
    assert parse_retry_after(value, now=NOW) == pytest.approx(expected)


@pytest.mark.parametrize(
    "value", [None, "", "soon", "1e3", "nan", "inf", "12 seconds", "Mon, 99 Foo 2024", "\uff10"]
)
def test_it_treats_garbage_retry_after_as_not_said(value):
    assert parse_retry_after(value, now=NOW) is None


def test_it_measures_an_http_date_from_the_current_time_by_default():
    assert parse_retry_after("Mon, 15 Jan 2024 10:31:30 GMT") == 0.0
    assert parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT") > 365 * 24 * 3600


@fuzz
@given(st.text(max_size=40))
def test_retry_after_is_none_or_never_negative(value):
    seconds = parse_retry_after(value)
    assert seconds is None or seconds >= 0
