"""Board pages, stored renders and the public answers Django makes itself speak the board's
language: from its settings, never from the viewer's browser."""

import json
import time

import pytest
from django.test import Client

from boards import public_cache, slots
from boards.feeds import read_render
from boards.models import Board, KioskToken
from polling import publish
from tests.boards.test_views import stored_snapshot
from tests.polling.helpers import add_account

pytestmark = pytest.mark.django_db
FRENCH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}


@pytest.fixture
def german(redis_client) -> Board:
    account = add_account()
    return Board.objects.create(
        title="Etage", slug="etage", account=account, is_public=True, language="de"
    )


def test_the_worker_stores_each_feed_in_the_board_language(german, redis_client):
    stored_snapshot()
    publish.refresh_board(german.pk)
    assert ">Verfügbar<" in read_render(german.pk, "tv").body
    assert "Durchw." in read_render(german.pk, "supervisor").body
    stored = redis_client.hgetall(public_cache.public_key("etage"))
    data = json.loads(slots.fill(json.loads(stored["json"]), time.time()))
    assert (data["language"], data["queues"][0]["status"]) == ("de", "Offen")
    assert "offen" in stored[public_cache.badge_field(100134)]


def test_a_tv_page_speaks_the_board_language_whatever_the_browser_asks(german):
    stored_snapshot()
    publish.refresh_board(german.pk)
    _, plain = KioskToken.issue(german, "Wall")
    page = Client().get(f"/tv/{plain}/", **FRENCH_BROWSER).content.decode()
    assert '<html lang="de">' in page
    assert ">Verfügbar<" in page and "Disponible" not in page


def test_the_public_answers_django_makes_itself_speak_the_board_language(german):
    stored_snapshot()  # not rendered by the worker: the views answer
    client = Client()
    data = client.get("/status/etage.json", **FRENCH_BROWSER).json()
    assert (data["language"], data["queues"][0]["status"]) == ("de", "Offen")
    assert data["queues"][0]["summary"] == "2 Agenten verfügbar"
    badge = client.get("/status/etage/badge/100134.svg").content.decode()
    assert "offen · 2 frei" in badge
    page = client.get("/status/etage/", **FRENCH_BROWSER).content.decode()
    assert "Warten auf die ersten Daten von Voice360" in page


def test_an_english_board_answers_as_before(german):
    Board.objects.filter(pk=german.pk).update(language="en")
    stored_snapshot()
    data = json.loads(Client().get("/status/etage.json", **FRENCH_BROWSER).content)
    assert (data["language"], data["queues"][0]["status"]) == ("en", "Open")
    assert data["queues"][0]["summary"] == "2 agents available"
