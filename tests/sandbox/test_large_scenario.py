"""The large scenario: its size, and `/availability` fast enough for benchmarks."""

import statistics
import time

import httpx

from tests.sandbox.conftest import Control, dev
from tests.sandbox_process import RunningSandbox


def test_large_scenario_has_300_agents_20_queues_and_two_more_accounts(
    sandbox: RunningSandbox, control: Control
) -> None:
    sandbox.reset(scenario="large")
    accounts = {a["id"]: a for a in control.state()["accounts"]}
    assert set(accounts) == {61, 62, 63}
    assert len(accounts[61]["agents"]) >= 300 and len(accounts[61]["queues"]) >= 20
    john = accounts[61]["agents"][0]
    assert (john["pk"], john["presence_id"]) == (123, "1001")


def test_large_availability_answers_in_a_few_milliseconds(sandbox: RunningSandbox) -> None:
    sandbox.reset(scenario="large", quiet=False)
    sandbox.control("POST", "/time/advance", {"seconds": 1800})  # a busy centre, not an idle one
    url = f"{sandbox.base_url}/61/availability"
    with httpx.Client(headers=dev()) as client:
        assert len(client.get(url).json()["result"]) >= 300
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            client.get(url).raise_for_status()
            timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.025  # round trip included; the handler is ~2 ms
