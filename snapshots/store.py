"""The current snapshot of each account in Redis, written atomically, and its health.

Layout (one hash per account, so readers never see half a snapshot):
  wb:snapshot:<account>  version, body (Snapshot JSON), fetched_at, interval (the poll's
                         effective interval), rendered and rendered_build (the version the
                         boards' feeds are rendered at, by which build of the templates),
                         answers (what the API's answers the body was made of were, for
                         the poller: polling/same_answer.py)
  wb:health:<account>    last_success_at, last_error, last_error_at, consecutive_failures

The poller is the only writer of both (the publisher sets `rendered`); web processes read
them through this module and snapshots.freshness, never by key name.

The version grows by one exactly when the content changes, so consecutive diffs carry
consecutive versions and a viewer can spot a gap. A write names the version it was computed
against; if another poll wrote in between, it is refused instead of overwriting newer data.
"""

import logging
from dataclasses import dataclass

import redis
from pydantic import ValidationError

from snapshots.models import HealthState, Snapshot, StoredSnapshot
from wallboard.redis import get_redis

logger = logging.getLogger(__name__)

# KEYS: snapshot hash, health hash.
# ARGV: expected version, changed (0/1), body, fetched_at, success (0/1: a poll succeeded),
# interval ("" leaves it as it is), answers ("-": unknown, so a new body clears them and an
# unchanged one keeps them).
_WRITE = """
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[1]) then return -1 end
if ARGV[2] == '1' then
  current = current + 1
  redis.call('HSET', KEYS[1], 'version', current, 'body', ARGV[3], 'fetched_at', ARGV[4])
else
  redis.call('HSET', KEYS[1], 'fetched_at', ARGV[4])
end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'interval', ARGV[6]) end
if ARGV[7] ~= '-' then
  redis.call('HSET', KEYS[1], 'answers', ARGV[7])
elseif ARGV[2] == '1' then
  redis.call('HDEL', KEYS[1], 'answers')
end
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[2], 'last_success_at', ARGV[4], 'consecutive_failures', 0)
end
return current
"""

# KEYS: snapshot hash. ARGV: version, build. `rendered` never goes back, nor past the
# snapshot's version; a new build renders the same version again.
_MARK_RENDERED = """
local version = tonumber(ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
local rendered = tonumber(redis.call('HGET', KEYS[1], 'rendered') or '0')
if version >= rendered and version <= current then
  redis.call('HSET', KEYS[1], 'rendered', version, 'rendered_build', ARGV[2])
end
"""


def snapshot_key(account_id: int) -> str:
    return f"wb:snapshot:{account_id}"


def health_key(account_id: int) -> str:
    return f"wb:health:{account_id}"


@dataclass(frozen=True)
class WriteResult:
    written: bool
    version: int


def write_snapshot(
    account_id: int,
    snapshot: Snapshot,
    fetched_at: float,
    *,
    expected_version: int,
    changed: bool,
    success: bool = True,
    interval: float | None = None,
    answers: str | None = None,
    client: redis.Redis | None = None,
) -> WriteResult:
    """`success=False`: a rewrite of the overlay alone, which leaves the health as it is.
    `interval`: how often the account is polled now (None keeps the stored one).
    `answers`: what the poller says the body was made of (None: not known, and a changed
    body then forgets the stored one)."""
    r = client or get_redis()
    script = r.register_script(_WRITE)
    version = int(
        script(
            keys=[snapshot_key(account_id), health_key(account_id)],
            args=[
                expected_version,
                int(changed),
                snapshot.model_dump_json() if changed else "",  # kept as it is otherwise
                repr(fetched_at),
                int(success),
                "" if interval is None else repr(interval),
                "-" if answers is None else answers,
            ],
        )
    )
    return WriteResult(written=version >= 0, version=version)


def mark_rendered(
    account_id: int, version: int, build: str, client: redis.Redis | None = None
) -> None:
    """The feeds of the account's boards are rendered at `version` now, by `build` (the
    publisher)."""
    r = client or get_redis()
    r.register_script(_MARK_RENDERED)(keys=[snapshot_key(account_id)], args=[version, build])


