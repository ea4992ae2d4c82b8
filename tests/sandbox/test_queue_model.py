"""The simulated queues, driven step by step through the control API on a frozen clock.

Agents added here answer "never" unless a test says otherwise, so a waiting caller keeps
ringing whoever the strategy picked until the round's `timeout` (10 s), then waits `retry`
(5 s) before the next round.
"""

import pytest

from tests.sandbox.conftest import Control

ROUND = 15  # timeout + retry of the test queues


@pytest.fixture
def frozen(control: Control) -> Control:
    """Only `advance` moves simulated time, so every step lands on an exact second."""
    control("POST", "/time", {"scale": 0})
    return control


def events(control: Control, name: str) -> list[dict]:
    return [e["metadata"] for e in control.state()["events"] if e["name"] == name]


def quiet_agents(control: Control, count: int) -> list[int]:
    return control.add_agents(count, answers="never")


def rounds(control: Control, queue_id: int, count: int) -> list[list[int]]:
    """Who the first caller rings in each of `count` rounds."""
    seen = []
    for _ in range(count):
        seen.append(control.ringing(queue_id))
        control.advance(ROUND)
    return seen


def test_ringall_rings_every_eligible_member(frozen: Control) -> None:
    members = quiet_agents(frozen, 3)
    queue = frozen.add_queue(members, strategy="ringall")
    frozen.add_caller(queue)
    assert frozen.ringing(queue) == members


def test_offline_wrapup_busy_and_ringing_members_are_skipped(frozen: Control) -> None:
    free, offline, busy, wrapping = quiet_agents(frozen, 4)
    frozen.patch_agent(offline, registered=False)
    frozen.start_call(busy, direction="outbound")
    other = frozen.add_queue([wrapping], wrapuptime=60)
    call = frozen.start_call(wrapping, queue_id=other)
    frozen.end_call(call["call_id"])
    queue = frozen.add_queue([free, offline, busy, wrapping], strategy="ringall")
    frozen.add_caller(queue)
    assert frozen.ringing(queue) == [free]
    frozen.add_caller(queue, number="+15550002222")  # everyone eligible is already ringing
    assert frozen.queue(queue)["waiting"][1]["ringing"] == []


def test_ringinuse_yes_also_rings_members_on_a_call(frozen: Control) -> None:
    free, busy = quiet_agents(frozen, 2)
    frozen.start_call(busy, direction="outbound")
    queue = frozen.add_queue([free, busy], strategy="ringall", ringinuse="yes")
    frozen.add_caller(queue)
    assert frozen.ringing(queue) == [free, busy]


def test_fewestcalls_rings_the_member_with_fewest_answered_calls(frozen: Control) -> None:
    busy_one, fresh = quiet_agents(frozen, 2)
    queue = frozen.add_queue([busy_one, fresh], strategy="fewestcalls")
    frozen.end_call(frozen.start_call(busy_one, queue_id=queue)["call_id"])
    frozen.add_caller(queue)
    assert frozen.ringing(queue) == [fresh]


def test_leastrecent_rings_the_member_whose_last_call_ended_longest_ago(frozen: Control) -> None:
    first, second = quiet_agents(frozen, 2)
    queue = frozen.add_queue([first, second], strategy="leastrecent")
    frozen.end_call(frozen.start_call(second, queue_id=queue)["call_id"])
    frozen.advance(5)
    frozen.end_call(frozen.start_call(first, queue_id=queue)["call_id"])
    frozen.add_caller(queue)
    assert frozen.ringing(queue) == [second]


def test_random_rings_one_member_at_a_time_and_not_always_the_same(frozen: Control) -> None:
    members = quiet_agents(frozen, 3)
    queue = frozen.add_queue(members, strategy="random")
    frozen.add_caller(queue)
    seen = rounds(frozen, queue, 8)
    assert all(len(rung) == 1 and rung[0] in members for rung in seen)
    assert len({rung[0] for rung in seen}) > 1


@pytest.mark.parametrize("strategy", ["rrmemory", "roundrobin"])
def test_round_robin_moves_on_to_the_next_member_each_round(frozen: Control, strategy: str) -> None:
    a, b, c = quiet_agents(frozen, 3)
    queue = frozen.add_queue([a, b, c], strategy=strategy)
    frozen.add_caller(queue)
    assert rounds(frozen, queue, 4) == [[a], [b], [c], [a]]


def test_linear_always_starts_with_the_first_eligible_member(frozen: Control) -> None:
    a, b = quiet_agents(frozen, 2)
    queue = frozen.add_queue([a, b], strategy="linear")
    frozen.add_caller(queue)
    assert rounds(frozen, queue, 2) == [[a], [a]]
    frozen.patch_agent(a, registered=False)
    frozen.advance(ROUND)
    assert frozen.ringing(queue) == [b]


