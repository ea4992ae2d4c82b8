"""The fan-out's own rules (live/fanout.py), with real feeds and stand-in sockets."""

import time

import pytest

from boards.audience import Audience
from live import protocol
from live.fanout import CLOCK_SECONDS, Viewer
from tests.live.feeds import FullStateFeed, Socket, feed_with, settle, update

pytestmark = pytest.mark.usefixtures("live_loop")


async def test_every_viewer_gets_each_update_in_order():
    fast, other = Socket(), Socket()
    feed, viewers = feed_with(fast, other)
    for version in (2, 3, 4):
        feed.apply_update(update(version))
        await settle(*viewers)
    assert fast.received() == other.received() == ["diff@2", "diff@3", "diff@4"]
    assert protocol.decode(fast.sent[0]).fields == {"version": 2, "base": 1}


async def test_a_stalled_viewer_delays_no_one_and_later_gets_only_the_latest_full_state():
    fast, slow = Socket(), Socket(stalled=True)
    feed, (fast_viewer, slow_viewer) = feed_with(fast, slow)
    for version in range(2, 52):
        feed.apply_update(update(version))
        await settle(fast_viewer)
    assert fast.received() == [f"diff@{v}" for v in range(2, 52)]
    assert slow.sent == []  # one send in flight, nothing queued behind it

    slow.open.set()
    await settle(slow_viewer)
    assert slow.received() == ["diff@2", "full@51"]  # latest state wins
    assert slow_viewer.version == 51


async def test_a_viewer_whose_send_is_pending_counts_as_stalled_after_the_limit():
    slow = Socket(stalled=True)
    feed, (viewer,) = feed_with(slow)
    feed.apply_update(update(2))
    now = time.monotonic()
    assert not viewer.stalled(now)
    assert viewer.stalled(now + 31)


async def test_an_update_that_does_not_follow_the_viewers_version_brings_the_full_state():
    socket = Socket()
    feed, (viewer,) = feed_with(socket)
    feed.apply_update(update(7, base=6))
    await settle(viewer)
    assert socket.received() == ["full@7"]


async def test_a_feeds_first_render_brings_every_viewer_the_full_state():
    socket = Socket()
    feed, (viewer,) = feed_with(socket)
    feed.apply_update(update(3, base=None))
    await settle(viewer)
    assert socket.received() == ["full@3"]


async def test_freshness_is_pushed_only_when_it_flips():
    socket = Socket()
    feed, (viewer,) = feed_with(socket)
    feed.set_freshness(100.0, stale=False)
    feed.set_freshness(101.0, stale=True)
    await settle(viewer)
    feed.set_freshness(102.0, stale=True)
    await settle(viewer)
    (message,) = [protocol.decode(text) for text in socket.sent]
    assert (message.kind, message.version) == (protocol.Kind.STATUS, 1)
    assert 'data-state="stale"' in message.html


async def test_supervisors_get_last_success_and_errors_kept_current_tvs_only_flips():
    tv_socket, supervisor_socket = Socket(), Socket()
    tv, (tv_viewer,) = feed_with(tv_socket)
    supervisor = FullStateFeed(tv.board, Audience.SUPERVISOR, client=None)
    viewer = Viewer(send=supervisor_socket.send, close=supervisor_socket.close, feed=supervisor)
    supervisor.viewers.add(viewer)

    for fetched_at, error in [(100.0, None), (104.0, None), (111.0, "GET /61/availability: 503")]:
        # the first poll seen; 4 s later nothing worth a message; then an error
        for feed in (tv, supervisor):
            feed.set_freshness(fetched_at, stale=False, error=error)
        await settle(tv_viewer, viewer)

    assert tv_socket.sent == []  # never stale, no error shown on TVs
    assert len(supervisor_socket.sent) == 2  # the first poll, then the error
    assert 'data-error="GET /61/availability: 503"' in supervisor_socket.sent[-1]
    assert 'data-fetched-at="111.000"' in supervisor_socket.sent[-1]


async def test_a_feed_that_sent_nothing_for_a_while_sends_its_idle_viewers_the_clock_once():
    idle, busy = Socket(), Socket(stalled=True)
    feed, (idle_viewer, busy_viewer) = feed_with(idle, busy)
    busy_viewer.offer_text("a message that stalls")
    start = feed.sent_at

    feed.tick_clock(start + CLOCK_SECONDS - 1)
    assert idle.sent == []  # not yet quiet for long enough
    feed.tick_clock(start + CLOCK_SECONDS)
    feed.tick_clock(start + CLOCK_SECONDS + 1)
    await settle(idle_viewer)

    (tick,) = [protocol.decode(text) for text in idle.sent]
    assert (tick.kind, tick.html) == (protocol.Kind.CLOCK, "")
    assert tick.now == pytest.approx(time.time(), abs=1)
    assert not busy_viewer.behind  # its next message carries the clock: no full state for it


async def test_an_update_or_freshness_sent_to_every_viewer_puts_the_clock_off():
    socket = Socket()
    feed, (viewer,) = feed_with(socket)
    feed.apply_update(update(2))
    feed.tick_clock(feed.sent_at + CLOCK_SECONDS - 1)
    feed.set_freshness(100.0, stale=True)
    feed.tick_clock(feed.sent_at + CLOCK_SECONDS - 1)
    await settle(viewer)
    assert [protocol.decode(text).kind for text in socket.sent] == ["diff", "status"]
