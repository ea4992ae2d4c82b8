"""The log behind replay: every version of an account's snapshot over the last REPLAY_HOURS,
so that a supervisor can see a board as it was at any moment (replay/board_at.py).

What is stored is what changed, not a copy per poll: a poll that changed nothing stores
nothing, and one that did stores a delta against the version before it. Now and then (every
KEYFRAME_SECONDS, and after a gap in the versions) a whole snapshot, a keyframe, so that a
moment is rebuilt from one keyframe and the deltas after it, and the log can be trimmed from
the front without losing a moment inside the window.

Layout: one Redis stream per account, `wb:replay:<account>`, one entry per version, its id
the poll's time in milliseconds; fields `k` ("f" keyframe or "d" delta), `v` (the version)
and `b` (the zlib-compressed JSON of the snapshot or the delta). Trimmed on every write to
the window plus one keyframe period, so the oldest moment of the window still has its
keyframe.

A snapshot is flattened into paths: the top-level fields, each list of objects with an `id`
(agents, queues, alerts) split per id, `today` split per queue and agent. A delta holds the
paths whose value changed, the objects' changed fields, and the paths gone: one agent
changing state stores that agent's call and `state_since`.
"""

import json
import logging
import zlib
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings
from pydantic import ValidationError

from snapshots.models import Snapshot
from wallboard.redis import get_raw_redis

logger = logging.getLogger(__name__)

# A rebuild reads at most one keyframe and this many seconds of deltas (about 150 at a 2 s
# interval): a few milliseconds. Longer would store less and rebuild slower.
KEYFRAME_SECONDS = 300
SPLIT_DEPTH = 3  # dicts above this depth are split into their keys (today -> queues -> id)
DICT, LIST = "{", "["  # the markers of a split container: its keys, or its ids in order

# KEYS[1] the stream. ARGV: id, version, previous version, delta, minimum id to keep,
# keyframe period (ms). Appends the delta when the last entry is the previous version and
# its keyframe is recent; returns 1, or 0 when a keyframe must be written instead.
_APPEND_DELTA = """
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if not last then return 0 end
local fields = {}
for i = 1, #last[2], 2 do fields[last[2][i]] = last[2][i + 1] end
if tonumber(fields['v']) ~= tonumber(ARGV[3]) then return 0 end
local keyframe = tonumber(fields['f'] or string.match(last[1], '^(%d+)'))
local at = tonumber(string.match(ARGV[1], '^(%d+)'))
if at - keyframe >= tonumber(ARGV[6]) then return 0 end
if at <= tonumber(string.match(last[1], '^(%d+)')) then return 0 end
redis.call('XADD', KEYS[1], 'MINID', ARGV[5], ARGV[1], 'k', 'd', 'v', ARGV[2],
  'f', keyframe, 'b', ARGV[4])
return 1
"""


@dataclass(frozen=True)
class Moment:
    snapshot: Snapshot
    version: int
    fetched_at: float  # the poll that stored this version


def key(account_id: int) -> str:
    return f"wb:replay:{account_id}"


def _window_ms() -> int:
    return int(settings.REPLAY_HOURS * 3600 * 1000)


# --- flattening ---------------------------------------------------------------------------


def _is_id_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and "id" in item for item in value)
    )


def flatten(data: dict) -> dict[str, Any]:
    """A snapshot's JSON as path -> value; paths join their parts with "/"."""
    flat: dict[str, Any] = {}

    def walk(value: Any, path: str, depth: int) -> None:
        if isinstance(value, dict) and value and depth < SPLIT_DEPTH:
            flat[path + DICT] = list(value)
            for name, item in value.items():
                walk(item, f"{path}{name}/", depth + 1)
        elif _is_id_list(value):
            flat[path + LIST] = [item["id"] for item in value]
            for item in value:
                flat[f"{path}{item['id']}/"] = item
        else:
            flat[path] = value

    walk(data, "", 0)
    return flat


def unflatten(flat: dict[str, Any]) -> dict:
    def build(path: str) -> Any:
        if path + DICT in flat:
            return {name: build(f"{path}{name}/") for name in flat[path + DICT]}
        if path + LIST in flat:
            return [flat[f"{path}{item_id}/"] for item_id in flat[path + LIST]]
        return flat[path]

    return build("")


def delta(old: dict[str, Any], new: dict[str, Any]) -> dict:
    """What turns `old` into `new`: values set, objects patched (an agent whose state changed:
    its changed fields only), paths gone."""
    missing = object()
    changed: dict[str, Any] = {}
    patched: dict[str, list] = {}
    for path, value in new.items():
        was = old.get(path, missing)
        if was == value:
            continue
        if isinstance(value, dict) and isinstance(was, dict):
            fields = {name: v for name, v in value.items() if was.get(name, missing) != v}
            patched[path] = [fields, [name for name in was if name not in value]]
        else:
            changed[path] = value
    return {"set": changed, "patch": patched, "del": [path for path in old if path not in new]}


