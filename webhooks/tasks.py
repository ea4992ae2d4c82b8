from celery import shared_task

from webhooks import retention


@shared_task
def purge_old_events() -> int:
    """Hourly (wallboard/celery.py): drop events past WEBHOOK_RETENTION_DAYS."""
    return retention.purge()