def record_failure(
    account_id: int, error: str, at: float, client: redis.Redis | None = None
) -> int:
    """Note a failed poll; the snapshot itself is left exactly as it was. Returns the streak."""
    r = client or get_redis()
    pipe = r.pipeline(transaction=True)
    pipe.hset(health_key(account_id), mapping={"last_error": error[:500], "last_error_at": at})
    pipe.hincrby(health_key(account_id), "consecutive_failures", 1)
    return int(pipe.execute()[1])


POLL_LOG_LENGTH = 50


def poll_log_key(account_id: int) -> str:
    return f"wb:poll:log:{account_id}"


@dataclass(frozen=True)
class PollRecord:
    started: float
    finished: float
    outcome: str

    @property
    def ms(self) -> int:
        return round((self.finished - self.started) * 1000)


def record_poll(account_id: int, started: float, finished: float, outcome: str, pipe=None) -> None:
    """Add a poll to the account's short log of recent polls (the account's admin page).
    With `pipe`, only queue the commands on it: the poller sends them with its own."""
    own = pipe is None
    pipe = get_redis().pipeline(transaction=False) if own else pipe
    key = poll_log_key(account_id)
    pipe.lpush(key, f"{started:.3f},{finished:.3f},{outcome}")
    pipe.ltrim(key, 0, POLL_LOG_LENGTH - 1)
    pipe.expire(key, 86400)
    if own:
        pipe.execute()


def recent_polls(account_id: int, client: redis.Redis | None = None) -> list[PollRecord]:
    """Recent polls, newest first."""
    rows = (client or get_redis()).lrange(poll_log_key(account_id), 0, -1)
    return [PollRecord(float(s), float(e), o) for s, e, o in (row.split(",", 2) for row in rows)]


def _health(raw: dict[str, str]) -> HealthState:
    def number(name: str) -> float | None:
        return float(raw[name]) if raw.get(name) else None

    return HealthState(
        last_success_at=number("last_success_at"),
        last_error=raw.get("last_error") or None,
        last_error_at=number("last_error_at"),
        consecutive_failures=int(raw.get("consecutive_failures") or 0),
    )


def read_health(account_id: int, client: redis.Redis | None = None) -> HealthState:
    return _health((client or get_redis()).hgetall(health_key(account_id)))


def _body(account_id: int, body: str) -> Snapshot | None:
    """The stored snapshot; None when another build wrote it in a shape this one does not
    read (a deploy changed the models)."""
    try:
        return Snapshot.model_validate_json(body)
    except ValidationError:
        logger.warning(
            "stored snapshot of account %s is in another format; replacing it", account_id
        )
        return None


def read_snapshot(account_id: int, client: redis.Redis | None = None) -> StoredSnapshot | None:
    return read_snapshots([account_id], client)[account_id]


def read_snapshots(
    account_ids: list[int], client: redis.Redis | None = None
) -> dict[int, StoredSnapshot | None]:
    """Each account's snapshot and health as they were at one moment, in one round trip."""
    pipe = (client or get_redis()).pipeline(transaction=True)
    for account_id in account_ids:
        pipe.hgetall(snapshot_key(account_id))
        pipe.hgetall(health_key(account_id))
    raw = pipe.execute()
    return {a: _stored(a, raw[2 * i], raw[2 * i + 1]) for i, a in enumerate(account_ids)}


def _stored(account_id: int, raw: dict[str, str], health: dict[str, str]) -> StoredSnapshot | None:
    if not raw.get("body"):
        return None
    snapshot = _body(account_id, raw["body"])
    # An empty one in the place of a body this build cannot read: the next poll writes a
    # whole new one on top of its version (its answers not taken as known), and nothing
    # fails meanwhile.
    answers = raw.get("answers", "") if snapshot is not None else ""
    if snapshot is None:
        snapshot = Snapshot(account_id=account_id, source="key", agents=[], queues=[])
    return StoredSnapshot(
        snapshot=snapshot,
        answers=answers,
        version=int(raw["version"]),
        fetched_at=float(raw["fetched_at"]),
        health=_health(health),
        interval=float(raw["interval"]) if raw.get("interval") else None,
        rendered_version=int(raw.get("rendered") or 0),
        rendered_build=raw.get("rendered_build", ""),
    )


def snapshot_version(account_id: int, client: redis.Redis | None = None) -> int:
    """The current version alone (0 before the first snapshot): cheap staleness checks."""
    return int((client or get_redis()).hget(snapshot_key(account_id), "version") or 0)
