"""Boards as code: export_boards / import_boards (boards/as_code/, docs/boards-as-code.md)."""

import base64
import datetime as dt
import io
import json
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from PIL import Image, PngImagePlugin

from accounts.models import Voice360Account
from alerts.models import AlertRule
from boards.as_code import export_boards, import_boards
from boards.as_code.schema import BOARD_KEYS, NOT_IN_FILES, RULE_FIELDS
from boards.layout import TILE_OPTIONS, BoardTile
from boards.logos import logo_digest, reencode_logo, store_logo
from boards.models import Board, KioskToken, PlaylistEntry, QueueThreshold
from demo.names import DEMO_BOARDS

pytestmark = pytest.mark.django_db
KEY = "v360_dev_secret_key_for_the_export_test_01"
HOOK = "https://hooks.slack.com/services/T000/B000/XXXXsecretABCD"
SALES, SUPPORT = 100134, 100135


@pytest.fixture
def account() -> Voice360Account:
    account = Voice360Account.objects.create(account_id=61, name="Demo", time_zone="UTC")
    account.set_api_key(KEY)
    account.save()
    return account


@pytest.fixture
def people(django_user_model):
    return [django_user_model.objects.create(username=name) for name in ("alice", "bob")]


def full_board(account, people) -> tuple[Board, str]:
    """A board using every part of the document; the plain kiosk token of its screen."""
    board = Board.objects.create(
        slug="floor",
        title="Floor · Zürich",
        account=account,
        queue_ids=[SALES, SUPPORT],
        agent_scope="members",
        leaderboard_size=5,
        opens_at=dt.time(8, 0),
        closes_at=dt.time(22, 30),
        business_days=[1, 2, 3, 4, 5, 6],
        theme="light",
        accent_color="#0a7cff",
        language="de",
        clock_hours=12,
        dim_unchanged_after_minutes=30,
    )
    # Stored out of order and sparse, as an edit in the admin may leave them.
    BoardTile.objects.create(board=board, position=7, kind="clock", width=3)
    BoardTile.objects.create(board=board, position=2, kind="queues", width=9)
    agents = {"sort": "time", "states": ["available", "on_call"]}
    BoardTile.objects.create(board=board, position=9, kind="agents", options=agents)
    Board.objects.create(slug="lobby", title="Lobby", account=account, is_public=True)
    board.supervisors.set(people)
    QueueThreshold.objects.create(board=board, queue_id=SUPPORT, warning_at_or_below=3)
    QueueThreshold.objects.create(board=board, queue_id=SALES, warning_at_or_below=2)
    rule = AlertRule(board=board, kind="waiting_longer_than", threshold=90, label="Long wait")
    rule.quiet_hours_start, rule.quiet_hours_end = dt.time(22), dt.time(6)
    rule.set_webhook_url(HOOK)
    rule.save()
    AlertRule.objects.create(board=board, kind="no_agent_ready", queue_id=SALES, sound=False)
    token, plain = KioskToken.issue(board, "Floor 2 left")
    token.sound_enabled = True
    token.save()
    lobby = Board.objects.get(slug="lobby")
    PlaylistEntry.objects.create(token=token, board=lobby, seconds=20, position=1)
    PlaylistEntry.objects.create(token=token, board=board, seconds=40, position=0)
    return board, plain


def load(text: str) -> dict:
    return yaml.safe_load(text)


