"""What the polls saw per queue and interval (service/samples.py), and the interval rows that
carry it: the peak of calls waiting and the agents online and available on average."""

from datetime import UTC, datetime

from service import intervals, samples
from service.models import QueueInterval
from snapshots.models import Snapshot, TodayCounts
from tests.boards.factories import agent, call, queue, queue_today
from tests.service.helpers import QUEUE
from tests.webhooks.helpers import at

START = at("2026-11-28 10:00:00")


def snapshot(online: int, available: int, waiting: int | None = None) -> Snapshot:
    """One poll of QUEUE; `waiting` from the events (None: the poll's estimate of 1)."""
    today = None
    if waiting is not None:
        counts = queue_today(calls_waiting=waiting)
        today = TodayCounts(
            date="2026-11-28", time_zone="UTC", total=counts, queues={QUEUE: counts}, agents={}
        )
    polled = queue(QUEUE, "Support", online=online, available=available, on_call=1, active=2)
    return Snapshot(account_id=61, source="key", agents=[], queues=[polled], today=today)


def test_the_polls_of_an_interval_give_means_and_the_peak(redis_client):
    samples.record(61, snapshot(4, 2), START + 5)  # no events: 2 active - 1 on call
    samples.record(61, snapshot(2, 0, waiting=3), START + 600)
    samples.record(61, snapshot(3, 1, waiting=0), START + 899)
    samples.record(61, snapshot(9, 9, waiting=9), START + 900)  # the next interval's
    (seen,) = samples.read(61, START).values()
    assert (seen.polls, seen.agents_online, seen.agents_available) == (3, 3.0, 1.0)
    assert seen.peak_waiting == 3
    assert samples.read(61, START + 900)[QUEUE].peak_waiting == 9
    assert samples.read(61, START - 900) == {}
    assert 0 < redis_client.ttl(samples.key(61, START)) <= samples.TTL_SECONDS


def test_an_interval_row_carries_the_polls_even_without_calls(receiver):
    samples.record(61, snapshot(4, 2, waiting=2), START + 60)
    samples.record(61, snapshot(2, 1, waiting=5), START + 120)
    (row,) = intervals.build(receiver.account, START)
    assert (row.queue_id, row.start) == (QUEUE, datetime(2026, 11, 28, 10, tzinfo=UTC))
    assert (row.offered, row.peak_waiting, row.agents_online, row.agents_available) == (
        0,
        5,
        3.0,
        1.5,
    )
    assert QueueInterval.objects.count() == 1


def floor(*agents) -> Snapshot:
    return Snapshot(account_id=61, source="key", agents=list(agents), queues=[])


def test_an_agents_seconds_go_to_the_status_held_and_split_where_it_changed():
    ada = agent(7, "Ada Lovelace")
    on_call = ada.model_copy(update={"calls": [call()], "state_since": START + 10})
    spent = samples.agent_seconds(START, {7: "available"}, floor(on_call), START + 16)
    assert dict(spent) == {(START, 7, "available"): 10.0, (START, 7, "on_call"): 6.0}
    # Across a quarter hour: each interval gets its own part.
    spent = samples.agent_seconds(START + 895, {7: "on_call"}, floor(on_call), START + 902)
    assert dict(spent) == {(START, 7, "on_call"): 5.0, (START + 900, 7, "on_call"): 2.0}
    # A gap too long to know what happened counts for nobody; so does a first poll.
    late = START + samples.MAX_GAP_SECONDS + 1
    assert not samples.agent_seconds(START, {7: "available"}, floor(ada), late)
    assert not samples.agent_seconds(None, {}, floor(ada), START)


def test_the_polls_give_each_agent_its_time_per_status_in_redis(redis_client):
    ada, alan = agent(7, "Ada Lovelace"), agent(8, "Alan Turing", registered=False)
    samples.record(61, floor(ada, alan), START)
    samples.record(61, floor(ada, alan), START + 2)
    busy = ada.model_copy(update={"calls": [call()], "state_since": START + 3})
    for offset in (4, *range(60, 906, 60), 906):  # a poll a minute: gaps that count
        samples.record(61, floor(busy, alan), START + offset)
    assert samples.read_agents(61, [START]) == {
        7: {"available": 3.0, "on_call": 897.0, "offline": 0.0, "online": 0.0},
        8: {"available": 0.0, "on_call": 0.0, "offline": 900.0, "online": 0.0},
    }
    whole = samples.read_agents(61, [START, START + 900])
    assert whole[7]["on_call"] == 903.0 and whole[8]["offline"] == 906.0
    assert samples.read(61, START) == {}  # queues only: the agents' fields are not queues
