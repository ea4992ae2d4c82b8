"""The Celery app: Redis is the broker, tasks are found in each Django app's tasks.py."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wallboard.settings")

app = Celery("wallboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    # A liveness beat: /healthz reads its timestamp to tell that beat and a worker run.
    "heartbeat": {"task": "monitoring.tasks.heartbeat", "schedule": 5.0, "options": {"expires": 5}},
    # One tick for all accounts (polling/dispatcher.py), not one entry per account.
    "dispatch-due-polls": {
        "task": "polling.tasks.dispatch_due_polls",
        "schedule": 1.0,  # polling.dispatcher.TICK_SECONDS
        "options": {"expires": 1.0},
    },
    # Each queue's last two 15-minute intervals (service/intervals.py), a minute after each
    # quarter hour: events of the interval's last seconds have arrived by then.
    "build-service-intervals": {
        "task": "service.tasks.build_intervals",
        "schedule": crontab(minute="1,16,31,46"),
        "options": {"expires": 600.0},
    },
    # Webhook events past WEBHOOK_RETENTION_DAYS (webhooks/retention.py), in batches.
    "purge-webhook-events": {
        "task": "webhooks.tasks.purge_old_events",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
}


@worker_process_init.connect
def _own_database_connections(**kwargs) -> None:
    """A forked child must not use what it inherited: the parent's connection and pool
    (PostgreSQL) are the parent's sockets, and the pool's threads did not survive the fork.
    Forgotten, not closed (closing would close them for the parent); the child opens its own."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.connection = None
        getattr(type(connection), "_connection_pools", {}).clear()
