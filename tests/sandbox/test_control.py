"""The control API's own contract: changes show in the API, bad input 400, unknown ids 404."""

import httpx
import pytest

from tests.sandbox.conftest import ACCOUNT, JOHN, SALES, Control, dev


def test_renaming_and_unregistering_an_agent_shows_in_availability(
    api: httpx.Client, control: Control
) -> None:
    control.patch_agent(JOHN, callerID="Johnny S", registered=False)
    john = api.get("/availability", headers=dev()).json()["result"][0]
    assert (john["callerID"], john["devices_registered"]) == ("Johnny S", False)


def test_added_agents_and_queues_appear_in_the_api(api: httpx.Client, control: Control) -> None:
    (pk,) = control.add_agents(1)
    queue = control.add_queue([pk], strategy="linear")
    detail = api.get(f"/queues/{queue}", headers=dev()).json()["result"]
    assert detail["strategy"] == "linear"
    assert [member["pk"] for member in detail["assigned_users"]] == [pk]
    added_key = next(k["key"] for k in control("GET", "/accounts")[0]["user_keys"] if k["pk"] == pk)
    assert api.get("/user/profile", headers=dev(added_key)).json()["result"]["pk"] == pk


def test_reset_adds_extra_small_accounts(control: Control) -> None:
    control("POST", "/reset", {"quiet": True, "accounts": 2})
    assert [a["id"] for a in control("GET", "/accounts")] == [61, 1001, 1002]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/time", {"scale": -1}),
        ("POST", "/time/advance", {"seconds": "ten"}),
        ("PATCH", "/settings", {"key_limit": 0}),
        ("POST", "/reset", {"scenario": "huge"}),
        ("PATCH", f"/accounts/{ACCOUNT}/queues/{SALES}", {"strategy": "loudest"}),
        ("PATCH", f"/accounts/{ACCOUNT}/queues/{SALES}", {"members": [999999]}),
        ("PATCH", f"/accounts/{ACCOUNT}/agents/{JOHN}", {"registered": "yes"}),
        ("POST", f"/accounts/{ACCOUNT}/agents", {"presence_id": "1001"}),
        ("POST", f"/accounts/{ACCOUNT}/calls", {"pk": JOHN, "direction": "sideways"}),
    ],
)
def test_bad_control_input_is_a_400(control: Control, method: str, path: str, body: dict) -> None:
    response = control.sandbox.http.request(method, f"/control{path}", json=body)
    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", f"/accounts/{ACCOUNT}/agents/424242"),
        ("PATCH", f"/accounts/{ACCOUNT}/queues/424242"),
        ("DELETE", f"/accounts/{ACCOUNT}/calls/c-nope"),
        ("POST", "/accounts/999/queues/1/callers"),
        ("DELETE", f"/accounts/{ACCOUNT}/webhooks/77"),
    ],
)
def test_unknown_control_ids_are_a_404(control: Control, method: str, path: str) -> None:
    response = control.sandbox.http.request(method, f"/control{path}", json={})
    assert response.status_code == 404