def _apply(flat: dict[str, Any], change: dict) -> None:
    flat.update(change["set"])
    for path, (fields, gone) in change.get("patch", {}).items():
        value = {**flat[path], **fields}
        for name in gone:
            value.pop(name, None)
        flat[path] = value
    for path in change["del"]:
        flat.pop(path, None)


def _pack(value: Any) -> bytes:
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 6)


def _unpack(raw: bytes) -> Any:
    return json.loads(zlib.decompress(raw))


# --- writing ------------------------------------------------------------------------------

# The flattened form of the last version this process recorded per account: the next record
# diffs against it without flattening the previous snapshot again.
_last: dict[int, tuple[int, dict[str, Any]]] = {}


def record(
    account_id: int,
    snapshot: Snapshot,
    version: int,
    fetched_at: float,
    previous: Snapshot | None = None,
    client: redis.Redis | None = None,
) -> None:
    """After a write that stored `version` (a changed snapshot) on top of `previous`."""
    r = client or get_raw_redis()
    flat = flatten(snapshot.model_dump(mode="json"))
    at_ms = int(fetched_at * 1000)
    keep_from = at_ms - _window_ms() - KEYFRAME_SECONDS * 1000
    cached = _last.get(account_id)
    if cached is not None and cached[0] == version - 1:
        before = cached[1]
    elif previous is not None:
        before = flatten(previous.model_dump(mode="json"))
    else:
        before = None
    appended = 0
    if before is not None:
        script = r.register_script(_APPEND_DELTA)
        args = [f"{at_ms}-*", version, version - 1, _pack(delta(before, flat)), keep_from]
        appended = script(keys=[key(account_id)], args=[*args, KEYFRAME_SECONDS * 1000])
    if not appended:
        _append_keyframe(r, account_id, at_ms, version, flat, keep_from)
    _last[account_id] = (version, flat)


def _append_keyframe(
    r: redis.Redis, account_id: int, at_ms: int, version: int, flat: dict, keep_from: int
) -> None:
    last = r.xrevrange(key(account_id), count=1)
    if last:  # ids must grow: a clock that stepped back stores just after the last entry
        at_ms = max(at_ms, int(last[0][0].split(b"-")[0]) + 1)
    fields = {"k": "f", "v": version, "f": at_ms, "b": _pack(flat)}
    r.xadd(key(account_id), fields, id=f"{at_ms}-*", minid=keep_from, approximate=False)


def forget(account_id: int, client: redis.Redis | None = None) -> None:
    (client or get_raw_redis()).delete(key(account_id))
    _last.pop(account_id, None)


# --- reading ------------------------------------------------------------------------------


def _entry_ms(entry_id: bytes) -> int:
    return int(entry_id.split(b"-")[0])


def moment(account_id: int, at: float, client: redis.Redis | None = None) -> Moment | None:
    """The snapshot as it was at `at`: the last version stored at or before it. None before
    the oldest moment the log can rebuild."""
    r = client or get_raw_redis()
    at_ms = int(at * 1000)
    last = r.xrevrange(key(account_id), max=at_ms, count=1)
    if not last:
        return None
    fields = last[0][1]
    keyframe_ms = int(fields.get(b"f", _entry_ms(last[0][0])))
    entries = r.xrange(key(account_id), min=keyframe_ms, max=at_ms)
    flat: dict[str, Any] | None = None
    found: tuple[int, int] | None = None
    for entry_id, entry in entries:
        try:
            if entry[b"k"] == b"f":
                flat = _unpack(entry[b"b"])
            elif flat is not None:
                _apply(flat, _unpack(entry[b"b"]))
            else:
                continue
            found = (int(entry[b"v"]), _entry_ms(entry_id))
        except (KeyError, ValueError, zlib.error) as exc:
            logger.warning(
                "replay: entry %s of account %s unreadable (%s); the moment is rebuilt "
                "without it",
                entry_id.decode(),
                account_id,
                exc,
            )
    if flat is None or found is None:
        return None
    try:
        snapshot = Snapshot.model_validate(unflatten(flat))
    except (KeyError, ValidationError) as exc:
        logger.warning("replay: account %s at %s cannot be rebuilt (%s)", account_id, at, exc)
        return None
    return Moment(snapshot, found[0], found[1] / 1000)


def window(account_id: int, client: redis.Redis | None = None) -> tuple[float, float] | None:
    """The oldest and newest moments the log can rebuild (Unix seconds)."""
    r = client or get_raw_redis()
    first = next(
        (e for e in r.xrange(key(account_id), count=200) if e[1].get(b"k") == b"f"), None
    )
    last = r.xrevrange(key(account_id), count=1)
    if first is None or not last:
        return None
    return _entry_ms(first[0]) / 1000, _entry_ms(last[0][0]) / 1000