def test_the_export_carries_every_setting_and_no_secret(account, people):
    _board, plain = full_board(account, people)
    text = export_boards()
    (floor, lobby) = load(text)["boards"]
    assert load(text)["version"] == 1
    assert [floor["slug"], lobby["slug"]] == ["floor", "lobby"]
    assert floor["title"] == "Floor · Zürich" and "Zürich" in text
    assert floor["account"] == 61
    assert (floor["opens_at"], floor["closes_at"]) == ("08:00", "22:30")
    assert floor["supervisors"] == ["alice", "bob"]
    assert floor["thresholds"] == [
        {"queue_id": SALES, "warning_at_or_below": 2},
        {"queue_id": SUPPORT, "warning_at_or_below": 3},
    ]
    assert [(r["kind"], r["queue_id"]) for r in floor["alert_rules"]] == [
        ("waiting_longer_than", None),
        ("no_agent_ready", SALES),
    ]
    assert floor["alert_rules"][0]["quiet_hours_start"] == "22:00"
    assert floor["screens"] == [
        {
            "name": "Floor 2 left",
            "sound_enabled": True,
            "playlist": [{"board": "floor", "seconds": 40}, {"board": "lobby", "seconds": 20}],
        }
    ]
    assert (floor["theme"], floor["accent_color"], floor["language"]) == ("light", "#0a7cff", "de")
    assert (floor["clock_hours"], floor["dim_unchanged_after_minutes"]) == (12, 30)
    token = KioskToken.objects.get()
    for secret in (KEY, plain, token.token_hash, HOOK, "hooks.slack", "XXXXsecret"):
        assert secret not in text


def test_every_board_field_is_in_the_document_or_left_out_on_purpose():
    keys = {key.name for key in BOARD_KEYS}
    fields = {f.name for f in Board._meta.get_fields() if f.concrete or f.many_to_many}
    assert fields - NOT_IN_FILES == keys - {"thresholds", "tiles", "alert_rules", "screens"}


def test_every_alert_rule_field_is_in_the_document_but_its_secret_webhook():
    keys = {key.name for key in RULE_FIELDS}
    fields = {f.name for f in AlertRule._meta.get_fields() if f.concrete}
    kept_out = {"id", "board", "created_at", "webhook_url_encrypted", "webhook_url_hint"}
    assert fields - kept_out == keys


def test_an_export_imported_into_an_empty_database_exports_the_same_bytes(account, people):
    full_board(account, people)
    first = export_boards()
    Board.objects.all().delete()
    assert not KioskToken.objects.exists() and not AlertRule.objects.exists()

    result = import_boards(first, "boards.yaml")

    assert result.ok, result.error_lines()
    assert [(b.slug, b.status) for b in result.boards] == [
        ("floor", "created"),
        ("lobby", "created"),
    ]
    assert export_boards() == first


def test_importing_the_same_file_again_changes_nothing(account, people):
    full_board(account, people)
    text = export_boards()
    before = list(Board.objects.values_list("pk", "updated_at"))
    rules = set(AlertRule.objects.values_list("pk", flat=True))
    entries = set(PlaylistEntry.objects.values_list("pk", flat=True))

    result = import_boards(text, "boards.yaml")

    assert [b.line() for b in result.boards] == ["floor: unchanged", "lobby: unchanged"]
    assert list(Board.objects.values_list("pk", "updated_at")) == before
    assert set(AlertRule.objects.values_list("pk", flat=True)) == rules
    assert set(PlaylistEntry.objects.values_list("pk", flat=True)) == entries


def test_an_import_changes_only_what_differs_and_says_what(account, people):
    full_board(account, people)
    document = load(export_boards())
    floor = document["boards"][0]
    floor["title"] = "Floor 1"
    floor["thresholds"][0]["warning_at_or_below"] = 4
    floor["alert_rules"][0]["threshold"] = 120
    floor["alert_rules"].pop(1)
    long_wait = AlertRule.objects.get(kind="waiting_longer_than")

    result = import_boards(yaml.safe_dump(document), "boards.yaml")

    assert [b.line() for b in result.boards] == [
        "floor: updated (title, thresholds, alert_rules)",
        "lobby: unchanged",
    ]
    rule = AlertRule.objects.get()
    assert (rule.pk, rule.threshold, rule.webhook_url) == (long_wait.pk, 120, HOOK)
    assert QueueThreshold.objects.get(queue_id=SALES).warning_at_or_below == 4
    assert Board.objects.get(slug="floor").title == "Floor 1"


def test_tiles_are_exported_in_order_with_every_option_filled_in(account, people):
    full_board(account, people)
    floor = load(export_boards())["boards"][0]
    assert floor["tiles"] == [
        {"kind": "queues", "width": 9, "options": {"queue": None}},
        {"kind": "clock", "width": 3, "options": {}},
        {
            "kind": "agents",
            "width": 12,
            "options": {"queues": [], "states": ["available", "on_call"], "sort": "time"},
        },
    ]


