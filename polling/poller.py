"""One poll of one account: read the API within the budget, then hand it to the writer.

`poll_due()` runs the accounts one dispatcher tick claimed, each at its time, their API reads
together on the process's loop (runtime); `poll_account()` is one poll (early polls, tests).
Each poll holds the account's lock from start to finish, so a slow poll, a redelivered task
or a second dispatcher never overlaps it, and always leaves the account rescheduled (at its
interval, after a backoff, or after the budget's wait).
"""

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field

import redis
from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from polling import api_reads, budget, failures, metrics, public_fallback, schedule, writer
from polling.compose import UNREAD, Base, Fresh, answers_of, read_bases
from polling.outcome import Outcome, PollResult
from polling.public_fallback import Route
from polling.targets import PollTarget, load_target
from snapshots import normalize, store
from voice360.errors import Voice360Error
from wallboard import runtime
from wallboard.redis import get_redis

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Plan:
    target: PollTarget
    route: Route
    interval: float
    started: float
    early: bool = False
    # The poll's writes that need no answer, sent with its finish (_finish) in one round trip.
    later: redis.client.Pipeline | None = None


def lock_ttl() -> float:
    # Two sequential rounds of requests (reads, then the config refresh), each bounded.
    return 2 * float(settings.VOICE360_TIMEOUT_SECONDS) + 5


@dataclass
class _Running:
    """One poll between its start (the account's lock taken) and its finish."""

    account_id: int
    target: PollTarget
    token: str
    started: float
    early: bool
    regular_due: float | None
    result: PollResult
    mode: str = "-"
    later: redis.client.Pipeline = field(default_factory=lambda: get_redis().pipeline(False))


def _start(account_id: int, early: bool, started: float, wait: float = 0.0):
    """The account's lock, and the dispatchers kept off it: a _Running, or the PollResult of
    a poll that does not happen (the account is gone, or another poll holds it)."""
    target = load_target(account_id)
    if target is None:
        return PollResult(Outcome.GONE, 0.0)
    token = schedule.acquire_lock(account_id, lock_ttl() + wait)
    if token is None:
        metrics.count_poll(Outcome.BUSY)
        return PollResult(Outcome.BUSY, 0.0)
    regular_due = schedule.due_at(account_id) if early else None
    result = PollResult(Outcome.FAILED, started + target.interval)
    running = _Running(account_id, target, token, started, early, regular_due, result)
    # Keep dispatchers off this account while it runs, however long that takes.
    schedule.reschedule(account_id, started + lock_ttl())
    return running


def _finish(running: _Running) -> None:
    """The account rescheduled and its lock released, whatever happened; the poll logged.
    One round trip: the commands go in order on one pipeline, after those the poll left on
    it (its history, samples and budget notes, all before the lock is released)."""
    account_id, result = running.account_id, running.result
    finished = time.time()
    duration = max(0.0, finished - running.started)
    pipe = running.later
    schedule.reschedule(account_id, result.next_due, client=pipe)
    schedule.release_lock(account_id, running.token, client=pipe)
    store.record_poll(account_id, running.started, finished, result.outcome, pipe=pipe)
    metrics.count_poll(result.outcome, duration, pipe=pipe)
    pipe.execute()
    logger.info(
        "poll account=%s mode=%s early=%d outcome=%s duration_ms=%.0f version=%s",
        account_id,
        running.mode,
        running.early,
        result.outcome,
        duration * 1000,
        "-" if result.version is None else result.version,
    )


def _crash(running: _Running, exc: Exception) -> None:
    # Whatever it was, the account's health says so ("Current error" on its boards and
    # admin page) and the account stays on its schedule, backed off.
    logger.exception("poll crashed account=%s mode=%s", running.account_id, running.mode)
    running.result = failures.crashed(running.account_id, exc, running.target.interval)


@sensitive_variables("plan")
def poll_account(account_id: int, early: bool = False, now: float | None = None) -> PollResult:
    """One poll. `early`: asked for by a webhook event, outside the schedule; it takes its
    requests from the early slice of the budget, and if there is no room it leaves the
    schedule as it was and only brings the overlay (today's counts, alerts) up to date.
    `now`: when the poll starts (tests pass a clock; the mode and the schedule follow it)."""
    running = _start(account_id, early, time.time() if now is None else now)
    if isinstance(running, PollResult):
        return running
    try:
        plan = _plan(running.target, running.started, early, running.later)
        running.mode = plan.route.mode.source
        running.result = _poll(plan)
        if running.result.outcome is Outcome.EARLY_DENIED:
            running.result = writer.republish(
                account_id, running.result.outcome, running.regular_due or running.result.next_due
            )
    except Exception as exc:
        _crash(running, exc)
    finally:
        _finish(running)
    return running.result


