"""A poll between its start and its finish: the account's lock and lease taken, and the one
round trip that reschedules the account, releases the lock and logs the poll.

`start_all` starts a dispatcher step's polls together (poller.poll_due): the targets, the
modes and the effective intervals in one round trip for the step, the locks and leases in a
second, the budget in a third; six round trips per account before. Their finishes share one
pipeline too, sent once the step's polls are stored (`Batch.send`).
"""

import logging
import random
import time
from dataclasses import dataclass, field

import redis
from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from polling import budget, failures, metrics, public_fallback, schedule
from polling.outcome import Outcome, PollResult
from polling.public_fallback import Route, mode_key
from polling.targets import PollTarget, load_target, parse_target, target_key
from snapshots import store
from wallboard.redis import get_redis

logger = logging.getLogger("polling.poller")


@dataclass(frozen=True)
class Plan:
    target: PollTarget
    route: Route
    interval: float
    started: float
    early: bool = False
    # The poll's writes that need no answer, sent with its finish (`finish`) in one round trip.
    later: redis.client.Pipeline | None = None


def plan_of(
    target: PollTarget,
    started: float,
    effective: float | None,
    *,
    early: bool = False,
    later: redis.client.Pipeline | None = None,
    mode_state: dict[str, str] | None = None,
) -> Plan:
    """The poll's route and interval: the planned (`effective`) one, else the account's."""
    route = public_fallback.choose_route(target, started, mode_state=mode_state)
    return Plan(target, route, effective or target.interval, started, early, later)


def budget_wait(plan: Plan, wait: float) -> PollResult | None:
    """None when the budget granted the poll (`wait` 0), else when to try again."""
    if wait > 0:
        return PollResult(Outcome.BUDGET_WAIT, plan.started + wait + random.uniform(0, 0.25))
    return None


def lock_ttl() -> float:
    # Two sequential rounds of requests (reads, then the config refresh), each bounded.
    return 2 * float(settings.VOICE360_TIMEOUT_SECONDS) + 5


@dataclass
class Running:
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
    sent_later: bool = True  # False: the caller sends `later` (a Batch)


def start(account_id: int, early: bool, started: float, wait: float = 0.0):
    """The account's lock, and the dispatchers kept off it: a Running, or the PollResult of
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
    running = Running(account_id, target, token, started, early, regular_due, result)
    # Keep dispatchers off this account while it runs, however long that takes.
    schedule.reschedule(account_id, started + lock_ttl())
    return running


def finish(running: Running) -> None:
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
    if running.sent_later:
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


def crash(running: Running, exc: Exception) -> None:
    # Whatever it was, the account's health says so ("Current error" on its boards and
    # admin page) and the account stays on its schedule, backed off.
    logger.exception("poll crashed account=%s mode=%s", running.account_id, running.mode)
    running.result = failures.crashed(running.account_id, exc, running.target.interval)


class Batch:
    """The polls of one dispatcher step: started together, finished on one pipeline."""

    def __init__(self) -> None:
        self.later = get_redis().pipeline(transaction=False)
        self.results: dict[int, PollResult] = {}  # of the polls that ended before their reads

    def send(self) -> None:
        """Every finish of the step, in order, in one round trip."""
        self.later.execute()

    def _end(self, running: Running) -> None:
        """A poll that ends before its reads, with the result it has."""
        finish(running)
        self.results[running.account_id] = running.result

    @sensitive_variables("targets", "ready")
    def start_all(self, claims: list[tuple[int, float]], now: float) -> list[tuple[Running, Plan]]:
        """The polls of `claims` (account id, seconds from `now` it is due) that may read the
        API now, each with its plan; the others' results are in `results`."""
        r = get_redis()
        reads = r.pipeline(transaction=False)
        for account_id, _wait in claims:
            reads.hgetall(target_key(account_id))
            reads.hgetall(mode_key(account_id))
            reads.hget(budget.EFFECTIVE_INTERVALS_KEY, str(account_id))
        stored = reads.execute()
        locks = r.pipeline(transaction=False)
        targets = []
        for i, (account_id, wait) in enumerate(claims):
            target = parse_target(account_id, stored[3 * i])
            if target is None:
                self.results[account_id] = PollResult(Outcome.GONE, 0.0)
                continue
            started = now + wait
            lease = started + lock_ttl()  # the dispatchers kept off it while it runs
            token = schedule.queue_lock_and_lease(account_id, lock_ttl() + wait, lease, locks)
            targets.append((target, token, started, stored[3 * i + 1], stored[3 * i + 2]))
        taken = locks.execute() if targets else []
        budgets = r.pipeline(transaction=False)
        ready = []
        for (target, token, started, mode_state, interval), ok in zip(targets, taken, strict=True):
            if not int(ok):
                metrics.count_poll(Outcome.BUSY, pipe=self.later)
                self.results[target.account_id] = PollResult(Outcome.BUSY, 0.0)
                continue
            result = PollResult(Outcome.FAILED, started + target.interval)
            running = Running(target.account_id, target, token, started, False, None, result)
            running.later, running.sent_later = self.later, False
            effective = budget.interval_of(interval)
            try:
                plan = plan_of(target, started, effective, later=self.later, mode_state=mode_state)
            except Exception as exc:
                crash(running, exc)
                self._end(running)
                continue
            running.mode = plan.route.mode.source
            budget.queue_acquire(plan.route.bucket, 2, plan.route.share, budgets)
            ready.append((running, plan))
        waits = budgets.execute(raise_on_error=False) if ready else []
        allowed = []
        for (running, plan), wait in zip(ready, waits, strict=True):
            if isinstance(wait, Exception):
                crash(running, wait)
                self._end(running)
            elif (waiting := budget_wait(plan, float(wait))) is not None:
                running.result = waiting
                self._end(running)
            else:
                allowed.append((running, plan))
        return allowed
