"""The admin's preview of a board as a TV shows it (boards/preview.py): the saved board, or
the change form as posted, never saved; staff with the board's permission only."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from boards.layout import BoardTile
from boards.models import Board
from tests.alerts.helpers import SALES, SUPPORT, make_board
from tests.boards.factories import queue
from tests.boards.test_admin_composer import board_data, poll

pytestmark = pytest.mark.django_db
KEY = "v360_live_previewsecret0001"


def cells(page: str) -> list[str]:
    """The kinds of the board's tiles, in the order the page shows them."""
    return re.findall(r'<section class="cell cell--(\w+)', page)


def preview_url(board: Board) -> str:
    return f"/admin/boards/board/{board.pk}/preview/"


@pytest.fixture
def board(redis_client) -> Board:
    poll(queue(SALES, "Sales"), queue(SUPPORT, "Support"))
    board = make_board(queue_ids=[SALES, SUPPORT])
    board.account.set_api_key(KEY)
    board.account.save()
    BoardTile.objects.create(board=board, kind="text", options={"text": "Saved words"})
    BoardTile.objects.create(board=board, kind="queues", position=1)
    return board


def test_it_shows_the_saved_board_as_a_tv_page_without_a_socket(admin_client, board) -> None:
    response = admin_client.get(preview_url(board))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-audience="tv"' in page and "Saved words" in page
    assert '-queue-100134"' in page and "Sales" in page  # from the last snapshot
    assert "ws-connect" not in page  # a still: no socket, so no kiosk token in the page
    assert KEY not in page and "previewsecret" not in page


def test_it_may_be_framed_by_the_admin_alone(admin_client, board) -> None:
    response = admin_client.get(preview_url(board))
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "'unsafe-inline'" not in policy


def test_it_shows_posted_edits_and_saves_none_of_them(admin_client, board) -> None:
    tiles = (
        {"kind": "text", "text": "Unsaved words", "position": "2"},
        {"kind": "clock", "width": "4", "position": "1"},
        {"kind": "queues", "position": "3"},
    )
    data = board_data(board, *tiles, title="Renamed, not saved", queue_ids=[str(SUPPORT)])
    page = admin_client.post(preview_url(board), data).content.decode()
    assert "Unsaved words" in page and "Saved words" not in page
    assert "Renamed, not saved" in page
    assert cells(page) == ["clock", "text", "queues"]  # by position
    assert '-queue-100135"' in page and '-queue-100134"' not in page  # Sales unticked
    board.refresh_from_db()
    assert board.title == "Floor" and board.queue_ids == [SALES, SUPPORT]
    assert [t.kind for t in board.tiles.all()] == ["text", "queues"]


def test_a_form_it_cannot_preview_lists_what_to_fix(admin_client, board) -> None:
    data = board_data(board, {"kind": "leaderboard", "size": "99"}, title="")
    response = admin_client.post(preview_url(board), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The preview shows again once these are fixed" in page
    assert "title: This field is required." in page
    assert "Tile 1, size: A whole number from 1 to 20." in page


def test_a_post_without_the_form_csrf_token_is_refused(board) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("boss", password="x"))
    assert client.post(preview_url(board), board_data(board)).status_code == 403


def test_it_is_for_staff_with_the_board_permission_only(client, board) -> None:
    assert client.get(preview_url(board)).status_code == 302  # to the admin's login
    user = User.objects.create_user("agent", password="x")
    client.force_login(user)
    assert client.get(preview_url(board)).status_code == 302  # not staff
    user.is_staff = True
    user.save()
    assert client.get(preview_url(board)).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_board"))
    assert client.get(preview_url(board)).status_code == 200


def test_an_unknown_board_is_not_found(admin_client, board) -> None:
    assert admin_client.get("/admin/boards/board/999999/preview/").status_code == 404


def test_the_change_page_frames_the_preview_and_posts_the_form_to_it(admin_client, board) -> None:
    page = admin_client.get(f"/admin/boards/board/{board.pk}/change/").content.decode()
    assert f'src="{preview_url(board)}"' in page
    button = page.split('id="composer-preview-button"')[0].rsplit("<button", 1)[1]
    assert 'form="board_form"' in button and f'formaction="{preview_url(board)}"' in button
    assert 'formtarget="composer-preview"' in button


def test_it_shows_the_saved_tiles_in_the_order_they_were_dragged_to(admin_client, board) -> None:
    text, queues = board.tiles.all()
    data = board_data(board) | {
        "tiles-TOTAL_FORMS": "3",
        "tiles-INITIAL_FORMS": "2",
        # As django-admin-sortable2 numbers them after a drag: the queues first.
        **{
            f"tiles-0-{k}": v
            for k, v in {"id": text.pk, "kind": "text", "width": 12, "position": 2}.items()
        },
        "tiles-0-text": "Saved words",
        **{
            f"tiles-1-{k}": v
            for k, v in {"id": queues.pk, "kind": "queues", "width": 12, "position": 1}.items()
        },
        # A new tile: it stays last, whatever its position says (it cannot be dragged yet).
        **{f"tiles-2-{k}": v for k, v in {"kind": "clock", "width": 12, "position": 0}.items()},
    }
    page = admin_client.post(preview_url(board), data).content.decode()
    assert cells(page) == ["queues", "text", "clock"], page[-2000:]
    assert [t.kind for t in board.tiles.all()] == ["text", "queues"]
