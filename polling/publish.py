"""THE bridge from the poller to the channel layer: nothing else publishes board updates.

After a poll stored a snapshot that changed (or whose feeds trail it), `publish_account`
renders every feed (board x audience) of the account's boards once, keeps each render in
Redis (boards/feeds.py) and sends each feed whose HTML changed one `FeedUpdate` to its
group; the web processes forward it to their viewers as it is. After a board edit,
`refresh_board` renders its feeds with the new settings, then sends `FeedReset` so its
screens reconnect into them. Both run in a worker's sync code, on its one event loop
(wallboard/runtime.py; never async_to_sync, see design.md).
"""

import logging
import time

from channels.layers import get_channel_layer

from alerts.history import recent_alerts
from boards import messages, public_cache
from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.feeds import (
    FeedReset,
    FeedUpdate,
    boards_of_account,
    feed_group,
    forget_renders,
    read_render,
    store_render,
)
from boards.models import Board
from boards.presenters import Extras, board_view
from boards.rendering import render_board
from polling import metrics
from snapshots import history, store
from snapshots.models import StoredSnapshot
from wallboard import runtime
from wallboard.build import build_id

logger = logging.getLogger(__name__)

# Sparklines: the 10 s series over 2 h, thinned to about one point a minute.
SPARKLINE_STEP = 6


def queue_series(account_id: int, stored: StoredSnapshot) -> dict[int, list[int]]:
    resolution = history.RESOLUTIONS[0]
    return {
        q.id: [
            p["available"] or 0
            for p in history.read(account_id, resolution, q.id)[::SPARKLINE_STEP]
        ]
        for q in stored.snapshot.queues
    }


def extras_of(board: BoardSettings, series: dict[int, list[int]]) -> Extras:
    return Extras(
        queue_series=series,
        alert_history=recent_alerts(board.id),
        on_screen=messages.shown_on(board.id, time.time()),
    )


def render_feed(
    board: BoardSettings, audience: Audience, stored: StoredSnapshot | None, extras: Extras
) -> FeedUpdate | None:
    """Render one feed, store the render (and the public answers, for the public feed), and
    return the update its viewers need (None when nothing they see changed)."""
    started = time.perf_counter()
    view = board_view(board, stored, audience, extras)
    rendered = render_board(view)
    if audience is Audience.PUBLIC:
        public_cache.store(board, public_cache.answers(board, view, rendered, stored))
    # Once per (board, audience) and change, never per viewer: cheap enough to count each.
    metrics.observe_render(time.perf_counter() - started)
    cached = read_render(board.id, audience)
    store_render(board.id, audience, rendered)
    if cached is None:
        return FeedUpdate(feed_group(board.id, audience), rendered.version, None, None, "")
    html = rendered.changes_since(cached.digests)
    if not html:
        return None
    group = feed_group(board.id, audience)
    return FeedUpdate(group, rendered.version, cached.version, rendered.fetched_at, html)


def publish_account(account_id: int) -> int:
    """Bring every feed of the account's boards to its stored snapshot. Returns the number
    of feed updates sent."""
    stored = store.read_snapshot(account_id)
    if stored is None:
        return 0
    series = queue_series(account_id, stored)
    updates = []
    boards = boards_of_account(account_id)
    # A render in flight while a board was made private may have stored its answers again.
    public_cache.forget([b.id for b in boards if not b.is_public])
    for board in boards:
        try:
            extras = extras_of(board, series)
            for audience in board.audiences:
                update = render_feed(board, audience, stored, extras)
                if update is not None:
                    updates.append(update)
        except Exception:
            # One broken board must not stop the poller nor the other boards; its
            # viewers keep the last render and the error is in the log.
            logger.exception("board %s: render failed", board.id)
    sent = runtime.run(_send([u.as_message() for u in updates])) if updates else False
    store.mark_rendered(account_id, stored.version, build_id())
    if sent:
        metrics.count_published(len(updates))
        logger.info(
            "published account=%s version=%s feeds=%d", account_id, stored.version, len(updates)
        )
    return len(updates) if sent else 0


def refresh_board(board_id: int) -> None:
    """After a board edit (or deletion): renders for its new settings, then its screens
    reconnect into them. Feeds it no longer has (a board made private) are dropped."""
    board = Board.objects.select_related("account").filter(pk=board_id).first()
    settings = BoardSettings.of(board) if board is not None else None
    served = settings.audiences if settings is not None and board.account.enabled else ()
    forget_renders(board_id, tuple(a for a in Audience if a not in served))
    if Audience.PUBLIC not in served:
        public_cache.forget([board_id])
    if settings is not None and served:
        stored = store.read_snapshot(settings.account_id)
        extras = extras_of(settings, queue_series(settings.account_id, stored) if stored else {})
        for audience in served:
            render_feed(settings, audience, stored, extras)
    resets = [FeedReset(feed_group(board_id, a)).as_message() for a in Audience]
    runtime.run(_send(resets))
    logger.info("board refreshed board=%s feeds=%d", board_id, len(served))


async def _send(messages: list[dict]) -> bool:
    layer = get_channel_layer()
    if layer is None:
        return False
    # In sequence: one PUBLISH each on one connection; gather would only add tasks.
    for message in messages:
        await layer.group_send(message["group"], message)
    return True
