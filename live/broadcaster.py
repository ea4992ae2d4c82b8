"""The broadcaster: one per web process (and event loop), holding one channel-layer
subscription per feed it serves and sending straight to the websockets of that process.

Channels consumers accept, authenticate and hand their socket to a `Viewer` here. Board
updates then bypass the consumers' dispatch (no per-message `close_old_connections`, no
per-consumer channel-layer queue): the broadcaster receives each `FeedUpdate` once per
process and passes the pre-rendered text to every local viewer of that feed (live/fanout.py).
Once a second it runs the process's duties: the watchdog (live/watchdog.py), the server's
clock for the viewers of feeds that sent nothing for a while (live/fanout.py), the TVs'
presence (live/presence.py), the metrics report (live/web_metrics.py) and the garbage
collector's freeze (live/gc_freeze.py).
"""

import asyncio
import contextlib
import logging
import time

from channels.layers import get_channel_layer

from boards import feeds
from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.feeds import FeedReset, FeedUpdate
from live import watchdog
from live.fanout import CLOSE_SERVICE_RESTART, Feed, Viewer
from live.gc_freeze import GcFreezer
from live.presence import Presence
from live.web_metrics import web_metrics
from wallboard.redis import async_client

logger = logging.getLogger(__name__)


class Broadcaster:
    def __init__(self) -> None:
        self.feeds: dict[str, Feed] = {}
        self.layer = get_channel_layer()
        self.redis = async_client()
        self.channel: str | None = None
        self.presence = Presence(self.redis)
        self.gc = GcFreezer()
        self._tasks: list[asyncio.Task] = []
        self._started = asyncio.Lock()

    async def _ensure_started(self) -> None:
        async with self._started:
            if self.channel is None:
                self.channel = await self.layer.new_channel()
                loop = asyncio.get_running_loop()
                self._tasks = [
                    loop.create_task(self._receive_loop()),
                    loop.create_task(self._duty_loop()),
                ]

    async def join(self, board: BoardSettings, audience: Audience, viewer: Viewer) -> Feed:
        await self._ensure_started()
        group = feeds.feed_group(board.id, audience)
        feed = self.feeds.get(group)
        if feed is None:
            feed = self.feeds[group] = Feed(board, audience, self.redis)
            await self.layer.group_add(group, self.channel)
        feed.viewers.add(viewer)
        viewer.feed = feed
        if viewer.kiosk_token_id is not None:
            self.presence.add(viewer.kiosk_token_id)
        return feed

    async def leave(self, viewer: Viewer) -> None:
        feed = viewer.feed
        if feed is None:
            return
        feed.viewers.discard(viewer)
        viewer.feed = None
        if viewer.kiosk_token_id is not None:
            await self.presence.remove(viewer.kiosk_token_id)
        if not feed.viewers and self.feeds.get(feed.group) is feed:
            del self.feeds[feed.group]
            await self.layer.group_discard(feed.group, self.channel)

    async def move(self, viewer: Viewer, board: BoardSettings, audience: Audience) -> Feed:
        """Switch a viewer to another feed on the same socket (a TV's playlist). It gets the
        new feed's full state next, which resets the page's version; its screen stays
        counted as connected throughout."""
        token_id, viewer.kiosk_token_id = viewer.kiosk_token_id, None
        try:
            await self.leave(viewer)
            feed = await self.join(board, audience, viewer)
        finally:
            viewer.kiosk_token_id = token_id
        viewer.version = -1
        viewer.request_full()
        return feed

    async def aclose(self) -> None:
        """Stop the loops and drop the connections (tests; a web process simply exits)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self.redis.aclose()

    def viewer_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for feed in self.feeds.values():
            counts[feed.audience] = counts.get(feed.audience, 0) + len(feed.viewers)
        return counts

    async def _receive_loop(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("channel layer receive failed; retrying", exc_info=True)
                await asyncio.sleep(1)
                continue
            try:
                await self._handle(message)
            except Exception:
                # One message that cannot be handled must not end the loop: every later
                # update of every feed of this process comes through it.
                logger.exception("a channel-layer message failed: %s", message.get("type"))

    async def _handle(self, message: dict) -> None:
        feed = self.feeds.get(message.get("group", ""))
        if feed is None:
            return
        if message.get("type") == FeedUpdate.TYPE:
            feed.apply_update(FeedUpdate.from_message(message))
        elif message.get("type") == FeedReset.TYPE:
            await self._reset(feed)

    async def _reset(self, feed: Feed) -> None:
        """The board changed: close its viewers (CLOSE_SERVICE_RESTART); the page reconnects
        at once and gets the board as it is now."""
        for viewer in list(feed.viewers):
            await self.leave(viewer)
            try:
                await viewer.close(CLOSE_SERVICE_RESTART)
            except Exception:
                logger.info("a viewer's socket would not close; it is gone", exc_info=True)

    async def _duty_loop(self) -> None:
        while True:
            await asyncio.sleep(watchdog.WATCH_SECONDS)
            try:
                await self.run_duties()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("web process duties failed", exc_info=True)

    async def run_duties(self) -> None:
        """Send quiet feeds the clock, mark stale feeds, resync lagging ones, drop stalled
        viewers, renew TV presence, report metrics, tune the collector."""
        self.gc.check(sum(len(feed.viewers) for feed in self.feeds.values()))
        now = time.monotonic()
        for feed in list(self.feeds.values()):
            feed.tick_clock(now)
        await self.presence.renew_if_due()
        if web_metrics.due():
            try:
                await web_metrics.report(self.redis, self.viewer_counts())
            except Exception:
                logger.warning("cannot report websocket metrics to Redis", exc_info=True)
        await watchdog.watch_feeds(self.redis, list(self.feeds.values()))


_broadcasters: dict[asyncio.AbstractEventLoop, Broadcaster] = {}


def get_broadcaster() -> Broadcaster:
    """The broadcaster of the running event loop (one per web process)."""
    loop = asyncio.get_running_loop()
    broadcaster = _broadcasters.get(loop)
    if broadcaster is None:
        broadcaster = _broadcasters[loop] = Broadcaster()
    return broadcaster


async def close_broadcaster() -> None:
    broadcaster = _broadcasters.pop(asyncio.get_running_loop(), None)
    if broadcaster is not None:
        await broadcaster.aclose()
