"""Interval history (service/intervals.py): each queue's 15-minute intervals from the stored
events, the same when built again, and adding up to the day the boards showed."""

from datetime import UTC, datetime

from service import intervals
from service.models import AgentDay, QueueInterval
from service.tasks import build_intervals
from service.today import today_counts
from tests.service.helpers import QUEUE, stored
from tests.service.test_today import NOW, QUEUE_B, day_of_events
from tests.webhooks.helpers import at

FIGURES = (
    "offered",
    "answered",
    "answered_within_threshold",
    "abandoned",
    "short_abandoned",
    "timed_out",
    "not_answered",
    "answered_timed",
    "wait_total_seconds",
    "talked",
    "talk_total_seconds",
)
AGENT_FIGURES = ("agent_id", "answered", "placed", "talked", "talk_seconds")


def rows() -> list[tuple]:
    return list(
        QueueInterval.objects.order_by("start", "queue_id").values_list(
            "queue_id", "start", *FIGURES
        )
    )


def build_the_day(account, until: float) -> None:
    """Every interval of 2026-11-28 in the account's time zone up to `until`."""
    start = at("2026-11-28 00:00:00", account.time_zone)
    while start < until:
        intervals.build(account, start)
        start += intervals.INTERVAL_SECONDS


def test_the_days_intervals_add_up_to_the_days_figures(receiver):
    day_of_events(receiver)
    build_the_day(receiver.account, NOW)
    counts = today_counts(receiver.account.account_id, NOW)
    for queue_id in (QUEUE, QUEUE_B):
        level = counts.queues[queue_id].service
        mine = QueueInterval.objects.filter(queue_id=queue_id)
        assert sum(r.offered for r in mine) == level.offered
        assert sum(r.answered for r in mine) == level.answered
        assert sum(r.answered_within_threshold for r in mine) == level.answered_within_threshold
        assert sum(r.abandoned for r in mine) == level.abandoned
        assert sum(r.short_abandoned for r in mine) == level.short_abandoned
        assert sum(r.timed_out for r in mine) == level.timed_out
        assert sum(r.not_answered for r in mine) == level.not_answered
    # a1 was answered after 10 s at 09:00:10 and talked 290 s: its interval says so.
    (a1,) = QueueInterval.objects.filter(
        queue_id=QUEUE, start=datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    )
    assert (a1.answered, a1.mean_wait_seconds, a1.aht_seconds) == (1, 10.0, 290.0)


def test_building_an_interval_again_gives_the_same_rows_and_late_events_count(receiver):
    day_of_events(receiver)
    build_the_day(receiver.account, NOW)
    first = rows()
    assert first
    build_the_day(receiver.account, NOW)
    assert rows() == first
    # An abandon of 10:05 stored late: its interval is built again with it.
    stored(receiver, "INCOMING_EXTERNAL_CALL", at("2026-11-28 10:04:00"), call_id="late")
    stored(receiver, "QUEUE_HANGUP_ABANDONED", at("2026-11-28 10:05:00"), call_id="late")
    ten = at("2026-11-28 10:00:00")
    intervals.build(receiver.account, ten)
    (row,) = QueueInterval.objects.filter(
        queue_id=QUEUE, start=datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    )
    before = [r for r in first if r[0] == QUEUE and r[1] == row.start]
    assert row.abandoned == (before[0][FIGURES.index("abandoned") + 2] if before else 0) + 1


def test_the_task_builds_the_last_two_intervals_and_purges_old_ones(
    receiver, settings, monkeypatch
):
    day_of_events(receiver)
    old = QueueInterval.objects.create(
        account=receiver.account, queue_id=QUEUE, start=datetime(2026, 8, 1, tzinfo=UTC)
    )
    settings.SERVICE_HISTORY_DAYS = 90
    # At 11:31 the task builds 11:00 and 11:15; a2's abandon at 11:30 is the next one's.
    monkeypatch.setattr("service.tasks.time.time", lambda: at("2026-11-28 11:31:00"))
    assert build_intervals.apply().get() == 0
    monkeypatch.setattr("service.tasks.time.time", lambda: at("2026-11-28 11:46:00"))
    assert build_intervals.apply().get() == 1
    (row,) = QueueInterval.objects.all()
    assert (row.start, row.abandoned) == (datetime(2026, 11, 28, 11, 30, tzinfo=UTC), 1)
    assert not QueueInterval.objects.filter(pk=old.pk).exists()


def test_each_interval_keeps_its_longest_wait_whatever_the_calls_end(receiver):
    day_of_events(receiver)
    build_the_day(receiver.account, NOW)

    def longest(hh_mm: str) -> float | None:
        start = datetime.fromisoformat(f"2026-11-28T{hh_mm}:00+00:00")
        return QueueInterval.objects.get(queue_id=QUEUE, start=start).max_wait_seconds

    # a3 timed out after 10 min, a1 was answered after 10 s, a2 hung up after 35 s (its
    # event says so).
    assert (longest("08:00"), longest("09:00"), longest("11:30")) == (600.0, 10.0, 35.0)
    b1 = QueueInterval.objects.get(
        queue_id=QUEUE_B, start=datetime(2026, 11, 28, 10, 30, tzinfo=UTC)
    )
    assert b1.max_wait_seconds == 4.0


def test_each_agents_day_has_its_calls_and_is_the_same_when_built_again(receiver):
    day_of_events(receiver)
    build_the_day(receiver.account, NOW)
    first = list(AgentDay.objects.order_by("agent_id").values_list(*AGENT_FIGURES))
    counts = today_counts(receiver.account.account_id, NOW).agents
    assert first == [
        (7, counts[7].answered, counts[7].placed, 1, 290.0),
        (8, counts[8].answered, 0, 0, 0.0),
    ]
    assert counts[7].answered == 1
    build_the_day(receiver.account, NOW)
    assert list(AgentDay.objects.order_by("agent_id").values_list(*AGENT_FIGURES)) == first