def test_a_boards_tiles_become_the_files_in_its_order(account, people):
    board, _plain = full_board(account, people)
    document = load(export_boards())
    document["boards"][0]["tiles"] = [
        {"kind": "text", "width": 4, "options": {"text": "Welcome"}},
        {"kind": "leaderboard"},
        {"kind": "agents", "width": 8, "options": {"sort": "name", "queues": [SALES]}},
    ]
    before = Board.objects.get(pk=board.pk).updated_at

    result = import_boards(yaml.safe_dump(document), "boards.yaml")

    assert [b.line() for b in result.boards] == ["floor: updated (tiles)", "lobby: unchanged"]
    stored = list(board.tiles.values_list("position", "kind", "width", "options"))
    assert stored == [
        (0, "text", 4, {"text": "Welcome", "logo": False}),
        (1, "leaderboard", 12, {"size": 5}),
        (2, "agents", 8, {"queues": [SALES], "states": [], "sort": "name"}),
    ]
    # The tiles alone changed: the board is saved all the same, so its screens follow.
    assert Board.objects.get(pk=board.pk).updated_at > before
    assert import_boards(yaml.safe_dump(document), "boards.yaml").boards[0].status == "unchanged"


def test_tiles_left_out_of_a_board_leave_it_the_classic_layout(account, people):
    board, _plain = full_board(account, people)
    document = load(export_boards())
    del document["boards"][0]["tiles"]

    result = import_boards(yaml.safe_dump(document), "boards.yaml")

    assert result.boards[0].line() == "floor: updated (tiles)"
    assert not board.tiles.exists()


def test_importing_the_same_tiles_keeps_their_rows(account, people):
    board, _plain = full_board(account, people)
    tiles = set(board.tiles.values_list("pk", flat=True))
    result = import_boards(export_boards(), "boards.yaml")
    assert result.boards[0].status == "unchanged"
    assert set(board.tiles.values_list("pk", flat=True)) == tiles


BAD_TILES = """\
version: 1
boards:
- slug: composed
  title: Composed
  account: 61
  tiles:
  - {kind: queues, width: 13}
  - {kind: agents, options: {sort: mood, states: [asleep], colour: red}}
  - {kind: poster}
  - {kind: leaderboard, width: two, options: {size: 50}}
  - {kind: text, options: [Welcome]}
  - {kind: service, options: {queue: -1}}
  - {kind: text, options: {text: {a: 1}, logo: "yes"}}
  - Welcome
"""


def test_each_wrong_tile_is_a_line_at_its_path_in_the_layouts_words(account):
    result = import_boards(BAD_TILES, "tiles.yaml")

    assert result.error_lines() == [
        "tiles.yaml: boards[0].tiles[3].width: not an integer",
        "tiles.yaml: boards[0].tiles[4].options: not a mapping (key: value lines)",
        "tiles.yaml: boards[0].tiles[7]: not a mapping (key: value lines)",
    ]
    fixed = BAD_TILES.replace("width: two, ", "").replace("[Welcome]", "{}")
    result = import_boards(fixed.replace("  - Welcome\n", ""), "tiles.yaml")

    assert result.error_lines() == [
        "tiles.yaml: boards[0].tiles[0].width: Ensure this value is less than or equal to 12.",
        "tiles.yaml: boards[0].tiles[1].options.sort: one of state, name, time",
        "tiles.yaml: boards[0].tiles[1].options.states: a list of agent states from available, "
        "on_call, online, offline",
        "tiles.yaml: boards[0].tiles[1].options.colour: not an option of the agents tile",
        "tiles.yaml: boards[0].tiles[2].kind: one of queues, today, agents, service, waiting, "
        "leaderboard, trend, clock, messages, text",
        "tiles.yaml: boards[0].tiles[3].options.size: a whole number from 1 to 20",
        "tiles.yaml: boards[0].tiles[5].options.queue: a queue id (a positive whole number), or "
        "empty for the board's",
        "tiles.yaml: boards[0].tiles[6].options.text: text of at most 200 characters",
        "tiles.yaml: boards[0].tiles[6].options.logo: true or false",
    ]
    assert not Board.objects.exists() and not BoardTile.objects.exists()


