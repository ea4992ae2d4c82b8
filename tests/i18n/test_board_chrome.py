"""The words around a board's tiles speak the board's language too, whatever the browser asks:
the supervisor page's header, replay and panels, the alert history, the messages panel and its
form, and the freshness element's label and stale notes on the TV and the public page. An
English board's pages read as they always did."""

import datetime as dt
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

from alerts.models import AlertEvent
from boards.messages import BoardMessage
from boards.models import Board, KioskToken
from boards.rendering import freshness_html
from polling import publish
from tests.alerts.helpers import SALES, make_rule
from tests.boards.test_views import stored_snapshot
from tests.polling.helpers import add_account

# Every test here reads or writes the tests' Redis (snapshots, renders, freshness).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("redis_client")]
FRENCH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}
HOUR_AGO = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)


def board_in(language: str) -> Board:
    return Board.objects.create(
        title="Etage", slug="etage", account=add_account(), is_public=True, language=language
    )


@pytest.fixture
def sam():
    return get_user_model().objects.create_user(username="sam")


def supervisor_client(board: Board, user) -> Client:
    board.supervisors.add(user)
    client = Client()
    client.force_login(user)
    return client


def two_alerts(board: Board, acknowledger) -> None:
    """One still on; one that lasted ten minutes, acknowledged by `acknowledger`."""
    rule = make_rule(board)
    common = {"rule": rule, "board": board, "queue_id": SALES, "kind": rule.kind}
    AlertEvent.objects.create(**common, message="Kein Agent bereit in Sales", fired_at=HOUR_AGO)
    AlertEvent.objects.create(
        **common,
        message="Kein Agent bereit in Sales",
        fired_at=HOUR_AGO - dt.timedelta(hours=1),
        cleared_at=HOUR_AGO - dt.timedelta(minutes=50),
        acknowledged_at=HOUR_AGO - dt.timedelta(minutes=55),
        acknowledged_by=acknowledger,
    )


def supervisor_page(board: Board, user) -> str:
    """The supervisor page as its first load gives it, after the worker's render."""
    stored_snapshot()
    publish.refresh_board(board.pk)
    return supervisor_client(board, user).get("/boards/etage/", **FRENCH_BROWSER).content.decode()


def test_a_german_supervisor_page_names_its_header_and_replay_in_german(sam):
    page = supervisor_page(board_in("de"), sam)
    assert 'title="Die Zeiten auf dieser Seite sind in der Zeitzone des Kontos"' in page
    assert '<label class="window-picker">Zeitfenster' in page
    assert 'aria-label="Gleitendes Zeitfenster der Servicekennzahlen"' in page
    assert '<option value="15m">15 Min.</option>' in page
    assert '<option value="60m">60 Min.</option>' in page
    assert ">Alle Boards</a>" in page and ">Intervalle CSV</a>" in page
    assert 'title="Die heutigen Anrufe je Agent, CSV">Agenten CSV</a>' in page
    assert "Abmelden (sam)</button>" in page and 'aria-label="Website"' in page
    assert 'aria-label="Rückblick"' in page and ">Zurück zur Live-Ansicht</button>" in page
    assert f"die letzten {django_settings.REPLAY_HOURS} Std.</span>" in page
    assert 'title="Das Board zum gewählten Zeitpunkt"' in page
    assert '>Nachrichten an das Team</h2><p class="muted">Wird geladen…</p>' in page
    assert ">Heute nach Viertelstunden</h2>" in page
    for english in ("Window", "All boards", "Log out", "Back to live", "Loading…", " min<"):
        assert english not in page, english


def test_a_german_supervisor_page_heads_its_alert_history_in_german(sam):
    board = board_in("de")
    two_alerts(board, acknowledger=sam)
    page = supervisor_page(board, sam)
    assert 'aria-label="Alarmverlauf"' in page
    assert 'Alarme\n<span class="muted">(letzte 2)</span>' in page
    for heading in ("Alarm", "Ausgelöst", "Aufgehoben", "Bestätigt", "Dauer"):
        assert f">{heading}</span>" in page, heading
    assert '<strong class="alert-history__on">noch aktiv</strong>' in page
    assert "sam, <time>" in page
    for english in ("Alert history", "Fired", "Cleared", "Lasted", "still on", "latest"):
        assert english not in page, english


def test_a_german_board_without_alerts_says_so_in_german(sam):
    page = supervisor_page(board_in("de"), sam)
    assert "Noch keine Alarme. Regeln werden je Board in der Verwaltung festgelegt." in page
    assert "(letzte 0)" in page


