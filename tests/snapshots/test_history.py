from snapshots import history
from tests.snapshots.builders import agent, call, queue_availability, snapshot

TEN_SECONDS, ONE_MINUTE = history.RESOLUTIONS


def test_it_keeps_one_point_per_bucket_with_the_latest_sample(redis_client):
    busy = snapshot([agent(1, calls=[call(5)]), agent(2)], [queue_availability(agents_on_call=1)])
    idle = snapshot([agent(1), agent(2)], [queue_availability(agents_on_call=0)])
    history.record(61, busy, at=1000.0)
    history.record(61, idle, at=1005.0)  # same 10 s bucket: replaces
    history.record(61, busy, at=1012.0)
    points = history.read(61, TEN_SECONDS)
    assert [p["t"] for p in points] == [1000, 1010]
    assert points[0] == {"t": 1000, "online": 2, "available": 2, "on_call": 0, "active_calls": 0}
    assert points[1]["on_call"] == 1
    assert [p["t"] for p in history.read(61, ONE_MINUTE)] == [960]
    assert history.read(61, TEN_SECONDS, queue_id=100134)[1]["on_call"] == 1


def test_it_stays_bounded_at_each_resolution(redis_client):
    snap = snapshot([agent(1)], [queue_availability()])
    for minute in range(ONE_MINUTE.points + 20):
        history.record(61, snap, at=minute * 60.0)
    assert len(history.read(61, TEN_SECONDS)) == TEN_SECONDS.points
    minutes = history.read(61, ONE_MINUTE)
    assert len(minutes) == ONE_MINUTE.points
    assert minutes[-1]["t"] == (ONE_MINUTE.points + 19) * 60
