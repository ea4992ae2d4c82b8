"""The fan-out: one channel-layer subscription per web process and feed, sent straight to the
websockets of that process.

Channels consumers accept, authenticate and hand their socket to a `Viewer` here. Board
updates then bypass the consumers' dispatch (no per-message `close_old_connections`, no
per-consumer channel-layer queue): the broadcaster receives each `feed.update` once per
process and passes the pre-rendered text to every local viewer of that feed.

Each viewer has at most one send in flight. What arrives meanwhile is not queued: the viewer
is marked behind and gets the feed's full state when its send completes (latest state wins),
so a slow viewer never delays the others and never grows memory beyond one message. A viewer
whose send stalls for `STALL_SECONDS` is closed; it reconnects into a full state.

Every update carries its version and the version it applies to. A viewer that holds another
version gets the full state instead. A watchdog (once a second) marks feeds stale when their
account's data is older than three poll intervals, and resyncs feeds whose viewers are
behind the snapshot, which heals messages lost while Redis was away.
"""

import asyncio
import contextlib
import gc
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import redis.asyncio as aioredis
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from boards import feeds
from boards.presenters import STALE_AFTER_INTERVALS, Audience, BoardSettings
from boards.rendering import freshness_html, full_message, version_marker
from live.eager import start_eagerly
from live.web_metrics import web_metrics
from polling.budget import EFFECTIVE_INTERVALS_KEY
from snapshots.store import health_key, snapshot_key

logger = logging.getLogger(__name__)

# Close codes the htmx ws extension itself retries after (the page retries after any).
CLOSE_SERVICE_RESTART = 1012
CLOSE_TRY_AGAIN = 1013

WATCH_SECONDS = 1.0
# A TV counts as connected while its key lives; web processes renew it this often.
SCREEN_RENEW_SECONDS = 10.0
# Supervisors see "last success" and the poller's error: refresh them at least this often.
DETAIL_FRESHNESS_SECONDS = 10.0
STALL_SECONDS = 30.0
# A feed whose viewers trail the snapshot for this long missed a message: resync it.
LAG_TOLERANCE_SECONDS = 2.0


@dataclass(eq=False)
class Viewer:
    """One websocket's outbox."""

    send: Callable[[str], Awaitable[None]]
    close: Callable[[int], Awaitable[None]]  # takes a websocket close code
    feed: "Feed | None" = None
    kiosk_token_id: int | None = None  # a TV's screen, for "connected" in the admin
    version: int = -1
    busy_since: float | None = None
    behind: bool = False
    _task: asyncio.Task | None = field(default=None, repr=False)

    def offer_update(self, version: int, prev: int, text: str) -> None:
        if version <= self.version:
            return  # already has it (e.g. a full state that was newer)
        if prev != self.version or self.busy_since is not None:
            self.request_full()
            return
        self.version = version
        self._start(text)

    def offer_text(self, text: str) -> None:
        """A versionless message (freshness); a busy viewer gets it within its full state."""
        if self.busy_since is not None:
            self.behind = True
        else:
            self._start(text)

    def request_full(self) -> None:
        self.behind = True
        if self.busy_since is None:
            self._start(None)

    def _start(self, text: str | None) -> None:
        self.busy_since = time.monotonic()
        # Almost every send completes without waiting: no task unless this one has to.
        self._task = start_eagerly(self._drain(text))

    async def _drain(self, text: str | None) -> None:
        try:
            if text is not None:
                await self.send(text)
                web_metrics.pushed += 1
            while self.behind and self.feed is not None:
                self.behind = False
                version, full = await self.feed.full_state()
                self.version = version
                await self.send(full)
                web_metrics.pushed += 1
        except Exception:
            # A socket that fails a send is gone; its consumer's disconnect cleans up.
            logger.info("dropping a viewer whose send failed", exc_info=True)
            with contextlib.suppress(Exception):
                await self.close(CLOSE_TRY_AGAIN)
        finally:
            self.busy_since = None

    def stalled(self, now: float) -> bool:
        return self.busy_since is not None and now - self.busy_since > STALL_SECONDS


