"""The fan-out's own rules, with real feeds and viewers whose sockets are stand-ins."""

import asyncio
import time

import pytest

from boards.presenters import BoardSettings
from live.broadcaster import Feed, GcFreezer, Viewer, get_broadcaster

pytestmark = pytest.mark.usefixtures("live_loop")

BOARD = BoardSettings(
    id=9,
    slug="b",
    title="B",
    account_id=61,
    queue_ids=(),
    members_only=False,
    warning_at_or_below=1,
)


class Socket:
    """A websocket stand-in: records what it was sent; can be made to stall."""

    def __init__(self, stalled: bool = False) -> None:
        self.sent: list[str] = []
        self.open = asyncio.Event()
        if not stalled:
            self.open.set()
        self.closed_with: int | None = None

    async def send(self, text: str) -> None:
        await self.open.wait()
        self.sent.append(text)

    async def close(self, code: int) -> None:
        self.closed_with = code


class FullStateFeed(Feed):
    """A feed whose full state comes from memory instead of Redis and the database."""

    async def full_state(self) -> tuple[int, str]:
        self.full_requests = getattr(self, "full_requests", 0) + 1
        return self.version, f"full@{self.version}"


def _feed_with(*sockets: Socket) -> tuple[FullStateFeed, list[Viewer]]:
    feed = FullStateFeed(BOARD, "tv", redis=None)
    viewers = []
    for socket in sockets:
        viewer = Viewer(send=socket.send, close=socket.close, feed=feed, version=1)
        feed.viewers.add(viewer)
        viewers.append(viewer)
    feed.version = 1
    return feed, viewers


def _update(version: int) -> dict:
    return {"version": version, "prev": version - 1, "fetched_at": None, "text": f"diff@{version}"}


async def _settle(*viewers: Viewer) -> None:
    """Wait until each viewer's sends are done."""
    for viewer in viewers:
        while viewer._task is not None and not viewer._task.done():
            await viewer._task


async def test_every_viewer_gets_each_update_in_order():
    fast, other = Socket(), Socket()
    feed, viewers = _feed_with(fast, other)
    for version in (2, 3, 4):
        feed.apply_update(_update(version))
        await _settle(*viewers)
    assert fast.sent == other.sent == ["diff@2", "diff@3", "diff@4"]


async def test_a_stalled_viewer_delays_no_one_and_later_gets_only_the_latest_full_state():
    fast, slow = Socket(), Socket(stalled=True)
    feed, (fast_viewer, slow_viewer) = _feed_with(fast, slow)
    for version in range(2, 52):
        feed.apply_update(_update(version))
        await _settle(fast_viewer)
    assert fast.sent == [f"diff@{v}" for v in range(2, 52)]
    assert slow.sent == []  # one send in flight, nothing queued behind it

    slow.open.set()
    await _settle(slow_viewer)
    assert slow.sent == ["diff@2", "full@51"]  # latest state wins
    assert slow_viewer.version == 51


async def test_a_viewer_that_stalls_too_long_is_closed(monkeypatch):
    slow = Socket(stalled=True)
    feed, (viewer,) = _feed_with(slow)
    feed.apply_update(_update(2))
    await asyncio.sleep(0)
    assert not viewer.stalled(time.monotonic())
    assert viewer.stalled(time.monotonic() + 31)


async def test_an_update_that_does_not_follow_the_viewers_version_brings_the_full_state():
    socket = Socket()
    feed, (viewer,) = _feed_with(socket)
    feed.apply_update({"version": 7, "prev": 6, "fetched_at": None, "text": "diff@7"})
    await _settle(viewer)
    assert socket.sent == ["full@7"]


async def test_freshness_is_pushed_only_when_it_flips():
    socket = Socket()
    feed, (viewer,) = _feed_with(socket)
    feed.set_freshness(100.0, stale=False)
    feed.set_freshness(101.0, stale=True)
    await _settle(viewer)
    feed.set_freshness(102.0, stale=True)
    await _settle(viewer)
    assert len(socket.sent) == 1
    assert 'data-state="stale"' in socket.sent[0]


