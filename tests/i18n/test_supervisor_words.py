"""The words a board's supervisors read besides its tiles speak the board's language too:
alert messages (built per rule, for the rule's board), why the data is limited, the interval
chart and the replay's notices, whatever the browser asks."""

import re
import time
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from alerts.engine import judge
from alerts.models import RuleKind
from boards.audience import Audience
from boards.language import board_language, limited_reason
from boards.models import Board
from boards.presenters import board_view
from boards.rendering import render_board
from polling import public_fallback
from service.models import QueueInterval
from tests.alerts.helpers import SALES, make_board, make_rule, snapshot
from tests.boards.factories import queue, settings, stored
from tests.polling.helpers import add_account

pytestmark = pytest.mark.django_db
GERMAN_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}
FRENCH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}


def sales(available: int):
    return next(q for q in snapshot(sales_available=available).queues if q.id == SALES)


def test_an_alert_message_is_in_the_language_of_the_rules_board():
    german = make_rule(make_board("etage", language="de"))
    english = make_rule(make_board("floor", language="en"))
    assert judge(german, sales(0), None, time.time()).message == "Kein Agent bereit in Sales"
    assert judge(english, sales(0), None, time.time()).message == "No agent ready in Sales"
    # The plural follows the count, in the board's language.
    few = make_rule(make_board("wenig", language="de"), RuleKind.AVAILABLE_AT_OR_BELOW, threshold=2)
    assert judge(few, sales(1), None, time.time()).message == (
        "Nur 1 Agent verfügbar in Sales (Alarm bei ≤ 2)"
    )
    assert judge(few, sales(2), None, time.time()).message.startswith("Nur 2 Agenten")


def test_why_the_data_is_limited_is_translated_where_a_board_shows_it():
    assert str(limited_reason(public_fallback.NO_KEY_REASON)) == "no API key configured"
    with board_language("de"):
        assert str(limited_reason(public_fallback.NO_KEY_REASON)) == (
            "kein API-Schlüssel eingerichtet"
        )
        # The API's own words stay as they came; our head of the sentence is translated.
        rejected = f"{public_fallback.KEY_REJECTED_REASON} (401 invalid_key): Key revoked"
        assert (
            str(limited_reason(rejected))
            == "API-Schlüssel abgelehnt (401 invalid_key): Key revoked"
        )
        assert str(limited_reason("something else (42)")) == "something else (42)"
    assert limited_reason(None) is None


def test_a_german_supervisor_board_says_why_its_data_is_limited_in_german():
    limited = stored([], [queue(SALES, "Sales")], source="public", reason="no API key configured")
    body = render_board(board_view(settings(language="de"), limited, Audience.SUPERVISOR)).body
    assert "kein API-Schlüssel eingerichtet" in body and "no API key configured" not in body


@pytest.fixture
def supervisor_of():
    def client_for(board: Board) -> Client:
        user, _ = get_user_model().objects.get_or_create(username="sam")
        board.supervisors.add(user)
        client = Client()
        client.force_login(user)
        return client

    return client_for


def test_the_interval_chart_speaks_the_board_language_and_keeps_svg_numbers(supervisor_of):
    account = add_account()
    board = Board.objects.create(title="Etage", slug="etage", account=account, language="de")
    start = datetime.fromtimestamp(time.time() - 900, UTC).replace(minute=0, second=0)
    QueueInterval.objects.create(
        account=account, queue_id=SALES, start=start, offered=12, answered=9,
        answered_within_threshold=9, abandoned=3,
    )  # fmt: skip
    html = supervisor_of(board).get("/boards/etage/intervals/", **FRENCH_BROWSER).content.decode()
    assert "Heute nach Viertelstunden" in html and "Angeboten letzte Woche" in html
    assert "12 angeboten, 75 % rechtzeitig" in html
    # Every coordinate is an SVG number ("12.5"), never a German "12,5".
    coordinates = re.findall(r' (?:x|y|width|height|x1|x2|y1|y2)="([^"]*)"', html)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates)
    assert any("." in c for c in coordinates)


def test_the_replay_says_in_the_board_language_why_it_has_nothing(supervisor_of, redis_client):
    board = Board.objects.create(title="Etage", slug="etage", account=add_account(), language="de")
    client = supervisor_of(board)
    too_old = client.get("/boards/etage/replay?at=2001-01-01T00:00:00Z", **FRENCH_BROWSER)
    assert too_old.status_code == 404
    page = too_old.content.decode()
    assert '<html lang="de">' in page and "Der Rückblick umfasst die letzten" in page
    assert "Für diesen Zeitpunkt ist nichts gespeichert" in page
    moment = datetime.fromtimestamp(time.time() - 60, UTC).isoformat()
    nothing = client.get(f"/boards/etage/replay?at={moment}", **GERMAN_BROWSER).content.decode()
    assert "Das Protokoll des Boards hat nichts von vor diesem Zeitpunkt gespeichert." in nothing
