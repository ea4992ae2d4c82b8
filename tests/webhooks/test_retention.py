"""Events older than WEBHOOK_RETENTION_DAYS are purged, in batches, by the beat task and
by `manage.py purge_webhook_events`."""

import time

from django.core.management import call_command

from tests.webhooks.helpers import store_event
from wallboard.celery import app
from webhooks import retention
from webhooks.models import WebhookEvent
from webhooks.tasks import purge_old_events

DAY = 86400


def test_it_deletes_only_events_past_retention_in_batches(receiver, settings):
    settings.WEBHOOK_RETENTION_DAYS = 30
    now = time.time()
    for days in (40, 35, 31):
        store_event(receiver, "USER_DIAL", now - days * DAY)
    kept = store_event(receiver, "USER_DIAL", now - 29 * DAY)
    assert retention.purge(now, batch_size=2) == 3
    assert list(WebhookEvent.objects.all()) == [kept]


def test_the_beat_task_and_the_command_purge(receiver, settings, capsys):
    settings.WEBHOOK_RETENTION_DAYS = 7
    store_event(receiver, "USER_DIAL", time.time() - 8 * DAY)
    assert purge_old_events.apply().get() == 1
    store_event(receiver, "USER_DIAL", time.time() - 9 * DAY)
    call_command("purge_webhook_events")
    assert "Deleted 1 webhook event(s) older than 7 day(s)." in capsys.readouterr().out
    assert WebhookEvent.objects.count() == 0


def test_beat_runs_the_purge_hourly():
    entry = app.conf.beat_schedule["purge-webhook-events"]
    assert entry["task"] == purge_old_events.name
    assert entry["schedule"] == 3600.0