def test_agent_states_that_are_no_words_are_an_error_line(account):
    text = "version: 1\nboards:\n- {slug: a, title: A, account: 61, tiles: [{kind: agents, "
    result = import_boards(text + "options: {states: [[available]]}}]}\n", "tiles.yaml")
    assert result.error_lines() == [
        "tiles.yaml: boards[0].tiles[0].options.states: a list of agent states from available, "
        "on_call, online, offline"
    ]


def test_a_wrong_tile_in_an_update_leaves_the_stored_tiles_alone(account, people):
    board, _plain = full_board(account, people)
    tiles = list(board.tiles.values_list("pk", "kind", "options"))
    document = load(export_boards())
    document["boards"][0]["tiles"].append({"kind": "clock", "options": {"seconds": True}})
    document["boards"][0]["title"] = "Renamed"

    result = import_boards(yaml.safe_dump(document), "boards.yaml")

    assert result.error_lines() == [
        "boards.yaml: boards[0].tiles[3].options.seconds: not an option of the clock tile"
    ]
    assert list(board.tiles.values_list("pk", "kind", "options")) == tiles
    assert Board.objects.get(pk=board.pk).title == "Floor · Zürich"


def picture(fmt: str = "PNG", mode: str = "RGBA", size=(120, 40), **save) -> bytes:
    """An image as an upload would bring it: a gradient, so it does not compress to nothing."""
    image = Image.linear_gradient("L").resize(size).convert(mode)
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def with_logo(board: Board, upload: bytes) -> bytes:
    store_logo(board, reencode_logo(upload))
    return bytes(Board.objects.defer(None).get(pk=board.pk).logo)


def stored_logo(slug: str) -> bytes:
    return bytes(Board.objects.defer(None).get(slug=slug).logo)


def camera_exif() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was turned
    exif[0x010F] = "Camera maker"
    return exif.tobytes()


UPLOADS = {
    "RGBA PNG": picture(),
    "RGB JPEG with EXIF, turned": picture("JPEG", "RGB", exif=camera_exif()),
    "palette PNG with transparency": picture("PNG", "P", transparency=0),
    "16-bit grey PNG": picture("PNG", "I;16"),
    "a photo scaled down": picture("JPEG", "RGB", size=(2400, 1600)),
}


@pytest.mark.parametrize("upload", UPLOADS.values(), ids=UPLOADS.keys())
def test_a_logo_makes_the_round_trip_byte_for_byte(account, people, upload):
    board, _plain = full_board(account, people)
    png = with_logo(board, upload)
    first = export_boards()
    assert load(first)["boards"][0]["logo"].replace("\n", "") == base64.b64encode(png).decode()
    assert "  logo: |\n" in first and max(len(line) for line in first.splitlines()) <= 80
    Board.objects.all().delete()

    result = import_boards(first, "boards.yaml")

    assert result.ok, result.error_lines()
    # Re-encoding a PNG we encoded gives the same bytes: what the round trip rests on.
    assert stored_logo("floor") == png == reencode_logo(png)
    assert Board.objects.get(slug="floor").logo_digest == logo_digest(png)
    assert export_boards() == first
    assert import_boards(first, "boards.yaml").boards[0].status == "unchanged"


def test_a_logo_from_a_file_is_kept_only_as_the_png_we_encode_of_it(account):
    # A PNG with a text chunk, and a script after its end (a polyglot).
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    sent = picture(pnginfo=info) + b"<script>alert(2)</script>"
    text = f"version: 1\nboards:\n- {{slug: a, title: A, account: 61, logo: {b64(sent)}}}\n"

    result = import_boards(text, "boards.yaml")

    assert result.ok, result.error_lines()
    kept = stored_logo("a")
    assert kept == reencode_logo(sent) != sent
    assert b"script" not in kept and b"Comment" not in kept
    assert Image.open(io.BytesIO(kept)).format == "PNG"


