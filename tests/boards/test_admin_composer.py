"""The board composer in the admin: the account's queues by name (boards/pickers.py), the
board's form (boards/admin_forms.py) and its tiles (boards/admin_tiles.py), posted as a
browser posts them."""

import io
import json
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from boards import pickers
from boards.admin_tiles import TileForm
from boards.layout import BoardTile, with_defaults
from boards.models import Board, QueueThreshold
from snapshots import store
from snapshots.models import Snapshot
from tests.alerts.helpers import ACCOUNT, SALES, SUPPORT, make_board
from tests.boards.factories import agent, queue

pytestmark = pytest.mark.django_db
BILLING = 100136  # a queue the snapshot does not know


def poll(*queues, agents=()) -> None:
    """The account's last snapshot in Redis, as the poller leaves it."""
    snapshot = Snapshot(account_id=ACCOUNT, source="key", agents=list(agents), queues=queues)
    store.write_snapshot(ACCOUNT, snapshot, time.time(), expected_version=0, changed=True)


@pytest.fixture
def polled(redis_client) -> None:
    poll(queue(SALES, "Sales"), queue(SUPPORT, "Support"))


def management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def board_data(board: Board, *tiles: dict, **fields) -> dict[str, object]:
    """The board's change form as a browser posts it, with these tiles (new ones)."""
    data: dict[str, object] = {
        "title": board.title,
        "slug": board.slug,
        "account": str(board.account_id),
        "queue_ids": [str(q) for q in board.queue_ids],
        "agent_scope": "all",
        "warning_at_or_below": "1",
        "business_days": ["1", "2", "3", "4", "5"],
        "night_mode": "on",
        "daily_reload_hour": "4",
        "service_window_minutes": "30",
        "leaderboard_size": "0",
        "theme": "dark",
        "theme_accent": "on",
        "accent_color": "#0a7cff",
        "language": "en",
        "clock_hours": "24",
        "dim_unchanged_after_minutes": "0",
    }
    for prefix in ("thresholds", "kiosk_tokens", "alert_rules"):
        data |= management(prefix, 0)
    data |= management("tiles", len(tiles))
    for number, tile in enumerate(tiles):
        values = {"width": "12", "position": str(number + 1)} | tile
        data |= {f"tiles-{number}-{name}": value for name, value in values.items()}
    return data | fields


def change_url(board: Board) -> str:
    return f"/admin/boards/board/{board.pk}/change/"


def queue_order(page: str) -> list[str]:
    """The board's queue ticks as the page lists them: (value, ticked) in page order."""
    boxes = re.findall(r'<input type="checkbox" name="queue_ids" value="(\d+)"[^>]*>', page)
    return boxes


# --- the account's queues and agents by name ---------------------------------------------


def test_the_queues_are_named_from_the_last_snapshot(polled) -> None:
    board = make_board()
    assert pickers.queue_names(board.account) == {SALES: "Sales", SUPPORT: "Support"}


def test_a_queue_the_board_names_but_the_snapshot_lacks_keeps_its_id_as_label(polled) -> None:
    board = make_board(queue_ids=[BILLING, SALES])
    QueueThreshold.objects.create(board=board, queue_id=100137, warning_at_or_below=2)
    labels = pickers.board_queue_names(board)
    assert labels[SALES] == "Sales"
    assert labels[BILLING] == f"Queue {BILLING} (not in the last poll)"
    assert labels[100137] == "Queue 100137 (not in the last poll)"


def test_two_queues_of_one_name_are_told_apart_by_their_ids(redis_client) -> None:
    poll(queue(SALES, "Sales"), queue(SUPPORT, "Sales"))
    assert pickers.queue_names(make_board().account) == {
        SALES: f"Sales ({SALES})",
        SUPPORT: f"Sales ({SUPPORT})",
    }


def test_agents_are_named_first_name_first_with_their_extension(redis_client) -> None:
    poll(queue(SALES, "Sales"), agents=[agent(7, "Wei Chen"), agent(3, "Aisha Okafor")])
    names = pickers.agent_names(make_board().account, also=[99])
    assert names == {
        3: "Aisha Okafor (1003)",
        7: "Wei Chen (1007)",
        99: "Agent 99 (not in the last poll)",
    }


def test_before_the_first_poll_there_is_nothing_to_pick(redis_client) -> None:
    assert pickers.queue_names(make_board().account) == {}


# --- the board's form ----------------------------------------------------------------------


