"""Rendered text with holes for what changes per request: rendered once, filled per answer.

The public answers are rendered by the worker when the board changes (boards/public_cache.py),
but three values in them belong to the moment of the request: how long the longest caller
has waited (the JSON), the server's clock and the freshness element (the page). The renderer
puts a marker where each goes; `split` cuts the text there into a list of strings and slots
(`["wait", since]`, `["now"]`, `["freshness"]`), which is stored as JSON; `fill` joins them
again with the values of the moment. The web process's fast path and the Django views that
stand in for it both answer through `fill`, so they answer the same bytes.
"""

import re
import secrets
from collections.abc import Callable

# Per process: no text from upstream (a queue's name) or from the admin can contain it.
_TOKEN = secrets.token_hex(8)
# In JSON the marker is a string value: the quotes go with it, a number takes its place.
_QUOTED = re.compile(rf'"@{_TOKEN}:(\w+):([^@"]*)@"')
_BARE = re.compile(rf"@{_TOKEN}:(\w+):([^@]*)@")

Parts = list[str | list]


def wait_slot(since: float | None) -> str | None:
    """Where the seconds the caller waiting since `since` has waited go (None: nobody waits)."""
    return None if since is None else f"@{_TOKEN}:wait:{since!r}@"


NOW_SLOT = f"@{_TOKEN}:now:@"
FRESHNESS_SLOT = f"@{_TOKEN}:freshness:@"


def split(text: str, *, quoted: bool) -> Parts:
    """`quoted`: the markers are JSON strings (their quotes are cut away with them)."""
    parts: Parts = []
    position = 0
    for match in (_QUOTED if quoted else _BARE).finditer(text):
        parts.append(text[position : match.start()])
        kind, arg = match.groups()
        parts.append([kind, float(arg)] if kind == "wait" else [kind])
        position = match.end()
    parts.append(text[position:])
    return parts


def has_slots(parts: Parts) -> bool:
    return len(parts) > 1


def fill(parts: Parts, now: float, freshness: Callable[[], str] | None = None) -> str:
    """`freshness` makes the freshness element (only pages have one)."""
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif part[0] == "wait":
            out.append(str(max(0, int(now - part[1]))))
        elif part[0] == "now":
            out.append(f"{now:.3f}")
        elif part[0] == "freshness" and freshness is not None:
            out.append(freshness())
        else:
            raise ValueError(f"unknown slot {part!r}")
    return "".join(out)
