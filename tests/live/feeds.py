"""Feeds and viewers for the fan-out tests, with stand-ins for the sockets."""

import asyncio

from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.feeds import FeedUpdate
from live import protocol
from live.fanout import Feed, Viewer

BOARD = BoardSettings(
    id=9,
    slug="b",
    title="B",
    account_id=61,
    queue_ids=(),
    members_only=False,
    warning_at_or_below=1,
)


class Socket:
    """A websocket stand-in: records what it was sent; can be made to stall."""

    def __init__(self, stalled: bool = False) -> None:
        self.sent: list[str] = []
        self.open = asyncio.Event()
        if not stalled:
            self.open.set()
        self.closed_with: int | None = None

    async def send(self, text: str) -> None:
        await self.open.wait()
        self.sent.append(text)

    async def close(self, code: int) -> None:
        self.closed_with = code

    def received(self) -> list[str]:
        """What the page got: "full@N" for full states, else the HTML of each message."""
        return [
            text if text.startswith("full@") else protocol.decode(text).html for text in self.sent
        ]


class FullStateFeed(Feed):
    """A feed whose full state comes from memory instead of the stored render."""

    async def full_state(self) -> tuple[int, str]:
        self.full_requests = getattr(self, "full_requests", 0) + 1
        return self.version, f"full@{self.version}"


def feed_with(
    *sockets: Socket, audience: Audience = Audience.TV
) -> tuple[FullStateFeed, list[Viewer]]:
    feed = FullStateFeed(BOARD, audience, client=None)
    viewers = []
    for socket in sockets:
        viewer = Viewer(send=socket.send, close=socket.close, feed=feed, version=1)
        feed.viewers.add(viewer)
        viewers.append(viewer)
    feed.version = 1
    return feed, viewers


def update(version: int, base: int | None = -1) -> FeedUpdate:
    base = version - 1 if base == -1 else base
    return FeedUpdate(f"board-{BOARD.id}-tv", version, base, None, f"diff@{version}")


async def settle(*viewers: Viewer) -> None:
    """Wait until each viewer's sends are done."""
    for viewer in viewers:
        while viewer._task is not None and not viewer._task.done():
            await viewer._task
