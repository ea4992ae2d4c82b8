"""A board speaks its own language on every screen: the TV, the supervisor page, the public
page, its JSON and its badges, whoever renders them and in whatever order."""

import json

import pytest
from django.utils import translation

from boards import public_api, public_cache, slots
from boards.audience import Audience
from boards.language import board_language, language_code
from boards.presenters import board_view
from boards.rendering import render_board
from snapshots.models import AgentToday, TodayCounts
from tests.boards.factories import NOW, agent, call, queue, queue_today, settings, stored

SALES = 100134


def _snapshot(today: TodayCounts | None = None):
    agents = [agent(1, "John Smith", calls=[call()]), agent(2, "Ada Byron")]
    return stored(agents, [queue(SALES, "Sales", online=3, available=2)], today=today)


def _today(answered: int = 6, inbound: int = 8) -> TodayCounts:
    sales = queue_today(inbound=inbound, answered=answered, abandoned=2, within=answered - 1)
    return TodayCounts(
        date="2027-01-15",
        time_zone="UTC",
        total=sales,
        queues={SALES: sales},
        agents={1: AgentToday(answered=answered, placed=1)},
    )


def _body(language: str, audience: Audience, today: TodayCounts | None = None) -> str:
    board = settings(language=language, public_shows_today=True, is_public=True)
    return render_board(board_view(board, _snapshot(today), audience)).body


def _public(language: str) -> dict[str, str]:
    board = settings(language=language, is_public=True)
    snapshot = _snapshot()
    view = board_view(board, snapshot, Audience.PUBLIC)
    return public_cache.answers(board, view, render_board(view), snapshot)


def _json(fields: dict[str, str]) -> dict:
    return json.loads(slots.fill(json.loads(fields["json"]), NOW))


def test_a_german_board_renders_its_tv_body_in_german():
    body = _body("de", Audience.TV, _today())
    for word in ("Verfügbar", "Im Gespräch", "Warteschlangen", "Heute", "Angenommen", "Bereit"):
        assert word in body
    for english in (">Available<", ">On call<", ">Answered<", "No agents to show"):
        assert english not in body


def test_a_german_board_renders_its_supervisor_body_in_german():
    body = _body("de", Audience.SUPERVISOR, _today())
    for word in ("Agenten", "Durchw.", "Dauer", "Warnung bei ≤ 1 verfügbar", "Mitglieder (2)"):
        assert word in body
    assert "Im Gespräch · Eing." in body  # the agent's state and the call's direction
    assert "Warning at" not in body and "Members (" not in body


def test_a_german_public_page_json_and_badge_speak_german():
    fields = _public("de")
    page = "".join(p for p in json.loads(fields["page"]) if isinstance(p, str))
    assert '<html lang="de">' in page
    assert "Offen" in page and "2 Agenten verfügbar" in page
    data = _json(fields)
    sales = data["queues"][0]
    assert (data["language"], sales["status"], sales["summary"]) == (
        "de",
        "Offen",
        "2 Agenten verfügbar",
    )
    # What programs read stays the same in every language.
    assert (sales["open"], sales["level"]) == (True, "ok")
    assert "offen · 2 frei" in fields[public_cache.badge_field(SALES)]


def test_an_english_board_stays_english():
    fields = _public("en")
    sales = _json(fields)["queues"][0]
    assert (sales["status"], sales["summary"]) == ("Open", "2 agents available")
    assert "open · 2 available" in fields[public_cache.badge_field(SALES)]
    body = _body("en", Audience.TV, _today())
    assert ">Available<" in body and ">On call<" in body and "Verfügbar" not in body


def test_boards_of_different_languages_rendered_one_after_another_do_not_leak():
    rendered = {lang: _body(lang, Audience.TV) for lang in ("de", "en", "fr", "nl", "es", "en")}
    assert ">Verfügbar<" in rendered["de"]
    assert ">Available<" in rendered["en"] and "Verfügbar" not in rendered["en"]
    assert ">Disponible<" in rendered["fr"] and ">Beschikbaar<" in rendered["nl"]
    assert ">Disponible<" in rendered["es"] and "Pas prête" not in rendered["es"]
    assert translation.get_language() == "en"  # what was active before is active again


def test_what_a_render_leaves_active_is_what_was_active_before_it():
    with translation.override("nl"):
        _body("de", Audience.TV)
        _public("fr")
        assert translation.get_language() == "nl"


@pytest.mark.parametrize("code", ["xx", "", None])
def test_a_language_we_do_not_translate_renders_in_english(code):
    assert language_code(code) == "en"
    board = settings(language=code or "xx")
    assert ">Available<" in render_board(board_view(board, _snapshot(), Audience.TV)).body


def test_the_badge_words_follow_the_language_of_its_render():
    view = board_view(settings(language="fr"), _snapshot(), Audience.PUBLIC)
    sales = view.queues[0]
    with board_language("fr"):
        assert public_api.badge_message(sales, False)[0] == "ouvert · 2 disponibles"
        assert public_api.badge_message(sales, True)[0] == "état inconnu"
    with board_language("es"):
        assert sales.availability_label == "2 agentes disponibles"
    assert sales.availability_label == "2 agents available"


def test_the_page_is_in_the_board_language_whoever_renders_it():
    view = board_view(settings(language="nl"), None, Audience.TV)
    assert "Wachten op de eerste gegevens van Voice360" in render_board(view).body
