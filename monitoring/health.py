"""What /healthz checks: can this deployment serve fresh data right now?

Redis and the database answer, beat and a worker run (the heartbeat task is recent), and
every enabled account had a good poll lately. One small database query and one Redis
pipeline, so a load balancer may ask every few seconds.
"""

import time
from dataclasses import asdict, dataclass

import redis
from django.db import DatabaseError

from accounts.models import Voice360Account
from monitoring.tasks import HEARTBEAT_KEY
from polling.public_fallback import mode_key
from snapshots import freshness
from wallboard.redis import get_redis

# The heartbeat runs every 5 s (wallboard/celery.py): six missed beats mean beat or every
# worker is down.
HEARTBEAT_MAX_AGE_SECONDS = 30.0
# An account is unhealthy when its data is stale (snapshots/freshness.py), but never sooner
# than this: a probe must not flap with a 2 s interval and one slow poll.
STALE_FLOOR_SECONDS = 30.0


@dataclass(frozen=True)
class EnabledAccount:
    account_id: int
    interval: float
    has_key: bool


@dataclass(frozen=True)
class AccountHealth:
    account_id: int
    age_seconds: float | None  # since the last good poll; None before the first
    fresh: bool
    mode: str  # "key" or "public"
    consecutive_failures: int


def enabled_accounts() -> list[EnabledAccount] | None:
    """The enabled accounts, or None when the database does not answer."""
    try:
        rows = (
            Voice360Account.objects.filter(enabled=True)
            .order_by("account_id")
            .values_list("account_id", "poll_interval_seconds", "api_key_encrypted")
        )
        return [EnabledAccount(a, float(i), bool(k)) for a, i, k in rows]
    except DatabaseError:
        return None


def _read_redis(accounts: list[EnabledAccount]) -> list | None:
    try:
        pipe = get_redis().pipeline(transaction=False)
        pipe.get(HEARTBEAT_KEY)
        for a in accounts:
            freshness.queue_reads(pipe, a.account_id)
            pipe.hmget(mode_key(a.account_id), "retry_at", "fingerprint")
        return pipe.execute()
    except redis.RedisError:
        return None


def _account_health(account: EnabledAccount, raw: list, now: float) -> AccountHealth:
    snapshot, health, (key_retry_at, _) = raw
    fresh = freshness.parse(snapshot, health)
    age = round(now - fresh.fetched_at, 1) if fresh.fetched_at else None
    limit = max(STALE_FLOOR_SECONDS, fresh.stale_after(account.interval))
    # Public mode: no key, or the key was rejected and is not due for another try yet.
    keyed = account.has_key and not (key_retry_at and float(key_retry_at) > now)
    return AccountHealth(
        account_id=account.account_id,
        age_seconds=age,
        fresh=age is not None and age <= limit,
        mode="key" if keyed else "public",
        consecutive_failures=int(health[1] or 0),
    )


def check() -> tuple[bool, dict]:
    """(healthy, the report /healthz answers with)."""
    now = time.time()
    accounts = enabled_accounts()
    raw = _read_redis(accounts or [])
    heartbeat_age = round(now - float(raw[0]), 1) if raw and raw[0] else None
    report: dict = {
        "redis": raw is not None,
        "database": accounts is not None,
        "worker_heartbeat_age_seconds": heartbeat_age,
        "worker_alive": heartbeat_age is not None and heartbeat_age <= HEARTBEAT_MAX_AGE_SECONDS,
        "accounts": [],
    }
    if raw is not None and accounts is not None:
        report["accounts"] = [
            asdict(_account_health(a, raw[1 + 3 * i : 4 + 3 * i], now))
            for i, a in enumerate(accounts)
        ]
    healthy = (
        report["redis"]
        and report["database"]
        and report["worker_alive"]
        and all(a["fresh"] for a in report["accounts"])
    )
    return healthy, {"ok": healthy, **report}
