"""The dispatcher's plan (the enabled accounts and their effective intervals) is made once
per PLAN_EVERY_SECONDS or when an account changes, not on every tick."""

import pytest

from accounts.models import Voice360Account
from polling import dispatcher, schedule
from tests.polling.helpers import add_account

pytestmark = pytest.mark.django_db


def scheduled(redis_client) -> set[int]:
    return {int(m) for m in redis_client.zrange(schedule.DUE_KEY, 0, -1)}


def test_a_saved_account_is_planned_at_the_next_tick(
    wallboard, redis_client, django_capture_on_commit_callbacks
):
    add_account(61)
    assert set(dispatcher.current_plan(now=0.0)) == {61}
    with django_capture_on_commit_callbacks(execute=True):
        add_account(62)
    assert set(dispatcher.current_plan(now=0.1)) == {61, 62}
    assert scheduled(redis_client) == {61, 62}
    with django_capture_on_commit_callbacks(execute=True):
        Voice360Account.objects.get(account_id=62).delete()
    assert set(dispatcher.current_plan(now=0.2)) == {61}
    assert scheduled(redis_client) == {61}


def test_between_changes_the_plan_is_kept_until_it_is_due_again(wallboard, redis_client):
    add_account(61)
    assert set(dispatcher.current_plan(now=100.0)) == {61}
    # A change the signals do not see (a bulk update): planned again at the latest after
    # PLAN_EVERY_SECONDS.
    Voice360Account.objects.filter(account_id=61).update(enabled=False)
    assert set(dispatcher.current_plan(now=100.0 + dispatcher.PLAN_EVERY_SECONDS - 0.1)) == {61}
    assert dispatcher.current_plan(now=100.0 + dispatcher.PLAN_EVERY_SECONDS) == {}


def test_a_redis_that_lost_everything_gets_a_new_plan_at_once(wallboard, redis_client):
    add_account(61)
    dispatcher.current_plan(now=0.0)
    redis_client.flushdb()  # a restarted, empty Redis: the schedule is gone
    assert set(dispatcher.current_plan(now=0.1)) == {61}
    assert scheduled(redis_client) == {61}
