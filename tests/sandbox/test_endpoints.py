"""Every `/v3/voice` endpoint answered with the right key, in the documented envelope."""

import re

import httpx

from tests.sandbox.conftest import JOHN, SALES, SUPPORT, Control, dev, user

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def ok_result(response: httpx.Response) -> object:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["error"] is False
    assert isinstance(body["message"], str)
    assert ISO.match(body["timestamp"])
    assert "error_code" not in body
    return body["result"]


def test_availability_lists_every_agent_with_channels(api: httpx.Client) -> None:
    agents = ok_result(api.get("/availability", headers=dev()))
    john = next(agent for agent in agents if agent["pk"] == JOHN)
    assert john == {
        "pk": 123,
        "presence_id": "1001",
        "callerID": "John Smith",
        "first_name": "John",
        "last_name": "Smith",
        "devices_registered": True,
        "channels": [],
    }
    assert len(agents) == 6


def test_queues_lists_both_demo_queues_with_their_config(api: httpx.Client) -> None:
    queues = ok_result(api.get("/queues", headers=dev()))
    sales, support = queues
    assert sales == {
        "pk": SALES,
        "name": "100134",
        "queue_name": "Sales Queue",
        "extension": "8001",
        "strategy": "ringall",
        "musiconhold": "default",
        "timeout": 20,
        "retry": 5,
        "wrapuptime": 10,
        "maxlen": 0,
        "joinempty": "yes",
        "leavewhenempty": "no",
        "ringinuse": "no",
    }
    assert (support["pk"], support["strategy"], support["timeout"]) == (SUPPORT, "fewestcalls", 30)


def test_queue_detail_carries_assigned_users(api: httpx.Client) -> None:
    detail = ok_result(api.get(f"/queues/{SALES}", headers=dev()))
    assert detail["queue_name"] == "Sales Queue"
    assert detail["assigned_users"][0] == {
        "pk": 123,
        "presence_id": "1001",
        "callerID": "John Smith",
        "first_name": "John",
        "last_name": "Smith",
    }


def test_queue_availability_counts_online_available_and_on_call(
    api: httpx.Client, control: Control
) -> None:
    control.start_call(JOHN, direction="outbound", peer="+15557654321")
    control.add_caller(SALES, patience=None)
    counts = ok_result(api.get("/availability/queues", headers=dev()))
    sales = next(q for q in counts if q["pk"] == SALES)
    assert sales["is_ready"] is True
    assert sales["agents_online"] == 4
    assert sales["agents_on_call"] == 1
    assert sales["agents_available"] == 3
    assert sales["active_calls"] == 1  # the waiting caller; John's call is not a queue call


def test_single_queue_availability_answers_one_object(api: httpx.Client) -> None:
    support = ok_result(api.get(f"/availability/queues/{SUPPORT}", headers=dev()))
    assert support["pk"] == SUPPORT
    assert set(support) == {
        "pk",
        "name",
        "queue_name",
        "extension",
        "is_ready",
        "agents_online",
        "agents_available",
        "agents_on_call",
        "active_calls",
    }


def test_outbound_call_like_the_doc_example_shows_up_on_the_agent(api: httpx.Client) -> None:
    body = {"from": "1001", "to": "+15551234567", "caller_id": "+15559876543", "recording": True}
    call = ok_result(api.post("/call/outbound", headers=dev(), json=body))
    assert call["status"] == "initiating"
    assert (call["from"], call["to"]) == ("1001", "+15551234567")
    assert ISO.match(call["timestamp"]) and call["call_id"]
    john = ok_result(api.get("/availability", headers=dev()))[0]
    assert john["channels"] == [
        {"to": "+15551234567", "from": "1001", "call_seconds": 0, "direction": "outbound"}
    ]


def test_sms_from_johns_support_line_shows_as_an_sms_channel(api: httpx.Client) -> None:
    body = {"from": "+15559876543", "to": "+15551234567", "message": "Hello from Voice360!"}
    sent = ok_result(api.post("/sms/send", headers=dev(), json=body))
    assert sent["message_id"].startswith("msg_")
    john = ok_result(api.get("/availability", headers=dev()))[0]
    assert [c["direction"] for c in john["channels"]] == ["sms"]
    sales = ok_result(api.get(f"/availability/queues/{SALES}", headers=dev()))
    assert sales["agents_on_call"] == 0  # an SMS is not a call


def test_user_key_sends_sms_from_its_own_number(api: httpx.Client) -> None:
    body = {"from": "+15551234567", "to": "+15550009999", "message": "hi"}
    assert ok_result(api.post("/sms/send", headers=user(), json=body))["from"] == "+15551234567"


def test_user_profile_answers_johns_profile(api: httpx.Client) -> None:
    profile = ok_result(api.get("/user/profile", headers=user()))
    assert profile["pk"] == JOHN and profile["asterisk_user_id"] == 456
    assert profile["email"] == "john.smith@company.com"
    assert profile["forward_number"] is None and profile["time_zone"] == "America/New_York"


def test_user_numbers_lists_johns_two_numbers(api: httpx.Client) -> None:
    numbers = ok_result(api.get("/user/numbers", headers=user()))
    assert numbers == [
        {
            "pk": 789,
            "number": "+15551234567",
            "friendly_name": "Main Business Line",
            "sms_enabled": True,
            "mms_enabled": True,
        },
        {
            "pk": 790,
            "number": "+15559876543",
            "friendly_name": "Support Line",
            "sms_enabled": True,
            "mms_enabled": False,
        },
    ]


def test_call_seconds_follow_the_simulated_clock(api: httpx.Client, control: Control) -> None:
    control.start_call(JOHN, direction="inbound", peer="+15550001234")
    control.advance(45)
    john = ok_result(api.get("/availability", headers=dev()))[0]
    (call,) = john["channels"]
    assert call["direction"] == "inbound" and call["to"] == "1001"
    assert 45 <= call["call_seconds"] <= 47


def test_accounts_lists_the_demo_keys(control: Control) -> None:
    (account,) = control("GET", "/accounts")
    assert account["developer_key"] == "v360_dev_sandbox_61_demo_key_0000000001"
    assert account["user_keys"][0]["key"] == "usr61sandboxdemokey0000000001"
