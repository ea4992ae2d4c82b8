"""One poll of one account: read the API within the budget, then hand it to the writer.

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
from django.views.decorators.debug import sensitive_variables

from polling import budget, metrics, public_fallback, queue_config, schedule, writer
from polling.outcome import Outcome, PollResult
from polling.public_fallback import Route
from polling.targets import PollTarget, load_target
from snapshots import normalize, store, watchers
from voice360.errors import AuthInvalid, AuthRequired, RateLimited, Voice360Error
from voice360.models import Agent, Fetched, QueueAvailability, RateLimit
from wallboard import runtime

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Plan:
    target: PollTarget
    route: Route
    interval: float
    started: float
    early: bool = False


def lock_ttl() -> float:
    # Two sequential rounds of requests (reads, then the config refresh), each bounded.
    return 2 * float(settings.VOICE360_TIMEOUT_SECONDS) + 5


@sensitive_variables("plan")
def poll_account(account_id: int, early: bool = False, now: float | None = None) -> PollResult:
    """One poll. `early`: asked for by a webhook event, outside the schedule; it takes its
    requests from the early slice of the budget, and if there is no room it leaves the
    schedule as it was and only brings the overlay (today's counts, alerts) up to date.
    `now`: when the poll starts (tests pass a clock; the mode and the schedule follow it)."""
    target = load_target(account_id)
    if target is None:
        return PollResult(Outcome.GONE, 0.0)
    token = schedule.acquire_lock(account_id, lock_ttl())
    if token is None:
        metrics.count_poll(Outcome.BUSY)
        return PollResult(Outcome.BUSY, 0.0)
    started = time.time() if now is None else now
    regular_due = schedule.due_at(account_id) if early else None
    result = PollResult(Outcome.FAILED, started + target.interval)
    mode = "-"
    try:
        # Keep dispatchers off this account while it runs, however long that takes.
        schedule.reschedule(account_id, started + lock_ttl())
        plan = _plan(target, started, early)
        mode = plan.route.mode.source
        result = _poll(plan)
        if result.outcome is Outcome.EARLY_DENIED:
            result = writer.republish(account_id, result.outcome, regular_due or result.next_due)
    except Exception as exc:
        # Whatever it was, the account's health says so ("Current error" on its boards and
        # admin page) and the account stays on its schedule, backed off.
        logger.exception("poll crashed account=%s mode=%s", account_id, mode)
        result = _crashed(account_id, exc, target.interval)
    finally:
        schedule.reschedule(account_id, result.next_due)
        schedule.release_lock(account_id, token)
        finished = time.time()
        duration = finished - started
        store.record_poll(account_id, started, finished, result.outcome)
        metrics.count_poll(result.outcome, duration)
        logger.info(
            "poll account=%s mode=%s early=%d outcome=%s duration_ms=%.0f version=%s",
            account_id,
            mode,
            early,
            result.outcome,
            duration * 1000,
            "-" if result.version is None else result.version,
        )
    return result


def _plan(target: PollTarget, started: float, early: bool = False) -> _Plan:
    return _Plan(
        target=target,
        route=public_fallback.choose_route(target, started),
        interval=budget.effective_interval(target.account_id) or target.interval,
        started=started,
        early=early,
    )


@sensitive_variables("plan", "route")
def _poll(plan: _Plan) -> PollResult:
    route = plan.route
    if plan.early:
        if budget.acquire_early(route.bucket, 2, route.share) > 0:
            return PollResult(Outcome.EARLY_DENIED, plan.started + plan.interval)
    else:
        wait = budget.acquire(route.bucket, 2, route.share)
        if wait > 0:
            next_due = plan.started + wait + random.uniform(0, 0.25)
            return PollResult(Outcome.BUDGET_WAIT, next_due)
    account_id = plan.target.account_id
    try:
        sent = time.time()
        agents, queues = runtime.run(_read_availability(account_id, route.api_key))
        # When the API read `call_seconds`, as near as we know: when its answer came (it
        # answers once it has read them; a slow answer mostly waited before it was read).
        # Not after the other answer, the Redis calls and the config refresh below: their
        # time would be missing from every new call's timer.
        fetched_at = sent + agents.elapsed_seconds
        budget.observe(route.bucket, _lowest(agents.rate_limit, queues.rate_limit))
        configs = _refresh_queue_config(plan, {q.pk for q in queues.data})
    except Voice360Error as exc:
        return _failed(plan, exc)
    snapshot = normalize.build_snapshot(
        account_id,
        route.mode.source,  # type: ignore[arg-type]
        agents.data,
        queues.data,
        fetched_at,
        configs=configs.configs,
        members=configs.members if route.mode.use_key else None,
        source_reason=route.mode.reason,
        on_duplicate=lambda kind, pk: metrics.count_rejection(account_id, f"duplicate_{kind}"),
    )
    if route.mode.use_key:
        public_fallback.key_accepted(account_id)
    next_due = plan.started + plan.interval
    return writer.store_poll(account_id, snapshot, fetched_at, next_due, plan.interval)


async def _read_availability(
    account_id: int, api_key: str | None
) -> tuple[Fetched[list[Agent]], Fetched[list[QueueAvailability]]]:
    client = runtime.get_client()
    return await asyncio.gather(
        client.availability(account_id, api_key), client.queue_availability(account_id, api_key)
    )


@sensitive_variables("plan", "route")
def _refresh_queue_config(plan: _Plan, queue_ids: set[int]) -> queue_config.QueueConfigCache:
    account_id, route = plan.target.account_id, plan.route
    cache = queue_config.load(account_id)
    if not cache.needs_refresh(queue_ids, route.mode.source, plan.started):
        return cache
    needed = 1 + (len(queue_ids) if route.mode.use_key else 0)
    if budget.acquire(route.bucket, needed, route.share) > 0:
        return cache  # no room now; the next poll tries again
    fresh = runtime.run(_read_queue_config(account_id, route.api_key, queue_ids))
    fresh.source = route.mode.source
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


@sensitive_variables("plan", "route")
def _crashed(account_id: int, exc: Exception, interval: float) -> PollResult:
    now = time.time()
    metrics.count_rejection(account_id, f"crash_{type(exc).__name__}")
    failures = store.record_failure(account_id, f"{type(exc).__name__} in the poller", now)
    backoff = budget.backoff_seconds(failures, interval, watchers.is_watched(account_id))
    return PollResult(Outcome.FAILED, now + backoff)


def _failed(plan: _Plan, exc: Voice360Error) -> PollResult:
    account_id, route = plan.target.account_id, plan.route
    now = max(time.time(), plan.started)
    budget.observe(route.bucket, exc.rate_limit)
    metrics.count_rejection(account_id, type(exc).__name__)
    metrics.count_upstream_error(str(exc.status) if exc.status else type(exc).__name__)
    logger.warning(
        "poll failed account=%s mode=%s error=%r", account_id, route.mode.source, _describe(exc)
    )
    if isinstance(exc, AuthRequired | AuthInvalid) and route.api_key:
        reason = f"API key rejected ({exc.status} {exc.error_code or exc.code}): {exc.message}"
        public_fallback.key_rejected(account_id, route.api_key, reason[:300], now)
        # Poll again at once, in public mode; the key is retried later.
        return PollResult(Outcome.KEY_REJECTED, now)
    failures = store.record_failure(account_id, _describe(exc), now)
    if isinstance(exc, RateLimited):
        retry_after = exc.retry_after or budget.window_seconds() / 6
        budget.pause(route.bucket, retry_after)
        return PollResult(Outcome.RATE_LIMITED, now + retry_after + random.uniform(0, 0.5))
    backoff = budget.backoff_seconds(failures, plan.interval, watchers.is_watched(account_id))
    return PollResult(Outcome.FAILED, now + backoff)
