"""alerts.engine.evaluate: each rule kind fires and clears, quiet hours, cooldown, races."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from alerts import engine
from alerts.models import AlertEvent, RuleKind
from tests.alerts.helpers import (
    ACCOUNT,
    NOON_UTC,
    SALES,
    SUPPORT,
    make_board,
    make_rule,
    snapshot,
    today,
)
from tests.boards.factories import queue_today

pytestmark = pytest.mark.django_db
HOOK = "https://hooks.example.com/services/T000/B000/secret"


def evaluate(snap, now=NOON_UTC):
    return engine.evaluate(ACCOUNT, snap, now)


def test_no_agent_ready_fires_for_the_queue_without_one_and_clears_when_one_returns() -> None:
    rule = make_rule(make_board())

    alerts = evaluate(snapshot(sales_available=0))

    assert [(a.queue_id, a.message, a.kind) for a in alerts] == [
        (SALES, "No agent ready in Sales", "no_agent_ready")
    ]
    event = AlertEvent.objects.get()
    assert (event.rule, event.queue_id, event.cleared_at) == (rule, SALES, None)
    assert alerts[0].id == event.pk and alerts[0].since == NOON_UTC

    assert evaluate(snapshot(sales_available=1), NOON_UTC + 10) == []
    event.refresh_from_db()
    assert event.cleared_at == dt.datetime.fromtimestamp(NOON_UTC + 10, dt.UTC)


def test_the_same_breach_judged_again_is_the_same_alert_not_a_new_one() -> None:
    make_rule(make_board())
    first = evaluate(snapshot(sales_available=0))
    second = evaluate(snapshot(sales_available=0), NOON_UTC + 2)
    assert first == second
    assert AlertEvent.objects.count() == 1


def test_a_rule_for_one_queue_judges_only_that_queue() -> None:
    make_rule(make_board(), queue_id=SUPPORT)
    assert evaluate(snapshot(sales_available=0)) == []
    assert [a.queue_id for a in evaluate(snapshot(support_available=0))] == [SUPPORT]


def test_a_rule_for_every_queue_covers_only_the_queues_its_board_shows() -> None:
    make_rule(make_board(queue_ids=[SUPPORT]))
    alerts = evaluate(snapshot(sales_available=0, support_available=0))
    assert [a.queue_id for a in alerts] == [SUPPORT]


def test_available_at_or_below_fires_at_the_threshold_and_not_above() -> None:
    make_rule(make_board(), RuleKind.AVAILABLE_AT_OR_BELOW, threshold=1)
    assert evaluate(snapshot(sales_available=2, support_available=2)) == []
    alerts = evaluate(snapshot(sales_available=1, support_available=0))
    assert [a.message for a in alerts] == [
        "Only 1 agent available in Sales (alert at ≤ 1)",
        "No agent available in Support (alert at ≤ 1)",
    ]


def test_abandons_above_fires_past_the_limit_with_the_count_in_the_message() -> None:
    make_rule(make_board(), RuleKind.ABANDONS_LAST_HOUR_ABOVE, threshold=2)
    at_limit = today(sales=queue_today(abandoned=9, abandoned_last_hour=2))
    assert evaluate(snapshot(today=at_limit)) == []

    over = today(sales=queue_today(abandoned=9, abandoned_last_hour=3))
    alerts = evaluate(snapshot(today=over))
    assert [(a.queue_id, a.message) for a in alerts] == [
        (SALES, "3 abandoned in the last hour in Sales (limit 2)")
    ]


def test_rules_on_webhook_counts_wait_while_there_are_none() -> None:
    make_rule(make_board(), RuleKind.ABANDONS_LAST_HOUR_ABOVE, threshold=0)
    make_rule(make_board("wall"), RuleKind.WAITING_LONGER_THAN, threshold=60)
    assert evaluate(snapshot(today=None)) == []
    assert not AlertEvent.objects.exists()

    fired = evaluate(snapshot(today=today(sales=queue_today(abandoned_last_hour=1))))
    assert len(fired) == 1
    # The counts vanish (webhook data gone): the open alert is kept as it was, not cleared.
    assert evaluate(snapshot(today=None), NOON_UTC + 5) == fired
    assert AlertEvent.objects.open().count() == 1


def test_waiting_longer_than_fires_once_the_oldest_caller_waited_past_the_limit() -> None:
    make_rule(make_board(), RuleKind.WAITING_LONGER_THAN, threshold=120)
    waiting = today(support=queue_today(oldest_waiting_since=NOON_UTC - 100))
    assert evaluate(snapshot(today=waiting)) == []

    alerts = evaluate(snapshot(today=waiting), NOON_UTC + 21)
    assert [(a.queue_id, a.message) for a in alerts] == [
        (SUPPORT, "A caller has waited over 2 min in Support")
    ]
    # The message does not tick with the wait: the snapshot stays the same poll after poll.
    assert evaluate(snapshot(today=waiting), NOON_UTC + 60) == alerts

    nobody_waiting = today(support=queue_today(oldest_waiting_since=None))
    assert evaluate(snapshot(today=nobody_waiting), NOON_UTC + 61) == []
    assert not AlertEvent.objects.open().exists()


def test_disabling_a_rule_closes_its_open_alert() -> None:
    rule = make_rule(make_board())
    evaluate(snapshot(sales_available=0))
    rule.enabled = False
    rule.save()
    assert evaluate(snapshot(sales_available=0), NOON_UTC + 2) == []
    assert AlertEvent.objects.get().cleared_at is not None


def test_an_acknowledged_alert_stays_but_stops_sounding() -> None:
    make_rule(make_board(), sound=True)
    [alert] = evaluate(snapshot(sales_available=0))
    assert alert.sound and not alert.acknowledged

    AlertEvent.objects.update(acknowledged_at=dt.datetime.fromtimestamp(NOON_UTC + 1, dt.UTC))
    [acked] = evaluate(snapshot(sales_available=0), NOON_UTC + 2)
    assert (acked.id, acked.acknowledged, acked.sound) == (alert.id, True, False)


def test_a_rule_without_sound_never_sounds() -> None:
    make_rule(make_board(), sound=False)
    [alert] = evaluate(snapshot(sales_available=0))
    assert alert.sound is False


# --- notifications: cooldown and quiet hours ---------------------------------------------------


def test_a_new_alert_is_announced_once_and_sends_one_webhook(
    django_capture_on_commit_callbacks,
) -> None:
    make_rule(make_board(), webhook_url=HOOK)
    with django_capture_on_commit_callbacks() as sent:
        evaluate(snapshot(sales_available=0))
        evaluate(snapshot(sales_available=0), NOON_UTC + 2)
    assert len(sent) == 1
    assert AlertEvent.objects.get().announced_at is not None


def test_a_rule_without_webhook_sends_nothing_but_still_sounds(
    django_capture_on_commit_callbacks,
) -> None:
    make_rule(make_board())
    with django_capture_on_commit_callbacks() as sent:
        [alert] = evaluate(snapshot(sales_available=0))
    assert sent == [] and alert.sound


def test_a_new_breach_within_the_cooldown_shows_without_sound_or_webhook(
    django_capture_on_commit_callbacks,
) -> None:
    make_rule(make_board(), webhook_url=HOOK, cooldown_seconds=300)
    with django_capture_on_commit_callbacks() as sent:
        evaluate(snapshot(sales_available=0))  # announced at noon
        evaluate(snapshot(sales_available=1), NOON_UTC + 60)  # cleared
        [again] = evaluate(snapshot(sales_available=0), NOON_UTC + 299)
    assert len(sent) == 1
    assert again.sound is False and again.message == "No agent ready in Sales"
    assert AlertEvent.objects.get(pk=again.id).repeat is True
    # A repeat stays silent for as long as it lasts.
    assert evaluate(snapshot(sales_available=0), NOON_UTC + 400)[0].sound is False


def test_a_new_breach_after_the_cooldown_is_announced_again(
    django_capture_on_commit_callbacks,
) -> None:
    make_rule(make_board(), webhook_url=HOOK, cooldown_seconds=300)
    with django_capture_on_commit_callbacks() as sent:
        evaluate(snapshot(sales_available=0))
        evaluate(snapshot(sales_available=1), NOON_UTC + 60)
        [again] = evaluate(snapshot(sales_available=0), NOON_UTC + 301)
    assert len(sent) == 2
    assert again.sound is True


def test_the_cooldown_is_per_queue(django_capture_on_commit_callbacks) -> None:
    make_rule(make_board(), webhook_url=HOOK, cooldown_seconds=300)
    with django_capture_on_commit_callbacks() as sent:
        evaluate(snapshot(sales_available=0))
        alerts = evaluate(snapshot(sales_available=0, support_available=0), NOON_UTC + 5)
    assert len(sent) == 2
    assert [a.sound for a in alerts] == [True, True]


@pytest.mark.parametrize(
    ("start", "end", "local", "quiet"),
    [
        ("12:00", "14:00", "13:00", True),
        ("12:00", "14:00", "12:00", True),
        ("12:00", "14:00", "14:00", False),
        ("12:00", "14:00", "11:59", False),
        ("22:00", "06:00", "23:30", True),  # wraps midnight
        ("22:00", "06:00", "00:00", True),
        ("22:00", "06:00", "05:59", True),
        ("22:00", "06:00", "06:00", False),
        ("22:00", "06:00", "21:59", False),
        ("22:00", "06:00", "13:00", False),
    ],
)
def test_quiet_hours_cover_their_window_even_across_midnight(start, end, local, quiet) -> None:
    rule = make_rule(
        make_board(),
        quiet_hours_start=dt.time.fromisoformat(start),
        quiet_hours_end=dt.time.fromisoformat(end),
    )
    assert rule.in_quiet_hours(dt.time.fromisoformat(local)) is quiet


def test_quiet_hours_are_in_the_accounts_time_zone(django_capture_on_commit_callbacks) -> None:
    # Noon UTC is 13:00 in Berlin: inside 12:30-13:30 there, outside it in UTC.
    board = make_board(tz="Europe/Berlin")
    window = {"quiet_hours_start": dt.time(12, 30), "quiet_hours_end": dt.time(13, 30)}
    make_rule(board, webhook_url=HOOK, **window)
    with django_capture_on_commit_callbacks() as sent:
        [alert] = evaluate(snapshot(sales_available=0))
    assert sent == [] and alert.sound is False


def test_an_alert_fired_in_quiet_hours_flashes_silently_and_is_announced_when_they_end(
    django_capture_on_commit_callbacks,
) -> None:
    # Quiet from 22:00 to 06:00 Berlin (wrapping midnight); 23:30 Berlin is 22:30 UTC.
    board = make_board(tz="Europe/Berlin")
    make_rule(board, webhook_url=HOOK, quiet_hours_start=dt.time(22), quiet_hours_end=dt.time(6))
    night = dt.datetime(2027, 1, 15, 22, 30, tzinfo=dt.UTC).timestamp()
    with django_capture_on_commit_callbacks() as sent:
        [alert] = evaluate(snapshot(sales_available=0), night)
        assert alert.sound is False and sent == []
        assert AlertEvent.objects.get().announced_at is None
        # 05:59 Berlin: still quiet.
        assert evaluate(snapshot(sales_available=0), night + 6 * 3600 + 29 * 60)[0].sound is False
        # 06:00 Berlin: the breach still holds, so it is announced now.
        [morning] = evaluate(snapshot(sales_available=0), night + 6.5 * 3600)
    assert morning.id == alert.id and morning.sound is True
    assert len(sent) == 1


def test_an_alert_acknowledged_during_quiet_hours_is_not_announced_after_them(
    django_capture_on_commit_callbacks,
) -> None:
    make_rule(
        make_board(), webhook_url=HOOK, quiet_hours_start=dt.time(11), quiet_hours_end=dt.time(13)
    )
    with django_capture_on_commit_callbacks() as sent:
        evaluate(snapshot(sales_available=0))
        AlertEvent.objects.update(acknowledged_at=dt.datetime.fromtimestamp(NOON_UTC, dt.UTC))
        [after] = evaluate(snapshot(sales_available=0), NOON_UTC + 3601)
    assert sent == [] and after.sound is False and after.acknowledged is True


def test_an_announced_alert_falls_silent_when_quiet_hours_begin() -> None:
    make_rule(make_board(), quiet_hours_start=dt.time(12, 1), quiet_hours_end=dt.time(13))
    [before] = evaluate(snapshot(sales_available=0))
    [during] = evaluate(snapshot(sales_available=0), NOON_UTC + 90)
    assert before.sound is True and during.sound is False and during.id == before.id


# --- two workers at once ----------------------------------------------------------------------


def test_a_worker_that_missed_the_open_alert_takes_it_instead_of_opening_a_second(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    make_rule(make_board(), webhook_url=HOOK)
    with django_capture_on_commit_callbacks() as sent:
        [first] = evaluate(snapshot(sales_available=0))
        # The second worker read the open alerts before the first one wrote its row.
        monkeypatch.setattr(engine, "_open_events", lambda account_id: {})
        [second] = evaluate(snapshot(sales_available=0), NOON_UTC + 0.5)
    assert second.id == first.id
    assert AlertEvent.objects.count() == 1
    assert len(sent) == 1  # announced once


def test_service_level_below_judges_the_boards_window_and_names_the_limit() -> None:
    make_rule(make_board(service_window_minutes=15), RuleKind.SERVICE_LEVEL_BELOW, threshold=80)
    good = queue_today(answered=4, within=4)
    good = good.model_copy(update={"recent": {**good.recent, 15: good.service}})
    assert evaluate(snapshot(today=today(sales=good))) == []

    slipping = queue_today(answered=4, within=4)  # fine today, 1 of 4 in the last 15 min
    recent = slipping.service.model_copy(update={"window": "15m", "answered_within_threshold": 1})
    slipping = slipping.model_copy(update={"recent": {**slipping.recent, 15: recent}})
    alerts = evaluate(snapshot(today=today(sales=slipping)))
    assert [(a.queue_id, a.message) for a in alerts] == [
        (SALES, "Service level below 80 % in Sales")
    ]
    # No call in the window: nothing to judge on, so nothing fires.
    assert evaluate(snapshot(today=today(sales=queue_today())), NOON_UTC + 5) == []


def test_calls_waiting_above_uses_the_events_or_else_the_polls_estimate() -> None:
    make_rule(make_board(), RuleKind.CALLS_WAITING_ABOVE, threshold=2)
    assert evaluate(snapshot(today=today(sales=queue_today(calls_waiting=2)))) == []
    alerts = evaluate(snapshot(today=today(sales=queue_today(calls_waiting=3))))
    assert [(a.queue_id, a.message) for a in alerts] == [(SALES, "More than 2 waiting in Sales")]
    # Without webhooks: active_calls - agents_on_call (the helpers' queues: 1 - 1 = 0).
    assert evaluate(snapshot(today=None), NOON_UTC + 5) == []


def test_a_service_level_rule_needs_a_percentage() -> None:
    with pytest.raises(ValidationError):
        make_rule(make_board(), RuleKind.SERVICE_LEVEL_BELOW, threshold=120)