async def test_the_watchdog_marks_old_data_stale_and_resyncs_viewers_that_missed_updates(
    redis_client,
):
    broadcaster = get_broadcaster()
    socket = Socket()
    feed, (viewer,) = _feed_with(socket)
    broadcaster.feeds[feed.group] = feed
    redis_client.hset("wb:snapshot:61", mapping={"version": 3, "fetched_at": time.time() - 60})

    await broadcaster.watch_once()  # 60 s old data with a 2 s interval: stale
    await _settle(viewer)
    assert 'data-state="stale"' in socket.sent[-1]

    feed.lag_version, feed.lag_since = 3, time.time() - 5  # Redis had 3 for 5 s, viewers 1
    await broadcaster.watch_once()
    await _settle(viewer)
    assert socket.sent[-1].startswith("full@3")
    broadcaster.feeds.clear()


async def test_supervisors_get_last_success_and_errors_kept_current_tvs_only_flips():
    tv_socket, supervisor_socket = Socket(), Socket()
    tv, (tv_viewer,) = _feed_with(tv_socket)
    supervisor = FullStateFeed(BOARD, "supervisor", redis=None)
    viewer = Viewer(send=supervisor_socket.send, close=supervisor_socket.close, feed=supervisor)
    supervisor.viewers.add(viewer)

    for fetched_at, error in [(100.0, None), (104.0, None), (111.0, "GET /61/availability: 503")]:
        # the first poll seen; 4 s later nothing worth a message; then an error
        for feed in (tv, supervisor):
            feed.set_freshness(fetched_at, stale=False, error=error)
        await _settle(tv_viewer, viewer)

    assert tv_socket.sent == []  # never stale, no error shown on TVs
    assert len(supervisor_socket.sent) == 2  # the first poll, then the error
    assert 'data-error="GET /61/availability: 503"' in supervisor_socket.sent[-1]
    assert 'data-fetched-at="111.000"' in supervisor_socket.sent[-1]


async def test_versions_that_start_again_after_redis_lost_its_data_bring_the_full_state(
    redis_client,
):
    broadcaster = get_broadcaster()
    socket = Socket()
    feed, (viewer,) = _feed_with(socket)
    feed.version = viewer.version = 40
    broadcaster.feeds[feed.group] = feed
    redis_client.hset("wb:snapshot:61", mapping={"version": 1, "fetched_at": time.time()})

    await broadcaster.watch_once()
    await _settle(viewer)
    assert socket.sent == ["full@1"]
    assert viewer.version == 1

    feed.apply_update({"version": 2, "prev": 1, "fetched_at": None, "text": "diff@2"})
    await _settle(viewer)
    assert socket.sent[-1] == "diff@2"
    broadcaster.feeds.clear()


async def test_an_update_in_flight_during_the_watchdogs_read_is_neither_a_gap_nor_a_restart(
    redis_client,
):
    broadcaster = get_broadcaster()
    socket = Socket()
    feed, (viewer,) = _feed_with(socket)
    feed.version = viewer.version = 98
    broadcaster.feeds[feed.group] = feed
    now = time.time()

    broadcaster._heal_lag(feed, 98, 99, now)  # 99 written, its update not here yet
    feed.apply_update(_update(99))
    broadcaster._heal_lag(feed, 99, 100, now + 3)  # 99 came; 100 is the next in flight
    feed.apply_update(_update(100))
    feed.apply_update(_update(101))
    broadcaster._heal_lag(feed, 99, 100, now + 4)  # read 100 while 101 arrived meanwhile
    await _settle(viewer)

    assert socket.sent == ["diff@99", "diff@100", "diff@101"]
    broadcaster.feeds.clear()


def test_connection_objects_are_frozen_out_of_full_collections_as_viewers_grow(monkeypatch):
    import gc

    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    freezer = GcFreezer()
    for viewers in (50, 199, 200, 210, 221, 1000, 1050, 400, 380, 450):
        freezer.check(viewers)
    assert calls == ["freeze", "freeze", "freeze", "unfreeze", "freeze"]
