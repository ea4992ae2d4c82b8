import pytest

from snapshots.diff import carry_call_starts, changed
from snapshots.models import ActiveAlert, TodayCounts
from tests.boards.factories import queue_today
from tests.snapshots.builders import (
    FETCHED_AT,
    agent,
    call,
    queue_availability,
    queue_config,
    snapshot,
)

TOLERANCE = 3.0


def shows_a_change(old, new) -> bool:
    return changed(old, carry_call_starts(old, new, TOLERANCE))


def test_a_growing_call_seconds_is_not_a_change():
    old = snapshot([agent(calls=[call(45)])])
    new = snapshot([agent(calls=[call(47)])], fetched_at=FETCHED_AT + 2)
    assert not shows_a_change(old, new)


def test_a_call_start_that_drifts_within_tolerance_is_carried_over_unchanged():
    old = snapshot([agent(calls=[call(45)])])
    new = snapshot([agent(calls=[call(46)])], fetched_at=FETCHED_AT + 3.5)
    carried = carry_call_starts(old, new, TOLERANCE)
    assert carried == old
    assert not changed(old, carried)


def test_a_call_start_that_drifts_beyond_tolerance_is_a_change():
    old = snapshot([agent(calls=[call(45)])])
    new = snapshot([agent(calls=[call(45)])], fetched_at=FETCHED_AT + 10)
    assert shows_a_change(old, new)


def test_identical_snapshots_are_no_change():
    snap = snapshot([agent()], [queue_availability()])
    assert not changed(snap, snap)


def test_the_first_snapshot_is_a_change():
    assert changed(None, snapshot([agent()], [queue_availability()]))


VISIBLE_CHANGES = {
    "a call starts": ([agent(124)], [agent(124, calls=[call(1, "outbound", "5550001")])]),
    "a call ends": ([agent(123, calls=[call(30)])], [agent(123)]),
    "a new call with the same peer": (
        [agent(calls=[call(30, "outbound", "5550001")])],
        [agent(calls=[call(30, "inbound", "5550001")])],
    ),
    "an agent appears": ([agent(123)], [agent(123), agent(125)]),
    "an agent leaves": ([agent(123), agent(125)], [agent(123)]),
    "an agent logs off": ([agent(124, registered=True)], [agent(124, registered=False)]),
    "an agent is renamed": ([agent(123, first_name="John")], [agent(123, first_name="Johnny")]),
}


@pytest.mark.parametrize(
    ("old_agents", "new_agents"), VISIBLE_CHANGES.values(), ids=list(VISIBLE_CHANGES)
)
def test_what_a_viewer_sees_of_agents_is_a_change(old_agents, new_agents):
    assert shows_a_change(snapshot(old_agents), snapshot(new_agents))


def test_queue_counts_readiness_membership_and_config_are_changes():
    base = {"queues": [queue_availability()], "configs": {100134: queue_config()}}
    old = snapshot(**base, members={100134: [123]})
    assert shows_a_change(old, snapshot(queues=[queue_availability(is_ready=False)]))
    assert shows_a_change(old, snapshot(**base, members={100134: [123, 124]}))
    other_config = {100134: queue_config(strategy="fewestcalls")}
    assert shows_a_change(
        old, snapshot(queues=base["queues"], configs=other_config, members={100134: [123]})
    )
    assert shows_a_change(old, snapshot(queues=[queue_availability(100135)]))


def test_a_switch_to_public_data_is_a_change():
    old = snapshot([agent()])
    public = snapshot([agent().model_copy(update={"channels": None})], source="public")
    assert shows_a_change(old, public)


def _with_overlay(snap, today=None, alerts=()):
    return snap.model_copy(update={"today": today, "alerts": list(alerts)})


def test_todays_counts_moving_is_a_change_and_the_same_counts_are_not():
    def counts(inbound: int) -> TodayCounts:
        totals = queue_today(inbound=inbound)
        return TodayCounts(
            date="2027-01-15", time_zone="UTC", total=totals, queues={1: totals}, agents={}
        )

    base = snapshot([agent()], [queue_availability()])
    assert changed(_with_overlay(base, counts(3)), _with_overlay(base, counts(4)))
    assert not changed(_with_overlay(base, counts(4)), _with_overlay(base, counts(4)))


def test_alerts_firing_acknowledged_and_clearing_are_changes():
    alert = ActiveAlert(
        id=5, rule_id=1, board_id=1, queue_id=100, kind="no_agent_ready", message="m", since=1.0
    )
    acknowledged = alert.model_copy(update={"acknowledged": True})
    base = snapshot([agent()], [queue_availability()])
    fired, acked = _with_overlay(base, alerts=[alert]), _with_overlay(base, alerts=[acknowledged])
    assert changed(base, fired)
    assert changed(fired, acked)
    assert changed(acked, base)
