"""THE bridge from the poller to the channel layer: nothing else publishes account updates.

Message sent to group `account-<account_id>` (channel-layer type `snapshot.diff`, so a
consumer handles it in `snapshot_diff(self, event)`):

    {"type": "snapshot.diff", "account_id": 61, "old_version": 7, "new_version": 8,
     "changes": [{"kind": "call_started", "agent_id": 123, "queue_id": None,
                  "before": None, "after": {...}}, ...]}

`old_version` + 1 == `new_version`; a consumer that holds another version has missed a diff
and should reload the full snapshot. Inside a Celery worker call it on the worker's one
event loop (polling.runtime.run), never through async_to_sync.
"""

from channels.layers import get_channel_layer

from snapshots.diff import Change

DIFF_EVENT = "snapshot.diff"


def account_group(account_id: int) -> str:
    return f"account-{account_id}"


async def publish_diff(
    account_id: int, old_version: int, new_version: int, changes: list[Change]
) -> bool:
    """Publish a non-empty diff once; an empty one publishes nothing. Returns whether it sent."""
    if not changes:
        return False
    layer = get_channel_layer()
    if layer is None:
        return False
    await layer.group_send(
        account_group(account_id),
        {
            "type": DIFF_EVENT,
            "account_id": account_id,
            "old_version": old_version,
            "new_version": new_version,
            "changes": [change.model_dump(mode="json") for change in changes],
        },
    )
    return True
