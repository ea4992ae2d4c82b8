"""Fault rules: each kind, and the `path`, `account_id`, `count` and `rate` filters."""

import json
import time

import httpx
import pytest

from tests.sandbox.conftest import Control, dev


def add(control: Control, **rule: object) -> None:
    control("POST", "/faults", rule)


def test_latency_delays_the_normal_answer(api: httpx.Client, control: Control) -> None:
    add(control, kind="latency", ms=300, count=1)
    started = time.monotonic()
    response = api.get("/queues", headers=dev())
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200 and response.json()["error"] is False


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "BAD_REQUEST"),
        (401, "AUTH_REQUIRED"),
        (403, "AUTH_INVALID"),
        (404, "NOT_FOUND"),
        (429, "RATE_LIMITED"),
        (500, "INTERNAL_ERROR"),
        (503, "SERVICE_UNAVAILABLE"),
    ],
)
def test_status_answers_that_documented_error(
    api: httpx.Client, control: Control, status: int, code: str
) -> None:
    add(control, kind="status", status=status)
    response = api.get("/queues", headers=dev())
    assert response.status_code == status
    assert response.json()["error_code"] == code
    assert ("Retry-After" in response.headers) == (status in (429, 503))


def test_error_true_is_a_200_saying_error(api: httpx.Client, control: Control) -> None:
    add(control, kind="error_true", error_code="UPSTREAM_GLITCH")
    response = api.get("/availability", headers=dev())
    assert response.status_code == 200
    body = response.json()
    assert body["error"] is True and body["error_code"] == "UPSTREAM_GLITCH"


def test_malformed_is_a_200_html_page(api: httpx.Client, control: Control) -> None:
    add(control, kind="malformed")
    response = api.get("/availability", headers=dev())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<html>")


def test_truncated_is_the_first_half_of_the_real_body(api: httpx.Client, control: Control) -> None:
    whole = api.get("/queues", headers=dev()).content
    add(control, kind="truncated")
    cut = api.get("/queues", headers=dev()).content
    assert whole.startswith(cut[:20]) and len(whole) // 2 - 5 <= len(cut) <= len(whole) // 2
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut)


def test_wrong_types_keeps_the_shape_with_wrong_types(api: httpx.Client, control: Control) -> None:
    add(control, kind="wrong_types")
    body = api.get("/availability", headers=dev()).json()
    first = body["result"][0]
    assert first["pk"] == "123"
    assert first["devices_registered"] == 1
    assert first["presence_id"] == ["1001"]


def test_huge_is_valid_json_of_the_asked_size(api: httpx.Client, control: Control) -> None:
    add(control, kind="huge", megabytes=2)
    response = api.get("/queues", headers=dev())
    assert 1_900_000 <= len(response.content) <= 2_100_000
    assert response.json()["result"][0]["pk"] == 100134


def test_outage_answers_503_on_every_v3_path_but_not_control(
    api: httpx.Client, control: Control
) -> None:
    add(control, kind="outage")
    for path in ("/availability", "/queues", "/user/profile", "/nowhere"):
        assert api.get(path, headers=dev()).status_code == 503
    assert control("GET", "/health")["ok"] is True


def test_path_and_account_filters_and_count_expiry(api: httpx.Client, control: Control) -> None:
    add(control, kind="status", status=500, path="/availability/queues", count=2)
    add(control, kind="status", status=500, account_id=62)
    assert api.get("/queues", headers=dev()).status_code == 200
    assert api.get("/availability", headers=dev()).status_code == 200
    assert api.get("/availability/queues", headers=dev()).status_code == 500
    assert api.get("/availability/queues", headers=dev()).status_code == 500
    assert api.get("/availability/queues", headers=dev()).status_code == 200
    assert len(control("GET", "/faults")["rules"]) == 1


def test_rate_applies_a_rule_to_a_share_of_requests(api: httpx.Client, control: Control) -> None:
    add(control, kind="status", status=500, rate=0.5)
    statuses = [api.get("/queues", headers=dev()).status_code for _ in range(40)]
    assert 5 <= statuses.count(500) <= 35


def test_put_replaces_and_delete_clears_the_rules(control: Control) -> None:
    add(control, kind="latency", ms=1)
    rules = control("PUT", "/faults", {"rules": [{"kind": "malformed"}, {"kind": "huge"}]})
    assert [r["kind"] for r in rules["rules"]] == ["malformed", "huge"]
    assert control("DELETE", "/faults") == {"rules": []}


def test_an_unknown_fault_kind_is_refused(sandbox: object, control: Control) -> None:
    with pytest.raises(httpx.HTTPStatusError):
        add(control, kind="gremlins")
