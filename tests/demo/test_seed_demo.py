import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.models import Voice360Account
from demo import names as demo
from tests.polling.helpers import DEMO_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug(settings):
    settings.DEBUG = True


def test_seed_demo_is_idempotent_and_prints_nothing_secret(capsys, monkeypatch):
    monkeypatch.delenv("SANDBOX_DEVELOPER_KEY", raising=False)
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "s3cret-demo-pw")
    call_command("seed_demo")
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert DEMO_KEY not in output
    assert "s3cret-demo-pw" not in output
    account = Voice360Account.objects.get()
    assert (account.account_id, account.name, account.api_key) == (61, "Voice360 Sandbox", DEMO_KEY)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("s3cret-demo-pw")


def test_seed_demo_takes_the_developer_key_from_the_environment(monkeypatch):
    monkeypatch.setenv("SANDBOX_DEVELOPER_KEY", "v360_dev_custom_key_9999")
    call_command("seed_demo", stdout=None)
    assert Voice360Account.objects.get(account_id=61).api_key == "v360_dev_custom_key_9999"


def test_seed_demo_refuses_to_create_a_known_password_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="runs only with DEBUG=true"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()


def test_seed_demo_sets_up_alert_rules_public_counts_and_targets_once():
    from alerts.models import AlertRule
    from boards.models import Board
    from service.models import ServiceTarget

    call_command("seed_demo")
    call_command("seed_demo")
    rules = AlertRule.objects.order_by("board__slug", "kind")
    assert {(r.board.slug, r.kind) for r in rules} == {
        (slug, kind)
        for slug in ("floor-tv", "supervisor")
        for kind in (
            "no_agent_ready",
            "abandons_last_hour_above",
            "waiting_longer_than",
            "service_level_below",
            "calls_waiting_above",
        )
    }
    assert rules.count() == 10
    public = Board.objects.get(slug="support-status")
    assert public.public_shows_today
    assert public.public_shows_service_level
    assert public.public_shows_forecast
    (target,) = ServiceTarget.objects.all()
    assert (target.queue_id, target.threshold_seconds, target.target_percent) == (100134, 15, 90)


def test_seed_demo_adds_a_composed_board_and_leaves_the_others_classic():
    from boards.models import Board

    call_command("seed_demo", stdout=None)
    composed = Board.objects.get(slug=demo.DEMO_BOARDS["composed"])
    assert composed.account.account_id == demo.SANDBOX_ACCOUNT_ID
    assert (composed.title, composed.theme, composed.accent_color) == (
        "Operations overview",
        "light",
        "#005a9c",
    )
    tiles = list(composed.tiles.values_list("kind", "width", "options"))
    kinds = [kind for kind, _width, _options in tiles]
    assert set(kinds) >= {
        "queues", "today", "service", "waiting", "agents", "leaderboard", "clock", "messages",
        "text",
    }  # fmt: skip
    assert dict((k, o) for k, _w, o in tiles)["agents"]["sort"] == "time"
    # Each row of the grid is full: 12 columns.
    assert sum(width for _kind, width, _options in tiles) % 12 == 0
    classic = Board.objects.exclude(pk=composed.pk)
    assert classic.count() == 3 and not classic.filter(tiles__isnull=False).exists()
    assert not classic.exclude(theme="dark").exists()
