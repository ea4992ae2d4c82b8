"""Alert rules validate with sentences an admin understands; webhook URLs are kept encrypted."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from alerts.models import AlertEvent, AlertRule, RuleKind
from tests.alerts.helpers import SALES, SUPPORT, make_board, make_rule

pytestmark = pytest.mark.django_db
HOOK = "https://hooks.slack.com/services/T000/B000/XXXXsecret1234"


def errors_of(**fields) -> dict[str, list[str]]:
    board = fields.pop("board", None) or make_board()
    rule = AlertRule(board=board, **fields)
    with pytest.raises(ValidationError) as raised:
        rule.full_clean()
    return raised.value.message_dict


def test_a_rule_with_a_number_needs_one() -> None:
    errors = errors_of(kind=RuleKind.ABANDONS_LAST_HOUR_ABOVE)
    assert errors["threshold"] == ["“Abandoned in the last hour above N” needs a number N."]


def test_no_agent_ready_takes_no_number() -> None:
    errors = errors_of(kind=RuleKind.NO_AGENT_READY, threshold=3)
    assert errors["threshold"] == ["“No agent ready” takes no number; leave it empty."]


def test_quiet_hours_need_both_ends_and_two_different_times() -> None:
    board = make_board()
    one_end = errors_of(board=board, kind=RuleKind.NO_AGENT_READY, quiet_hours_start=dt.time(22))
    assert one_end["quiet_hours_end"] == ["Give both ends of the quiet hours, or neither."]
    same = errors_of(
        board=board,
        kind=RuleKind.NO_AGENT_READY,
        quiet_hours_start=dt.time(22),
        quiet_hours_end=dt.time(22),
    )
    assert same["quiet_hours_end"] == ["Quiet hours must end at another time than they start."]


def test_a_queue_the_board_does_not_show_is_refused() -> None:
    board = make_board(queue_ids=[SUPPORT])
    errors = errors_of(board=board, kind=RuleKind.NO_AGENT_READY, queue_id=SALES)
    assert errors["queue_id"] == [f"The board does not show queue {SALES} (it shows {SUPPORT})."]


def test_the_webhook_url_is_stored_encrypted_with_a_hint_only() -> None:
    rule = make_rule(make_board(), webhook_url=HOOK)
    stored = AlertRule.objects.get(pk=rule.pk)
    assert HOOK not in stored.webhook_url_encrypted
    assert stored.webhook_url == HOOK
    assert stored.webhook_url_hint == "https://hooks.slack.com/…1234"
    assert HOOK not in repr(stored) and HOOK not in str(stored)


def test_the_database_keeps_one_open_alert_per_rule_and_queue() -> None:
    rule = make_rule(make_board())
    now = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    fields = {"rule": rule, "board": rule.board, "kind": rule.kind, "message": "m"}
    AlertEvent.objects.create(queue_id=SALES, fired_at=now, **fields)
    AlertEvent.objects.create(queue_id=SUPPORT, fired_at=now, **fields)
    AlertEvent.objects.create(queue_id=SALES, fired_at=now, cleared_at=now, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertEvent.objects.create(queue_id=SALES, fired_at=now, **fields)
