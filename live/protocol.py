"""The websocket protocol between the web processes and the board pages, server side.

Every message is one text frame: a JSON envelope on the first line, then HTML.

    {"v": 1, "kind": "diff", "version": 8, "base": 7, "now": 1764633600.125}
    <article id="queue-100134" ...>...</article><li id="agent-12" ...>...</li>

Every envelope carries `now`: the web process's clock when it encoded the message (Unix
seconds, ms), which is when it sends it (a diff or status is encoded once per process and
sent to every viewer right away; a full state is encoded for each viewer as it is sent).
The page keeps its estimate of the server's clock from these, so every timer ticks in the
server's time however wrong the browser's clock is. Messages stamped with an older time
than they were sent at only look more delayed, and the page prefers the least delayed.

The page (static/boards/protocol.js) reads the envelope in `htmx:wsBeforeMessage`, decides
from it alone whether to apply the message, and hands the HTML to the htmx ws extension,
which swaps every top-level element out of band by its id. Kinds:

  hello     at every (re)connect: `build` and `spread_ms` (a page of another build reloads
            within the spread); HTML: a TV's header (title, business hours, playlist)
  full      the whole board at `version`; HTML: the body and the freshness element
  diff      `version` on top of `base`; HTML: the fragments that changed (or the whole body)
  status    the freshness element at `version` (a page that holds another asks for `full`)
  rotate    a TV's playlist moved on; HTML: the next board's header (a `full` follows)
  reload    reload the page after `delay_ms`, once the server answers; no HTML
  unlinked  the kiosk token was revoked or rotated; HTML: the notice (the socket closes 4001)
  clock     nothing else was sent for `CLOCK_SECONDS` (live/fanout.py): only `now`; no HTML

The page's only message to the server is `{"type": "resync"}`: send me `full`.
"""

import json
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

VERSION = 1
RESYNC = "resync"


class Kind(StrEnum):
    HELLO = "hello"
    FULL = "full"
    DIFF = "diff"
    STATUS = "status"
    ROTATE = "rotate"
    RELOAD = "reload"
    UNLINKED = "unlinked"
    CLOCK = "clock"


@dataclass(frozen=True)
class Message:
    kind: Kind
    html: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    now: float | None = None  # the server's clock when it was sent

    @property
    def version(self) -> int | None:
        return self.fields.get("version")

    @property
    def base(self) -> int | None:
        return self.fields.get("base")


def encode(kind: Kind, html: str = "", **fields: Any) -> str:
    envelope = {"v": VERSION, "kind": str(kind), **fields, "now": round(time.time(), 3)}
    return json.dumps(envelope, separators=(",", ":")) + "\n" + html


def decode(text: str) -> Message:
    """The inverse of `encode` (tests, benchmarks); ValueError on anything else."""
    head, _, html = text.partition("\n")
    envelope = json.loads(head)
    if not isinstance(envelope, dict) or envelope.pop("v", None) != VERSION:
        raise ValueError(f"not a wallboard message: {head[:80]!r}")
    kind, now = Kind(envelope.pop("kind")), envelope.pop("now", None)
    return Message(kind, html, envelope, None if now is None else float(now))


def hello(build: str, spread_ms: int, html: str = "") -> str:
    return encode(Kind.HELLO, html, build=build, spread_ms=spread_ms)


def full(version: int, html: str) -> str:
    return encode(Kind.FULL, html, version=version)


def diff(version: int, base: int, html: str) -> str:
    return encode(Kind.DIFF, html, version=version, base=base)


def status(version: int, html: str) -> str:
    return encode(Kind.STATUS, html, version=version)


def rotate(html: str) -> str:
    return encode(Kind.ROTATE, html)


def reload(delay_ms: int) -> str:
    return encode(Kind.RELOAD, delay_ms=max(0, int(delay_ms)))


def unlinked(html: str) -> str:
    return encode(Kind.UNLINKED, html)


def clock() -> str:
    return encode(Kind.CLOCK)


def is_resync(text: str) -> bool:
    """Whether a client's message asks for the full state (anything else is ignored)."""
    try:
        message = json.loads(text)
    except ValueError:
        return False
    return isinstance(message, dict) and message.get("type") == RESYNC
