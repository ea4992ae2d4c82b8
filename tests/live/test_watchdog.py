"""The web processes' watchdog (live/watchdog.py): staleness, lost updates, stalled viewers,
against the real Redis keys the worker writes."""

import time

import pytest

from boards.feeds import feed_key
from live import watchdog
from live.fanout import CLOSE_TRY_AGAIN
from tests.live.feeds import BOARD, Socket, feed_with, settle, update

pytestmark = pytest.mark.usefixtures("live_loop")


def _stored(redis_client, *, snapshot_version: int, render_version: int, fetched_at: float):
    redis_client.hset(
        "wb:snapshot:61", mapping={"version": snapshot_version, "fetched_at": fetched_at}
    )
    redis_client.hset(feed_key(BOARD.id, "tv"), mapping={"version": render_version})


async def test_it_marks_old_data_stale_and_resyncs_viewers_that_missed_updates(
    redis_client, async_redis
):
    socket = Socket()
    feed, (viewer,) = feed_with(socket)
    _stored(redis_client, snapshot_version=3, render_version=3, fetched_at=time.time() - 60)

    await watchdog.watch_feeds(async_redis, [feed])  # 60 s old data with a 2 s interval: stale
    await settle(viewer)
    assert 'data-state="stale"' in socket.sent[-1]

    feed.lag_version, feed.lag_since = 3, time.time() - 5  # Redis had 3 for 5 s, viewers 1
    await watchdog.watch_feeds(async_redis, [feed])
    await settle(viewer)
    assert socket.received()[-1] == "full@3"


async def test_versions_that_start_again_after_redis_lost_its_data_bring_the_full_state(
    redis_client, async_redis
):
    socket = Socket()
    feed, (viewer,) = feed_with(socket)
    feed.version = viewer.version = 40
    _stored(redis_client, snapshot_version=1, render_version=1, fetched_at=time.time())

    await watchdog.watch_feeds(async_redis, [feed])
    await settle(viewer)
    assert socket.received() == ["full@1"]
    assert viewer.version == 1

    feed.apply_update(update(2))
    await settle(viewer)
    assert socket.received()[-1] == "diff@2"


async def test_an_update_in_flight_during_its_read_is_neither_a_gap_nor_a_restart():
    socket = Socket()
    feed, (viewer,) = feed_with(socket)
    feed.version = viewer.version = 98
    now = time.time()

    watchdog.heal_lag(feed, 98, 99, now)  # 99 written, its update not here yet
    feed.apply_update(update(99))
    watchdog.heal_lag(feed, 99, 100, now + 3)  # 99 came; 100 is the next in flight
    feed.apply_update(update(100))
    feed.apply_update(update(101))
    watchdog.heal_lag(feed, 99, 100, now + 4)  # read 100 while 101 arrived meanwhile
    await settle(viewer)

    assert socket.received() == ["diff@99", "diff@100", "diff@101"]


async def test_a_viewer_stalled_past_the_limit_is_closed(redis_client, async_redis):
    socket = Socket(stalled=True)
    feed, (viewer,) = feed_with(socket)
    _stored(redis_client, snapshot_version=1, render_version=1, fetched_at=time.time())
    feed.apply_update(update(2))
    await watchdog.watch_feeds(async_redis, [feed])
    assert socket.closed_with is None  # pending, but not for long
    viewer.busy_since = time.monotonic() - 31
    await watchdog.watch_feeds(async_redis, [feed])
    assert socket.closed_with == CLOSE_TRY_AGAIN
