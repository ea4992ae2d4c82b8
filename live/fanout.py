"""The fan-out of one feed (board x audience) to the viewers of one web process.

Each viewer has at most one send in flight. What arrives meanwhile is not queued: the viewer
is marked behind and gets the feed's full state when its send completes (latest state wins),
so a slow viewer never delays the others and never grows memory beyond one message. A viewer
whose send stalls for `STALL_SECONDS` is closed by the watchdog; it reconnects into a full
state.

Every update carries its version and the version it applies to (live/protocol.py). A viewer
that holds another version gets the full state instead. Every message also carries the
server's clock (`now`); a feed that sent nothing for `CLOCK_SECONDS` sends its idle viewers
a `clock` message, encoded once, so the pages of a quiet board keep the server's time too.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from boards import feeds
from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.feeds import FeedUpdate
from boards.presenters import board_view
from boards.rendering import body_swap, freshness_html, render_board
from live import protocol
from live.eager import start_eagerly
from live.web_metrics import web_metrics

logger = logging.getLogger(__name__)

# Our own close codes (4000-4999: the application's): daphne's websocket library (autobahn)
# refuses to send 1012 and 1013, raising instead of closing. The page reconnects after any
# code but 4001 and 4003 (static/boards/protocol.js).
CLOSE_SERVICE_RESTART = 4012  # the board changed: reconnect now, into its new render
CLOSE_TRY_AGAIN = 4013  # this socket fell behind or failed: reconnect

STALL_SECONDS = 30.0
# Supervisors see "last success" and the poller's error: refresh them at least this often.
DETAIL_FRESHNESS_SECONDS = 10.0
# A feed that sent nothing for this long sends the server's clock alone (the page's estimate
# keeps its samples for two minutes: static/boards/protocol.js).
CLOCK_SECONDS = 30.0


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

    def offer_update(self, version: int, base: int, text: str) -> None:
        if version <= self.version:
            return  # already has it (e.g. a full state that was newer)
        if base != self.version or self.busy_since is not None:
            self.request_full()
            return
        self.version = version
        self._start(text)

    def offer_text(self, text: str) -> None:
        """A message that is no diff (freshness); a busy viewer gets it within its full state."""
        if self.busy_since is not None:
            self.behind = True
        else:
            self._start(text)

    def offer_clock(self, text: str) -> None:
        """The server's clock alone: a busy viewer gets it with whatever it is sent next."""
        if self.busy_since is None:
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
    board: BoardSettings
    audience: Audience
    client: object  # the web process's asyncio Redis client: the stored renders
    viewers: set[Viewer] = field(default_factory=set)
    version: int = 0  # newest version seen (update, full state or watchdog)
    fetched_at: float | None = None
    stale: bool = False
    error: str | None = None  # the poller's current error (supervisor and admin feeds only)
    pushed_fetched_at: float | None = None
    lag_version: int | None = None  # a version Redis had that no update brought yet
    lag_since: float | None = None
    sent_at: float = field(default_factory=time.monotonic)  # the last message to every viewer
    _full: tuple[int, str] | None = None
    _loading: asyncio.Future | None = None

    @property
    def group(self) -> str:
        return feeds.feed_group(self.board.id, self.audience)

    def freshness(self) -> str:
        return freshness_html(self.fetched_at, self.stale, self.error, language=self.board.language)

    async def full_state(self) -> tuple[int, str]:
        """The feed's full state as (version, message); loads the stored render at most once
        at a time, however many viewers ask together."""
        if self._full is None or self._full[0] < self.version:
            if self._loading is None:
                self._loading = asyncio.ensure_future(self._load())
            try:
                await asyncio.shield(self._loading)
            finally:
                if self._loading is not None and self._loading.done():
                    self._loading = None
        assert self._full is not None
        version, body = self._full
        return version, protocol.full(version, body + self.freshness())

    async def _load(self) -> None:
        cached = await feeds.aread_render(self.client, self.board.id, self.audience)
        if cached is None:
            # Not rendered by the worker yet: "waiting for the first data" until it is.
            body = render_board(board_view(self.board, None, self.audience)).body
            self._full = (0, body_swap(body))
            return
        self._full = (cached.version, body_swap(cached.body))
        self.version = max(self.version, cached.version)
        if cached.fetched_at is not None:
            self.fetched_at = max(self.fetched_at or 0.0, cached.fetched_at)

    def apply_update(self, update: FeedUpdate) -> None:
        if update.version < self.version:
            self.restart(update.version)  # Redis lost its data: versions started again at 1
            return
        self.version = update.version
        self._full = None  # the stored render is newer than ours now
        if update.fetched_at:
            self.fetched_at = max(self.fetched_at or 0.0, update.fetched_at)
        if update.base is None:
            self.resync()  # the feed's first render: everyone takes it whole
            return
        text = protocol.diff(update.version, update.base, update.html)
        self.sent_at = time.monotonic()
        for viewer in self.viewers:
            viewer.offer_update(update.version, update.base, text)

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
        detail = self.audience.sees_detail
        if fetched_at is not None:
            self.fetched_at = max(self.fetched_at or 0.0, fetched_at)
        error = error if detail else None
        changed = stale != self.stale or error != self.error
        due = (
            detail
            and self.fetched_at is not None
            and self.fetched_at - (self.pushed_fetched_at or 0.0) >= DETAIL_FRESHNESS_SECONDS
        )
        self.stale, self.error = stale, error
        if not (changed or due):
            return
        self.pushed_fetched_at = self.fetched_at
        # Versioned like every message: a page that holds an older version asks for the full
        # state instead of showing new freshness over old data.
        text = protocol.status(self.version, self.freshness())
        self.sent_at = time.monotonic()
        for viewer in self.viewers:
            viewer.offer_text(text)

    def tick_clock(self, now: float) -> None:
        """Nothing sent for `CLOCK_SECONDS` (of `time.monotonic()` at `now`): send every idle
        viewer the server's clock, one encode for them all."""
        if now - self.sent_at < CLOCK_SECONDS:
            return
        self.sent_at = now
        text = protocol.clock()
        for viewer in self.viewers:
            viewer.offer_clock(text)
