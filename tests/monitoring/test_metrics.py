import asyncio

import pytest
import redis.asyncio as aioredis
from django.conf import settings as django_settings
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from boards.models import Board
from live import web_metrics
from monitoring.tasks import heartbeat
from polling import dispatcher
from polling.budget import key_bucket
from polling.targets import enabled_targets
from tests.polling.helpers import DEMO_KEY, DEMO_USER_KEY, add_account, poll_now
from tests.polling.test_poller import start_call

pytestmark = pytest.mark.django_db

PEER = "5557777"


def scrape(**extra) -> str:
    response = Client().get("/metrics", REMOTE_ADDR="127.0.0.1", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """Every sample of the exposition, by (name, sorted labels)."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


def test_it_parses_as_prometheus_text_and_names_every_series(redis_client) -> None:
    names = {family.name for family in text_string_to_metric_families(scrape())}
    assert {
        "wallboard_polls",
        "wallboard_poll_duration_seconds",
        "wallboard_upstream_errors",
        "wallboard_budget_used_requests",
        "wallboard_budget_left_requests",
        "wallboard_snapshot_age_seconds",
        "wallboard_diffs_published",
        "wallboard_websocket_messages_pushed",
        "wallboard_websocket_clients",
        "wallboard_render_duration_seconds",
    } <= names


def test_its_values_move_when_polls_happen_and_hold_no_secret(wallboard, redis_client) -> None:
    account = add_account(61)
    Board.objects.create(title="Floor", slug="floor", account=account, is_public=True)
    dispatcher.plan_effective_intervals(enabled_targets())  # the budget's limits, as beat does
    heartbeat()
    poll_now()
    before = scrape()
    start_call(wallboard, peer=PEER)
    assert poll_now().outcome == "changed"
    after = scrape()

    assert value(after, "wallboard_polls_total", outcome="changed") == (
        value(before, "wallboard_polls_total", outcome="changed") + 1
    )
    assert value(after, "wallboard_poll_duration_seconds_count") == 2
    assert value(after, "wallboard_diffs_published_total") == (
        value(before, "wallboard_diffs_published_total") + 1
    )
    assert value(after, "wallboard_feed_updates_published_total") > value(
        before, "wallboard_feed_updates_published_total"
    )
    assert value(after, "wallboard_render_duration_seconds_count") > value(
        before, "wallboard_render_duration_seconds_count"
    )
    bucket = key_bucket(DEMO_KEY)
    used = value(after, "wallboard_budget_used_requests", bucket=bucket, kind="key")
    left = value(after, "wallboard_budget_left_requests", bucket=bucket, kind="key")
    assert used >= 4
    assert used + left == 500  # half of the key's 1000 a minute, the default share
    assert 0 <= value(after, "wallboard_snapshot_age_seconds", account_id="61") < 5
    for secret in (DEMO_KEY, DEMO_USER_KEY, PEER, "Account 61", "John"):
        assert secret not in after


def test_it_counts_upstream_errors_by_status(wallboard, settings, redis_client) -> None:
    add_account(61)
    wallboard.control("POST", "/faults", {"kind": "status", "status": 503})
    poll_now()
    text = scrape()
    assert value(text, "wallboard_upstream_errors_total", code="503") == 1
    assert value(text, "wallboard_polls_total", outcome="failed") == 1


def test_it_sums_the_websocket_clients_of_every_web_process(redis_client, monkeypatch) -> None:
    async def report_from_two_processes() -> None:
        client = aioredis.Redis.from_url(django_settings.REDIS_URL, decode_responses=True)
        for name, counts, pushed in (("a", {"tv": 2, "public": 3}, 10), ("b", {"tv": 1}, 5)):
            monkeypatch.setattr(web_metrics, "process_key", lambda n=name: f"wb:metrics:web:{n}:1")
            process = web_metrics.WebMetrics()
            process.pushed = pushed
            await process.report(client, counts)
        await client.aclose()

    asyncio.run(report_from_two_processes())
    text = scrape()
    assert value(text, "wallboard_websocket_clients", audience="tv") == 3
    assert value(text, "wallboard_websocket_clients", audience="public") == 3
    assert value(text, "wallboard_websocket_clients", audience="supervisor") == 0
    assert value(text, "wallboard_websocket_messages_pushed_total") == 15
    assert value(text, "wallboard_web_processes") == 2


def test_it_refuses_public_addresses(redis_client) -> None:
    # Private and forwarded ones: tests/security/test_client_addresses.py
    assert Client().get("/metrics", REMOTE_ADDR="8.8.8.8").status_code == 403


def test_with_a_token_it_asks_everyone_for_it(settings, redis_client) -> None:
    settings.METRICS_TOKEN = "metrics-secret"
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    wrong = {"HTTP_AUTHORIZATION": "Bearer nope"}
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1", **wrong).status_code == 403
    right = {"HTTP_AUTHORIZATION": "Bearer metrics-secret", "REMOTE_ADDR": "8.8.8.8"}
    assert Client().get("/metrics", **right).status_code == 200
