"""Same seed, same simulated history: two fresh processes end in identical states."""

from tests.sandbox_process import start_sandbox


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
    assert one_jump == in_steps


def test_a_different_seed_gives_a_different_history() -> None:
    first = advanced_state([900])
    other = advanced_state([900], "--seed", "8")
    assert first["accounts"] != other["accounts"]
