"""Plain Redis counters until the Prometheus exporter (issue 7) reads them.

wb:metrics:polls                 outcome -> count (ok, unchanged, failed, busy, budget_wait)
wb:metrics:rejections            reason -> count (bad upstream data, by error type)
wb:metrics:rejections:<account>  reason -> count
"""

import redis

from wallboard.redis import get_redis


def count_poll(outcome: str, client: redis.Redis | None = None) -> None:
    (client or get_redis()).hincrby("wb:metrics:polls", outcome, 1)


def count_rejection(account_id: int, reason: str, client: redis.Redis | None = None) -> None:
    pipe = (client or get_redis()).pipeline(transaction=False)
    pipe.hincrby("wb:metrics:rejections", reason, 1)
    pipe.hincrby(f"wb:metrics:rejections:{account_id}", reason, 1)
    pipe.execute()


def read(name: str, client: redis.Redis | None = None) -> dict[str, int]:
    return {k: int(v) for k, v in (client or get_redis()).hgetall(f"wb:metrics:{name}").items()}
