"""Commands to open TV screens, through the channel layer (not the broadcast path).

Every TV's socket is in the group `tv-all` and in `kiosk-<token id>`; live/consumers.py
handles the events sent here. Called from admin requests (sync code).
"""

from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

# Every TV's socket is in this group: "reload all screens" is one message.
TV_GROUP = "tv-all"
RELOAD_EVENT = "kiosk.reload"
REVOKED_EVENT = "kiosk.revoked"
PLAYLIST_EVENT = "kiosk.playlist"
RECHECK_EVENT = "supervisor.recheck"


def kiosk_group(token_id: int) -> str:
    return f"kiosk-{token_id}"


def supervisor_group(user_id: int) -> str:
    """Every board socket a user holds open (live/consumers.py SupervisorConsumer)."""
    return f"user-{user_id}"


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, event)


def unlink_screen(token_id: int) -> None:
    """The open sockets of a revoked or rotated kiosk token show "unlinked" and close."""
    _send(kiosk_group(token_id), {"type": REVOKED_EVENT})


def reload_screens(token_ids: Iterable[int]) -> int:
    """Make these kiosk tokens' screens reload their page; several spread over a few seconds
    (each screen draws its own delay), so they do not all ask the server at once."""
    ids = list(token_ids)
    spread = settings.SCREEN_RELOAD_SPREAD_SECONDS if len(ids) > 1 else 0.0
    for token_id in ids:
        _send(kiosk_group(token_id), {"type": RELOAD_EVENT, "spread": spread})
    return len(ids)


def reload_all_screens(board_ids: Iterable[int] | None = None) -> None:
    """Every TV (or those that show one of `board_ids`, playlists included) reloads, each
    after its own random delay within SCREEN_RELOAD_SPREAD_SECONDS. One message in all."""
    event: dict = {"type": RELOAD_EVENT, "spread": settings.SCREEN_RELOAD_SPREAD_SECONDS}
    if board_ids is not None:
        event["boards"] = sorted(board_ids)
    _send(TV_GROUP, event)


def recheck_supervisor(user_id: int) -> None:
    """The user's login or grants changed: their board sockets check again whether they may
    still watch, and close if not."""
    _send(supervisor_group(user_id), {"type": RECHECK_EVENT})


def playlist_changed(token_id: int) -> None:
    """A screen's playlist was edited: its open sockets show what it says now."""
    _send(kiosk_group(token_id), {"type": PLAYLIST_EVENT})
