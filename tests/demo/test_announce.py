"""`make run`: seed_demo gives the demo account its known webhook token, and announce points
the sandbox's webhooks at it and prints the URL."""

import pytest
from django.core.management import call_command

from demo import announce
from demo import names as demo
from tests.webhooks.helpers import payload, post
from webhooks.models import WebhookReceiver


@pytest.fixture
def seeded(db, settings, redis_client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    call_command("seed_demo", stdout=None)  # idempotent


def test_seed_demo_gives_the_demo_account_the_demo_token(seeded, client):
    receiver = WebhookReceiver.objects.get(account__account_id=demo.SANDBOX_ACCOUNT_ID)
    assert receiver.token == demo.demo_webhook_token()
    response = post(client, payload("USER_DIAL"), token=demo.demo_webhook_token())
    assert response.status_code == 200


def test_seed_demo_does_not_print_the_token(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    assert demo.demo_webhook_token() not in capsys.readouterr().out


def test_announce_prints_the_receiver_url():
    printed = announce.lines("http://127.0.0.1:8001")
    expected = f"http://127.0.0.1:8000/webhooks/voice360/{demo.demo_webhook_token()}/"
    assert f"  Webhook receiver:      {expected}" in printed


def test_announce_registers_all_events_once_with_the_sandbox(sandbox):
    url = "http://127.0.0.1:8000" + demo.demo_webhook_path()
    assert announce.register_webhook(sandbox.root_url, url) is True
    assert announce.register_webhook(sandbox.root_url, url) is False
    webhooks = sandbox.control("GET", f"/accounts/{demo.SANDBOX_ACCOUNT_ID}/webhooks").json()
    assert [(w["url"], w["event_type"], w["method"], w["retries"]) for w in webhooks] == [
        (url, "*", "POST", 3)
    ]


def test_announce_says_so_when_the_sandbox_cannot_take_the_webhook():
    notes = announce._register_or_say_why("http://127.0.0.1:9")
    assert notes == ["  (The sandbox's webhook could not be set up: ConnectError.)"]
