"""Same seed, same simulated history: two fresh processes end in identical states, except
for the call and message ids, which are unique across runs as the real service's are."""

import json
import re

from tests.sandbox_process import start_sandbox

# c00012-61-<8 hex digits of the run><6 of the seed's stream>
RUN_PART = re.compile(r"\b((?:c|msg_)\d{5,}-\d+-)[0-9a-f]{8}([0-9a-f]{6})\b")


def without_run(state: dict) -> dict:
    return json.loads(RUN_PART.sub(r"\1run\2", json.dumps(state)))


def call_ids(state: dict) -> set[str]:
    return set(re.findall(r'"(c\d{5,}-\d+-[0-9a-f]{14})"', json.dumps(state)))


def advanced_state(steps: list[float], *args: str) -> dict:
    # Time scale 0: only `advance` moves the clock, so real time between requests is irrelevant.
    sandbox = start_sandbox("--seed", "7", "--time-scale", "0", *args)
    try:
        for seconds in steps:
            sandbox.control("POST", "/time/advance", {"seconds": seconds})
        return sandbox.control("GET", "/state").json()
    finally:
        sandbox.stop()


def test_two_processes_with_the_same_seed_have_identical_histories() -> None:
    one_jump = advanced_state([1800])
    in_steps = advanced_state([300, 0.5, 899.5, 600])
    assert one_jump["event_counts"]["INCOMING_EXTERNAL_CALL"] > 10
    assert without_run(one_jump) == without_run(in_steps)
    # ...but no call id of one run is reused by the other (a restart must not reuse them).
    first, second = call_ids(one_jump), call_ids(in_steps)
    assert first and second
    assert not first & second


def test_a_different_seed_gives_a_different_history() -> None:
    first = advanced_state([900])
    other = advanced_state([900], "--seed", "8")
    assert first["accounts"] != other["accounts"]
