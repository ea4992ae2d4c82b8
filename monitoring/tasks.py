import time

from celery import shared_task

from wallboard.redis import get_redis

HEARTBEAT_KEY = "wallboard:heartbeat"


@shared_task(ignore_result=True)
def heartbeat() -> None:
    get_redis().set(HEARTBEAT_KEY, f"{time.time():.3f}", ex=60)
