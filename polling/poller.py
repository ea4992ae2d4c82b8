"""One poll of one account: read the API within the budget, then hand it to the writer.

`poll_due()` runs the accounts one dispatcher tick claimed, each at its time, their API reads
together on the process's loop (runtime); `poll_account()` is one poll (early polls, tests).
Each poll holds the account's lock from start to finish, so a slow poll, a redelivered task
or a second dispatcher never overlaps it, and always leaves the account rescheduled (at its
interval, after a backoff, or after the budget's wait).
"""

import asyncio
import time

from django.views.decorators.debug import sensitive_variables

from polling import api_reads, budget, failures, metrics, public_fallback, writer
from polling.compose import UNREAD, Base, Fresh, answers_of, read_bases
from polling.outcome import Outcome, PollResult
from polling.running import Batch, Plan, budget_wait, crash, finish, lock_ttl, plan_of, start
from polling.targets import PollTarget
from snapshots import normalize
from voice360.errors import Voice360Error
from wallboard import runtime

__all__ = ["lock_ttl", "poll_account", "poll_due"]


@sensitive_variables("plan")
def poll_account(account_id: int, early: bool = False, now: float | None = None) -> PollResult:
    """One poll. `early`: asked for by a webhook event, outside the schedule; it takes its
    requests from the early slice of the budget, and if there is no room it leaves the
    schedule as it was and only brings the overlay (today's counts, alerts) up to date.
    `now`: when the poll starts (tests pass a clock; the mode and the schedule follow it)."""
    running = start(account_id, early, time.time() if now is None else now)
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
        crash(running, exc)
    finally:
        finish(running)
    return running.result


@sensitive_variables("plans")
def poll_due(claims: list[tuple[int, float]]) -> list[PollResult]:
    """Scheduled polls in one task: each (account, wait) is due `wait` seconds from now (a
    fraction of a second: polling/tasks.py sends a tick's claims in steps of a quarter
    second). All are started together (polling/running.py), read now, at once on the
    process's loop, and each stored as it is read; each account's schedule goes on from its
    due time, so its rate is its interval. The task never sleeps: a worker child stays free
    for early polls. What one poll costs the broker, the worker's main process and the Redis
    round trips around it is paid once per task, not once per account."""
    batch = Batch()
    try:
        plans = batch.start_all(claims, time.time())
        # What each account's stored snapshot was made of: an answer of the same bytes is
        # not parsed again (polling/same_answer.py). One round trip for the task.
        stored = read_bases([running.account_id for running, _ in plans])
        pairs = [(plan, stored.get(plan.target.account_id, UNREAD)) for _, plan in plans]
        reads = runtime.run(_read_all(pairs)) if plans else []
        for (running, plan), read in zip(plans, reads, strict=True):
            try:
                if isinstance(read, Voice360Error):
                    running.result = _failed(plan, read)
                elif isinstance(read, BaseException):
                    raise read
                else:
                    running.result = _store(plan, *read)
            except Exception as exc:
                crash(running, exc)
            finally:
                finish(running)
            batch.results[running.account_id] = running.result
    finally:
        batch.send()  # the finishes (and whatever started), even after an error
    return [batch.results[account_id] for account_id, _ in claims]


async def _read_all(plans: list[tuple[Plan, Base]]) -> list:
    """Each plan's (sent, availability, its base), or the exception its read met."""

    async def one(plan: Plan, base: Base):
        sent = time.time()
        account_id, api_key = plan.target.account_id, plan.route.api_key
        last = answers_of(base)
        return sent, await api_reads.read_availability(account_id, api_key, last), base

    return await asyncio.gather(*(one(*pair) for pair in plans), return_exceptions=True)


def _plan(target: PollTarget, started: float, early: bool = False, later=None) -> Plan:
    effective = budget.effective_interval(target.account_id)
    return plan_of(target, started, effective, early=early, later=later)


@sensitive_variables("plan", "route")
def _budget_wait(plan: Plan) -> PollResult | None:
    """None when the budget has room for this poll's two requests now, else when to try."""
    route = plan.route
    if plan.early:
        if budget.acquire_early(route.bucket, 2, route.share) > 0:
            return PollResult(Outcome.EARLY_DENIED, plan.started + plan.interval)
        return None
    return budget_wait(plan, budget.acquire(route.bucket, 2, route.share))


@sensitive_variables("plan", "route")
def _poll(plan: Plan) -> PollResult:
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
def _store(plan: Plan, sent: float, read: api_reads.Availability, base: Base) -> PollResult:
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


def _failed(plan: Plan, exc: Voice360Error) -> PollResult:
    return failures.failed(plan.target.account_id, plan.route, plan.interval, plan.started, exc)
