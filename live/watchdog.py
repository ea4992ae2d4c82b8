"""The web processes' watchdog over their feeds, once a second.

- Staleness: a feed whose account's data is older than the staleness rule allows
  (snapshots/freshness.py) turns STALE, and back to LIVE when fresh data comes.
- Lost messages: a feed whose viewers trail the stored render for longer than
  `LAG_TOLERANCE_SECONDS` missed an update (messages are lost while Redis is away): resync.
- Stalled viewers: a viewer whose send has not completed for a long time is closed.
- Watched accounts: the accounts of feeds with viewers are marked (snapshots/watchers.py),
  so that the poller retries them soon after failures.
"""

import logging
import time

from boards import feeds
from live.fanout import CLOSE_TRY_AGAIN, Feed
from snapshots import freshness, watchers

logger = logging.getLogger(__name__)

WATCH_SECONDS = 1.0
# A feed whose viewers trail the stored render for this long missed a message: resync it.
LAG_TOLERANCE_SECONDS = 2.0


async def watch_feeds(client, feeds_now: list[Feed]) -> None:
    """One round over `feeds_now`: two Redis round trips, whatever the number of viewers."""
    if not feeds_now:
        return
    seen_before = {feed.group: feed.version for feed in feeds_now}
    accounts = sorted({feed.board.account_id for feed in feeds_now})
    try:
        await watchers.mark(client, {f.board.account_id for f in feeds_now if f.viewers})
        fresh = await freshness.read_many(client, accounts)
        rendered = await feeds.render_versions(
            client, [(feed.board.id, feed.audience) for feed in feeds_now]
        )
    except Exception:
        logger.warning("cannot read the feeds' state from Redis", exc_info=True)
        return
    now = time.time()
    for feed, version in zip(feeds_now, rendered, strict=True):
        account = fresh.get(feed.board.account_id, freshness.Freshness())
        stale = account.is_stale(feed.board.poll_interval, now)
        feed.set_freshness(account.fetched_at, stale, account.error)
        heal_lag(feed, seen_before[feed.group], version, now)
        for viewer in list(feed.viewers):
            if viewer.stalled(time.monotonic()):
                logger.info("closing a stalled viewer of %s", feed.group)
                await viewer.close(CLOSE_TRY_AGAIN)


def heal_lag(feed: Feed, seen_before: int, version: int | None, now: float) -> None:
    """Compare the stored render's version with what the feed held *before* the read:
    updates that arrived while it was in flight must not look like gaps or restarts."""
    if version is None:
        return
    if version < seen_before:
        feed.restart(version)
    elif version <= feed.version:
        feed.lag_version, feed.lag_since = None, None
    elif feed.lag_version is None or feed.version >= feed.lag_version:
        feed.lag_version, feed.lag_since = version, now  # a new gap to watch
    elif now - (feed.lag_since or now) >= LAG_TOLERANCE_SECONDS:
        # `lag_version` is still missing after the tolerance: it was lost, not in flight.
        logger.info("%s missed version %s (at %s): resync", feed.group, version, feed.version)
        feed.version = version
        feed.lag_version, feed.lag_since = None, None
        feed.resync()
