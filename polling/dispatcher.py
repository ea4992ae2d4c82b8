"""The dispatcher: one frequent beat tick that sends the workers the accounts that are due.

Each tick claims the due accounts atomically, so duplicate beats never double a poll, and
sends them to the workers as one task (polling/tasks.py `poll_due_accounts`): the tick's
polls share its cost to the broker. The task expires after the shortest effective
interval among them: a task that could not start in time is dropped, not run late, and its
accounts are claimed again when their lease ends (their interval + 5 s).

The plan the claims follow (the enabled accounts, published for the workers; every
account's effective interval within the rate budget, visible in `wb:poll:effective_interval`)
costs a few Redis round trips per account, so a process makes it anew only every
PLAN_EVERY_SECONDS, or at the next tick after an account changed (the targets' generation
moved, polling/targets.py); the polls themselves check the budget as they go.
"""

import time
from collections.abc import Callable
from typing import Any, NamedTuple

from polling import budget, public_fallback, queue_config, schedule, targets
from polling.targets import PollTarget, enabled_targets, publish_targets

# The beat entry in wallboard/celery.py runs dispatch() this often.
TICK_SECONDS = 1.0
PLAN_EVERY_SECONDS = 10.0

# This process's last plan: when (monotonic), for which generation of the targets.
_plan: dict[str, Any] = {"at": None, "generation": None, "intervals": {}}


class Claim(NamedTuple):
    account_id: int
    expires: float  # seconds from now
    wait: float  # seconds from now until the poll is due


Enqueue = Callable[[list[Claim]], None]


def planned_account(target: PollTarget, now: float) -> budget.PlannedAccount:
    route = public_fallback.choose_route(target, now)
    queues = len(queue_config.load(target.account_id).configs) or 2
    return budget.PlannedAccount(
        account_id=target.account_id,
        bucket=route.bucket,
        interval=target.interval,
        share=route.share,
        requests_per_poll=budget.requests_per_poll(target.interval, queues),
    )


def plan_effective_intervals(targets: list[PollTarget]) -> dict[int, float]:
    now = time.time()
    planned = [planned_account(t, now) for t in targets]
    intervals = budget.plan_intervals(planned)
    budget.store_effective_intervals(intervals)
    budget.store_planned(budget.planned_demand(planned, intervals))
    budget.store_limits({p.bucket: budget.bucket_limit(p.bucket, p.share) for p in planned})
    return intervals


def current_plan(now: float | None = None) -> dict[int, float]:
    """The effective interval of every enabled account: this process's plan while it is
    recent and no account changed since, else a new one."""
    now = time.monotonic() if now is None else now
    generation = targets.generation()
    made_at = _plan["at"]
    if made_at is None or now - made_at >= PLAN_EVERY_SECONDS or generation != _plan["generation"]:
        enabled = enabled_targets()
        publish_targets(enabled)
        intervals = plan_effective_intervals(enabled)
        schedule.sync_accounts(intervals)
        _plan.update(at=now, generation=generation, intervals=intervals)
    return _plan["intervals"]


def forget_plan() -> None:
    """The next tick plans anew (tests; a process that changed the accounts itself)."""
    _plan.update(at=None, generation=None, intervals={})


def dispatch(enqueue: Enqueue) -> list[int]:
    """One tick. Returns the account ids it sent a poll for."""
    intervals = current_plan()
    claims = []
    lease = max(intervals.values(), default=1.0) + 5
    for account_id, wait in schedule.claim_due(lease=lease, lookahead=TICK_SECONDS):
        if account_id not in intervals:
            continue
        # Claimed accounts start their next lease now; the task re-leases when it starts.
        schedule.reschedule(account_id, time.time() + wait + intervals[account_id] + 5)
        claims.append(Claim(account_id, wait + max(1.0, intervals[account_id]), wait))
    if claims:
        enqueue(claims)
    return [c.account_id for c in claims]