@dataclass(eq=False)
class Feed:
    settings: BoardSettings
    audience: Audience
    redis: aioredis.Redis
    viewers: set[Viewer] = field(default_factory=set)
    version: int = 0  # newest version seen (update, full state or watchdog)
    fetched_at: float | None = None
    stale: bool = False
    error: str | None = None  # the poller's current error (supervisor and admin feeds only)
    pushed_fetched_at: float | None = None
    lag_version: int | None = None  # a version Redis had that no update brought yet
    lag_since: float | None = None
    _full: tuple[int, str] | None = None
    _loading: asyncio.Future | None = None

    @property
    def group(self) -> str:
        return feeds.feed_group(self.settings.id, self.audience)

    @property
    def shows_detail(self) -> bool:
        return self.audience in ("supervisor", "admin")

    def freshness(self) -> str:
        return freshness_html(self.fetched_at, self.stale, self.error)

    async def full_state(self) -> tuple[int, str]:
        """The feed's full state as (version, text); loads from Redis (or renders) at most
        once at a time, however many viewers ask together."""
        if self._full is not None and self._full[0] >= self.version:
            version, body = self._full
            return version, body + self.freshness()
        if self._loading is None:
            self._loading = asyncio.ensure_future(self._load())
        try:
            version, body = await asyncio.shield(self._loading)
        finally:
            if self._loading is not None and self._loading.done():
                self._loading = None
        return version, body + self.freshness()

    async def _load(self) -> tuple[int, str]:
        cached = await database_sync_to_async(feeds.current_render)(self.settings, self.audience)
        body = full_message(cached.version, cached.body)
        self._full = (cached.version, body)
        self.version = max(self.version, cached.version)
        if cached.fetched_at is not None:
            self.fetched_at = max(self.fetched_at or 0.0, cached.fetched_at)
        return cached.version, body

    def apply_update(self, message: dict) -> None:
        version = int(message["version"])
        if version < self.version:
            self.restart(version)  # Redis lost its data: versions started again at 1
            return
        self.version = version
        self._full = None  # the stored render is newer than ours now
        if message.get("fetched_at"):
            self.fetched_at = max(self.fetched_at or 0.0, float(message["fetched_at"]))
        text = message["text"]
        prev = int(message["prev"])
        for viewer in self.viewers:
            viewer.offer_update(version, prev, text)

    def restart(self, version: int) -> None:
        """Versions went backwards (a Redis without persistence restarted): forget what the
        viewers hold and send each the full state as it is now."""
        logger.warning("%s: versions restarted (%s after %s)", self.group, version, self.version)
        self.version = version
        self._full = None
        for viewer in self.viewers:
            viewer.version = -1
            viewer.request_full()

    def resync(self) -> None:
        self._full = None
        for viewer in self.viewers:
            if viewer.version < self.version:
                viewer.request_full()

    def set_freshness(
        self, fetched_at: float | None, stale: bool, error: str | None = None
    ) -> None:
        """Push #freshness when what it shows changed: always when staleness flips; for
        supervisors also when the poller's error changes and every few seconds of polls."""
        if fetched_at is not None:
            self.fetched_at = max(self.fetched_at or 0.0, fetched_at)
        error = error if self.shows_detail else None
        changed = stale != self.stale or error != self.error
        due = (
            self.shows_detail
            and self.fetched_at is not None
            and self.fetched_at - (self.pushed_fetched_at or 0.0) >= DETAIL_FRESHNESS_SECONDS
        )
        self.stale, self.error = stale, error
        if not (changed or due):
            return
        self.pushed_fetched_at = self.fetched_at
        # Versioned like every message: a page that holds an older version asks for the full
        # state instead of showing new freshness over old data.
        text = version_marker(self.version, None, "status") + self.freshness()
        for viewer in self.viewers:
            viewer.offer_text(text)


