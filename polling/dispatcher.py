"""The dispatcher: one frequent beat tick that sends a poll task for each account that is due.

Each tick publishes the enabled accounts for the workers, plans every account's effective
interval within the rate budget (visible in `wb:poll:effective_interval`), and claims the
due accounts atomically, so duplicate beats never double a poll. Each poll task expires
after one effective interval: a task that could not start in time is dropped, not run late.
"""

import time
from collections.abc import Callable

from polling import budget, public_fallback, queue_config, schedule
from polling.targets import PollTarget, enabled_targets, publish_targets

# The beat entry in wallboard/celery.py runs dispatch() this often.
TICK_SECONDS = 1.0

# (account id, expires in seconds, countdown in seconds)
Enqueue = Callable[[int, float, float], None]


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


def dispatch(enqueue: Enqueue) -> list[int]:
    """One tick. Returns the account ids it sent a poll for."""
    targets = enabled_targets()
    publish_targets(targets)
    intervals = plan_effective_intervals(targets)
    schedule.sync_accounts(intervals)
    claimed = []
    lease = max(intervals.values(), default=1.0) + 5
    for account_id, wait in schedule.claim_due(lease=lease, lookahead=TICK_SECONDS):
        if account_id not in intervals:
            continue
        # Claimed accounts start their next lease now; the task re-leases when it starts.
        schedule.reschedule(account_id, time.time() + wait + intervals[account_id] + 5)
        enqueue(account_id, wait + max(1.0, intervals[account_id]), wait)
        claimed.append(account_id)
    return claimed
