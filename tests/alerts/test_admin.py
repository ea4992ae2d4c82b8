"""Alert rules in the Board admin (webhook URL write-only) and the read-only history."""

import pytest

from alerts.forms import AlertRuleForm
from alerts.models import AlertEvent, AlertRule
from boards.models import Board
from tests.alerts.helpers import SALES, make_board, make_rule, open_event
from tests.boards.test_admin_composer import board_data, management

pytestmark = pytest.mark.django_db
HOOK = "https://hooks.slack.com/services/T000/B000/XXXXsecretABCD"


def form(board, **data) -> AlertRuleForm:
    values = {"kind": "no_agent_ready", "cooldown_seconds": 300, "enabled": "on"} | data
    return AlertRuleForm(data=values, instance=AlertRule(board=board))


def test_the_form_stores_the_webhook_encrypted_and_keeps_it_when_left_empty() -> None:
    board = make_board()
    created = form(board, webhook_url=HOOK)
    assert created.is_valid(), created.errors
    rule = created.save()
    assert rule.webhook_url == HOOK and HOOK not in rule.webhook_url_encrypted

    edited = AlertRuleForm(
        data={"kind": "no_agent_ready", "cooldown_seconds": 60, "webhook_url": ""}, instance=rule
    )
    assert edited.is_valid(), edited.errors
    assert edited.save().webhook_url == HOOK


def test_the_form_refuses_plain_http_with_a_sentence(settings) -> None:
    settings.ALERT_WEBHOOK_ALLOW_HTTP = False
    bad = form(make_board(), webhook_url="http://hooks.example.com/x")
    assert not bad.is_valid()
    assert bad.errors["webhook_url"] == [
        "The webhook URL must start with https:// and name a host."
    ]


def test_the_form_explains_a_missing_threshold() -> None:
    bad = form(make_board(), kind="available_at_or_below")
    assert not bad.is_valid()
    assert bad.errors["threshold"] == ["“Available agents at or below N” needs a number N."]


def test_the_board_admin_shows_the_rules_with_a_hint_never_the_url(admin_client) -> None:
    board = make_board()
    make_rule(board, label="Sales unstaffed", webhook_url=HOOK)
    page = admin_client.get(f"/admin/boards/board/{board.pk}/change/").content.decode()
    assert "Sales unstaffed" in page
    assert "https://hooks.slack.com/…ABCD" in page
    assert "XXXXsecret" not in page


def test_the_alert_history_admin_lists_events_read_only(admin_client) -> None:
    board = make_board()
    open_event(make_rule(board))
    page = admin_client.get("/admin/alerts/alertevent/")
    assert page.status_code == 200
    assert "No agent ready in Sales" in page.content.decode()
    assert admin_client.get("/admin/alerts/alertevent/add/").status_code == 403


def test_a_board_with_alert_history_is_deleted_with_it_in_the_admin(admin_client) -> None:
    board = make_board()
    event = open_event(make_rule(board))
    assert admin_client.post(f"/admin/alerts/alertevent/{event.pk}/delete/").status_code == 403
    confirm = admin_client.get(f"/admin/boards/board/{board.pk}/delete/").content.decode()
    assert "Cannot delete" not in confirm
    answer = admin_client.post(f"/admin/boards/board/{board.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302
    assert not AlertEvent.objects.exists() and not Board.objects.exists()


def board_form(board, **rule) -> dict[str, object]:
    """The Board admin's change form as a browser posts it, with one new alert rule."""
    data = board_data(board) | management("alert_rules", 1)
    rule = {"kind": "no_agent_ready", "cooldown_seconds": "300", "enabled": "on"} | rule
    return data | {f"alert_rules-0-{name}": value for name, value in rule.items()}


def test_the_board_admin_adds_a_rule_with_its_webhook(admin_client) -> None:
    board = make_board()
    data = board_form(board, label="Sales unstaffed", queue_id=str(SALES), webhook_url=HOOK)
    response = admin_client.post(f"/admin/boards/board/{board.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = AlertRule.objects.get(board=board)
    assert (rule.label, rule.queue_id, rule.webhook_url) == ("Sales unstaffed", SALES, HOOK)


def test_the_board_admin_explains_a_bad_rule(admin_client) -> None:
    board = make_board()
    data = board_form(board, kind="waiting_longer_than", quiet_hours_start="22:00")
    page = admin_client.post(f"/admin/boards/board/{board.pk}/change/", data).content.decode()
    assert "“A caller waiting longer than N seconds” needs a number N." in page
    assert "Give both ends of the quiet hours, or neither." in page
    assert not AlertRule.objects.exists()
