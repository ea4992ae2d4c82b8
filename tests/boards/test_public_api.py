"""The public JSON summary and SVG badges: cacheable by a CDN, open to every origin, and
holding nothing about any person."""

import time

import pytest

from accounts.models import Voice360Account
from boards.models import Board
from snapshots import store
from snapshots.models import Snapshot, TodayCounts
from tests.boards.factories import agent, call, queue, queue_today

XSS = "<Sales & \"Co\" 'x'>"
PEER = "+15551234567"


@pytest.fixture
def public_board(db, redis_client):
    account = Voice360Account.objects.create(account_id=61, name="Demo")
    board = Board.objects.create(title="Status", slug="status", account=account, is_public=True)
    snapshot = Snapshot(
        account_id=61,
        source="key",
        agents=[agent(1, "John Smith", calls=[call(PEER)]), agent(2, "Ada Byron")],
        queues=[queue(100134, XSS, available=3), queue(100135, "Support", online=0, available=0)],
    )
    store.write_snapshot(61, snapshot, time.time(), expected_version=0, changed=True)
    return board


def test_the_json_lists_each_queue_with_its_readiness_and_counts(client, public_board):
    response = client.get("/status/status.json")
    assert response.status_code == 200
    data = response.json()
    assert data["stale"] is False
    sales, support = data["queues"]
    assert sales["name"] == XSS
    assert (sales["open"], sales["agents_available"], sales["summary"]) == (
        True,
        3,
        "3 agents available",
    )
    assert (support["open"], support["status"], support["level"]) == (False, "Closed", "alert")


@pytest.mark.parametrize("url", ["/status/status.json", "/status/status/badge/100134.svg"])
def test_it_sends_cache_headers_and_cors(client, public_board, url):
    response = client.get(url)
    assert response["Cache-Control"] == "public, max-age=5"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"].startswith('"')


@pytest.mark.parametrize("url", ["/status/status.json", "/status/status/badge/100134.svg"])
def test_it_answers_304_when_the_etag_matches(client, public_board, url):
    etag = client.get(url)["ETag"]
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


@pytest.mark.parametrize("url", ["/status/status.json", "/status/status/badge/100134.svg"])
def test_it_names_no_agent_and_no_phone_number(client, public_board, url):
    text = client.get(url).content.decode()
    for secret in ("John", "Smith", "Ada", "Byron", PEER, "4567"):
        assert secret not in text


def test_the_badge_is_svg_with_the_queue_name_escaped(client, public_board):
    response = client.get("/status/status/badge/100134.svg")
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.startswith("<svg ")
    assert "<Sales" not in svg
    assert "&lt;Sales &amp; &quot;Co&quot; &#x27;x&#x27;&gt;" in svg
    assert "open · 3 available" in svg


def test_the_badge_says_closed_when_nobody_is_online(client, public_board):
    assert "closed" in client.get("/status/status/badge/100135.svg").content.decode()


def test_the_badge_says_status_unknown_when_the_data_is_stale(client, public_board, redis_client):
    snapshot = store.read_snapshot(61).snapshot
    store.write_snapshot(61, snapshot, time.time() - 3600, expected_version=1, changed=True)
    assert "status unknown" in client.get("/status/status/badge/100134.svg").content.decode()
    assert client.get("/status/status.json").json()["stale"] is True


