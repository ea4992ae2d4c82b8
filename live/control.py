"""Per-connection control through the channel layer (not the broadcast path)."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from boards.feeds import RESET_EVENT, feed_group, forget_renders
from boards.presenters import AUDIENCES
from live.consumers import kiosk_group


def unlink_screen(token_id: int) -> None:
    """Tell the open sockets of a revoked or rotated kiosk token to show 'unlinked' and close.

    Called from admin requests (sync code); a Celery worker would use polling.runtime instead.
    """
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(kiosk_group(token_id), {"type": "kiosk.revoked"})


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
