"""What the polls saw per queue and interval (service/samples.py), and the interval rows that
carry it: the peak of calls waiting and the agents online and available on average."""

from datetime import UTC, datetime

from service import intervals, samples
from service.models import QueueInterval
from snapshots.models import Snapshot, TodayCounts
from tests.boards.factories import queue, queue_today
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
