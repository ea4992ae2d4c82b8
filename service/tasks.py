import time

from celery import shared_task

from service import intervals


@shared_task
def build_intervals() -> int:
    """After each quarter hour (wallboard/celery.py): the last two intervals of every
    account, and the purge past SERVICE_HISTORY_DAYS. Returns the rows built."""
    return intervals.build_recent(time.time())
