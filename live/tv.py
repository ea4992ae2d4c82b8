"""A wall TV's socket: let in by its kiosk token, rotating through the token's playlist on
one socket, reloading and unlinking when the admin says so."""

import asyncio
import contextlib
import logging
import random
import time

from channels.db import database_sync_to_async
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from boards import playlists, screen_commands
from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.language import board_language
from boards.models import KioskToken
from boards.tv_care import tv_header
from live import protocol
from live.broadcaster import get_broadcaster
from live.consumers import CLOSE_UNLINKED, FeedConsumer

logger = logging.getLogger(__name__)

# A playlist step runs this long after its slot ends, so the clock is inside the next slot.
STEP_SLACK_SECONDS = 0.05


class TvConsumer(FeedConsumer):
    """A wall TV, let in by the kiosk token in its URL; rotates through the token's playlist
    (boards/playlists.py) on this one socket, and reloads when told to."""

    token: KioskToken | None = None
    screen: playlists.Screen | None = None
    _rotation: asyncio.Task | None = None
    _step_lock: asyncio.Lock | None = None
    language: str | None = None  # of the board shown last: a revoked token has no screen

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
        self.language = self.screen.settings.language
        self._step_lock = asyncio.Lock()
        group = screen_commands.kiosk_group(self.token.pk)
        await self.channel_layer.group_add(group, self.channel_name)
        await self.channel_layer.group_add(screen_commands.TV_GROUP, self.channel_name)
        return self.screen.settings, Audience.TV

    def header(self) -> str:
        screen = self.screen
        assert screen is not None
        with board_language(screen.settings):  # the board's, as its feed (a TV has no user)
            return tv_header(screen.settings.title, screen.hours, screen.rotation, screen.settings)

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
            self.language = screen.settings.language
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
        with board_language(self.language):
            notice = render_to_string("boards/_unlinked_notice.html")
        await self.send_text(protocol.unlinked(notice))
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