def test_a_german_boards_messages_panel_and_its_form_speak_german(sam):
    board = board_in("de")
    client = supervisor_client(board, sam)
    BoardMessage.compose(board, sam, "Pause um drei", 60).save()
    withdrawn = BoardMessage.compose(board, sam, "Alte Nachricht", 0)
    withdrawn.save()
    withdrawn.withdraw(sam)
    panel = client.get("/boards/etage/messages/", **FRENCH_BROWSER).content.decode()
    assert ">Nachrichten an das Team</h2>" in panel
    assert "Nachricht <input" in panel and 'placeholder="Teambesprechung um 15:00"' in panel
    assert "Anzeigen für <select" in panel
    assert '<option value="60" selected>1 Stunde</option>' in panel
    assert '<option value="0">Bis zum Zurückziehen</option>' in panel
    assert ">Auf die Bildschirme senden</button>" in panel
    assert "Nur Text, höchstens 140 Zeichen; innerhalb einer Sekunde auf den Fernsehern." in panel
    assert "Letzte 2, Zeiten in UTC" in panel
    for heading in ("Nachricht", "Verfasst", "Bis", "Status"):
        assert f'<th scope="col">{heading}</th>' in panel, heading
    assert '<span class="visually-hidden">Aktion</span>' in panel
    assert "</span> Auf dem Bildschirm" in panel and "Zurückgezogen von sam," in panel
    assert "bis zum Zurückziehen" in panel and ">Zurückziehen</button>" in panel
    for english in ("Post to the screens", "Show for", "On screen", "Withdraw", "until"):
        assert english not in panel, english


def test_a_german_boards_form_refuses_in_german(sam):
    board = board_in("de")
    client = supervisor_client(board, sam)
    empty = client.post(
        "/boards/etage/messages/", {"text": " ", "expiry": "60"}, HTTP_HX_REQUEST="true"
    )
    assert "<li>Schreiben Sie eine Nachricht.</li>" in empty.content.decode()
    long = client.post(
        "/boards/etage/messages/", {"text": "x" * 141, "expiry": "60"}, HTTP_HX_REQUEST="true"
    )
    assert "Höchstens 140 Zeichen (diese hat 141)." in long.content.decode()
    assert not BoardMessage.objects.exists()
    assert "Noch keine Nachrichten." in empty.content.decode()


def test_a_german_boards_stale_notes_are_german_on_the_tv_and_the_public_page():
    board = board_in("de")
    stored_snapshot(fetched_at=time.time() - 3600)  # an hour without a poll: stale
    _, plain = KioskToken.issue(board, "Wand")
    tv = Client().get(f"/tv/{plain}/", **FRENCH_BROWSER).content.decode()
    public = Client().get("/status/etage/", **FRENCH_BROWSER).content.decode()
    for page in (tv, public):
        assert '<span class="freshness__label">VERALTET</span>' in page
        assert (
            '<span class="freshness__note freshness__note--tv">· Zahlen sind nicht aktuell' in page
        )
        assert '"freshness__note freshness__note--public">Status möglicherweise veraltet<' in page
        assert "STALE" not in page and "not live" not in page


def test_the_freshness_element_pushed_to_a_board_speaks_its_language():
    live = freshness_html(time.time(), False, language="de")
    assert '<span class="freshness__label">LIVE</span>' in live and "freshness__note" not in live
    french = freshness_html(None, True, language="fr")
    assert ">PÉRIMÉ<" in french and "· les chiffres ne sont pas en direct<" in french
    assert ">EN DIRECTO<" in freshness_html(time.time(), False, language="es")


def test_an_english_board_reads_as_before(sam):
    board = board_in("en")
    two_alerts(board, acknowledger=None)
    page = supervisor_page(board, sam)
    assert '<label class="window-picker">Window' in page
    assert '<option value="15m">15 min</option>' in page
    assert "Log out sam</button>" in page and ">Back to live</button>" in page
    assert f"the last {django_settings.REPLAY_HOURS} h</span>" in page
    assert 'Alerts\n<span class="muted">(latest 2)</span>' in page
    assert '<strong class="alert-history__on">still on</strong>' in page
    assert "someone, <time>" in page
    panel = supervisor_client(board, sam).get("/boards/etage/messages/").content.decode()
    assert ">Post to the screens</button>" in panel and "Show for <select" in panel
    assert 'placeholder="Team huddle at 15:00"' in panel
    assert "Plain text, at most 140 characters; on the TVs within a second." in panel
    stale = freshness_html(None, True, language="en")
    assert '<span class="freshness__label">STALE</span>' in stale
    assert (
        ">· numbers are not live</span>" in stale and ">status may be out of date</span>" in stale
    )
