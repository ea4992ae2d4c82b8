"""Feeds: a board as one audience sees it, rendered once for every viewer, and what the
worker sends the web processes about it.

A feed is (board, audience). Each has a channel-layer group that web processes subscribe
to once each, and a Redis hash with its latest render, so a (re)connecting viewer gets the
full state without anything being rendered again:

  wb:feed:<board>:<audience>   version, fetched_at, body, digests (fragment id -> digest)

The worker (polling/publish.py) is the only writer of the hash and the only sender of
`FeedUpdate` and `FeedReset`; page views and web processes only read.
"""

import json
from dataclasses import dataclass
from typing import Any, ClassVar

import redis

from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.models import Board
from boards.rendering import RenderedBoard
from wallboard.redis import get_redis


def feed_group(board_id: int, audience: Audience) -> str:
    return f"board-{board_id}-{audience}"


def feed_key(board_id: int, audience: Audience) -> str:
    return f"wb:feed:{board_id}:{audience}"


@dataclass(frozen=True)
class FeedUpdate:
    """A feed's render moved to `version`: `html` brings a viewer at `base` up to it.
    `base` is None when the feed had no render before: every viewer takes the full state."""

    TYPE: ClassVar[str] = "feed.update"

    group: str
    version: int
    base: int | None
    fetched_at: float | None
    html: str

    def as_message(self) -> dict[str, Any]:
        return {
            "type": self.TYPE,
            "group": self.group,
            "version": self.version,
            "base": self.base,
            "fetched_at": self.fetched_at,
            "html": self.html,
        }

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> "FeedUpdate":
        base, fetched_at = message.get("base"), message.get("fetched_at")
        return cls(
            group=str(message["group"]),
            version=int(message["version"]),
            base=None if base is None else int(base),
            fetched_at=None if fetched_at is None else float(fetched_at),
            html=str(message["html"]),
        )


@dataclass(frozen=True)
class FeedReset:
    """The board's settings changed or it was deleted: its viewers reconnect (and are let in,
    or not, by the new settings) into the render that is stored now."""

    TYPE: ClassVar[str] = "feed.reset"

    group: str

    def as_message(self) -> dict[str, Any]:
        return {"type": self.TYPE, "group": self.group}


@dataclass(frozen=True)
class CachedFeed:
    version: int
    fetched_at: float | None
    body: str
    digests: dict[str, str]


def _cached(raw: dict[str, str]) -> CachedFeed | None:
    if not raw:
        return None
    return CachedFeed(
        version=int(raw["version"]),
        fetched_at=float(raw["fetched_at"]) if raw.get("fetched_at") else None,
        body=raw["body"],
        digests=json.loads(raw["digests"]),
    )


def read_render(
    board_id: int, audience: Audience, client: redis.Redis | None = None
) -> CachedFeed | None:
    return _cached((client or get_redis()).hgetall(feed_key(board_id, audience)))


async def aread_render(client, board_id: int, audience: Audience) -> CachedFeed | None:
    """The same on a web process's asyncio Redis client."""
    return _cached(await client.hgetall(feed_key(board_id, audience)))


async def render_versions(client, feeds: list[tuple[int, Audience]]) -> list[int | None]:
    """The stored render's version of each (board, audience); None where there is none."""
    if not feeds:
        return []
    async with client.pipeline(transaction=False) as pipe:
        for board_id, audience in feeds:
            pipe.hget(feed_key(board_id, audience), "version")
        raw = await pipe.execute()
    return [None if v is None else int(v) for v in raw]


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


def forget_renders(
    board_id: int, audiences: tuple[Audience, ...] = tuple(Audience), client=None
) -> None:
    if audiences:
        (client or get_redis()).delete(*(feed_key(board_id, a) for a in audiences))


def boards_of_account(account_id: int) -> list[BoardSettings]:
    boards = Board.objects.filter(account__account_id=account_id, account__enabled=True)
    return [
        BoardSettings.of(b)
        for b in boards.select_related("account").prefetch_related("thresholds", "tiles")
    ]