@pytest.mark.parametrize(
    "url",
    [
        "/status/nope.json",
        "/status/nope/badge/100134.svg",
        "/status/status/badge/999.svg",
    ],
)
def test_it_answers_404_for_an_unknown_board_or_queue(client, public_board, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/status/status.json", "/status/status/badge/100134.svg"])
def test_it_answers_404_for_a_board_that_is_not_public(client, public_board, url):
    Board.objects.filter(pk=public_board.pk).update(is_public=False)
    assert client.get(url).status_code == 404


def test_the_badge_of_a_queue_the_board_does_not_show_is_404(client, public_board):
    Board.objects.filter(pk=public_board.pk).update(queue_ids=[100135])
    assert client.get("/status/status/badge/100134.svg").status_code == 404


def test_the_status_page_may_be_embedded_in_other_sites(client, public_board):
    response = client.get("/status/status/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response


def _with_today(board: Board, opt_in: bool) -> None:
    board.public_shows_today = opt_in
    board.save()
    stored = store.read_snapshot(61)
    counts = queue_today(inbound=8, answered=6, abandoned=2)
    today = TodayCounts(
        date="2027-01-15", time_zone="UTC", total=counts, queues={100134: counts}, agents={}
    )
    snapshot = stored.snapshot.model_copy(update={"today": today})
    store.write_snapshot(61, snapshot, time.time(), expected_version=stored.version, changed=True)


def test_the_json_carries_todays_counts_only_when_the_board_opts_in(client, public_board):
    _with_today(public_board, opt_in=False)
    assert client.get("/status/status.json").json()["queues"][0]["today"] is None
    _with_today(public_board, opt_in=True)
    sales, support = client.get("/status/status.json").json()["queues"]
    assert sales["today"] == {"inbound": 8, "answered": 6, "abandoned": 2, "abandon_rate": 0.25}
    assert support["today"]["inbound"] == 0


def _with_service(board: Board, opt_in: bool, **queue_fields) -> None:
    board.public_shows_service_level = opt_in
    board.save()
    stored = store.read_snapshot(61)
    counts = queue_today(answered=9, within=7, abandoned=2, short_abandoned=1, **queue_fields)
    today = TodayCounts(
        date="2027-01-15", time_zone="UTC", total=counts, queues={100134: counts}, agents={}
    )
    snapshot = stored.snapshot.model_copy(update={"today": today})
    store.write_snapshot(61, snapshot, time.time(), expected_version=stored.version, changed=True)


def test_schema_2_carries_calls_waiting_and_the_service_level_where_published(client, public_board):
    data = client.get("/status/status.json").json()
    assert data["schema"] == 2
    sales = data["queues"][0]
    # No webhooks yet: the poll's estimate (active_calls - agents_on_call of the factory's queue).
    assert (sales["calls_waiting"], sales["calls_waiting_estimated"]) == (0, True)
    assert "service_level" not in sales

    _with_service(
        public_board, opt_in=False, calls_waiting=3, oldest_waiting_since=time.time() - 42
    )
    sales = client.get("/status/status.json").json()["queues"][0]
    assert (sales["calls_waiting"], sales["calls_waiting_estimated"]) == (3, False)
    assert 42 <= sales["longest_wait_seconds"] <= 44
    assert "service_level" not in sales

    _with_service(public_board, opt_in=True)
    sales = client.get("/status/status.json").json()["queues"][0]
    assert sales["service_level"] == {
        "window": "today",
        "threshold_seconds": 20,
        "target_percent": 80.0,
        "percent": 70.0,  # 7 within the threshold / (11 offered - 1 short abandon)
        "offered": 11,
        "answered": 9,
        "answered_within_threshold": 7,
        "abandoned": 2,
        "short_abandoned": 1,
        "asa_seconds": None,
    }
    assert sales["service_level_recent"]["window"] == "30m"


def test_the_forecast_is_in_the_json_only_where_the_board_opts_in(client, public_board):
    _with_service(public_board, opt_in=True)
    assert "forecast" not in client.get("/status/status.json").json()["queues"][0]
    public_board.public_shows_forecast = True
    public_board.save()
    _with_service(public_board, opt_in=True)
    sales = client.get("/status/status.json").json()["queues"][0]
    # No call in the last 30 minutes and no handle time: every field, the unknown ones null.
    assert sales["forecast"] == {
        "calls_per_hour": 0.0,
        "aht_seconds": None,
        "agents_needed": None,
        "agents_available": sales["agents_online"],
        "predicted_service_level_percent": None,
        "window_minutes": 30,
    }