class Broadcaster:
    """One per web process (and event loop)."""

    def __init__(self) -> None:
        self.feeds: dict[str, Feed] = {}
        self.layer = get_channel_layer()
        self.redis = aioredis.Redis.from_url(
            settings.REDIS_URL, decode_responses=True, socket_timeout=5, socket_connect_timeout=5
        )
        self.channel: str | None = None
        self.screens: Counter[int] = Counter()  # kiosk token id -> its local viewers
        self._screens_renewed = 0.0
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
                    loop.create_task(self._watch_loop()),
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
            self.screens[viewer.kiosk_token_id] += 1
        return feed

    async def leave(self, viewer: Viewer) -> None:
        feed = viewer.feed
        if feed is None:
            return
        feed.viewers.discard(viewer)
        viewer.feed = None
        token_id = viewer.kiosk_token_id
        if token_id is not None:
            self.screens[token_id] -= 1
            if self.screens[token_id] <= 0:
                del self.screens[token_id]
                with contextlib.suppress(Exception):
                    await self.redis.delete(screen_key(token_id))
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
            feed = self.feeds.get(message.get("group", ""))
            if feed is None:
                continue
            if message.get("type") == feeds.UPDATE_EVENT:
                feed.apply_update(message)
            elif message.get("type") == feeds.RESET_EVENT:
                await self._reset(feed)

    async def _reset(self, feed: Feed) -> None:
        """The board changed: close its viewers with 1012 (service restart); the page
        reconnects at once and gets the board as it is now."""
        for viewer in list(feed.viewers):
            await self.leave(viewer)
            await viewer.close(CLOSE_SERVICE_RESTART)

    async def _watch_loop(self) -> None:
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            try:
                await self.watch_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("feed watchdog failed", exc_info=True)

    async def mark_screens(self, token_ids: set[int] | None = None) -> None:
        """Note that these TVs (default: every TV of this process) are connected now."""
        ids = set(self.screens) if token_ids is None else token_ids
        if not ids:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for token_id in ids:
                pipe.set(screen_key(token_id), f"{time.time():.0f}", ex=SCREEN_TTL_SECONDS)
            await pipe.execute()

    async def watch_once(self) -> None:
        """Mark stale feeds, resync lagging ones, drop stalled viewers, renew TV presence."""
        self.gc.check(sum(len(feed.viewers) for feed in self.feeds.values()))
        if time.monotonic() - self._screens_renewed >= SCREEN_RENEW_SECONDS:
            self._screens_renewed = time.monotonic()
            try:
                await self.mark_screens()
            except Exception:
                logger.warning("cannot renew screen presence in Redis", exc_info=True)
        if web_metrics.due():
            try:
                await web_metrics.report(self.redis, self.viewer_counts())
            except Exception:
                logger.warning("cannot report websocket metrics to Redis", exc_info=True)
        feeds_now = list(self.feeds.values())
        seen_before = {feed.group: feed.version for feed in feeds_now}
        accounts = sorted({f.settings.account_id for f in feeds_now})
        state = await self._account_state(accounts)
        now = time.time()
        for feed in feeds_now:
            account = state.get(feed.settings.account_id, AccountState())
            fetched = account.fetched_at if account.fetched_at is not None else feed.fetched_at
            every = max(feed.settings.poll_interval, account.interval or 0.0)
            stale = fetched is None or now - fetched > STALE_AFTER_INTERVALS * every
            feed.set_freshness(account.fetched_at, stale, account.error)
            self._heal_lag(feed, seen_before[feed.group], account.version, now)
            for viewer in list(feed.viewers):
                if viewer.stalled(time.monotonic()):
                    logger.info("closing a stalled viewer of %s", feed.group)
                    await viewer.close(CLOSE_TRY_AGAIN)

    @staticmethod
    def _heal_lag(feed: Feed, seen_before: int, version: int | None, now: float) -> None:
        """Compare Redis' version with what the feed held *before* the read: updates that
        arrived while it was in flight must not look like gaps or restarts."""
        if version is None:
            return
        if version < seen_before:
            feed.restart(version)
        elif version <= feed.version:
            feed.lag_version, feed.lag_since = None, None
        elif feed.lag_version is None or feed.version >= feed.lag_version:
            feed.lag_version, feed.lag_since = version, now  # a new gap to watch
        elif now - feed.lag_since >= LAG_TOLERANCE_SECONDS:
            # `lag_version` is still missing after the tolerance: it was lost, not in flight.
            logger.info("%s missed version %s (at %s): resync", feed.group, version, feed.version)
            feed.version = version
            feed.lag_version, feed.lag_since = None, None
            feed.resync()

    async def _account_state(self, accounts: list[int]) -> dict[int, "AccountState"]:
        """What the watchdog needs of each account; {} while Redis is away."""
        if not accounts:
            return {}
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for account_id in accounts:
                    pipe.hmget(snapshot_key(account_id), "version", "fetched_at")
                    pipe.hget(EFFECTIVE_INTERVALS_KEY, str(account_id))
                    pipe.hmget(health_key(account_id), "last_error", "consecutive_failures")
                raw = await pipe.execute()
        except Exception:
            logger.warning("cannot read account state from Redis", exc_info=True)
            return {}
        state = {}
        for i, account_id in enumerate(accounts):
            (version, fetched_at), interval, (error, failures) = raw[3 * i : 3 * i + 3]
            state[account_id] = AccountState(
                version=int(version) if version else None,
                fetched_at=float(fetched_at) if fetched_at else None,
                interval=float(interval) if interval else None,
                error=error if failures and int(failures) > 0 else None,
            )
        return state


@dataclass(frozen=True)
class AccountState:
    version: int | None = None
    fetched_at: float | None = None
    interval: float | None = None
    error: str | None = None  # set while polls fail


SCREEN_TTL_SECONDS = 30


class GcFreezer:
    """Keeps the objects of long-lived connections out of Python's full collections.

    With thousands of open sockets a full collection walks every connection's objects: 0.35 to
    0.7 s with the loop stopped, the p95 of the fan-out (bench/fanout_bench.py). `gc.freeze()`
    after connections arrive moves what exists into a generation the collector skips. What
    closed connections leave in it is only reclaimed after `gc.unfreeze()`, so that happens
    when the viewers have halved.
    """

    MIN_VIEWERS = 200
    GROWTH = 1.1

    def __init__(self) -> None:
        self.frozen_at = 0

    def check(self, viewers: int) -> None:
        if viewers >= max(self.MIN_VIEWERS, self.frozen_at * self.GROWTH):
            gc.freeze()
            self.frozen_at = viewers
        elif self.frozen_at and viewers < self.frozen_at / 2:
            gc.unfreeze()
            self.frozen_at = viewers


def screen_key(token_id: int) -> str:
    return f"wb:screen:{token_id}"


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
