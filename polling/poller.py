"""One poll of one account: read the API within the budget, then snapshot, history, diff.

`poll_account()` is what the Celery task runs. It holds the account's lock for the whole
poll, so a slow poll, a redelivered task or a second dispatcher never overlaps it, and it
always leaves the account rescheduled (at its interval, after a backoff, or after the
budget's wait). HTTP and channel-layer I/O run on the process's one event loop (runtime).
"""

import asyncio
import logging
import random
import time
from dataclasses import dataclass

from django.conf import settings

from live import bridge
from polling import budget, metrics, overlay, public_fallback, queue_config, schedule
from polling.public_fallback import Mode
from polling.targets import PollTarget, load_target
from snapshots import diff, history, normalize, store
from snapshots.models import Snapshot, StoredSnapshot
from voice360.errors import AuthInvalid, AuthRequired, RateLimited, Voice360Error
from voice360.models import Agent, Fetched, QueueAvailability, RateLimit
from wallboard import runtime
from wallboard.redis import get_redis

logger = logging.getLogger(__name__)

POLL_LOG_LENGTH = 50
# A write that lost the race to another writer (a poll, an acknowledged alert) is worked out
# again on top of the winner this many times before the poll is counted as superseded.
STORE_ATTEMPTS = 3


@dataclass(frozen=True)
class PollResult:
    # changed, unchanged, superseded, failed, rate_limited, key_rejected, budget_wait, busy,
    # gone; early polls also early_denied (no room in the early slice of the budget)
    outcome: str
    next_due: float
    version: int | None = None
    changes: int = 0


@dataclass(frozen=True)
class _Plan:
    target: PollTarget
    mode: Mode
    api_key: str | None
    bucket: str
    share: float
    interval: float
    started: float
    early: bool = False


def lock_ttl() -> float:
    # Two sequential rounds of requests (reads, then the config refresh), each bounded.
    return 2 * float(settings.VOICE360_TIMEOUT_SECONDS) + 5


def poll_account(account_id: int, early: bool = False) -> PollResult:
    """One poll. `early`: asked for by a webhook event, outside the schedule; it takes its
    requests from the early slice of the budget, and if there is no room it leaves the
    schedule as it was and only brings the overlay (today's counts, alerts) up to date."""
    target = load_target(account_id)
    if target is None:
        return PollResult("gone", 0.0)
    token = schedule.acquire_lock(account_id, lock_ttl())
    if token is None:
        metrics.count_poll("busy")
        return PollResult("busy", 0.0)
    started = time.time()
    regular_due = schedule.due_at(account_id) if early else None
    result = PollResult("failed", started + target.interval)
    mode = "-"
    try:
        # Keep dispatchers off this account while it runs, however long that takes.
        schedule.reschedule(account_id, started + lock_ttl())
        plan = _plan(target, started, early)
        mode = plan.mode.source
        result = _poll(plan)
        if result.outcome == "early_denied":
            result = _republish(account_id, result.outcome, regular_due or result.next_due)
    except Exception:
        logger.exception("poll crashed account=%s mode=%s", account_id, mode)
        raise
    finally:
        schedule.reschedule(account_id, result.next_due)
        schedule.release_lock(account_id, token)
        _log_poll(account_id, started, result.outcome)
        duration = time.time() - started
        metrics.count_poll(result.outcome, duration)
        logger.info(
            "poll account=%s mode=%s early=%d outcome=%s duration_ms=%.0f version=%s changes=%s",
            account_id,
            mode,
            early,
            result.outcome,
            duration * 1000,
            "-" if result.version is None else result.version,
            result.changes,
        )
    return result


def _plan(target: PollTarget, started: float, early: bool = False) -> _Plan:
    api_key = target.api_key
    mode = public_fallback.choose_mode(target.account_id, api_key, started)
    use_key = mode.use_key and api_key is not None
    return _Plan(
        target=target,
        mode=mode,
        api_key=api_key,
        bucket=budget.key_bucket(api_key) if use_key and api_key else budget.PUBLIC_BUCKET,
        share=target.share if use_key else 1.0,
        interval=budget.effective_interval(target.account_id) or target.interval,
        started=started,
        early=early,
    )


