"""A request body over its limit is refused before anything reads it whole.

Django's ASGI handler reads the entire body before a view runs, so a view's own size check
comes after the damage (memory, disk, time). This ASGI middleware sits in front: for the
paths it guards, a Content-Length over the limit is refused at once, and a body that grows
past it while arriving (chunked) is cut off; either way the view runs with an empty body
and `scope["wallboard.body_too_large"]` set, and answers 413 as its own rejection (counted
and logged where the view counts and logs); the rest of that body is never read. Other
paths pass untouched.
"""

import asyncio
from collections.abc import Awaitable, Callable

from django.conf import settings

Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
TOO_LARGE = "wallboard.body_too_large"
GUARDED_PREFIXES = ("/webhooks/",)


def _declared_length(scope: dict) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimit:
    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(GUARDED_PREFIXES):
            await self.app(scope, receive, send)
            return
        limit = settings.WEBHOOK_MAX_BODY_BYTES
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await self.app({**scope, TOO_LARGE: True}, _refused(), send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; Django sees the same
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await self.app({**scope, TOO_LARGE: True}, _refused(), send)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)


def _refused() -> Receive:
    """An empty body, then nothing: what the client still sends is never read (the server
    drops it with the connection once the 413 is out)."""
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # until Django, answered, stops listening
        raise AssertionError("unreachable")

    return receive


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read already, as one message; after it, the client's own (a disconnect)."""
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