@sensitive_variables("plans")
def poll_due(claims: list[tuple[int, float]]) -> list[PollResult]:
    """Scheduled polls in one task: each (account, wait) is due `wait` seconds from now (a
    fraction of a second: polling/tasks.py sends a tick's claims in steps of a quarter
    second). All are read now, at once on the process's loop, and each stored as it is
    read; each account's schedule goes on from its due time, so its rate is its interval.
    The task never sleeps: a worker child stays free for early polls. What one poll costs
    the broker and the worker's main process is paid once per task, not once per account."""
    now = time.time()
    results: dict[int, PollResult] = {}
    plans: dict[int, tuple[_Running, _Plan]] = {}
    for account_id, wait in claims:
        running = _start(account_id, False, now + wait, wait)
        if isinstance(running, PollResult):
            results[account_id] = running
            continue
        try:
            plan = _plan(running.target, running.started, later=running.later)
            running.mode = plan.route.mode.source
            waiting = _budget_wait(plan)
        except Exception as exc:
            _crash(running, exc)
            _finish(running)
            results[account_id] = running.result
            continue
        if waiting is not None:
            running.result = waiting
            _finish(running)
            results[account_id] = waiting
        else:
            plans[account_id] = (running, plan)
    # What each account's stored snapshot was made of: an answer of the same bytes is not
    # parsed again (polling/same_answer.py). One round trip for the task.
    stored = read_bases(list(plans))
    pairs = [(plan, stored.get(a, UNREAD)) for a, (_, plan) in plans.items()]
    reads = runtime.run(_read_all(pairs)) if plans else []
    for (running, plan), read in zip(plans.values(), reads, strict=True):
        try:
            if isinstance(read, Voice360Error):
                running.result = _failed(plan, read)
            elif isinstance(read, BaseException):
                raise read
            else:
                running.result = _store(plan, *read)
        except Exception as exc:
            _crash(running, exc)
        finally:
            _finish(running)
        results[running.account_id] = running.result
    return [results[account_id] for account_id, _ in claims]


async def _read_all(plans: list[tuple["_Plan", Base]]) -> list:
    """Each plan's (sent, availability, its base), or the exception its read met."""

    async def one(plan: _Plan, base: Base):
        sent = time.time()
        account_id, api_key = plan.target.account_id, plan.route.api_key
        last = answers_of(base)
        return sent, await api_reads.read_availability(account_id, api_key, last), base

    return await asyncio.gather(*(one(*pair) for pair in plans), return_exceptions=True)


def _plan(target: PollTarget, started: float, early: bool = False, later=None) -> _Plan:
    return _Plan(
        target=target,
        route=public_fallback.choose_route(target, started),
        interval=budget.effective_interval(target.account_id) or target.interval,
        started=started,
        early=early,
        later=later,
    )


@sensitive_variables("plan", "route")
def _budget_wait(plan: _Plan) -> PollResult | None:
    """None when the budget has room for this poll's two requests now, else when to try."""
    route = plan.route
    if plan.early:
        if budget.acquire_early(route.bucket, 2, route.share) > 0:
            return PollResult(Outcome.EARLY_DENIED, plan.started + plan.interval)
        return None
    wait = budget.acquire(route.bucket, 2, route.share)
    if wait > 0:
        return PollResult(Outcome.BUDGET_WAIT, plan.started + wait + random.uniform(0, 0.25))
    return None


@sensitive_variables("plan", "route")
def _poll(plan: _Plan) -> PollResult:
    waiting = _budget_wait(plan)
    if waiting is not None:
        return waiting
    account_id = plan.target.account_id
    try:
        base = read_bases([account_id]).get(account_id, UNREAD)
        sent = time.time()
        last = answers_of(base)
        read = runtime.run(api_reads.read_availability(account_id, plan.route.api_key, last))
    except Voice360Error as exc:
        return _failed(plan, exc)
    return _store(plan, sent, read, base)


@sensitive_variables("plan", "route")
def _store(plan: _Plan, sent: float, read: api_reads.Availability, base: Base) -> PollResult:
    """What the API answered, normalized (the parts whose bytes were new) and handed to the
    writer."""
    route = plan.route
    account_id = plan.target.account_id
    try:
        # When the API read `call_seconds`, as near as we know: when its answer came (it
        # answers once it has read them; a slow answer mostly waited before it was read).
        # Not after the other answer, the Redis calls and the config refresh below: their
        # time would be missing from every new call's timer.
        fetched_at = sent + read.elapsed_seconds
        budget.observe(route.bucket, read.rate_limit, client=plan.later)
        configs = api_reads.refresh_queue_config(
            account_id, plan.route, plan.started, read.answers.queue_ids
        )
    except Voice360Error as exc:
        return _failed(plan, exc)
    members = configs.members if route.mode.use_key else None
    snapshot = normalize.build_snapshot(
        account_id,
        route.mode.source,  # type: ignore[arg-type]
        read.agents.data if read.agents else [],
        read.queues.data if read.queues else [],
        fetched_at,
        configs=configs.configs,
        members=members,
        source_reason=route.mode.reason,
        on_duplicate=lambda kind, pk: metrics.count_rejection(account_id, f"duplicate_{kind}"),
    )
    last = answers_of(base)
    fresh = Fresh(
        snapshot, read.agents is None, read.queues is None, last, configs.configs, members
    )
    if route.mode.use_key:
        public_fallback.key_accepted(account_id, client=plan.later)
    next_due = plan.started + plan.interval
    answers = read.answers.encode()
    return writer.store_poll(
        account_id, fresh, fetched_at, next_due, plan.interval, answers, plan.later, base
    )


def _failed(plan: _Plan, exc: Voice360Error) -> PollResult:
    return failures.failed(plan.target.account_id, plan.route, plan.interval, plan.started, exc)