def _request_key(plan: _Plan) -> str | None:
    return plan.api_key if plan.mode.use_key else None


def _poll(plan: _Plan) -> PollResult:
    if plan.early:
        if budget.acquire_early(plan.bucket, 2, plan.share) > 0:
            return PollResult("early_denied", plan.started + plan.interval)
    else:
        wait = budget.acquire(plan.bucket, 2, plan.share)
        if wait > 0:
            return PollResult("budget_wait", plan.started + wait + random.uniform(0, 0.25))
    account_id = plan.target.account_id
    try:
        agents, queues = runtime.run(_read_availability(account_id, _request_key(plan)))
        budget.observe(plan.bucket, _lowest(agents.rate_limit, queues.rate_limit))
        configs = _refresh_queue_config(plan, {q.pk for q in queues.data})
    except Voice360Error as exc:
        return _failed(plan, exc)
    fetched_at = time.time()
    snapshot = normalize.build_snapshot(
        account_id,
        plan.mode.source,  # type: ignore[arg-type]
        agents.data,
        queues.data,
        fetched_at,
        configs=configs.configs,
        members=configs.members if plan.mode.use_key else None,
        source_reason=plan.mode.reason,
    )
    return _store(plan, snapshot, fetched_at)


async def _read_availability(
    account_id: int, api_key: str | None
) -> tuple[Fetched[list[Agent]], Fetched[list[QueueAvailability]]]:
    client = runtime.get_client()
    return await asyncio.gather(
        client.availability(account_id, api_key), client.queue_availability(account_id, api_key)
    )


def _refresh_queue_config(plan: _Plan, queue_ids: set[int]) -> queue_config.QueueConfigCache:
    account_id = plan.target.account_id
    cache = queue_config.load(account_id)
    if not cache.needs_refresh(queue_ids, plan.mode.source, plan.started):
        return cache
    needed = 1 + (len(queue_ids) if plan.mode.use_key else 0)
    if budget.acquire(plan.bucket, needed, plan.share) > 0:
        return cache  # no room now; the next poll tries again
    fresh = runtime.run(_read_queue_config(account_id, _request_key(plan), queue_ids))
    fresh.source = plan.mode.source
    fresh.refreshed_at = time.time()
    queue_config.save(account_id, fresh)
    return fresh


async def _read_queue_config(
    account_id: int, api_key: str | None, queue_ids: set[int]
) -> queue_config.QueueConfigCache:
    client = runtime.get_client()
    queues = await client.queues(account_id, api_key)
    cache = queue_config.QueueConfigCache(configs={q.pk: q for q in queues.data})
    if api_key is not None:
        wanted = sorted(queue_ids & cache.configs.keys())
        details = await asyncio.gather(*(client.queue(account_id, q, api_key) for q in wanted))
        cache.members = {d.data.pk: normalize.member_ids(d.data) for d in details}
    return cache


def _lowest(*limits: RateLimit) -> RateLimit:
    known = [lim for lim in limits if lim.remaining is not None]
    return min(known, key=lambda lim: lim.remaining or 0) if known else RateLimit()


def _describe(exc: Voice360Error) -> str:
    # Client messages never contain the key (it redacts them); keep them short for the UI.
    return f"{type(exc).__name__}: {exc.message}"[:300]


