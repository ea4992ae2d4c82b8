"""Queue configuration and members, refreshed every few minutes and when a queue appears.

Cached per account in `wb:poll:queues:<account>` (JSON): the /queues answer, the members of
each queue (from /queues/{id}, key only), the source it was read with, and when.
"""

import json
import time
from dataclasses import dataclass, field

import redis
from django.conf import settings

from voice360.models import Queue
from wallboard.redis import get_redis


def cache_key(account_id: int) -> str:
    return f"wb:poll:queues:{account_id}"


@dataclass
class QueueConfigCache:
    configs: dict[int, Queue] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)
    source: str | None = None
    refreshed_at: float = 0.0

    def needs_refresh(self, queue_ids: set[int], source: str, now: float) -> bool:
        return (
            source != self.source
            or not queue_ids <= self.configs.keys()
            or now - self.refreshed_at >= float(settings.POLL_CONFIG_REFRESH_SECONDS)
        )


def load(account_id: int, client: redis.Redis | None = None) -> QueueConfigCache:
    raw = (client or get_redis()).get(cache_key(account_id))
    if not raw:
        return QueueConfigCache()
    data = json.loads(raw)
    return QueueConfigCache(
        configs={int(k): Queue.model_validate(v) for k, v in data["configs"].items()},
        members={int(k): v for k, v in data["members"].items()},
        source=data["source"],
        refreshed_at=data["refreshed_at"],
    )


def save(account_id: int, cache: QueueConfigCache, client: redis.Redis | None = None) -> None:
    data = {
        "configs": {str(k): v.model_dump(by_alias=True) for k, v in cache.configs.items()},
        "members": {str(k): v for k, v in cache.members.items()},
        "source": cache.source,
        "refreshed_at": cache.refreshed_at or time.time(),
    }
    (client or get_redis()).set(cache_key(account_id), json.dumps(data), ex=86400)
