"""The replay log (snapshots/replay.py): every moment it recorded comes back exactly, from a
keyframe and the deltas after it; it stores what changed, keeps to its window, and an entry
it cannot read costs that entry only."""

import logging

import pytest

from snapshots import replay
from snapshots.models import ActiveAlert, Snapshot, TodayCounts
from tests.boards.factories import agent, call, queue, queue_today

T0 = 1_800_000_000.0


def alert(pk: int, message: str) -> ActiveAlert:
    return ActiveAlert(
        id=pk, rule_id=1, board_id=1, queue_id=1, kind="waiting", message=message, since=T0
    )


def today_of(waiting: int) -> TodayCounts:
    counts = queue_today(calls_waiting=waiting)
    return TodayCounts(
        date="2027-01-15", time_zone="UTC", total=counts, queues={1: counts}, agents={}
    )


def versions() -> list[Snapshot]:
    """A morning on a small floor: states change, an agent logs on and off, the queues swap
    places, an alert comes and goes, today's counts move."""
    ada, alan, grace = agent(7, "Ada Lovelace"), agent(8, "Alan Turing"), agent(9, "Grace Hopper")
    support, sales = queue(1, "Support"), queue(2, "Sales")
    first = Snapshot(account_id=61, source="key", agents=[ada, alan], queues=[support, sales])
    on_call = ada.model_copy(update={"calls": [call(started=T0 + 5)], "state_since": T0 + 5})
    second = first.model_copy(update={"agents": [on_call, alan]})
    third = second.model_copy(
        update={"agents": [on_call, alan, grace], "alerts": [alert(5, "3 waiting")]}
    )
    fourth = third.model_copy(update={"queues": [sales, support], "today": today_of(3)})
    fifth = fourth.model_copy(update={"agents": [ada, grace], "alerts": [], "today": today_of(0)})
    return [first, second, third, fourth, fifth]


def record_all(redis_client, snapshots: list[Snapshot], start: float = T0, step: float = 2.0):
    previous = None
    for n, snapshot in enumerate(snapshots):
        replay.record(61, snapshot, n + 1, start + n * step, previous)
        previous = snapshot


@pytest.fixture
def raw(redis_client):
    from wallboard.redis import get_raw_redis

    replay.forget(61)
    yield get_raw_redis()
    replay.forget(61)


def test_every_recorded_moment_comes_back_exactly(raw, settings):
    settings.REPLAY_HOURS = 100_000  # T0 is in 2027: nothing trimmed
    snapshots = versions()
    record_all(raw, snapshots)
    assert replay.moment(61, T0 - 0.001) is None
    for n, snapshot in enumerate(snapshots):
        for at in (T0 + n * 2, T0 + n * 2 + 1.999):  # the moment itself and until the next
            found = replay.moment(61, at)
            assert found is not None and found.version == n + 1
            assert found.snapshot.model_dump() == snapshot.model_dump()
            assert found.fetched_at == T0 + n * 2
    assert replay.window(61) == (T0, T0 + 8)
    kinds = [fields[b"k"] for _, fields in raw.xrange(replay.key(61))]
    assert kinds == [b"f", b"d", b"d", b"d", b"d"]  # one keyframe, then what changed


def test_a_delta_holds_what_changed_only(raw, settings):
    settings.REPLAY_HOURS = 100_000
    snapshots = versions()
    record_all(raw, snapshots[:2])
    (_, keyframe), (_, change) = raw.xrange(replay.key(61))
    assert len(change[b"b"]) < len(keyframe[b"b"]) / 2
    flat_change = replay._unpack(change[b"b"])
    # Ada took a call: her call and since when, nothing else of hers or anyone's.
    assert flat_change["set"] == {} and flat_change["del"] == []
    ((path, (fields, gone)),) = flat_change["patch"].items()
    assert (path, sorted(fields), gone) == ("agents/7/", ["calls", "state_since"], [])


def test_a_gap_in_the_versions_and_the_keyframe_period_start_a_keyframe(raw, settings):
    settings.REPLAY_HOURS = 100_000
    first, second, third, *_ = versions()
    replay.record(61, first, 1, T0)
    replay._last.clear()  # another worker wrote version 2: this one never saw it
    replay.record(61, third, 3, T0 + 4, second)
    replay.record(61, second, 4, T0 + 4 + replay.KEYFRAME_SECONDS, third)
    kinds = [fields[b"k"] for _, fields in raw.xrange(replay.key(61))]
    assert kinds == [b"f", b"f", b"f"]
    assert replay.moment(61, T0 + 5).snapshot == third


def test_the_log_keeps_to_its_window(raw, settings):
    settings.REPLAY_HOURS = 1
    snapshots = versions()
    hour = 3600.0
    # Three hours of changes, one a minute: the log keeps about the last hour and a keyframe
    # period, however long it runs.
    previous = None
    for n in range(180):
        snapshot = snapshots[n % 2]
        replay.record(61, snapshot, n + 1, T0 + n * 60, previous)
        previous = snapshot
    end = T0 + 179 * 60
    oldest, newest = replay.window(61)
    assert newest == end
    assert end - hour - replay.KEYFRAME_SECONDS <= oldest <= end - hour
    assert raw.xlen(replay.key(61)) <= (hour + replay.KEYFRAME_SECONDS) / 60 + 1
    assert replay.moment(61, end - hour).version == 180 - 60
    ((_, first),) = raw.xrange(replay.key(61), count=1)
    assert first[b"k"] == b"f"  # trimmed up to a keyframe: every entry kept can be rebuilt


def test_a_quiet_night_keeps_the_version_that_covers_the_morning(raw, settings):
    settings.REPLAY_HOURS = 8
    evening, morning, *_ = versions()
    replay.record(61, evening, 1, T0)
    replay.record(61, morning, 2, T0 + 9 * 3600, evening)
    # Two hours into the window nothing had changed since the evening: that is the moment.
    found = replay.moment(61, T0 + 2 * 3600)
    assert found is not None and (found.version, found.snapshot) == (1, evening)
    assert replay.window(61) == (T0, T0 + 9 * 3600)


def test_a_delta_is_never_put_on_top_of_another_base(raw, settings):
    settings.REPLAY_HOURS = 100_000
    first, _, third, *_ = versions()
    replay.record(61, first, 1, T0)
    replay._last.clear()  # a restarted worker, whose writer read a stand-in for version 1
    stand_in = Snapshot(account_id=61, source="key", agents=[], queues=[])
    replay.record(61, third, 2, T0 + 2, stand_in)
    kinds = [fields[b"k"] for _, fields in raw.xrange(replay.key(61))]
    assert kinds == [b"f", b"f"]  # the log's version 1 is not the stand-in: a keyframe
    assert replay.moment(61, T0 + 2).snapshot == third


def test_an_unreadable_entry_is_skipped_and_said(raw, settings, caplog):
    settings.REPLAY_HOURS = 100_000
    snapshots = versions()
    record_all(raw, snapshots[:3])
    keyframe = int(T0 * 1000)
    bad = {"k": "d", "v": 4, "f": keyframe, "b": b"not zlib"}
    raw.xadd(replay.key(61), bad, id=b"1800000005000-0")
    with caplog.at_level(logging.WARNING, logger="snapshots.replay"):
        found = replay.moment(61, T0 + 5.5)
    assert found is not None and found.snapshot == snapshots[2]  # the good entries still count
    assert found.version == 3
    assert "entry 1800000005000-0 of account 61 unreadable" in caplog.text
