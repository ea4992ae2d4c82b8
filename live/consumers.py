"""Websocket consumers: connect, check who may watch what, hand the socket to the broadcaster.

Updates do not pass through these consumers' handlers (see live/broadcaster.py); only the
client's own messages (a resync request) and control events do. Public viewers hold no
channel-layer subscription at all: there is nothing to tell one public socket alone.
"""

import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import timezone

from boards.feeds import board_settings
from boards.models import Board, KioskToken
from boards.presenters import Audience, BoardSettings
from live.broadcaster import Viewer, get_broadcaster
from wallboard.access_log import redact_path

logger = logging.getLogger(__name__)

# A close code of our own (4000-4999 are for applications): the page does not reconnect
# after it; after every other close it does.
CLOSE_UNLINKED = 4001
MAX_CLIENT_MESSAGE = 1024


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
        self.viewer = Viewer(send=self.send_text, close=self.close_with)
        self.viewer.kiosk_token_id = self.kiosk_token_id
        broadcaster = get_broadcaster()
        await broadcaster.join(board, audience, self.viewer)
        if self.kiosk_token_id is not None:
            await broadcaster.mark_screens({self.kiosk_token_id})
        self.viewer.request_full()

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
        try:
            kind = json.loads(text_data).get("type")
        except (ValueError, AttributeError):
            return
        if kind == "resync":
            self.viewer.request_full()

    async def disconnect(self, code: int) -> None:
        if self.viewer is not None:
            logger.info("websocket close %s code=%s", self.log_fields, code)
            await get_broadcaster().leave(self.viewer)


class TvConsumer(FeedConsumer):
    """A wall TV, let in by the kiosk token in its URL."""

    token: KioskToken | None = None

    @property
    def kiosk_token_id(self) -> int | None:
        return None if self.token is None else self.token.pk

    @database_sync_to_async
    def _find(self, plain: str) -> tuple[KioskToken, BoardSettings] | None:
        token = KioskToken.objects.find(plain)
        if token is None:
            return None
        KioskToken.objects.filter(pk=token.pk).update(last_seen_at=timezone.now())
        board = Board.objects.select_related("account").get(pk=token.board_id)
        return token, board_settings(board)

    async def authorize(self) -> tuple[BoardSettings, Audience] | None:
        found = await self._find(self.scope["url_route"]["kwargs"]["token"])
        if found is None:
            return None
        self.token, board = found
        await self.channel_layer.group_add(kiosk_group(self.token.pk), self.channel_name)
        return board, "tv"

    async def kiosk_revoked(self, event: dict) -> None:
        await self.send_text(
            '<div id="board-body" hx-swap-oob="innerHTML"><p class="unlinked">'
            "This screen was unlinked. Ask an administrator for a new link.</p></div>"
        )
        await self.close(code=CLOSE_UNLINKED)

    async def disconnect(self, code: int) -> None:
        if self.token is not None:
            await self.channel_layer.group_discard(kiosk_group(self.token.pk), self.channel_name)
        await super().disconnect(code)


def kiosk_group(token_id: int) -> str:
    return f"kiosk-{token_id}"


class SupervisorConsumer(FeedConsumer):
    """A logged-in supervisor with permission for the board; admins see numbers unmasked."""

    @database_sync_to_async
    def _find(self, slug: str, user) -> tuple[BoardSettings, Audience] | None:
        board = Board.objects.select_related("account").filter(slug=slug).first()
        if board is None or not board.can_be_watched_by(user):
            return None
        return board_settings(board), "admin" if user.is_superuser else "supervisor"

    async def authorize(self) -> tuple[BoardSettings, Audience] | None:
        return await self._find(self.scope["url_route"]["kwargs"]["slug"], self.scope["user"])


class PublicConsumer(FeedConsumer):
    """An anonymous status-page viewer of a public board."""

    # No channel layer: no per-socket subscription for possibly thousands of public viewers.
    channel_layer_alias = "no-channel-layer"

    @database_sync_to_async
    def _find(self, slug: str) -> BoardSettings | None:
        board = Board.objects.select_related("account").filter(slug=slug, is_public=True).first()
        return None if board is None else board_settings(board)

    async def authorize(self) -> tuple[BoardSettings, Audience] | None:
        board = await self._find(self.scope["url_route"]["kwargs"]["slug"])
        return None if board is None else (board, "public")
