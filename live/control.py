"""Per-connection control through the channel layer (not the broadcast path)."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from live.consumers import kiosk_group


def unlink_screen(token_id: int) -> None:
    """Tell the open sockets of a revoked or rotated kiosk token to show 'unlinked' and close.

    Called from admin requests (sync code); a Celery worker would use polling.runtime instead.
    """
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(kiosk_group(token_id), {"type": "kiosk.revoked"})
