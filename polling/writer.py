"""Writing what a poll read: on top of the stored snapshot, with the overlay, then published.

A write names the version it was worked out against; when another writer (a poll, an
acknowledged alert) got in first, it is worked out again on top of the winner, a few times
before the poll counts as superseded. A write that changed what a viewer sees, or that finds
the boards' renders behind the snapshot (a worker killed between the two) or made by another
build (a deploy changed the templates), publishes.
"""

import logging
import time

import redis
from django.conf import settings

from alerts import rule_cache
from polling import overlay, publish, schedule
from polling.compose import UNREAD, Base, Fresh
from polling.outcome import Outcome, PollResult
from service import samples
from snapshots import diff, history, replay, store, time_in_state
from snapshots.models import Snapshot, StoredSnapshot
from wallboard.build import build_id
from wallboard.redis import get_redis

logger = logging.getLogger(__name__)

STORE_ATTEMPTS = 3


def store_poll(
    account_id: int,
    fresh: Fresh,
    fetched_at: float,
    next_due: float,
    interval: float,
    answers: str | None = None,
    later: redis.client.Pipeline | None = None,
    previous: Base = UNREAD,
) -> PollResult:
    """`answers`: what the poll's answers were (polling/same_answer.py), stored with it.
    `later`: where the history and samples writes go (the poller sends them with its finish;
    at once without). `previous`: the stored snapshot as the poller read it before its
    requests, the first attempt's base (the write refuses it if another got in since)."""
    tolerance = float(settings.POLL_CALL_DRIFT_SECONDS)
    for attempt in range(STORE_ATTEMPTS):
        if attempt or previous is UNREAD:
            previous = store.read_snapshot(account_id)
        old = previous.snapshot if isinstance(previous, StoredSnapshot) else None
        snapshot = fresh.on(previous)
        if snapshot is None:
            return PollResult(Outcome.SUPERSEDED, next_due)
        if old is None or snapshot.agents is not old.agents:
            # Kept agents are the stored ones: their calls and times are carried already.
            snapshot = diff.carry_call_starts(old, snapshot, tolerance)
            snapshot = time_in_state.carry_state_since(old, snapshot, fetched_at)
        snapshot = overlay.apply(snapshot, old, fetched_at)
        result = _write(
            account_id, previous, snapshot, fetched_at, next_due, interval=interval, answers=answers
        )
        if result.outcome is not Outcome.SUPERSEDED:
            pipe = later if later is not None else get_redis().pipeline(transaction=False)
            history.record(account_id, snapshot, fetched_at, pipe=pipe)
            samples.record(account_id, snapshot, fetched_at, pipe=pipe)
            if later is None:
                pipe.execute()
            return result
    return result


def _write(
    account_id: int,
    previous: StoredSnapshot | None,
    snapshot: Snapshot,
    fetched_at: float,
    next_due: float,
    *,
    success: bool = True,
    interval: float | None = None,
    answers: str | None = None,
) -> PollResult:
    """Write `snapshot` on top of `previous` and publish when a viewer would see a change."""
    changed = previous is None or diff.changed(previous.snapshot, snapshot)
    expected = previous.version if previous else 0
    written = store.write_snapshot(
        account_id,
        snapshot,
        fetched_at,
        expected_version=expected,
        changed=changed,
        success=success,
        interval=interval,
        answers=answers,
    )
    if not written.written:
        return PollResult(Outcome.SUPERSEDED, next_due)
    if changed:
        _record_for_replay(account_id, snapshot, written.version, fetched_at, previous)
    if changed or (previous is not None and previous.renders_behind(build_id())):
        _publish(account_id)
    outcome = Outcome.CHANGED if changed else Outcome.UNCHANGED
    return PollResult(outcome, next_due, written.version)


def _record_for_replay(
    account_id: int,
    snapshot: Snapshot,
    version: int,
    fetched_at: float,
    previous: StoredSnapshot | None,
) -> None:
    """The snapshot is stored whatever happens here: a version missing from the log is a
    moment replay cannot show, and the next one is recorded whole."""
    try:
        replay.record(
            account_id, snapshot, version, fetched_at, previous.snapshot if previous else None
        )
    except redis.RedisError:
        logger.exception("replay log: version %s of account %s not recorded", version, account_id)


def _publish(account_id: int) -> None:
    """The snapshot is stored whatever happens here; what fails to publish (the database is
    away, say) is published by a later poll, which finds the renders behind the snapshot."""
    try:
        publish.publish_account(account_id)
    except Exception:
        logger.exception("publishing failed account=%s; the next poll tries again", account_id)


def republish(account_id: int, outcome: Outcome, next_due: float) -> PollResult:
    """Bring the overlay of the stored snapshot up to date without reading the API: its
    data and fetched_at stay as they are, so nothing looks fresher than it is."""
    for _ in range(STORE_ATTEMPTS):
        previous = store.read_snapshot(account_id)
        if previous is None:
            return PollResult(outcome, next_due)
        snapshot = overlay.apply(previous.snapshot, previous.snapshot, time.time())
        # The API's part is untouched: still made of the same answers.
        result = _write(
            account_id,
            previous,
            snapshot,
            previous.fetched_at,
            next_due,
            success=False,
            answers=previous.answers or None,
        )
        if result.outcome is not Outcome.SUPERSEDED:
            return PollResult(outcome, next_due, result.version)
    return PollResult(outcome, next_due)


def refresh_overlay(account_id: int, lock_ttl: float) -> PollResult:
    """Publish a changed overlay now (an alert acknowledged): under the account's lock,
    without touching its schedule."""
    token = schedule.acquire_lock(account_id, lock_ttl)
    if token is None:
        return PollResult(Outcome.BUSY, 0.0)  # the poll in flight applies the overlay itself
    try:
        rule_cache.forget_events(account_id)  # the acknowledgement is read, whoever said so
        return republish(account_id, Outcome.OVERLAY, 0.0)
    finally:
        schedule.release_lock(account_id, token)
