"""Per-queue service targets: the admin edits them by queue name, and a new target counts
every call of the day again with it."""

import time

from service.models import ServiceTarget
from service.today import today_counts
from snapshots import store
from snapshots.models import Snapshot
from tests.boards.factories import queue
from tests.service.helpers import QUEUE, stored
from tests.webhooks.helpers import at

NOW = at("2026-11-28 12:00:00")


def answered_after(receiver, call_id: str, seconds: int) -> None:
    stored(receiver, "INCOMING_EXTERNAL_CALL", NOW - 600, call_id=call_id)
    stored(receiver, "USER_ANSWER", NOW - 600 + seconds, call_id=call_id)


def test_a_new_target_judges_the_days_calls_again(receiver, django_capture_on_commit_callbacks):
    answered_after(receiver, "fast", 10)
    answered_after(receiver, "slow", 25)
    account_id = receiver.account.account_id
    level = today_counts(account_id, NOW).queues[QUEUE].service
    assert (level.threshold_seconds, level.answered_within_threshold, level.percent) == (20, 1, 50)
    with django_capture_on_commit_callbacks(execute=True):
        ServiceTarget.objects.create(
            account=receiver.account, queue_id=QUEUE, threshold_seconds=30, target_percent=90
        )
    level = today_counts(account_id, NOW).queues[QUEUE].service
    assert (level.threshold_seconds, level.target_percent, level.percent) == (30, 90.0, 100)


def test_the_admin_picks_the_queue_by_name(admin_client, receiver):
    snapshot = Snapshot(account_id=61, source="key", agents=[], queues=[queue(QUEUE, "Support")])
    store.write_snapshot(61, snapshot, time.time(), expected_version=0, changed=True)
    page = admin_client.get(f"/admin/accounts/voice360account/{receiver.account.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Service targets" in html
    assert f'<option value="{QUEUE}">Support ({QUEUE})</option>' in html
