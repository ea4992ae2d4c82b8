"""Since when each agent is in its status: kept while it stays, the poll's moment when it
changes, a call's own start for a call, unknown for an agent first seen."""

from snapshots.time_in_state import carry_state_since
from tests.snapshots.builders import FETCHED_AT, agent, call, snapshot


def test_an_agent_first_seen_has_no_known_start_unless_on_a_call():
    first = carry_state_since(None, snapshot([agent(1), agent(2, calls=[call(42)])]), FETCHED_AT)
    idle, talking = first.agents
    assert idle.state_since is None
    assert talking.state_since == talking.calls[0].started_at  # from call_seconds


def test_a_status_kept_keeps_its_start_and_a_change_starts_now():
    before = carry_state_since(None, snapshot([agent(1)]), FETCHED_AT)
    on_call = snapshot([agent(1, calls=[call(3)])], fetched_at=FETCHED_AT + 10)
    after_call = carry_state_since(before, on_call, FETCHED_AT + 10)
    started = after_call.agents[0].calls[0].started_at
    assert after_call.agents[0].state_since == started
    later = snapshot([agent(1, calls=[call(33)])], fetched_at=FETCHED_AT + 40)
    assert carry_state_since(after_call, later, FETCHED_AT + 40).agents[0].state_since == started
    free = carry_state_since(after_call, snapshot([agent(1)]), FETCHED_AT + 60)
    assert free.agents[0].state_since == FETCHED_AT + 60
    offline = carry_state_since(free, snapshot([agent(1, registered=False)]), FETCHED_AT + 90)
    assert offline.agents[0].state_since == FETCHED_AT + 90
