"""Boards as code: export_boards / import_boards (boards/as_code/, docs/boards-as-code.md)."""

import datetime as dt
import io
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from accounts.models import Voice360Account
from alerts.models import AlertRule
from boards.as_code import export_boards, import_boards
from boards.as_code.schema import BOARD_KEYS, NOT_IN_FILES, RULE_FIELDS
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
    )
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
    token = KioskToken.objects.get()
    for secret in (KEY, plain, token.token_hash, HOOK, "hooks.slack", "XXXXsecret"):
        assert secret not in text


def test_every_board_field_is_in_the_document_or_left_out_on_purpose():
    keys = {key.name for key in BOARD_KEYS}
    fields = {f.name for f in Board._meta.get_fields() if f.concrete or f.many_to_many}
    assert fields - NOT_IN_FILES == keys - {"thresholds", "alert_rules", "screens"}


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
    created = "floor-tv: created; supervisor: created; support-status: created"
    unchanged = "floor-tv: unchanged; supervisor: unchanged; support-status: unchanged"
    assert f"Demo boards from demo/boards.yaml: {created}." in out
    assert f"Demo boards from demo/boards.yaml: {unchanged}." in out
    assert set(Board.objects.values_list("slug", flat=True)) == set(DEMO_BOARDS.values())
    assert Board.objects.get(slug="support-status").queue_ids == [SUPPORT]
    assert KioskToken.objects.get().board.slug == DEMO_BOARDS["tv"]


def test_the_documented_example_imports_as_documented(account, people):
    doc = (Path(__file__).parents[2] / "docs" / "boards-as-code.md").read_text()
    example = doc.split("A complete one:\n\n```yaml\n")[1].split("```")[0]

    result = import_boards(example, "example.yaml")

    assert result.ok, result.error_lines()
    assert [b.line() for b in result.boards] == ["floor: created", "support-status: created"]
    floor = Board.objects.get(slug="floor")
    assert (floor.opens_at, floor.closes_at) == (dt.time(8), dt.time(18, 30))
    assert list(floor.playlist_entries.values_list("seconds", flat=True)) == [40]
    assert import_boards(example, "example.yaml").boards[0].status == "unchanged"