def test_unanswered_round_fires_queue_no_answer_then_retries(frozen: Control) -> None:
    (agent,) = quiet_agents(frozen, 1)
    queue = frozen.add_queue([agent])
    frozen.add_caller(queue)
    frozen.advance(10)
    (caller,) = frozen.queue(queue)["waiting"]
    assert (caller["state"], caller["ringing"]) == ("retry", [])
    (no_answer,) = events(frozen, "QUEUE_NO_ANSWER")
    assert no_answer["wait_seconds"] == 10 and no_answer["queue_id"] == queue
    frozen.advance(5)
    assert frozen.ringing(queue) == [agent]


def test_answered_call_connects_then_ends_into_wrapup(frozen: Control) -> None:
    (agent,) = frozen.add_agents(1, answers="always", answer_delay=3, talk_seconds=40)
    queue = frozen.add_queue([agent], wrapuptime=20)
    frozen.add_caller(queue, number="+15553334444")
    frozen.advance(3)
    (call,) = frozen.agent(agent)["channels"]
    assert (call["direction"], call["from"], call["to"]) == (
        "inbound",
        "+15553334444",
        frozen.agent(agent)["presence_id"],
    )
    assert frozen.queue(queue)["connected"] == [call["call_id"]]
    assert events(frozen, "USER_ANSWER")[0]["queue_id"] == queue
    frozen.advance(40)
    ended = events(frozen, "CALL_ENDED")[-1]
    assert (ended["reason"], ended["duration"], ended["user_id"]) == ("completed", 40, agent)
    assert frozen.agent(agent)["wrapup_until"] == pytest.approx(43 + 20, abs=0.5)
    frozen.add_caller(queue, number="+15555556666")
    assert frozen.ringing(queue) == []  # in wrap-up
    frozen.advance(20)
    assert frozen.ringing(queue) == [agent]


def test_maxlen_rejects_callers_beyond_it(frozen: Control) -> None:
    (agent,) = quiet_agents(frozen, 1)
    queue = frozen.add_queue([agent], maxlen=1)
    assert frozen.add_caller(queue)["status"] == "joined"
    assert frozen.add_caller(queue, number="+15550002222")["status"] == "rejected"
    assert events(frozen, "CALL_ENDED")[-1]["reason"] == "rejected"
    assert len(events(frozen, "INCOMING_EXTERNAL_CALL")) == 2


def test_joinempty_no_rejects_callers_when_nobody_is_online(frozen: Control) -> None:
    (agent,) = quiet_agents(frozen, 1)
    frozen.patch_agent(agent, registered=False)
    queue = frozen.add_queue([agent], joinempty="no")
    assert frozen.add_caller(queue)["status"] == "rejected"
    frozen.patch_agent(agent, registered=True)
    assert frozen.add_caller(queue)["status"] == "joined"


def test_leavewhenempty_yes_sends_waiting_callers_away(frozen: Control) -> None:
    (agent,) = quiet_agents(frozen, 1)
    queue = frozen.add_queue([agent], leavewhenempty="yes")
    frozen.add_caller(queue)
    frozen.patch_agent(agent, registered=False)
    assert frozen.queue(queue)["waiting"] == []
    assert events(frozen, "CALL_ENDED")[-1]["reason"] == "rejected"


def test_callers_abandon_when_their_patience_runs_out(frozen: Control) -> None:
    (agent,) = quiet_agents(frozen, 1)
    queue = frozen.add_queue([agent])
    frozen.add_caller(queue, patience=25)
    frozen.advance(24)
    assert len(frozen.queue(queue)["waiting"]) == 1
    frozen.advance(1)
    assert frozen.queue(queue)["waiting"] == []
    (abandoned,) = events(frozen, "QUEUE_HANGUP_ABANDONED")
    assert abandoned["wait_seconds"] == 25
    assert events(frozen, "CALL_ENDED")[-1]["reason"] == "abandoned"
    assert frozen.agent(agent)["ringing_call"] is None


def test_callers_time_out_after_the_queues_max_wait(frozen: Control) -> None:
    (agent,) = quiet_agents(frozen, 1)
    queue = frozen.add_queue([agent], max_wait=40)
    frozen.add_caller(queue, patience=None)
    frozen.advance(40)
    (timed_out,) = events(frozen, "QUEUE_HANGUP_TIMEOUT")
    assert timed_out["wait_seconds"] == 40
    assert events(frozen, "CALL_ENDED")[-1]["reason"] == "timeout"


def test_quiet_mode_starts_nothing_on_its_own(frozen: Control) -> None:
    frozen.advance(3600)
    assert frozen.state()["event_counts"] == {}


def test_leaving_quiet_mode_starts_random_activity(frozen: Control) -> None:
    frozen("PATCH", "/settings", {"quiet": False})
    frozen.advance(3600)
    counts = frozen.state()["event_counts"]
    assert counts["INCOMING_EXTERNAL_CALL"] > 20
    assert counts["USER_ANSWER"] > 0 and counts["CALL_ENDED"] > 0
    frozen("PATCH", "/settings", {"quiet": True})
    frozen.advance(3600)
    assert (
        frozen.state()["event_counts"]["INCOMING_EXTERNAL_CALL"] == counts["INCOMING_EXTERNAL_CALL"]
    )
