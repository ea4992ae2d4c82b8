"""Feeds: a board as one audience sees it, rendered once and kept in Redis for every viewer.

A feed is (board, audience). Each has a channel-layer group that web processes subscribe
to once each, and a Redis hash with its latest render, so a (re)connecting viewer gets the
full state without anything being rendered again:

  wb:feed:<board>:<audience>   version, fetched_at, body, digests (fragment id -> digest)

`refresh_account_feeds` is what the poller's bridge calls after a visible change;
`current_render` serves a viewer and renders on demand when the cache is missing or older
than the snapshot (a new board, an edited board, a flushed Redis).
"""

import json
import logging
import time
from dataclasses import dataclass

import redis

from alerts.history import recent_alerts
from boards.models import Board
from boards.presenters import AUDIENCES, Audience, BoardSettings, board_view
from boards.rendering import RenderedBoard, diff_message, render_board
from polling import metrics
from snapshots import history, store
from snapshots.models import StoredSnapshot
from wallboard.redis import get_redis

logger = logging.getLogger(__name__)

UPDATE_EVENT = "feed.update"
RESET_EVENT = "feed.reset"
# Sparklines: the 10 s series over 2 h, thinned to about one point a minute.
SPARKLINE_STEP = 6


def feed_group(board_id: int, audience: Audience) -> str:
    return f"board-{board_id}-{audience}"


def feed_key(board_id: int, audience: Audience) -> str:
    return f"wb:feed:{board_id}:{audience}"


def board_settings(board: Board) -> BoardSettings:
    return BoardSettings(
        id=board.pk,
        slug=board.slug,
        title=board.title,
        account_id=board.account.account_id,
        queue_ids=tuple(board.queue_ids or ()),
        members_only=board.agent_scope == Board.AgentScope.MEMBERS,
        warning_at_or_below=board.warning_at_or_below,
        warning_levels=board.warning_levels(),
        poll_interval=board.account.poll_interval_seconds,
        is_public=board.is_public,
        public_shows_today=board.public_shows_today,
    )


def audiences(settings: BoardSettings) -> tuple[Audience, ...]:
    return (
        ("tv", "supervisor", "admin", "public")
        if settings.is_public
        else (
            "tv",
            "supervisor",
            "admin",
        )
    )


def boards_of_account(account_id: int) -> list[BoardSettings]:
    boards = Board.objects.filter(account__account_id=account_id, account__enabled=True)
    return [
        board_settings(b) for b in boards.select_related("account").prefetch_related("thresholds")
    ]


def queue_history(account_id: int, stored: StoredSnapshot) -> dict[int, list[int]]:
    resolution = history.RESOLUTIONS[0]
    return {
        q.id: [
            p["available"] or 0
            for p in history.read(account_id, resolution, q.id)[::SPARKLINE_STEP]
        ]
        for q in stored.snapshot.queues
    }


def render_feed(
    settings: BoardSettings,
    audience: Audience,
    stored: StoredSnapshot | None,
    queue_series: dict[int, list[int]] | None = None,
) -> RenderedBoard:
    alerts = recent_alerts(settings.id) if audience in ("supervisor", "admin") else None
    started = time.perf_counter()
    rendered = render_board(board_view(settings, stored, audience, queue_series, alerts))
    # Once per (board, audience) and change, never per viewer: cheap enough to count each.
    metrics.observe_render(time.perf_counter() - started)
    return rendered


@dataclass(frozen=True)
class CachedFeed:
    version: int
    fetched_at: float | None
    body: str
    digests: dict[str, str]


def read_cached(
    board_id: int, audience: Audience, client: redis.Redis | None = None
) -> CachedFeed | None:
    raw = (client or get_redis()).hgetall(feed_key(board_id, audience))
    if not raw:
        return None
    return CachedFeed(
        version=int(raw["version"]),
        fetched_at=float(raw["fetched_at"]) if raw.get("fetched_at") else None,
        body=raw["body"],
        digests=json.loads(raw["digests"]),
    )


def store_render(
    board_id: int, audience: Audience, rendered: RenderedBoard, client: redis.Redis | None = None
) -> None:
    (client or get_redis()).hset(
        feed_key(board_id, audience),
        mapping={
            "version": rendered.version,
            "fetched_at": "" if rendered.fetched_at is None else repr(rendered.fetched_at),
            "body": rendered.body,
            "digests": json.dumps(rendered.digests(), separators=(",", ":")),
        },
    )


def forget_renders(board_id: int, client: redis.Redis | None = None) -> None:
    (client or get_redis()).delete(*(feed_key(board_id, a) for a in AUDIENCES))


@dataclass(frozen=True)
class FeedUpdate:
    group: str
    message: dict


def refresh_account_feeds(account_id: int) -> list[FeedUpdate]:
    """Render every feed of the account's boards from its current snapshot, store the renders
    and return the update to publish for each feed whose HTML changed."""
    stored = store.read_snapshot(account_id)
    if stored is None:
        return []
    series = queue_history(account_id, stored)
    updates = []
    for settings in boards_of_account(account_id):
        for audience in audiences(settings):
            try:
                update = _refresh_feed(settings, audience, stored, series)
            except Exception:
                # One broken board must not stop the poller nor the other boards; its
                # viewers keep the last render and the error is in the log.
                logger.exception("board %s (%s): render failed", settings.id, audience)
                continue
            if update is not None:
                updates.append(update)
    return updates


def _refresh_feed(
    settings: BoardSettings,
    audience: Audience,
    stored: StoredSnapshot,
    series: dict[int, list[int]],
) -> FeedUpdate | None:
    rendered = render_feed(settings, audience, stored, series)
    cached = read_cached(settings.id, audience)
    store_render(settings.id, audience, rendered)
    if cached is None or cached.version >= rendered.version:
        return None  # nothing a viewer could apply as a diff: viewers resync from the store
    group = feed_group(settings.id, audience)
    message = {
        "type": UPDATE_EVENT,
        "group": group,
        "version": rendered.version,
        "prev": cached.version,
        "fetched_at": rendered.fetched_at,
        "text": diff_message(rendered, cached.digests, cached.version),
    }
    return FeedUpdate(group, message)


def current_render(settings: BoardSettings, audience: Audience) -> CachedFeed:
    """The feed's latest render, rendered now if the store has none or an older one."""
    cached = read_cached(settings.id, audience)
    snapshot_version = store.snapshot_version(settings.account_id)
    if cached is not None and cached.version >= snapshot_version:
        return cached
    stored = store.read_snapshot(settings.account_id)
    series = (
        queue_history(settings.account_id, stored)
        if stored and audience in ("supervisor", "admin")
        else None
    )
    rendered = render_feed(settings, audience, stored, series)
    store_render(settings.id, audience, rendered)
    return CachedFeed(rendered.version, rendered.fetched_at, rendered.body, rendered.digests())
