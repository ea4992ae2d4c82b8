"""Per-connection control through the channel layer (not the broadcast path)."""

from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from boards.feeds import RESET_EVENT, feed_group, forget_renders
from boards.presenters import AUDIENCES
from live.consumers import TV_GROUP, kiosk_group


def unlink_screen(token_id: int) -> None:
    """Tell the open sockets of a revoked or rotated kiosk token to show 'unlinked' and close.

    Called from admin requests (sync code); a Celery worker would use wallboard.runtime instead.
    """
    _send(kiosk_group(token_id), {"type": "kiosk.revoked"})


def reset_board(board_id: int) -> None:
    """A board's settings changed (or it was deleted): drop its renders and make every web
    process close its viewers with 1012, so they reconnect into the new settings."""
    forget_renders(board_id)
    layer = get_channel_layer()
    if layer is None:
        return
    for audience in AUDIENCES:
        group = feed_group(board_id, audience)
        async_to_sync(layer.group_send)(group, {"type": RESET_EVENT, "group": group})


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, event)


def reload_screens(token_ids: Iterable[int]) -> int:
    """Make these kiosk tokens' screens reload their page; several spread over a few seconds
    (each screen draws its own delay), so they do not all ask the server at once."""
    ids = list(token_ids)
    spread = settings.SCREEN_RELOAD_SPREAD_SECONDS if len(ids) > 1 else 0.0
    for token_id in ids:
        _send(kiosk_group(token_id), {"type": "kiosk.reload", "spread": spread})
    return len(ids)


def reload_all_screens(board_ids: Iterable[int] | None = None) -> None:
    """Every TV (or those that show one of `board_ids`, playlists included) reloads, each
    after its own random delay within SCREEN_RELOAD_SPREAD_SECONDS. One message in all."""
    event: dict = {"type": "kiosk.reload", "spread": settings.SCREEN_RELOAD_SPREAD_SECONDS}
    if board_ids is not None:
        event["boards"] = sorted(board_ids)
    _send(TV_GROUP, event)


def playlist_changed(token_id: int) -> None:
    """A screen's playlist was edited: its open sockets show what it says now."""
    _send(kiosk_group(token_id), {"type": "kiosk.playlist"})
