"""Websocket consumers: connect, check who may watch what, hand the socket to the broadcaster.

Updates do not pass through these consumers' handlers (see live/broadcaster.py); only the
client's own messages (a resync request) and control events (boards/screen_commands.py) do.
Public viewers hold no channel-layer subscription at all: there is nothing to tell one
public socket alone. Every frame sent follows live/protocol.py.
"""

import asyncio
import contextlib
import logging
import random
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from boards import playlists, screen_commands
from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.models import Board, KioskToken
from boards.tv_care import tv_header
from live import protocol
from live.broadcaster import get_broadcaster
from live.fanout import Viewer
from wallboard.access_log import redact_path
from wallboard.build import build_id

logger = logging.getLogger(__name__)

# A close code of our own (4000-4999 are for applications): the page does not reconnect
# after it; after every other close it does.
CLOSE_UNLINKED = 4001
MAX_CLIENT_MESSAGE = 1024
# A playlist step runs this long after its slot ends, so the clock is inside the next slot.
STEP_SLACK_SECONDS = 0.05


class FeedConsumer(AsyncWebsocketConsumer):
    """Base: subclasses say which board and audience a connection may watch."""

    viewer: Viewer | None = None
    log_fields = ""  # account=, board= and audience= of every line about this socket

    async def authorize(self) -> tuple[BoardSettings, Audience] | None:
        raise NotImplementedError

    async def connect(self) -> None:
        allowed = await self.authorize()
        path = redact_path(self.scope.get("path", ""))
        if allowed is None:
            logger.info("websocket refused path=%s", path)
            await self.close()  # before accept: the handshake is refused with 403
            return
        board, audience = allowed
        self.log_fields = f"account={board.account_id} board={board.id} audience={audience}"
        logger.info("websocket open %s path=%s", self.log_fields, path)
        await self.accept()
        # Before the full state: the build id (a page of another build reloads) and, for a
        # TV, what its header shows.
        await self.send_text(self.greeting())
        self.viewer = Viewer(send=self.send_text, close=self.close_with)
        self.viewer.kiosk_token_id = self.kiosk_token_id
        broadcaster = get_broadcaster()
        await broadcaster.join(board, audience, self.viewer)
        if self.kiosk_token_id is not None:
            await broadcaster.presence.mark({self.kiosk_token_id})
        self.viewer.request_full()
        self.connected()

    def greeting(self) -> str:
        spread_ms = round(settings.SCREEN_RELOAD_SPREAD_SECONDS * 1000)
        return protocol.hello(build_id(), spread_ms, self.header())

    def header(self) -> str:
        return ""

    def connected(self) -> None:
        """Called once the viewer has joined its feed."""

    @property
    def kiosk_token_id(self) -> int | None:
        return None

    async def send_text(self, text: str) -> None:
        await self.base_send({"type": "websocket.send", "text": text})

    async def close_with(self, code: int) -> None:
        await self.close(code=code)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.viewer is None or not text_data or len(text_data) > MAX_CLIENT_MESSAGE:
            return
        if protocol.is_resync(text_data):
            self.viewer.request_full()

    async def disconnect(self, code: int) -> None:
        if self.viewer is not None:
            logger.info("websocket close %s code=%s", self.log_fields, code)
            await get_broadcaster().leave(self.viewer)


