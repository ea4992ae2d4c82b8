from tests.snapshots.builders import FETCHED_AT, agent, call, queue_availability, snapshot


def test_a_call_start_is_fetched_at_minus_call_seconds():
    snap = snapshot([agent(calls=[call(45, "outbound", "5559876")])])
    (active,) = snap.agents[0].calls
    assert active.started_at == FETCHED_AT - 45
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
