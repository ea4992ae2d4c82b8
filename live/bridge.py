"""THE bridge from the poller to the channel layer: nothing else publishes account updates.

After a visible change the poller calls `publish_changes`, which sends, through the
channel layer, on the worker's one event loop (wallboard.runtime; never async_to_sync, see
design.md):

1. to group `account-<id>`, type `snapshot.diff`:
       {"type": "snapshot.diff", "account_id": 61, "old_version": 7, "new_version": 8,
        "changes": [{"kind": "call_started", "agent_id": 123, ...}, ...]}
   `old_version` + 1 == `new_version`; whoever holds another version missed a diff.
2. to group `board-<board>-<audience>` of every feed of the account's boards, type
   `feed.update`, the fragments that changed, rendered once here for all viewers:
       {"type": "feed.update", "version": 8, "prev": 7, "fetched_at": ..., "text": "<div ..."}
"""

import logging

from channels.layers import get_channel_layer

from boards.feeds import FeedUpdate, refresh_account_feeds
from polling import metrics
from snapshots.diff import Change
from wallboard import runtime

logger = logging.getLogger(__name__)

DIFF_EVENT = "snapshot.diff"


def account_group(account_id: int) -> str:
    return f"account-{account_id}"


def publish_changes(
    account_id: int, old_version: int, new_version: int, changes: list[Change]
) -> bool:
    """Publish a non-empty diff once, with the rendered feed updates; an empty one publishes
    nothing. Returns whether it sent. Runs in a worker's sync code (it renders templates)."""
    if not changes:
        return False
    updates = refresh_account_feeds(account_id)
    sent = runtime.run(_send(account_id, old_version, new_version, changes, updates))
    if sent:
        metrics.count_diff(len(changes))
        logger.info(
            "diff published account=%s versions=%s->%s changes=%d feeds=%d",
            account_id,
            old_version,
            new_version,
            len(changes),
            len(updates),
        )
    return sent


async def _send(
    account_id: int,
    old_version: int,
    new_version: int,
    changes: list[Change],
    updates: list[FeedUpdate],
) -> bool:
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
    # In sequence: one PUBLISH each on one connection; gather would only add tasks.
    for update in updates:
        await layer.group_send(update.group, update.message)
    return True