def test_a_logo_the_board_has_already_is_kept_as_stored(account, people):
    board, _plain = full_board(account, people)
    # As a Pillow of another version might have written it: the same pixels, other bytes.
    older = picture(optimize=False, compress_level=1)
    store_logo(board, older)
    assert reencode_logo(older) != older

    result = import_boards(export_boards(), "boards.yaml")

    assert result.boards[0].status == "unchanged"
    assert stored_logo("floor") == older


def test_a_logo_left_out_or_null_removes_the_boards_logo(account, people):
    board, _plain = full_board(account, people)
    with_logo(board, picture())
    document = load(export_boards())
    document["boards"][0]["logo"] = None

    result = import_boards(yaml.safe_dump(document), "boards.yaml")

    assert result.boards[0].line() == "floor: updated (logo)"
    board = Board.objects.defer(None).get(slug="floor")
    assert (bytes(board.logo), board.logo_digest) == (b"", "")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def test_a_logo_that_is_no_png_or_jpeg_is_an_error_line_and_nothing_is_written(account):
    gif = picture("GIF", "P")
    text = f"""\
version: 1
boards:
- {{slug: a, title: A, account: 61, logo: "{b64(SVG)}"}}
- {{slug: b, title: B, account: 61, logo: "{b64(gif)}"}}
- {{slug: c, title: C, account: 61, logo: "not base64!"}}
- {{slug: d, title: D, account: 61, logo: "{b64(picture()[:100])}"}}
- {{slug: e, title: E, account: 61, logo: 12}}
"""
    result = import_boards(text, "logos.yaml")

    formats = "The logo must be a PNG or JPEG image (SVG, GIF, WebP and others are refused)."
    assert result.error_lines() == [
        "logos.yaml: boards[4].logo: not a string",
        f"logos.yaml: boards[0].logo: {formats}",
        f"logos.yaml: boards[1].logo: {formats}",
        "logos.yaml: boards[2].logo: not base64 text: the logo is a PNG in base64, as exported",
        "logos.yaml: boards[3].logo: The logo file is damaged or incomplete: it could not be read.",
    ]
    assert not Board.objects.exists()


def test_left_out_keys_take_the_models_defaults(account):
    text = "version: 1\nboards:\n- {slug: new, title: New, account: 61}\n"
    result = import_boards(text, "boards.yaml")
    assert result.ok, result.error_lines()
    board = Board.objects.get(slug="new")
    assert (board.queue_ids, board.business_days, board.night_mode) == ([], [1, 2, 3, 4, 5], True)
    assert (board.warning_at_or_below, board.daily_reload_hour, board.opens_at) == (1, 4, None)


def test_a_dry_run_says_what_would_change_and_writes_nothing(account, people):
    full_board(account, people)
    text = export_boards()
    Board.objects.all().delete()

    result = import_boards(text, "boards.yaml", dry_run=True)

    assert result.ok and not result.written
    assert [b.status for b in result.boards] == ["created", "created"]
    assert not Board.objects.exists() and not KioskToken.objects.exists()


BAD = """\
version: 1
boards:
- slug: one
  title: One
  account: 61
- slug: two
  title: Two
  account: 99
  supervisors: [alice, nobody]
- slug: three
  title: Three
  account: 61
  queue_ids: [x, 5]
  leaderboard_size: 21
  night_mod: false
- slug: one
  title: One again
  account: 61
  closes_at: 22:00
  thresholds:
  - {queue_id: 5, warning_at_or_below: 1}
  - {queue_id: 5, warning_at_or_below: 2}
  alert_rules:
  - {kind: service_level_below, threshold: 150}
  - {kind: no_agent_ready, threshold: 3}
  - {kind: bored}
  screens:
  - name: Hall
    playlist: [{board: elsewhere, seconds: 1}]
"""


def test_every_error_is_one_line_with_its_path_and_nothing_is_written(account, people):
    result = import_boards(BAD, "boards.yaml")

    assert result.error_lines() == [
        'boards.yaml: boards[3].slug: "one" is the slug of boards[0] already',
        "boards.yaml: boards[2].night_mod: unknown key; did you mean night_mode? "
        "(see docs/boards-as-code.md)",
        "boards.yaml: boards[2].queue_ids[0]: not an integer",
        'boards.yaml: boards[3].closes_at: not a time: write it in quotes, e.g. "08:30"',
        "boards.yaml: boards[1].account: no Voice360 account 99 here: add it in the admin first",
        'boards.yaml: boards[1].supervisors[1]: no user "nobody" here',
    ]
    assert not Board.objects.exists()


