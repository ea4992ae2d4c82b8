"""The supervisor's board socket: a logged-in user granted the board, for as long as that
lasts."""

import asyncio
import logging
from importlib import import_module

from channels.auth import get_user
from channels.db import database_sync_to_async
from django.conf import settings

from boards import screen_commands
from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.models import Board
from live.consumers import CLOSE_PERMISSION_ENDED, FeedConsumer

logger = logging.getLogger(__name__)

# A supervisor's socket checks its login and grant again at least this often (signals make
# most changes reach it at once: a logout, a deactivation, a new password, a removed grant).
SUPERVISOR_RECHECK_SECONDS = 60.0


class SupervisorConsumer(FeedConsumer):
    """A logged-in supervisor with permission for the board; admins see numbers unmasked.

    Checked at connect and again whenever the user's login or grants change (a message to
    its group, boards/signals.py) and every SUPERVISOR_RECHECK_SECONDS: a user logged out,
    deactivated, with a new password, or no longer granted the board loses the socket."""

    audience: Audience | None = None
    _rechecks: asyncio.Task | None = None

    @database_sync_to_async
    def _find(self, slug: str, user) -> tuple[BoardSettings, Audience] | None:
        board = Board.objects.select_related("account").filter(slug=slug).first()
        if board is None or not board.can_be_watched_by(user):
            return None
        return BoardSettings.of(board), Audience.of_user(user)

    async def authorize(self) -> tuple[BoardSettings, Audience] | None:
        allowed = await self._find(self.scope["url_route"]["kwargs"]["slug"], self.scope["user"])
        if allowed is not None:
            self.audience = allowed[1]
            group = screen_commands.supervisor_group(self.scope["user"].pk)
            await self.channel_layer.group_add(group, self.channel_name)
        return allowed

    def connected(self) -> None:
        self._rechecks = asyncio.get_running_loop().create_task(self._recheck_now_and_then())

    async def _recheck_now_and_then(self) -> None:
        while True:
            await asyncio.sleep(SUPERVISOR_RECHECK_SECONDS)
            await self.supervisor_recheck({})

    async def supervisor_recheck(self, event: dict) -> None:
        """Whether this socket's user may still watch its board as it did: else it closes."""
        session_key = getattr(self.scope.get("session"), "session_key", None)
        fresh = {"session": _fresh_session(session_key)}
        user = await get_user(fresh)  # checks the session's password hash, as a request does
        allowed = await self._find(self.scope["url_route"]["kwargs"]["slug"], user)
        if allowed is None or allowed[1] != self.audience:
            logger.info("websocket permission ended %s", self.log_fields)
            await self.close(code=CLOSE_PERMISSION_ENDED)

    async def disconnect(self, code: int) -> None:
        if self._rechecks is not None:
            self._rechecks.cancel()
        user = self.scope.get("user")
        if self.audience is not None and user is not None:
            group = screen_commands.supervisor_group(user.pk)
            await self.channel_layer.group_discard(group, self.channel_name)
        await super().disconnect(code)


def _fresh_session(session_key: str | None):
    """The session as the database (or cache) holds it now, not as it was at connect: read
    when get_user() first looks into it."""
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)
