from snapshots.diff import carry_call_starts, diff_snapshots
from snapshots.models import ActiveAlert, QueueToday, TodayCounts
from tests.snapshots.builders import (
    FETCHED_AT,
    agent,
    call,
    queue_availability,
    queue_config,
    snapshot,
)

TOLERANCE = 3.0


def kinds(old, new) -> list[str]:
    return [change.kind for change in diff_snapshots(old, carry_call_starts(old, new, TOLERANCE))]


def test_a_growing_call_seconds_is_not_a_change():
    old = snapshot([agent(calls=[call(45)])])
    new = snapshot([agent(calls=[call(47)])], fetched_at=FETCHED_AT + 2)
    assert kinds(old, new) == []


def test_a_call_start_that_drifts_within_tolerance_is_carried_over_unchanged():
    old = snapshot([agent(calls=[call(45)])])
    new = snapshot([agent(calls=[call(46)])], fetched_at=FETCHED_AT + 3.5)
    carried = carry_call_starts(old, new, TOLERANCE)
    assert carried == old
    assert diff_snapshots(old, carried) == []


def test_a_call_start_that_drifts_beyond_tolerance_is_a_change():
    old = snapshot([agent(calls=[call(45)])])
    new = snapshot([agent(calls=[call(45)])], fetched_at=FETCHED_AT + 10)
    assert kinds(old, new) == ["call_drifted"]


def test_identical_snapshots_have_an_empty_diff():
    snap = snapshot([agent()], [queue_availability()])
    assert diff_snapshots(snap, snap) == []


def test_a_call_that_starts_and_one_that_ends_are_changes():
    old = snapshot([agent(123, calls=[call(30)]), agent(124)])
    new = snapshot([agent(123), agent(124, calls=[call(1, "outbound", "5550001")])])
    changes = diff_snapshots(old, new)
    assert {(c.kind, c.agent_id) for c in changes} == {("call_ended", 123), ("call_started", 124)}
    started = next(c for c in changes if c.kind == "call_started")
    assert started.after["peer"] == "5550001"


def test_agents_appearing_leaving_and_registering_are_changes():
    old = snapshot([agent(123), agent(124, registered=True)])
    new = snapshot([agent(124, registered=False), agent(125)])
    assert sorted(kinds(old, new)) == ["agent_appeared", "agent_left", "agent_unregistered"]


def test_a_renamed_agent_is_a_change():
    old = snapshot([agent(123, first_name="John")])
    new = snapshot([agent(123, first_name="Johnny")])
    (change,) = diff_snapshots(old, new)
    assert change.kind == "agent_renamed"
    assert change.after["first_name"] == "Johnny"


def test_queue_counts_and_readiness_changes_are_changes():
    old = snapshot(queues=[queue_availability(is_ready=True, agents_online=1)])
    new = snapshot(queues=[queue_availability(is_ready=False, agents_online=0)])
    assert kinds(old, new) == ["queue_readiness_changed", "queue_counts_changed"]


def test_membership_and_config_changes_are_changes():
    queues = [queue_availability()]
    old = snapshot(queues=queues, configs={100134: queue_config()}, members={100134: [123]})
    new = snapshot(
        queues=queues,
        configs={100134: queue_config(strategy="fewestcalls")},
        members={100134: [123, 124]},
    )
    assert sorted(kinds(old, new)) == ["queue_config_changed", "queue_members_changed"]


def test_queues_appearing_and_disappearing_are_changes():
    old = snapshot(queues=[queue_availability(100134)])
    new = snapshot(queues=[queue_availability(100135)])
    assert sorted(kinds(old, new)) == ["queue_appeared", "queue_removed"]


def test_a_switch_to_public_data_is_a_source_change():
    old = snapshot([agent()])
    public = snapshot([agent().model_copy(update={"channels": None})], source="public")
    assert kinds(old, public) == ["source_changed"]


def test_the_first_snapshot_diffs_against_nothing():
    assert set(kinds(None, snapshot([agent()], [queue_availability()]))) == {
        "agent_appeared",
        "queue_appeared",
    }


def _overlay_base():
    return snapshot([agent()], [queue_availability()])


def _with_overlay(snap, today=None, alerts=()):
    return snap.model_copy(update={"today": today, "alerts": list(alerts)})


def test_todays_counts_moving_is_one_change():
    def counts(inbound: int) -> TodayCounts:
        totals = QueueToday(inbound=inbound)
        return TodayCounts(
            date="2027-01-15", time_zone="UTC", total=totals, queues={1: totals}, agents={}
        )

    base = _overlay_base()
    changes = diff_snapshots(_with_overlay(base, counts(3)), _with_overlay(base, counts(4)))
    assert [c.kind for c in changes] == ["today_changed"]
    assert changes[0].after["total"]["inbound"] == 4
    assert diff_snapshots(_with_overlay(base, counts(4)), _with_overlay(base, counts(4))) == []


def test_alerts_fire_change_and_clear():
    alert = ActiveAlert(
        id=5, rule_id=1, board_id=1, queue_id=100, kind="no_agent_ready", message="m", since=1.0
    )
    acknowledged = alert.model_copy(update={"acknowledged": True})
    base = _overlay_base()
    fired = diff_snapshots(base, _with_overlay(base, alerts=[alert]))
    assert [(c.kind, c.queue_id) for c in fired] == [("alert_fired", 100)]
    changed = diff_snapshots(
        _with_overlay(base, alerts=[alert]), _with_overlay(base, alerts=[acknowledged])
    )
    assert [c.kind for c in changed] == ["alert_changed"]
    cleared = diff_snapshots(_with_overlay(base, alerts=[acknowledged]), base)
    assert [c.kind for c in cleared] == ["alert_cleared"]
