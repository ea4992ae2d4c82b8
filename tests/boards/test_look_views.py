"""A board's look as files (boards/look_views.py): its accent stylesheet and its logo, served
to anyone who names them exactly, cached for good, and linked from every board page."""

import io
import re

import pytest
from django.test import Client
from PIL import Image

from boards.logos import reencode_logo, store_logo
from boards.look_views import accent_css, accent_ink, contrast_ratio
from boards.models import Board, KioskToken
from tests.polling.helpers import add_account

pytestmark = pytest.mark.django_db

FOREVER = "public, max-age=31536000, immutable"


def a_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (300, 100), (10, 124, 255, 255)).save(out, format="PNG")
    return reencode_logo(out.getvalue())


@pytest.fixture
def board(redis_client) -> Board:
    return Board.objects.create(
        title="Floor", slug="floor", account=add_account(), accent_color="#0A7CFF"
    )


@pytest.fixture
def private_board(board) -> Board:
    return Board.objects.create(
        title="Secret floor", slug="secret", account=board.account, accent_color="#123456"
    )


# --- the ink on an accent -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("accent", "ink"),
    [
        ("#ffffff", "#000000"),
        ("#000000", "#ffffff"),
        ("#ffff00", "#000000"),
        ("#1d3557", "#ffffff"),
    ],
)
def test_the_ink_is_black_or_white_whichever_reads_better(accent, ink):
    assert accent_ink(accent) == ink


def test_text_in_its_ink_reads_at_aa_on_any_accent():
    steps = range(0, 256, 15)
    for accent in (f"#{r:02x}{g:02x}{b:02x}" for r in steps for g in steps for b in steps):
        assert contrast_ratio(accent, accent_ink(accent)) >= 4.5, accent


def test_the_contrast_ratio_is_wcags():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


# --- the accent stylesheet ----------------------------------------------------------------


def test_it_serves_the_boards_accent_and_its_ink_as_css_to_anyone(board):
    response = Client().get(f"/boards/look/{board.pk}-0a7cff.css")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response.content.decode() == accent_css("#0a7cff")
    assert "--accent:#0a7cff;--accent-ink:#000000" in response.content.decode()


def test_the_stylesheet_is_cached_for_good_and_never_sniffed(board):
    response = Client().get(f"/boards/look/{board.pk}-0a7cff.css")
    assert response["Cache-Control"] == FOREVER
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_answers_404_for_another_colour_than_the_boards(board):
    assert Client().get(f"/boards/look/{board.pk}-ff0000.css").status_code == 404


def test_it_answers_404_for_a_board_without_an_accent_or_none_at_all(board):
    Board.objects.filter(pk=board.pk).update(accent_color="")
    assert Client().get(f"/boards/look/{board.pk}-0a7cff.css").status_code == 404
    assert Client().get("/boards/look/999999-0a7cff.css").status_code == 404
    assert Client().get("/boards/look/999999999999-0a7cff.css").status_code == 404


def test_the_old_colours_url_is_gone_once_the_colour_changes(board):
    board.accent_color = "#c0ffee"
    board.save()
    assert Client().get(f"/boards/look/{board.pk}-0a7cff.css").status_code == 404
    assert Client().get(f"/boards/look/{board.pk}-c0ffee.css").status_code == 200


@pytest.mark.parametrize(
    "path", ["/boards/look/1-0A7CFF.css", "/boards/look/1-0a7cf.css", "/boards/look/x-0a7cff.css"]
)
def test_a_malformed_look_url_is_not_found(board, path):
    assert Client().get(path).status_code == 404


def test_it_refuses_to_be_posted_to(board):
    assert Client().post(f"/boards/look/{board.pk}-0a7cff.css").status_code == 405


def test_a_private_boards_accent_says_nothing_of_its_title(private_board):
    response = Client().get(f"/boards/look/{private_board.pk}-123456.css")
    assert response.status_code == 200
    assert b"Secret" not in response.content


# --- the logo -----------------------------------------------------------------------------


