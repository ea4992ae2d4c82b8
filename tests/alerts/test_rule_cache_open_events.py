"""alerts.rule_cache: the open alerts of an account are read from the database once per change
of them, not on every poll, and every change (the engine's own, an acknowledgement, the
admin) is read at the next evaluation, in this process and in any other."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts import engine, rule_cache
from alerts.models import AlertEvent
from alerts.signals import alert_acknowledged
from tests.alerts.helpers import ACCOUNT, NOON_UTC, make_board, make_rule, open_event, snapshot

pytestmark = pytest.mark.django_db


def queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def evaluate(available: int = 0, now: float = NOON_UTC):
    return engine.evaluate(ACCOUNT, snapshot(sales_available=available), now)


def test_an_open_alert_that_stays_is_not_read_again(redis_client) -> None:
    make_rule(make_board())
    evaluate()  # opens the alert, and says so
    evaluate()  # reads the open alert once
    assert queries(evaluate) == 0
    assert queries(lambda: evaluate(now=NOON_UTC + 60)) == 0


def test_the_engines_own_changes_are_read_at_the_next_evaluation(redis_client) -> None:
    make_rule(make_board())
    [fired] = evaluate()
    assert evaluate(available=2) == []  # cleared
    assert AlertEvent.objects.get(pk=fired.id).cleared_at is not None
    [again] = evaluate()
    assert again.id != fired.id and AlertEvent.objects.open().count() == 1


def test_an_acknowledgement_is_read_by_every_process(redis_client) -> None:
    rule = make_rule(make_board())
    event = open_event(rule)
    [before] = evaluate()
    assert before.id == event.pk and before.acknowledged is False
    AlertEvent.objects.filter(pk=event.pk).update(acknowledged_at=dt.datetime.now(dt.UTC))
    alert_acknowledged.send(sender=AlertEvent, account_id=ACCOUNT)
    [after] = evaluate()
    assert after.acknowledged is True


def test_another_process_reads_again_when_the_generation_moved(redis_client) -> None:
    rule = make_rule(make_board())
    event = open_event(rule)
    evaluate()
    # Another process acknowledged it: this one only sees the generation move in Redis.
    AlertEvent.objects.filter(pk=event.pk).update(acknowledged_at=dt.datetime.now(dt.UTC))
    redis_client.incr(rule_cache.events_key(ACCOUNT))
    [after] = evaluate()
    assert after.acknowledged is True


def test_an_event_edited_or_deleted_elsewhere_is_read_again(redis_client) -> None:
    rule = make_rule(make_board())
    event = open_event(rule)
    evaluate()
    event.message = "edited in the admin"
    event.save()
    assert queries(evaluate) > 0
    event.delete()
    [reopened] = evaluate()
    assert reopened.id != event.pk
