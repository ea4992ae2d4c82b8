"""Websocket consumers: connect, check who may watch what, hand the socket to the broadcaster.

Updates do not pass through these consumers' handlers (see live/broadcaster.py); only the
client's own messages (a resync request) and control events (boards/screen_commands.py) do.
Public viewers hold no channel-layer subscription at all: there is nothing to tell one
public socket alone. Every frame sent follows live/protocol.py.
"""

import logging
from collections import Counter

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from boards import public_cache
from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.models import Board
from live import protocol
from live.broadcaster import get_broadcaster
from live.fanout import Viewer
from wallboard.access_log import redact_path
from wallboard.build import page_build
from wallboard.client_ip import scope_client_ip

logger = logging.getLogger(__name__)

# Close codes of our own (4000-4999 are for applications). After 4001 (the screen was
# unlinked) the page stops; after 4003 (the login or the grant ended) it reloads, into the
# login page or a 404; after every other close it reconnects.
CLOSE_UNLINKED = 4001
CLOSE_PERMISSION_ENDED = 4003

MAX_CLIENT_MESSAGE = 1024


class FeedConsumer(AsyncWebsocketConsumer):
    """Base: subclasses say which board and audience a connection may watch."""

    viewer: Viewer | None = None
    log_fields = ""  # account=, board= and audience= of every line about this socket

    async def authorize(self) -> tuple[BoardSettings, Audience] | None:
        raise NotImplementedError

    async def dispatch(self, message: dict) -> None:
        """As channels' own, but without closing stale database connections before every
        message: that is a thread hop each (7 % of a public connect's CPU in
        bench/storm_bench.py). These consumers query only through database_sync_to_async,
        which closes them itself, in the thread that uses them."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

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
        # Before the full state: the build id (a page of another build or look reloads)
        # and, for a TV, what its header shows.
        await self.send_text(self.greeting(board))
        self.viewer = Viewer(send=self.send_text, close=self.close_with)
        self.viewer.kiosk_token_id = self.kiosk_token_id
        broadcaster = get_broadcaster()
        await broadcaster.join(board, audience, self.viewer)
        if self.kiosk_token_id is not None:
            await broadcaster.presence.mark({self.kiosk_token_id})
        self.viewer.request_full()
        self.connected()

    def greeting(self, board: BoardSettings) -> str:
        spread_ms = round(settings.SCREEN_RELOAD_SPREAD_SECONDS * 1000)
        return protocol.hello(page_build(board.look), spread_ms, self.header())

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


class PublicConsumer(FeedConsumer):
    """An anonymous status-page viewer of a public board; at most PUBLIC_WEBSOCKETS_PER_IP
    of them per client address and web process (wallboard/client_ip.py tells the address)."""

    # No channel layer: no per-socket subscription for possibly thousands of public viewers.
    channel_layer_alias = "no-channel-layer"
    address: str | None = None
    open_per_address: Counter[str] = Counter()  # this process's public sockets

    @database_sync_to_async
    def _find(self, slug: str) -> BoardSettings | None:
        board = Board.objects.select_related("account").filter(slug=slug, is_public=True).first()
        return None if board is None else BoardSettings.of(board)

    async def authorize(self) -> tuple[BoardSettings, Audience] | None:
        address = scope_client_ip(self.scope)
        if self.open_per_address[address] >= settings.PUBLIC_WEBSOCKETS_PER_IP:
            logger.info("websocket refused: too many public sockets from one address")
            return None
        slug = self.scope["url_route"]["kwargs"]["slug"]
        # Stored with the public render and gone the moment a change of the board commits:
        # no database (and no thread) for the viewers of a reconnect storm.
        board = await public_cache.aread_settings(get_broadcaster().redis, slug)
        if board is None:
            board = await self._find(slug)
        if board is None:
            return None
        self.address = address
        self.open_per_address[address] += 1
        return board, Audience.PUBLIC

    async def disconnect(self, code: int) -> None:
        if self.address is not None:
            self.open_per_address[self.address] -= 1
            if self.open_per_address[self.address] <= 0:
                del self.open_per_address[self.address]
            self.address = None
        await super().disconnect(code)
