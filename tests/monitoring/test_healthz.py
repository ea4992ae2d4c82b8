import json
import os
import subprocess
import sys
import time

import pytest
from django.test import Client

from monitoring.tasks import heartbeat
from polling import public_fallback
from snapshots import store
from tests.polling.helpers import DEMO_KEY, add_account
from tests.sandbox_process import free_port
from tests.snapshots.builders import snapshot
from tests.stack import ROOT

pytestmark = pytest.mark.django_db


def healthz():
    """As monitoring on the host asks (loopback: METRICS_ALLOWED_IPS), with the report."""
    return Client().get("/healthz", REMOTE_ADDR="127.0.0.1")


def polled(
    account_id: int, seconds_ago: float, failures: int = 0, interval: float | None = None
) -> None:
    """As if the account's last good poll was `seconds_ago`, at `interval` (as the poller
    stores it), and `failures` failed since."""
    store.write_snapshot(
        account_id,
        snapshot(),
        time.time() - seconds_ago,
        expected_version=store.snapshot_version(account_id),
        changed=True,
        interval=interval,
    )
    for _ in range(failures):
        store.record_failure(account_id, "ServiceUnavailable: down", time.time())


def test_it_answers_200_when_redis_the_database_the_worker_and_every_account_are_fresh(
    redis_client,
) -> None:
    add_account(61, interval=2.0)
    add_account(1001, key=None, interval=2.0)
    heartbeat()
    polled(61, seconds_ago=1)
    polled(1001, seconds_ago=2, failures=1)
    response = healthz()
    assert response.status_code == 200
    report = response.json()
    assert report["ok"] is True
    assert report["redis"] is True
    assert report["database"] is True
    assert 0 <= report["worker_heartbeat_age_seconds"] < 5
    assert report["accounts"] == [
        {
            "account_id": 61,
            "age_seconds": pytest.approx(1, abs=1),
            "fresh": True,
            "mode": "key",
            "consecutive_failures": 0,
        },
        {
            "account_id": 1001,
            "age_seconds": pytest.approx(2, abs=1),
            "fresh": True,
            "mode": "public",
            "consecutive_failures": 1,
        },
    ]


def test_it_answers_503_when_an_account_has_no_good_poll_within_three_intervals(
    redis_client,
) -> None:
    add_account(61, interval=2.0)
    add_account(62, interval=20.0)
    heartbeat()
    polled(61, seconds_ago=31)  # the floor: 30 s, more than 3 x 2 s
    polled(62, seconds_ago=50)  # 3 x 20 s = 60 s: still fresh
    response = healthz()
    assert response.status_code == 503
    assert response.json()["ok"] is False
    by_id = {a["account_id"]: a for a in response.json()["accounts"]}
    assert by_id[61]["fresh"] is False
    assert by_id[62]["fresh"] is True


def test_it_measures_staleness_by_the_effective_interval_of_the_last_poll(redis_client):
    add_account(61, interval=2.0)
    heartbeat()
    polled(61, seconds_ago=80, interval=30.0)  # the budget stretched it to 30 s
    assert healthz().status_code == 200
    polled(61, seconds_ago=95, interval=30.0)
    assert healthz().status_code == 503


def test_it_answers_503_before_the_first_poll_and_without_a_worker(redis_client) -> None:
    add_account(61)
    response = healthz()
    assert response.status_code == 503
    report = response.json()
    assert report["worker_alive"] is False
    assert report["worker_heartbeat_age_seconds"] is None
    assert report["accounts"][0]["age_seconds"] is None


def test_it_shows_public_mode_while_a_rejected_key_waits_for_its_retry(redis_client) -> None:
    add_account(61)
    heartbeat()
    polled(61, seconds_ago=1)
    public_fallback.key_rejected(61, DEMO_KEY, "401", time.time())
    assert healthz().json()["accounts"][0]["mode"] == "public"


def test_it_holds_no_key_name_or_error_text(redis_client) -> None:
    add_account(61)
    heartbeat()
    polled(61, seconds_ago=1, failures=2)
    body = healthz().content.decode()
    assert "v360_dev" not in body
    assert "Account 61" not in body
    assert "ServiceUnavailable" not in body


def test_it_answers_503_when_redis_does_not_answer(tmp_path) -> None:
    """A real process whose REDIS_URL points at a closed port."""
    env = {
        **os.environ,
        "TEST_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    script = (
        "import django, json; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "from django.test import Client;"
        "r = Client().get('/healthz', HTTP_HOST='127.0.0.1');"
        "print(json.dumps([r.status_code, r.json()]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    status, report = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == 503
    assert report["redis"] is False
    assert report["database"] is True


def test_livez_answers_while_the_process_runs_whatever_upstream_does(client):
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_a_503_is_logged_as_a_warning_not_an_error(redis_client, console) -> None:
    add_account(61)
    assert healthz().status_code == 503
    lines = [line for line in console.getvalue().splitlines() if "/healthz" in line]
    assert any("WARNING django.request Service Unavailable: /healthz" in line for line in lines)
    assert not any(" ERROR " in line for line in lines)


def test_anyone_else_gets_the_status_alone(redis_client) -> None:
    add_account(61)
    response = Client().get("/healthz", REMOTE_ADDR="203.0.113.5")
    assert (response.status_code, response.json()) == (503, {"ok": False})
    detailed = Client().get("/healthz", REMOTE_ADDR="127.0.0.1").json()
    assert detailed["accounts"][0]["account_id"] == 61
