"""What the workers need to poll an account, published to Redis by the dispatcher.

Workers read poll targets from Redis, not from the database, so a worker on another host
needs only the broker's Redis and FIELD_ENCRYPTION_KEY. The key stays encrypted here (the
same Fernet token as in the database) and is decrypted in the worker when it polls.
"""

from dataclasses import dataclass

import redis

from accounts import crypto
from accounts.models import Voice360Account
from wallboard.redis import generation as redis_generation
from wallboard.redis import get_redis, move_generation

GENERATION_KEY = "wb:poll:targets:generation"


def target_key(account_id: int) -> str:
    return f"wb:poll:target:{account_id}"


def generation(client: redis.Redis | None = None) -> str:
    """Moves on whenever an account is saved or deleted: the dispatchers plan anew."""
    return redis_generation(GENERATION_KEY, client)


def accounts_changed(client: redis.Redis | None = None) -> None:
    move_generation(GENERATION_KEY, client)


@dataclass(frozen=True)
class PollTarget:
    account_id: int
    name: str
    encrypted_key: str
    interval: float
    share: float

    @property
    def api_key(self) -> str | None:
        return crypto.decrypt(self.encrypted_key) if self.encrypted_key else None

    def __repr__(self) -> str:
        return f"PollTarget({self.account_id}, {self.name!r}, key={bool(self.encrypted_key)})"


def enabled_targets() -> list[PollTarget]:
    return [
        PollTarget(
            account_id=a.account_id,
            name=a.name,
            encrypted_key=a.api_key_encrypted,
            interval=a.poll_interval_seconds,
            share=a.budget_share,
        )
        for a in Voice360Account.objects.filter(enabled=True)
    ]


def publish_targets(targets: list[PollTarget], client: redis.Redis | None = None) -> None:
    pipe = (client or get_redis()).pipeline(transaction=False)
    for t in targets:
        pipe.hset(
            target_key(t.account_id),
            mapping={
                "name": t.name,
                "key": t.encrypted_key,
                "interval": t.interval,
                "share": t.share,
            },
        )
        # A target that stops being published (account disabled or deleted) fades out.
        pipe.expire(target_key(t.account_id), 3600)
    pipe.execute()


def load_target(account_id: int, client: redis.Redis | None = None) -> PollTarget | None:
    return parse_target(account_id, (client or get_redis()).hgetall(target_key(account_id)))


def parse_target(account_id: int, raw: dict[str, str]) -> PollTarget | None:
    """The target from its stored hash (None: the account is not polled)."""
    if not raw:
        return None
    return PollTarget(
        account_id=account_id,
        name=raw["name"],
        encrypted_key=raw["key"],
        interval=float(raw["interval"]),
        share=float(raw["share"]),
    )
