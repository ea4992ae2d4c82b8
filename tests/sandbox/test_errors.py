"""Every documented error code, with its HTTP status and, on 401/403, its `details`."""

import httpx
import pytest

from tests.sandbox.conftest import SALES, Control, dev, user
from tests.sandbox_process import RunningSandbox


def error_of(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["result"] is None and body["error"] is True
    assert body["error_code"] == code
    assert body["message"] and body["timestamp"].endswith("Z")
    return body


def test_non_numeric_account_id_is_a_400(sandbox: RunningSandbox) -> None:
    response = httpx.get(f"{sandbox.base_url}/sixty-one/availability", headers=dev())
    error_of(response, 400, "BAD_REQUEST")


def test_non_numeric_queue_id_is_a_400(api: httpx.Client) -> None:
    error_of(api.get("/queues/sales", headers=dev()), 400, "BAD_REQUEST")


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"to": "+15551234567"}',
        b'{"from": "1001"}',
        b'{"from": "1001", "to": "call me"}',
        b'{"from": "9999", "to": "+15551234567"}',
        b'{"from": "1001", "to": "+15551234567", "recording": "yes"}',
    ],
)
def test_outbound_call_with_a_bad_body_is_a_400(api: httpx.Client, body: bytes) -> None:
    error_of(api.post("/call/outbound", headers=dev(), content=body), 400, "BAD_REQUEST")


@pytest.mark.parametrize(
    "body",
    [
        {"from": "+15559876543", "to": "+15551234567", "message": ""},
        {"from": "+15559876543", "to": "+15551234567", "message": "x" * 161},
        {"from": "+15550000000", "to": "+15551234567", "message": "not our number"},
        {"from": "+15559876543", "message": "no recipient"},
    ],
)
def test_sms_with_a_bad_body_is_a_400(api: httpx.Client, body: dict) -> None:
    error_of(api.post("/sms/send", headers=dev(), json=body), 400, "BAD_REQUEST")


@pytest.mark.parametrize("path", ["/queues/100134", "/user/profile", "/user/numbers"])
def test_key_only_endpoints_without_a_key_are_a_401_with_details(
    api: httpx.Client, path: str
) -> None:
    body = error_of(api.get(path), 401, "AUTH_REQUIRED")
    assert body["details"]["help"]


@pytest.mark.parametrize(("method", "path"), [("POST", "/call/outbound"), ("POST", "/sms/send")])
def test_post_endpoints_without_a_key_are_a_401(api: httpx.Client, method: str, path: str) -> None:
    error_of(api.request(method, path, json={}), 401, "AUTH_REQUIRED")


def test_unknown_key_is_a_403_showing_only_its_first_8_characters(api: httpx.Client) -> None:
    body = error_of(api.get("/availability", headers=dev("bogus_key_123456")), 403, "AUTH_INVALID")
    assert body["details"]["provided_key"] == "bogus_ke..."
    assert body["details"]["help"]


def test_key_of_another_account_is_a_403(sandbox: RunningSandbox) -> None:
    sandbox.reset(accounts=1)
    keys = sandbox.control("GET", "/accounts").json()
    other_key = next(a for a in keys if a["id"] == 1001)["developer_key"]
    response = httpx.get(f"{sandbox.base_url}/61/queues", headers=dev(other_key))
    body = error_of(response, 403, "AUTH_INVALID")
    assert body["details"]["provided_key"] == other_key[:8] + "..."


@pytest.mark.parametrize(
    "path",
    [
        "/availability",
        "/queues",
        f"/queues/{SALES}",
        "/availability/queues",
        f"/availability/queues/{SALES}",
    ],
)
def test_user_key_is_refused_on_account_endpoints_with_403(api: httpx.Client, path: str) -> None:
    body = error_of(api.get(path, headers=user()), 403, "AUTH_INVALID")
    assert body["details"]["provided_key"] == "usr61san..."


def test_user_key_is_refused_on_outbound_calls_with_403(api: httpx.Client) -> None:
    response = api.post("/call/outbound", headers=user(), json={"from": "1001", "to": "+1555"})
    error_of(response, 403, "AUTH_INVALID")


@pytest.mark.parametrize("path", ["/user/profile", "/user/numbers"])
def test_developer_key_is_refused_on_user_endpoints_with_403(api: httpx.Client, path: str) -> None:
    assert error_of(api.get(path, headers=dev()), 403, "AUTH_INVALID")["details"]


def test_user_key_cannot_send_sms_from_a_colleagues_number(api: httpx.Client) -> None:
    body = {"from": "+15552001002", "to": "+15551234567", "message": "not mine"}
    error_of(api.post("/sms/send", headers=user(), json=body), 403, "AUTH_INVALID")


def test_unknown_account_is_a_404(sandbox: RunningSandbox) -> None:
    response = httpx.get(f"{sandbox.base_url}/999/availability", headers=dev())
    error_of(response, 404, "NOT_FOUND")


def test_unknown_queue_is_a_404(api: httpx.Client) -> None:
    error_of(api.get("/queues/424242", headers=dev()), 404, "NOT_FOUND")
    error_of(api.get("/availability/queues/424242", headers=dev()), 404, "NOT_FOUND")


def test_unknown_path_and_wrong_method_are_a_404_envelope(api: httpx.Client) -> None:
    error_of(api.get("/nothing/here", headers=dev()), 404, "NOT_FOUND")
    error_of(api.get("/call/outbound", headers=dev()), 404, "NOT_FOUND")


def test_every_answer_carries_rate_limit_headers(api: httpx.Client) -> None:
    for response in (
        api.get("/queues", headers=dev()),
        api.get("/nothing", headers=dev()),
        api.get("/user/profile"),
    ):
        assert response.headers["X-RateLimit-Limit"]
        assert response.headers["X-RateLimit-Remaining"]


def test_429_500_and_503_come_from_limits_and_faults(api: httpx.Client, control: Control) -> None:
    # Each has its own test file; this keeps the whole table of codes visible in one place.
    control("PATCH", "/settings", {"key_limit": 1})
    api.get("/queues", headers=dev())
    error_of(api.get("/queues", headers=dev()), 429, "RATE_LIMITED")
    control("PATCH", "/settings", {"key_limit": 1000})
    control("POST", "/faults", {"kind": "status", "status": 500, "count": 1})
    error_of(api.get("/queues", headers=dev()), 500, "INTERNAL_ERROR")
    control("POST", "/faults", {"kind": "outage", "count": 1})
    error_of(api.get("/queues", headers=dev()), 503, "SERVICE_UNAVAILABLE")
