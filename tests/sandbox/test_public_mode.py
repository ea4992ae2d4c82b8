"""Without a key the public endpoints answer reduced fields, on the per-IP budget."""

import httpx

from tests.sandbox.conftest import SALES, Control


def result(response: httpx.Response) -> object:
    assert response.status_code == 200, response.text
    assert response.headers["X-RateLimit-Limit"] == "100"
    return response.json()["result"]


def test_public_availability_has_no_channels(api: httpx.Client, control: Control) -> None:
    control.start_call(123, direction="outbound", peer="+15557654321")
    agents = result(api.get("/availability"))
    assert set(agents[0]) == {
        "pk",
        "presence_id",
        "callerID",
        "first_name",
        "last_name",
        "devices_registered",
    }


def test_public_queue_list_has_basic_info_only(api: httpx.Client) -> None:
    queues = result(api.get("/queues"))
    assert queues[0] == {
        "pk": SALES,
        "name": "100134",
        "queue_name": "Sales Queue",
        "extension": "8001",
    }


def test_public_queue_availability_has_no_active_calls(api: httpx.Client) -> None:
    for queue in [
        *result(api.get("/availability/queues")),
        result(api.get(f"/availability/queues/{SALES}")),
    ]:
        assert "active_calls" not in queue
        assert queue["agents_online"] >= 2 and queue["is_ready"] is True


def test_public_requests_count_per_ip_not_per_key(api: httpx.Client, control: Control) -> None:
    api.get("/queues")
    seen = control("GET", "/requests")
    assert seen["ips"]["127.0.0.1"]["requests"] == 1
    assert seen["keys"] == {}