def test_the_queues_are_ticks_by_name_in_the_board_order(admin_client, polled) -> None:
    board = make_board(queue_ids=[SUPPORT, SALES])
    page = admin_client.get(change_url(board)).content.decode()
    assert queue_order(page) == [str(SUPPORT), str(SALES)]
    assert re.search(rf'value="{SUPPORT}"[^>]*checked[^>]*>\s*Support</label>', page)
    assert "Queue ids" not in page and "<textarea" not in page.split('id="tiles-group"')[0]


def test_an_unticked_queue_comes_after_the_ticked_ones(admin_client, polled) -> None:
    board = make_board(queue_ids=[SUPPORT])
    page = admin_client.get(change_url(board)).content.decode()
    assert queue_order(page) == [str(SUPPORT), str(SALES)]


def test_the_queues_are_saved_in_the_order_posted(admin_client, polled) -> None:
    board = make_board()
    data = board_data(board, queue_ids=[str(SUPPORT), str(SALES)])
    response = admin_client.post(change_url(board), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    board.refresh_from_db()
    assert board.queue_ids == [SUPPORT, SALES]


def test_a_queue_the_account_does_not_have_is_refused(admin_client, polled) -> None:
    board = make_board()
    page = admin_client.post(change_url(board), board_data(board, queue_ids=[str(BILLING)]))
    assert f"Select a valid choice. {BILLING} is not one of the available choices." in (
        page.content.decode()
    )


def test_before_the_first_poll_the_form_says_why_there_are_no_queues(
    admin_client, redis_client
) -> None:
    page = admin_client.get(change_url(make_board())).content.decode()
    assert "No queues known yet: the account has not been polled" in page


def test_the_help_texts_name_the_board_addresses_and_nothing_vanishes(admin_client) -> None:
    board = make_board("floor")
    page = admin_client.get(change_url(board)).content.decode()
    assert "at <code>/status/floor/</code>" in page
    assert "at <code>/boards/floor/</code>" in page
    assert "<slug>" not in page and "/status//" not in page


def test_the_thresholds_and_alert_rules_pick_their_queue_by_name(admin_client, polled) -> None:
    page = admin_client.get(change_url(make_board())).content.decode()
    threshold = page.split('name="thresholds-__prefix__-queue_id"')[1].split("</select>")[0]
    assert f'<option value="{SALES}">Sales</option>' in threshold
    rule = page.split('name="alert_rules-__prefix__-queue_id"')[1].split("</select>")[0]
    assert '<option value="" selected>Every queue the board shows</option>' in rule
    assert f'<option value="{SUPPORT}">Support</option>' in rule


def test_a_threshold_is_saved_for_the_queue_picked(admin_client, polled) -> None:
    board = make_board()
    data = board_data(board) | management("thresholds", 1)
    data |= {"thresholds-0-queue_id": str(SUPPORT), "thresholds-0-warning_at_or_below": "3"}
    assert admin_client.post(change_url(board), data).status_code == 302
    assert board.warning_levels() == {SUPPORT: 3}


def test_the_accent_colour_is_kept_unless_the_theme_own_is_ticked(admin_client) -> None:
    board = make_board()
    data = board_data(board, accent_color="#112233")
    data.pop("theme_accent")
    assert admin_client.post(change_url(board), data).status_code == 302
    board.refresh_from_db()
    assert board.accent_color == "#112233"
    assert admin_client.post(change_url(board), board_data(board)).status_code == 302
    board.refresh_from_db()
    assert board.accent_color == ""


def png(size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "#005a9c").save(out, format="PNG")
    return out.getvalue()


def test_a_logo_is_uploaded_re_encoded_and_removed(admin_client) -> None:
    board = make_board()
    upload = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    data = board_data(board, logo_upload=upload)
    assert admin_client.post(change_url(board), data).status_code == 302
    stored = Board.objects.only("logo", "logo_digest").get(pk=board.pk)
    assert stored.logo_digest and bytes(stored.logo).startswith(b"\x89PNG")
    page = admin_client.get(change_url(board)).content.decode()
    assert f"/boards/logo/{board.pk}-{stored.logo_digest}.png" in page

    assert admin_client.post(change_url(board), board_data(board, remove_logo="on")).status_code
    assert Board.objects.only("logo_digest").get(pk=board.pk).logo_digest == ""


def test_an_svg_logo_is_refused_with_the_reason(admin_client) -> None:
    board = make_board()
    svg = SimpleUploadedFile("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    page = admin_client.post(change_url(board), board_data(board, logo_upload=svg))
    assert "The logo must be a PNG or JPEG image" in page.content.decode()
    assert Board.objects.only("logo_digest").get(pk=board.pk).logo_digest == ""


# --- tiles ---------------------------------------------------------------------------------


def test_tiles_are_saved_in_order_with_the_options_of_their_kind(admin_client, polled) -> None:
    board = make_board(queue_ids=[SALES, SUPPORT])
    tiles = (
        {"kind": "text", "width": "8", "text": "Welcome to the floor", "logo": "on"},
        {"kind": "queues", "width": "8", "queue": ""},
        {"kind": "agents", "queues": [str(SUPPORT)], "states": ["available"], "sort": "time"},
        # An option of another kind (queue) is ignored; one left out (size): its default.
        {"kind": "leaderboard", "width": "4", "queue": str(SALES)},
    )
    response = admin_client.post(change_url(board), board_data(board, *tiles))
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = [(t.kind, t.width, t.options) for t in board.tiles.all()]
    assert saved == [
        ("text", 8, {"text": "Welcome to the floor", "logo": True}),
        ("queues", 8, {"queue": None}),
        ("agents", 12, {"queues": [SUPPORT], "states": ["available"], "sort": "time"}),
        ("leaderboard", 4, with_defaults("leaderboard", {})),
    ]


def test_a_tile_option_is_judged_by_the_layout_rule(admin_client, polled) -> None:
    board = make_board()
    page = admin_client.post(
        change_url(board), board_data(board, {"kind": "leaderboard", "size": "50"})
    )
    assert "A whole number from 1 to 20." in page.content.decode()
    assert not BoardTile.objects.exists()


def test_a_tile_queue_must_be_one_the_board_shows(admin_client, polled) -> None:
    board = make_board(queue_ids=[SALES])
    data = board_data(board, {"kind": "service", "queue": str(SUPPORT)})
    page = admin_client.post(change_url(board), data).content.decode()
    assert "Not among the board&#x27;s queues: Support." in page
    assert not BoardTile.objects.exists()


def test_a_saved_tile_shows_its_options_by_name(admin_client, polled) -> None:
    board = make_board()
    BoardTile.objects.create(board=board, kind="service", width=4, options={"queue": SUPPORT})
    page = admin_client.get(change_url(board)).content.decode()
    select = page.split('name="tiles-0-queue"')[1].split("</select>")[0]
    assert f'<option value="{SUPPORT}" selected>Support</option>' in select
    assert 'data-each="Each of the board&#x27;s queues"' in page
    assert "Tiles, in the order they fill the screen" in page


def test_the_board_page_carries_no_inline_script_or_style(admin_client, polled) -> None:
    board = make_board()
    BoardTile.objects.create(board=board, kind="text", width=4, options={"text": "Hi"})
    page = admin_client.get(change_url(board)).content.decode()
    ours = page.split('<div class="composer">')[1]
    assert not re.search(r"<[^>]*\sstyle\s*=", ours)
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", ours)
    assert 'src="/static/boards/admin/composer.js"' in page


def test_a_tile_without_a_kind_is_explained_not_a_crash(admin_client, polled) -> None:
    board = make_board()
    response = admin_client.post(change_url(board), board_data(board, {"width": "6"}))
    assert response.status_code == 200
    tiles = response.content.decode().split('id="tiles-group"')[1]
    assert "This field is required." in tiles
    assert not BoardTile.objects.exists()


def test_a_new_board_is_composed_on_the_add_page(admin_client, polled) -> None:
    account = make_board().account
    page = admin_client.get("/admin/boards/board/add/").content.decode()
    assert f'value="{SALES}"' in page  # the only account's queues
    new = Board(title="Night shift", slug="night", account=account, queue_ids=[SUPPORT])
    data = board_data(new, {"kind": "queues", "queue": str(SUPPORT)})
    response = admin_client.post("/admin/boards/board/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    board = Board.objects.get(slug="night")
    assert board.queue_ids == [SUPPORT]
    assert [(t.kind, t.options) for t in board.tiles.all()] == [("queues", {"queue": SUPPORT})]


def test_a_tile_without_a_queue_is_offered_as_each_queue_where_its_kind_shows_each():
    each = json.loads(TileForm().fields["kind"].widget.attrs["data-each"])
    assert sorted(each) == ["queues", "trend"]  # service and waiting: the queues together