def test_the_models_own_rules_are_errors_at_their_path(account):
    fixed = (
        BAD.replace("  night_mod: false\n", "").replace("[x, 5]", "[5]").replace("22:00", '"22:00"')
    )
    fixed = fixed.replace("slug: one\n  title: One again", "slug: four\n  title: Four")
    fixed = fixed.replace("account: 99", "account: 61").replace("[alice, nobody]", "[]")

    result = import_boards(fixed, "boards.yaml")

    assert result.error_lines() == [
        "boards.yaml: boards[2].leaderboard_size: Ensure this value is less than or equal to 20.",
        "boards.yaml: boards[3].thresholds[1].queue_id: queue 5 has a threshold in "
        "boards[3].thresholds[0]",
        "boards.yaml: boards[3].alert_rules[0].threshold: A service level is a percentage: 1 to "
        "100.",
        "boards.yaml: boards[3].alert_rules[1].threshold: “No agent ready” takes no number; "
        "leave it empty.",
        "boards.yaml: boards[3].alert_rules[2].kind: Value 'bored' is not a valid choice.",
        'boards.yaml: boards[3].screens[0].playlist[0].board: no board "elsewhere" in this '
        "file or stored",
        "boards.yaml: boards[3].screens[0].playlist[0].seconds: "
        "A board stays on screen at least 5.0 seconds.",
    ]
    assert not Board.objects.exists()


def test_a_rule_on_a_queue_a_new_board_does_not_show_refuses_the_whole_file(account):
    text = """\
version: 1
boards:
- {slug: fine, title: Fine, account: 61}
- slug: sales
  title: Sales
  account: 61
  queue_ids: [100134]
  alert_rules: [{kind: no_agent_ready, queue_id: 100135}]
"""
    result = import_boards(text, "new.yaml")

    assert result.error_lines() == [
        "new.yaml: boards[1].alert_rules[0].queue_id: The board does not show queue 100135 "
        "(it shows 100134)."
    ]
    assert result.boards == [] and not Board.objects.exists()


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("version: 1\nboards:\n- slug: a\n  title: [unclosed\n", "line 5, column 1: not valid"),
        ("version: 1\nboards: {a: b\n", "line 3, column 1: not valid YAML"),
        ("version: 1\n\tboards: []\n", "line 2, column 1: not valid YAML: found character"),
        ("", "(document): the file is empty"),
        ("- 1\n", "(document): not a mapping"),
        ("version: 2\nboards: []\n", "version: version 2 is not supported"),
        ("boards: []\n", "version: missing"),
        ("version: 1\nboards: {}\n", "boards: not a list"),
    ],
)
def test_a_file_that_is_no_boards_document_gets_one_clear_line(text, line):
    result = import_boards(text, "b.yaml")
    assert len(result.errors) == 1
    assert result.error_lines()[0].startswith(f"b.yaml: {line}")


def test_a_new_screen_is_created_without_showing_a_link_and_others_are_kept(account, people):
    board, _plain = full_board(account, people)
    document = load(export_boards())
    document["boards"][1]["screens"] = [{"name": "Lobby TV", "playlist": []}]
    del document["boards"][0]["screens"]  # left out: floor's screen stays as it is

    result = import_boards(yaml.safe_dump(document), "boards.yaml")

    assert [b.line() for b in result.boards] == ["floor: unchanged", "lobby: updated (screens)"]
    assert result.boards[1].notes == (
        "new screen “Lobby TV”: rotate its kiosk token in the admin for its link",
    )
    assert KioskToken.objects.filter(board=board, name="Floor 2 left").exists()
    lobby_tv = KioskToken.objects.get(name="Lobby TV")
    assert lobby_tv.is_active and len(lobby_tv.token_hash) == 64


