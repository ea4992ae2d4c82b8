from snapshots.normalize import build_snapshot
from tests.snapshots.builders import FETCHED_AT, agent, call, queue_availability, snapshot


def test_a_call_starts_in_the_middle_of_the_second_its_whole_call_seconds_leave_open():
    # 45 whole seconds: the call is 45 to 46 s old at FETCHED_AT.
    snap = snapshot([agent(calls=[call(45, "outbound", "5559876")])])
    (active,) = snap.agents[0].calls
    assert active.started_at == FETCHED_AT - 45.5
    assert (active.direction, active.peer) == ("outbound", "5559876")


def test_an_inbound_call_names_the_caller_as_peer():
    snap = snapshot([agent(calls=[call(5, "inbound", "5550000")])])
    assert snap.agents[0].calls[0].peer == "5550000"


def test_an_sms_channel_is_not_a_call():
    sms = call(2, "sms", "5551111")
    assert snapshot([agent(calls=[sms])]).agents[0].calls == []


def test_public_data_leaves_calls_and_members_unknown():
    public_agent = agent().model_copy(update={"channels": None})
    snap = snapshot([public_agent], [queue_availability(active_calls=None)], source="public")
    assert snap.agents[0].calls is None
    assert snap.queues[0].member_ids is None
    assert snap.queues[0].active_calls is None


def test_control_characters_are_taken_out_of_names_and_numbers_but_tabs_and_newlines_stay():
    snap = snapshot(
        [
            agent(
                123,
                first_name="Jo\x00hn\x01",
                caller_id="J\x7fohn\tSmith",
                calls=[call(5, peer="555\x1b1234")],
            )
        ],
        [queue_availability(queue_name="Sales\x08 Queue\n")],
    )
    (john,) = snap.agents
    assert (john.first_name, john.caller_id) == ("John", "John\tSmith")
    assert john.calls[0].peer == "5551234"
    assert snap.queues[0].queue_name == "Sales Queue\n"


def test_an_id_twice_in_one_answer_is_one_agent_or_queue_the_last_one_and_reported():
    seen = []
    snap = build_snapshot(
        61,
        "key",
        [agent(123, first_name="Old"), agent(124), agent(123, first_name="New")],
        [queue_availability(100134, agents_online=1), queue_availability(100134, agents_online=2)],
        FETCHED_AT,
        on_duplicate=lambda kind, pk: seen.append((kind, pk)),
    )
    assert [(a.id, a.first_name) for a in snap.agents] == [(123, "New"), (124, "Agent")]
    assert [(q.id, q.agents_online) for q in snap.queues] == [(100134, 2)]
    assert seen == [("agent", 123), ("queue", 100134)]
