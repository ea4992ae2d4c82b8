"""The board pages' script words (wallboard/js_catalog.py): one catalogue per language, from
our own origin, loaded by each board page in its board's language before its own scripts."""

import re

import pytest
from django.test import Client

from boards.models import Board, KioskToken
from tests.boards.test_views import stored_snapshot
from tests.polling.helpers import add_account

pytestmark = pytest.mark.django_db
FRENCH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}


@pytest.fixture
def german(redis_client) -> Board:
    return Board.objects.create(title="Etage", slug="etage", account=add_account(), language="de")


def scripts_of(page: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', page)


def test_a_german_tv_page_loads_the_german_catalogue_before_its_own_scripts(german):
    stored_snapshot()
    _, plain = KioskToken.issue(german, "Wand")
    page = Client().get(f"/tv/{plain}/", **FRENCH_BROWSER).content.decode()
    assert '<html lang="de">' in page
    assert ">GETRENNT<" in page and "neue Verbindung…" in page and "DISCONNECTED" not in page
    scripts = scripts_of(page)
    first_own = next(i for i, src in enumerate(scripts) if src.startswith("/static/boards/"))
    assert scripts[first_own - 1] == "/jsi18n/de/"


def test_the_catalogue_holds_the_languages_words_whoever_asks():
    german = Client().get("/jsi18n/de/", **FRENCH_BROWSER)
    assert german.status_code == 200
    assert german["Content-Type"].startswith("text/javascript")
    assert "public" in german["Cache-Control"] and "max-age=" in german["Cache-Control"]
    text = german.content.decode()
    for english, word in [("Closed", "Geschlossen"), ("Acknowledged", "Best\\u00e4tigt")]:
        assert f'"{english}": "{word}"' in text
    assert "Fermé" not in text and "Ferm\\u00e9" not in text
    french = Client().get("/jsi18n/fr/").content.decode()
    assert '"Closed": "Ferm\\u00e9"' in french


def test_the_catalogue_holds_only_the_boards_words_not_the_admins():
    text = Client().get("/jsi18n/de/").content.decode()
    assert "Mitternacht" not in text  # the admin's calendar (django.contrib.admin's djangojs)


def test_an_english_page_loads_the_english_catalogue_which_changes_no_word(german):
    Board.objects.filter(pk=german.pk).update(language="en")
    stored_snapshot()
    _, plain = KioskToken.issue(german, "Wall")
    page = Client().get(f"/tv/{plain}/", **FRENCH_BROWSER).content.decode()
    assert '<html lang="en">' in page and ">DISCONNECTED<" in page
    assert "/jsi18n/en/" in scripts_of(page)
    english = Client().get("/jsi18n/en/")
    assert english.status_code == 200 and "Geschlossen" not in english.content.decode()


def test_a_language_no_board_speaks_has_no_catalogue():
    assert Client().get("/jsi18n/xx/").status_code == 404
    assert Client().get("/jsi18n/de-de/").status_code == 404