def test_export_boards_writes_the_chosen_boards_to_stdout_or_a_file(account, people, tmp_path):
    full_board(account, people)
    out = io.StringIO()
    call_command("export_boards", "--board", "lobby", stdout=out)
    assert [b["slug"] for b in load(out.getvalue())["boards"]] == ["lobby"]

    target = tmp_path / "boards.yaml"
    call_command("export_boards", "--output", str(target))
    assert target.read_text(encoding="utf-8") == export_boards()
    with pytest.raises(CommandError, match="no board 'nope'"):
        call_command("export_boards", "--board", "nope")


def test_import_boards_reports_each_board_and_refuses_a_bad_file_whole(account, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("version: 1\nboards:\n- {slug: a, title: A, account: 61}\n")
    out = io.StringIO()
    call_command("import_boards", str(good), "--dry-run", stdout=out)
    assert out.getvalue() == "a: created\nDry run: nothing was written.\n"
    assert not Board.objects.exists()
    call_command("import_boards", str(good), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_boards", str(good), stdout=out)
    assert out.getvalue() == "a: unchanged\n"

    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nboards:\n- {slug: b, title: B, account: 7, night_mode: 1}\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 error: nothing was imported"):
        call_command("import_boards", str(bad), stderr=err)
    assert err.getvalue().splitlines() == [
        f"{bad}: boards[0].night_mode: not true or false",
    ]
    with pytest.raises(CommandError, match="cannot read it"):
        call_command("import_boards", str(tmp_path / "missing.yaml"))


def test_seed_demo_takes_the_demo_boards_from_their_file_through_the_importer(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    slugs = ("floor-tv", "supervisor", "support-status", "composed")
    created = "; ".join(f"{slug}: created" for slug in slugs)
    unchanged = "; ".join(f"{slug}: unchanged" for slug in slugs)
    assert f"Demo boards from demo/boards.yaml: {created}." in out
    assert f"Demo boards from demo/boards.yaml: {unchanged}." in out
    assert set(Board.objects.values_list("slug", flat=True)) == set(DEMO_BOARDS.values())
    assert Board.objects.get(slug="support-status").queue_ids == [SUPPORT]
    screens = KioskToken.objects.order_by("name").values_list("name", "board__slug")
    assert list(screens) == [
        ("Floor TV (demo)", DEMO_BOARDS["tv"]),
        ("Operations TV (demo)", DEMO_BOARDS["composed"]),
    ]


def test_the_documented_example_imports_as_documented(account, people):
    doc = (Path(__file__).parents[2] / "docs" / "boards-as-code.md").read_text()
    example = doc.split("A complete one:\n\n```yaml\n")[1].split("```")[0]

    result = import_boards(example, "example.yaml")

    assert result.ok, result.error_lines()
    assert [b.line() for b in result.boards] == [
        "floor: created",
        "support-status: created",
        "overview: created",
    ]
    overview = Board.objects.get(slug="overview")
    assert (overview.theme, overview.accent_color, overview.language) == ("light", "#005a9c", "de")
    assert list(overview.tiles.values_list("kind", "width")) == [
        ("text", 9),
        ("clock", 3),
        ("queues", 8),
        ("service", 4),
        ("agents", 12),
        ("messages", 12),
    ]
    floor = Board.objects.get(slug="floor")
    assert (floor.opens_at, floor.closes_at) == (dt.time(8), dt.time(18, 30))
    assert list(floor.playlist_entries.values_list("seconds", flat=True)) == [40]
    assert import_boards(example, "example.yaml").boards[0].status == "unchanged"


def test_the_document_names_every_tile_kind_with_each_option_and_its_default():
    doc = (Path(__file__).parents[2] / "docs" / "boards-as-code.md").read_text()
    rows = {
        line.split("|")[1].strip(" `"): line
        for line in doc.split("| kind | shows | options (default) |")[1]
        .split("\n\n")[0]
        .splitlines()
        if line.startswith("| `")
    }
    assert set(rows) == set(TILE_OPTIONS)
    for kind, options in TILE_OPTIONS.items():
        for name, (_check, default) in options.items():
            assert f"`{name}` (default `{json.dumps(default)}`)" in rows[kind], (kind, name)
        if not options:
            assert rows[kind].endswith("| none |")
