"""Which board a TV shows now: its own board, or the stop of its playlist the clock is in.

A playlist is timed from the server's clock (Unix time modulo the playlist's length), not
from when a screen connected: every screen with the same playlist shows the same board at the
same moment, and a screen that reconnects (a board edit, a restart) resumes where the rotation
is instead of starting over. The playlist is read again at every step, so an entry edited or
a board deleted mid-rotation takes effect at the next step; a board that cannot be read is
skipped and logged.
"""

import logging
from dataclasses import dataclass

from django.conf import settings

from boards.board_settings import BoardSettings
from boards.models import Board, KioskToken
from boards.tv_care import BoardHours, Rotation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stop:
    board: Board
    seconds: float


@dataclass(frozen=True)
class Screen:
    """What one TV shows now, and until when (None: no rotation, its own board for good)."""

    board: Board
    settings: BoardSettings
    hours: BoardHours
    position: int  # 1-based place in the playlist
    total: int  # playlist length (1 without a playlist)
    next_title: str | None
    ends_at: float | None
    board_ids: frozenset[int]  # every board this screen may show (permission, reloads)

    @property
    def rotation(self) -> Rotation:
        return Rotation(self.position, self.total, self.next_title)


def stops_of(token: KioskToken) -> list[Stop]:
    minimum = settings.PLAYLIST_MIN_SECONDS
    entries = token.playlist.select_related("board__account").order_by("position", "pk")
    return [Stop(entry.board, max(float(entry.seconds), minimum)) for entry in entries]


def _settled(board: Board) -> tuple[BoardSettings, BoardHours] | None:
    try:
        return BoardSettings.of(board), BoardHours.of(board)
    except Exception:
        logger.warning("playlist: skipping board=%s that cannot be read", board.pk, exc_info=True)
        return None


def _own_board(token: KioskToken, ends_at: float | None = None) -> Screen:
    board = Board.objects.select_related("account").get(pk=token.board_id)
    return Screen(
        board,
        BoardSettings.of(board),
        BoardHours.of(board),
        1,
        1,
        None,
        ends_at,
        frozenset({board.pk}),
    )


def _slot(stops: list[Stop], now: float) -> tuple[int, float]:
    """The index of the stop the clock is in, and when that stop ends."""
    cycle = sum(stop.seconds for stop in stops)
    start = now - now % cycle
    for index, stop in enumerate(stops):
        if now < start + stop.seconds:
            return index, start + stop.seconds
        start += stop.seconds
    return len(stops) - 1, now + stops[-1].seconds  # float rounding at the cycle's end


def screen_at(token: KioskToken, now: float) -> Screen:
    """The board `token`'s screen shows at Unix time `now`."""
    stops = stops_of(token)
    if not stops:
        return _own_board(token)
    index, ends_at = _slot(stops, now)
    stop = stops[index]
    settled = _settled(stop.board)
    if settled is None:
        return _own_board(token, ends_at)  # this stop's time on the screen's own board
    return Screen(
        board=stop.board,
        settings=settled[0],
        hours=settled[1],
        position=index + 1,
        total=len(stops),
        next_title=stops[(index + 1) % len(stops)].board.title,
        ends_at=ends_at,
        board_ids=frozenset({token.board_id, *(s.board.pk for s in stops)}),
    )


def screen_of_token(token_id: int, now: float) -> Screen | None:
    """For a TV's socket: None once the token is revoked or gone."""
    token = KioskToken.objects.active().filter(pk=token_id).first()
    return None if token is None else screen_at(token, now)