def test_it_serves_the_boards_logo_as_the_png_we_stored(board):
    png = a_png()
    store_logo(board, png)
    response = Client().get(f"/boards/logo/{board.pk}-{board.logo_digest}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == png
    assert response["Cache-Control"] == FOREVER
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_head_request_gets_the_headers(board):
    store_logo(board, a_png())
    response = Client().head(f"/boards/logo/{board.pk}-{board.logo_digest}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_it_answers_404_for_another_digest_or_board(board, private_board):
    store_logo(board, a_png())
    digest = board.logo_digest
    assert Client().get(f"/boards/logo/{board.pk}-{'0' * 16}.png").status_code == 404
    assert Client().get(f"/boards/logo/{private_board.pk}-{digest}.png").status_code == 404
    assert Client().get(f"/boards/logo/999999-{digest}.png").status_code == 404


def test_a_removed_logo_is_gone(board):
    store_logo(board, a_png())
    digest = board.logo_digest
    store_logo(board, None)
    assert Client().get(f"/boards/logo/{board.pk}-{digest}.png").status_code == 404


def test_a_board_without_a_logo_has_no_logo_url(board):
    assert Client().get(f"/boards/logo/{board.pk}-{'0' * 16}.png").status_code == 404


# --- the pages link them ------------------------------------------------------------------


def tv_page(board: Board) -> str:
    _, plain = KioskToken.issue(board, "Wall")
    return Client().get(f"/tv/{plain}/").content.decode()


def test_a_board_page_links_its_accent_after_the_themes(board):
    board.is_public = True
    board.save()
    for page in (tv_page(board), Client().get("/status/floor/").content.decode()):
        sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
        assert sheets[-1] == f"/boards/look/{board.pk}-0a7cff.css"
        assert any("themes" in sheet for sheet in sheets[:-1])


def test_a_board_page_without_an_accent_links_none(board):
    Board.objects.filter(pk=board.pk).update(accent_color="")
    assert "/boards/look/" not in tv_page(board)


def test_a_board_page_shows_its_logo_with_the_title_as_its_alt_text(board):
    store_logo(board, a_png())
    page = tv_page(board)
    src = f"/boards/logo/{board.pk}-{board.logo_digest}.png"
    assert f'<img id="board-logo" class="board__logo" src="{src}"\n  alt="Floor">' in page
    assert '<h1 id="board-title" class="board__title">Floor</h1>' in page
    assert Client().get(src).status_code == 200


def test_a_board_page_without_a_logo_shows_its_title_alone(board):
    page = tv_page(board)
    assert '<h1 id="board-title" class="board__title">Floor</h1>' in page
    assert '<span id="board-logo" hidden></span>' in page
    assert "/boards/logo/" not in page


def test_the_title_and_logos_alt_text_are_escaped(board):
    board.title = '<script>x</script> "Floor"'
    board.save()
    store_logo(board, a_png())
    page = tv_page(board)
    assert "<script>x</script>" not in page
    assert 'alt="&lt;script&gt;x&lt;/script&gt; &quot;Floor&quot;"' in page


@pytest.mark.parametrize(
    ("theme", "scheme"), [("dark", "dark"), ("light", "light"), ("contrast", "dark")]
)
def test_a_board_pages_colour_scheme_and_theme_follow_its_theme(board, theme, scheme):
    Board.objects.filter(pk=board.pk).update(theme=theme)
    page = tv_page(board)
    assert f'<meta name="color-scheme" content="{scheme}">' in page
    assert f'data-theme="{theme}"' in page


def test_a_tvs_pushed_header_carries_the_logo_only_where_it_is_given_the_board(board):
    from django.template.loader import render_to_string

    from boards.board_settings import BoardSettings

    store_logo(board, a_png())
    settings = BoardSettings.of(Board.objects.get(pk=board.pk))
    context = {"title": "Floor", "hours": None, "rotation": None}
    without = render_to_string("boards/_tv_header.html", context)
    assert 'id="board-logo"' not in without  # the page keeps the logo it has
    given = render_to_string("boards/_tv_header.html", {**context, "board": settings})
    assert f"/boards/logo/{board.pk}-{board.logo_digest}.png" in given
