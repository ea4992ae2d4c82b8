"""The log behind replay: every version of an account's snapshot over the last REPLAY_HOURS,
so that a supervisor can see a board as it was at any moment (replay/board_at.py).

What is stored is what changed, not a copy per poll: a poll that changed nothing stores
nothing, and one that did stores a delta against the version before it. Now and then (every
KEYFRAME_SECONDS, and after a gap in the versions) a whole snapshot, a keyframe, so that a
moment is rebuilt from one keyframe and the deltas after it, and the log can be trimmed from
the front without losing a moment inside the window.

Layout: one Redis stream per account, `wb:replay:<account>`, one entry per version, its id
the poll's time in milliseconds; fields `k` ("f" keyframe or "d" delta), `v` (the version),
`f` (the time of the keyframe it builds on), `h` (a digest of the snapshot it holds) and `b`
(the zlib-compressed JSON of the snapshot or the delta). A delta is appended only on top of
the entry whose digest is the one it was worked out against, so it never applies to another
base (a writer that read a stand-in snapshot, a cache from before a restart). Trimmed on
every write up to the keyframe of the window's first moment: the oldest entry is always a
keyframe, and a quiet night keeps the one version that covers it.

A snapshot is flattened into paths: the top-level fields, each list of objects with an `id`
(agents, queues, alerts) split per id, `today` split per queue and agent. A delta holds the
paths whose value changed, the objects' changed fields, and the paths gone: one agent
changing state stores that agent's call and `state_since`.
"""

import hashlib
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

# Keeps the entries from the keyframe that the window's first moment builds on. KEYS[1] the
# stream; `edge` the window's start (ms).
_TRIM = """
local function trim(edge)
  local first = redis.call('XREVRANGE', KEYS[1], edge, '-', 'COUNT', 1)[1]
  if not first then return end
  for i = 1, #first[2], 2 do
    if first[2][i] == 'f' then redis.call('XTRIM', KEYS[1], 'MINID', first[2][i + 1]) end
  end
end
"""

# ARGV: id (ms), version, digest, delta, digest of the base, keyframe period (ms), window
# start (ms). Appends the delta when the last entry holds the base and its keyframe is recent
# and older than `id`; returns 1, or 0 when a keyframe must be written instead.
_APPEND_DELTA = (
    _TRIM
    + """
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if not last then return 0 end
local fields = {}
for i = 1, #last[2], 2 do fields[last[2][i]] = last[2][i + 1] end
if fields['h'] ~= ARGV[5] then return 0 end
local at, newest = tonumber(ARGV[1]), tonumber(string.match(last[1], '^(%d+)'))
local keyframe = tonumber(fields['f'])
if not keyframe or at <= newest or at - keyframe >= tonumber(ARGV[6]) then return 0 end
redis.call('XADD', KEYS[1], at .. '-*', 'k', 'd', 'v', ARGV[2], 'f', keyframe, 'h', ARGV[3],
  'b', ARGV[4])
trim(ARGV[7])
return 1
"""
)

# ARGV: id (ms), version, digest, snapshot, window start (ms). A clock that stepped back
# stores just after the last entry (ids must grow).
_APPEND_KEYFRAME = (
    _TRIM
    + """
local at = tonumber(ARGV[1])
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if last then at = math.max(at, tonumber(string.match(last[1], '^(%d+)')) + 1) end
redis.call('XADD', KEYS[1], at .. '-*', 'k', 'f', 'v', ARGV[2], 'f', at, 'h', ARGV[3],
  'b', ARGV[4])
trim(ARGV[5])
return at
"""
)


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


def digest(snapshot: Snapshot) -> str:
    return hashlib.blake2b(snapshot.model_dump_json().encode(), digest_size=8).hexdigest()


# Per account, the version, digest and flattened form of the last snapshot this process
# recorded: the next record diffs against it without reading the previous snapshot again
# (the append checks the digest all the same).
_last: dict[int, tuple[int, str, dict[str, Any]]] = {}


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
    mine = digest(snapshot)
    at_ms = int(fetched_at * 1000)
    edge = at_ms - _window_ms()
    cached = _last.get(account_id)
    base = cached[1:] if cached is not None and cached[0] == version - 1 else None
    if base is None and previous is not None:
        base = (digest(previous), flatten(previous.model_dump(mode="json")))
    appended = 0
    if base is not None:
        change = _pack(delta(base[1], flat))
        args = [at_ms, version, mine, change, base[0], KEYFRAME_SECONDS * 1000, edge]
        appended = r.register_script(_APPEND_DELTA)(keys=[key(account_id)], args=args)
    if not appended:
        args = [at_ms, version, mine, _pack(flat), edge]
        r.register_script(_APPEND_KEYFRAME)(keys=[key(account_id)], args=args)
    _last[account_id] = (version, mine, flat)


def forget(account_id: int, client: redis.Redis | None = None) -> None:
    (client or get_raw_redis()).delete(key(account_id))
    _last.pop(account_id, None)


# --- reading ------------------------------------------------------------------------------


def _entry_ms(entry_id: bytes) -> int:
    return int(entry_id.split(b"-")[0])


def moment(account_id: int, at: float, client: redis.Redis | None = None) -> Moment | None:
    """The snapshot as it was at `at`: the last version stored at or before it. None before
    the oldest moment the log can rebuild. An entry that cannot be read ends the rebuild
    there: the moment is the last version before it (its time says which)."""
    r = client or get_raw_redis()
    at_ms = int(at * 1000)
    last = r.xrevrange(key(account_id), max=at_ms, count=1)
    if not last:
        return None
    try:
        keyframe_ms = int(last[0][1][b"f"])
    except (KeyError, ValueError):
        logger.warning("replay: entry %s of account %s names no keyframe", last[0][0], account_id)
        return None
    flat: dict[str, Any] | None = None
    found: tuple[int, int] | None = None
    for entry_id, entry in r.xrange(key(account_id), min=keyframe_ms, max=at_ms):
        try:
            if entry[b"k"] == b"f":
                flat = _unpack(entry[b"b"])
            elif flat is not None:
                _apply(flat, _unpack(entry[b"b"]))
            else:
                continue
            found = (int(entry[b"v"]), _entry_ms(entry_id))
        except (KeyError, ValueError, TypeError, zlib.error) as exc:
            logger.warning(
                "replay: entry %s of account %s unreadable (%s); moments after it show the "
                "version before it, up to the next keyframe",
                entry_id.decode(),
                account_id,
                exc,
            )
            break
    if flat is None or found is None:
        return None
    try:
        snapshot = Snapshot.model_validate(unflatten(flat))
    except (KeyError, TypeError, ValidationError) as exc:
        logger.warning("replay: account %s at %s cannot be rebuilt (%s)", account_id, at, exc)
        return None
    return Moment(snapshot, found[0], found[1] / 1000)


def window(account_id: int, client: redis.Redis | None = None) -> tuple[float, float] | None:
    """The oldest and newest moments the log can rebuild (Unix seconds); the oldest entry is
    a keyframe (see _TRIM)."""
    r = client or get_raw_redis()
    first = r.xrange(key(account_id), count=1)
    last = r.xrevrange(key(account_id), count=1)
    if not first or not last:
        return None
    return _entry_ms(first[0][0]) / 1000, _entry_ms(last[0][0]) / 1000
