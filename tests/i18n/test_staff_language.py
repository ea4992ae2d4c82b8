"""The admin follows the staff user's language (the browser's Accept-Language); a board's pages
keep the board's, whoever asks, and do not say they vary with the browser's language."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from boards.models import Board, KioskToken
from tests.boards.test_views import stored_snapshot
from tests.polling.helpers import add_account

pytestmark = pytest.mark.django_db
GERMAN_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}


@pytest.fixture
def staff(redis_client) -> Client:
    admin = get_user_model().objects.create_superuser("ada", "ada@example.com", "pw")
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def boards(redis_client) -> tuple[Board, Board]:
    account = add_account()
    english = Board.objects.create(title="Floor", slug="floor", account=account, language="en")
    german = Board.objects.create(title="Etage", slug="etage", account=account, language="de")
    stored_snapshot()
    return english, german


def test_the_admin_speaks_the_staff_users_language(staff, boards):
    english, _ = boards
    response = staff.get(f"/admin/boards/board/{english.pk}/change/", **GERMAN_BROWSER)
    page = response.content.decode()
    assert response["Content-Language"] == "de"
    assert '<html lang="de"' in page
    assert "Was es zeigt" in page and "Aussehen" in page  # our fieldsets
    assert "Die Sprache der Bildschirme und der öffentlichen Seite dieses Boards." in page
    assert "Sichern" in page or "Speichern" in page  # Django's own words
    listing = staff.get("/admin/boards/board/", **GERMAN_BROWSER).content.decode()
    assert "Boards importieren" in listing
    english_staff = staff.get(f"/admin/boards/board/{english.pk}/change/").content.decode()
    assert "What it shows" in english_staff and "Was es zeigt" not in english_staff


def test_board_pages_keep_their_boards_language_for_a_german_staff_user(staff, boards):
    english, _ = boards
    floor = staff.get("/boards/floor/", **GERMAN_BROWSER)
    assert floor.status_code == 200
    page = floor.content.decode()
    assert '<html lang="en">' in page and ">DISCONNECTED<" in page and "Verfügbar" not in page
    assert "/jsi18n/en/" in page
    etage = staff.get("/boards/etage/", **GERMAN_BROWSER).content.decode()
    assert '<html lang="de">' in etage and ">GETRENNT<" in etage
    for response in (floor, staff.get(f"/tv/{KioskToken.issue(english, 'Wall')[1]}/")):
        assert "Content-Language" not in response
        assert "Accept-Language" not in response.get("Vary", "")


def test_public_answers_do_not_vary_with_the_browsers_language(boards):
    Board.objects.filter(slug="etage").update(is_public=True)
    for path in ("/status/etage.json", "/status/etage/"):
        response = Client().get(path, **GERMAN_BROWSER)
        assert response.status_code == 200
        assert "Content-Language" not in response
        assert "Accept-Language" not in response.get("Vary", "")