class TvConsumer(FeedConsumer):
    """A wall TV, let in by the kiosk token in its URL; rotates through the token's playlist
    (boards/playlists.py) on this one socket, and reloads when told to."""

    token: KioskToken | None = None
    screen: playlists.Screen | None = None
    _rotation: asyncio.Task | None = None
    _step_lock: asyncio.Lock | None = None

    @property
    def kiosk_token_id(self) -> int | None:
        return None if self.token is None else self.token.pk

    @database_sync_to_async
    def _find(self, plain: str) -> tuple[KioskToken, playlists.Screen] | None:
        token = KioskToken.objects.find(plain)
        if token is None:
            return None
        KioskToken.objects.filter(pk=token.pk).update(last_seen_at=timezone.now())
        return token, playlists.screen_at(token, time.time())

    async def authorize(self) -> tuple[BoardSettings, Audience] | None:
        found = await self._find(self.scope["url_route"]["kwargs"]["token"])
        if found is None:
            return None
        self.token, self.screen = found
        self._step_lock = asyncio.Lock()
        group = screen_commands.kiosk_group(self.token.pk)
        await self.channel_layer.group_add(group, self.channel_name)
        await self.channel_layer.group_add(screen_commands.TV_GROUP, self.channel_name)
        return self.screen.settings, Audience.TV

    def header(self) -> str:
        screen = self.screen
        assert screen is not None
        return tv_header(screen.settings.title, screen.hours, screen.rotation)

    def connected(self) -> None:
        self._follow_playlist()

    def _follow_playlist(self) -> None:
        rotating = self._rotation is not None and not self._rotation.done()
        if self.screen is not None and self.screen.ends_at is not None and not rotating:
            self._rotation = asyncio.get_running_loop().create_task(self._rotate())

    async def _rotate(self) -> None:
        while self.screen is not None and self.screen.ends_at is not None:
            await asyncio.sleep(max(0.0, self.screen.ends_at - time.time()) + STEP_SLACK_SECONDS)
            try:
                await self._step()
            except asyncio.CancelledError:
                raise
            except Exception:
                # Never let one bad step end the rotation: stay, and try again shortly.
                logger.warning("playlist step failed %s", self.log_fields, exc_info=True)
                await asyncio.sleep(settings.PLAYLIST_MIN_SECONDS)

    async def _step(self) -> None:
        """Show the board the clock says now; switch feeds on this socket if it changed."""
        assert self.token is not None and self._step_lock is not None
        async with self._step_lock:
            screen = await database_sync_to_async(playlists.screen_of_token)(
                self.token.pk, time.time()
            )
            if screen is None:
                self.screen = None  # revoked: stop rotating; kiosk_revoked closes the socket
                return
            if self.viewer is None:
                return
            previous, self.screen = self.screen, screen
            await self.send_text(protocol.rotate(self.header()))
            if previous is None or previous.settings.id != screen.settings.id:
                await get_broadcaster().move(self.viewer, screen.settings, Audience.TV)
                self.log_fields = (
                    f"account={screen.settings.account_id} board={screen.settings.id} audience=tv"
                )
                logger.info("playlist step %s position=%s", self.log_fields, screen.position)

    async def kiosk_playlist(self, event: dict) -> None:
        """The token's playlist was edited: show what it says now, and keep rotating."""
        if self.viewer is None:
            return
        try:
            await self._step()
        except Exception:
            logger.warning("playlist refresh failed %s", self.log_fields, exc_info=True)
        self._follow_playlist()

    async def kiosk_reload(self, event: dict) -> None:
        """Reload the page; "all screens" messages say which boards and how to spread."""
        boards = event.get("boards")
        if self.screen is None or (boards is not None and not self.screen.board_ids & set(boards)):
            return
        spread = max(0.0, float(event.get("spread", 0.0)))
        await self.send_text(protocol.reload(round(random.uniform(0, spread) * 1000)))
        logger.info("reload sent %s", self.log_fields)

    async def kiosk_revoked(self, event: dict) -> None:
        await self.send_text(protocol.unlinked(render_to_string("boards/_unlinked_notice.html")))
        await self.close(code=CLOSE_UNLINKED)

    async def disconnect(self, code: int) -> None:
        if self._rotation is not None:
            # Not in the middle of a step: a move cut short could leave a feed half-joined.
            assert self._step_lock is not None
            async with self._step_lock:
                self._rotation.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._rotation
        if self.token is not None:
            group = screen_commands.kiosk_group(self.token.pk)
            await self.channel_layer.group_discard(group, self.channel_name)
            await self.channel_layer.group_discard(screen_commands.TV_GROUP, self.channel_name)
        await super().disconnect(code)


class SupervisorConsumer(FeedConsumer):
    """A logged-in supervisor with permission for the board; admins see numbers unmasked."""

    @database_sync_to_async
    def _find(self, slug: str, user) -> tuple[BoardSettings, Audience] | None:
        board = Board.objects.select_related("account").filter(slug=slug).first()
        if board is None or not board.can_be_watched_by(user):
            return None
        return BoardSettings.of(board), Audience.of_user(user)

    async def authorize(self) -> tuple[BoardSettings, Audience] | None:
        return await self._find(self.scope["url_route"]["kwargs"]["slug"], self.scope["user"])


class PublicConsumer(FeedConsumer):
    """An anonymous status-page viewer of a public board."""

    # No channel layer: no per-socket subscription for possibly thousands of public viewers.
    channel_layer_alias = "no-channel-layer"

    @database_sync_to_async
    def _find(self, slug: str) -> BoardSettings | None:
        board = Board.objects.select_related("account").filter(slug=slug, is_public=True).first()
        return None if board is None else BoardSettings.of(board)

    async def authorize(self) -> tuple[BoardSettings, Audience] | None:
        board = await self._find(self.scope["url_route"]["kwargs"]["slug"])
        return None if board is None else (board, Audience.PUBLIC)