def _failed(plan: _Plan, exc: Voice360Error) -> PollResult:
    account_id = plan.target.account_id
    now = time.time()
    budget.observe(plan.bucket, exc.rate_limit)
    metrics.count_rejection(account_id, type(exc).__name__)
    metrics.count_upstream_error(str(exc.status) if exc.status else type(exc).__name__)
    logger.warning(
        "poll failed account=%s mode=%s error=%r", account_id, plan.mode.source, _describe(exc)
    )
    if isinstance(exc, AuthRequired | AuthInvalid) and plan.mode.use_key and plan.api_key:
        reason = f"API key rejected ({exc.status} {exc.error_code or exc.code}): {exc.message}"
        public_fallback.key_rejected(account_id, plan.api_key, reason[:300], now)
        # Poll again at once, in public mode; the key is retried later.
        return PollResult("key_rejected", now)
    failures = store.record_failure(account_id, _describe(exc), now)
    if isinstance(exc, RateLimited):
        retry_after = exc.retry_after or budget.window_seconds() / 6
        budget.pause(plan.bucket, retry_after)
        return PollResult("rate_limited", now + retry_after + random.uniform(0, 0.5))
    return PollResult("failed", now + budget.backoff_seconds(failures, plan.interval))


def _store(plan: _Plan, snapshot: Snapshot, fetched_at: float) -> PollResult:
    account_id = plan.target.account_id
    next_due = plan.started + plan.interval
    if plan.mode.use_key:
        public_fallback.key_accepted(account_id)
    for _ in range(STORE_ATTEMPTS):
        previous = store.read_snapshot(account_id)
        old = previous.snapshot if previous else None
        fresh = diff.carry_call_starts(old, snapshot, float(settings.POLL_CALL_DRIFT_SECONDS))
        fresh = overlay.apply(fresh, old, fetched_at)
        result = _write(account_id, previous, fresh, fetched_at, next_due)
        if result.outcome != "superseded":
            history.record(account_id, fresh, fetched_at)
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
) -> PollResult:
    """Write `snapshot` on top of `previous` and publish what a viewer would see change."""
    old = previous.snapshot if previous else None
    changes = diff.diff_snapshots(old, snapshot)
    expected = previous.version if previous else 0
    written = store.write_snapshot(
        account_id,
        snapshot,
        fetched_at,
        expected_version=expected,
        changed=bool(changes) or previous is None,
        success=success,
    )
    if not written.written:
        return PollResult("superseded", next_due)
    if changes:
        bridge.publish_changes(account_id, expected, written.version, changes)
        return PollResult("changed", next_due, written.version, len(changes))
    return PollResult("unchanged", next_due, written.version)


def _republish(account_id: int, outcome: str, next_due: float) -> PollResult:
    """Bring the overlay of the stored snapshot up to date without reading the API: its
    data and fetched_at stay as they are, so nothing looks fresher than it is."""
    for _ in range(STORE_ATTEMPTS):
        previous = store.read_snapshot(account_id)
        if previous is None:
            return PollResult(outcome, next_due)
        snapshot = overlay.apply(previous.snapshot, previous.snapshot, time.time())
        result = _write(
            account_id, previous, snapshot, previous.fetched_at, next_due, success=False
        )
        if result.outcome != "superseded":
            return PollResult(outcome, next_due, result.version, result.changes)
    return PollResult(outcome, next_due)


def refresh_overlay(account_id: int) -> PollResult:
    """Publish a changed overlay now (an alert acknowledged): under the account's lock,
    without touching its schedule."""
    token = schedule.acquire_lock(account_id, lock_ttl())
    if token is None:
        return PollResult("busy", 0.0)  # the poll in flight applies the overlay itself
    try:
        return _republish(account_id, "overlay", 0.0)
    finally:
        schedule.release_lock(account_id, token)


def _log_poll(account_id: int, started: float, outcome: str) -> None:
    """A short per-account log of recent polls (start, end, outcome), for operators."""
    pipe = get_redis().pipeline(transaction=False)
    key = f"wb:poll:log:{account_id}"
    pipe.lpush(key, f"{started:.3f},{time.time():.3f},{outcome}")
    pipe.ltrim(key, 0, POLL_LOG_LENGTH - 1)
    pipe.expire(key, 86400)
    pipe.execute()


def recent_polls(account_id: int) -> list[tuple[float, float, str]]:
    """Recent polls, newest first: (started, finished, outcome)."""
    rows = get_redis().lrange(f"wb:poll:log:{account_id}", 0, -1)
    return [(float(s), float(e), o) for s, e, o in (row.split(",", 2) for row in rows)]
