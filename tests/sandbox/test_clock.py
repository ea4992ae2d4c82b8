"""The simulated clock: scale, advance, and timestamps that follow it."""

from datetime import UTC, datetime

import httpx

from tests.sandbox.conftest import Control, dev


def server_time(api: httpx.Client) -> datetime:
    stamp = api.get("/queues", headers=dev()).json()["timestamp"]
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def test_advance_moves_timestamps_forward(api: httpx.Client, control: Control) -> None:
    before = server_time(api)
    control.advance(3600)
    after = server_time(api)
    assert 3600 <= (after - before).total_seconds() <= 3603


def test_time_scale_runs_the_clock_faster(control: Control) -> None:
    assert control("POST", "/time", {"scale": 1000})["scale"] == 1000
    first = control("GET", "/health")["elapsed"]
    second = control("GET", "/health")["elapsed"]
    assert second > first
    control("POST", "/time", {"scale": 0})
    frozen = control("GET", "/health")["elapsed"]
    assert control("GET", "/health")["elapsed"] == frozen


def test_advance_runs_the_model_so_calls_end(control: Control) -> None:
    call = control.start_call(123, direction="outbound", duration=60)
    control.advance(59)
    assert [c["call_id"] for c in control.agent(123)["channels"]] == [call["call_id"]]
    control.advance(2)
    assert control.agent(123)["channels"] == []


def test_reset_starts_the_clock_at_zero(control: Control) -> None:
    control.advance(500)
    control("POST", "/reset", {"quiet": True})
    assert control("GET", "/health")["elapsed"] < 5
