"""The public routes answered from the worker's render (boards/public_fast.py), through the
project's real ASGI application: the same bytes and headers as the Django views, counted
once against the per-address limit, and handed to Django whenever the render cannot answer."""

import dataclasses
import time

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.db import transaction

from accounts.models import Voice360Account
from boards import public_cache
from boards.board_settings import BoardSettings
from boards.models import Board
from boards.public_fast import PublicFastPath
from polling import publish
from snapshots import store
from snapshots.models import Snapshot, TodayCounts
from tests.boards.factories import agent, queue, queue_today
from wallboard.asgi import application, public_fast_path

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ROUTES = {
    "json": "/status/status.json",
    "badge": "/status/status/badge/100134.svg",
    "page": "/status/status/",
}
# Headers that differ between two answers for reasons of their own.
VOLATILE = {"date", "server", "etag"}


@pytest.fixture
def published(redis_client):
    """A public board whose account has a fresh snapshot, rendered by the worker's code."""
    account = Voice360Account.objects.create(account_id=61, name="Demo")
    board = Board.objects.create(title="Status", slug="status", account=account, is_public=True)
    counts = queue_today(answered=4, calls_waiting=2, oldest_waiting_since=time.time() - 30)
    today = TodayCounts(
        date="2027-01-15", time_zone="UTC", total=counts, queues={100134: counts}, agents={}
    )
    snapshot = Snapshot(
        account_id=61,
        source="key",
        agents=[agent(1, "John Smith"), agent(2, "Ada Byron")],
        queues=[queue(100134, "Sales"), queue(100135, "Support")],
        today=today,
    )
    store.write_snapshot(61, snapshot, time.time(), expected_version=0, changed=True)
    publish.publish_account(61)
    return board


@pytest.fixture(autouse=True)
async def _fast_path_lets_go():
    yield
    await public_fast_path.aclose()


async def get(path: str, app=application, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        return await client.get(path, headers=headers)


def from_django(board: Board) -> None:
    """Nothing stored for the board: the fast path hands its requests to Django."""
    public_cache.forget([board.pk])


def comparable(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in VOLATILE}


@pytest.mark.parametrize("route", ROUTES)
async def test_the_stored_answer_is_what_django_answers(published, route):
    fast = await get(ROUTES[route])
    from_django(published)
    slow = await get(ROUTES[route])
    assert fast.status_code == slow.status_code == 200
    assert comparable(fast) == comparable(slow)
    if route == "badge":
        assert fast.content == slow.content
        assert fast.headers["etag"] == slow.headers["etag"]
    elif route == "json":  # the same but for the seconds the caller has waited meanwhile
        fast_data, slow_data = fast.json(), slow.json()
        for data in (fast_data, slow_data):
            assert 30 <= data["queues"][0].pop("longest_wait_seconds") <= 32
        assert fast_data == slow_data
    else:
        assert fast.text.split("data-server-now")[0] == slow.text.split("data-server-now")[0]


async def test_the_answer_comes_from_the_render_not_the_database(published):
    # A change that bypasses the signals (and so the render): only Django would see it.
    await Board.objects.filter(pk=published.pk).aupdate(title="Renamed quietly")
    assert (await get(ROUTES["json"])).json()["title"] == "Status"
    from_django(published)
    assert (await get(ROUTES["json"])).json()["title"] == "Renamed quietly"


async def test_the_moment_of_the_request_is_filled_in(published):
    before = time.time()
    page = (await get(ROUTES["page"])).text
    server_now = float(page.split('data-server-now="')[1].split('"')[0])
    assert before - 0.01 <= server_now <= time.time() + 0.01
    fetched_at = store.read_snapshot(61).fetched_at
    assert f'data-fetched-at="{fetched_at:.3f}"' in page
    assert 'data-state="live"' in page


@pytest.mark.parametrize("route", ["json", "badge"])
async def test_a_matching_etag_is_answered_304_with_the_headers_django_sends(published, route):
    etag = (await get(ROUTES[route])).headers["etag"]
    fast = await get(ROUTES[route], **{"If-None-Match": etag})
    from_django(published)
    slow = await get(ROUTES[route], **{"If-None-Match": etag})
    if route == "json":  # the waited seconds are in the JSON: Django's may have moved on
        assert fast.status_code == 304
    else:
        assert fast.status_code == slow.status_code == 304
        assert comparable(fast) == comparable(slow)
    assert fast.content == b""
    assert fast.headers["etag"] == etag
    assert fast.headers["access-control-allow-origin"] == "*"
    assert (await get(ROUTES[route], **{"If-None-Match": '"other"'})).status_code == 200


async def test_stale_data_is_answered_by_django_which_says_so(published, redis_client):
    redis_client.hset(store.snapshot_key(61), "fetched_at", time.time() - 3600)
    data = (await get(ROUTES["json"])).json()
    assert data["stale"] is True
    badge = (await get(ROUTES["badge"])).text
    assert "status unknown" in badge


async def test_a_board_made_private_is_not_answered_once_the_change_commits(published):
    assert (await get(ROUTES["json"])).status_code == 200

    def make_private() -> None:
        with transaction.atomic():
            board = Board.objects.get(pk=published.pk)
            board.is_public = False
            board.save()

    await sync_to_async(make_private)()
    for path in ROUTES.values():
        assert (await get(path)).status_code == 404


async def test_a_renamed_board_leaves_nothing_under_its_old_slug(published, redis_client):
    board = await Board.objects.select_related("account").aget(pk=published.pk)
    current = await sync_to_async(BoardSettings.of)(board)
    renamed = dataclasses.replace(current, slug="status-new")
    public_cache.store(renamed, {"board": str(renamed.id), "account": "61"})
    assert not redis_client.exists(public_cache.public_key("status"))
    assert redis_client.exists(public_cache.public_key("status-new"))


@pytest.mark.parametrize("route", ROUTES)
async def test_the_limit_counts_both_paths_together(published, settings, route):
    settings.PUBLIC_RATE_LIMIT = "4/h"
    assert (await get(ROUTES[route])).status_code == 200  # the fast path
    assert (await get(ROUTES[route])).status_code == 200
    from_django(published)
    assert (await get(ROUTES[route])).status_code == 200  # Django's view
    assert (await get(ROUTES[route])).status_code == 200
    refused = await get(ROUTES[route])
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    # Stored again: the fast path counts, and Django refuses.
    await sync_to_async(publish.publish_account)(61)
    assert (await get(ROUTES[route])).status_code == 429


async def test_a_host_django_refuses_is_refused(published):
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://evil.example") as client:
        assert (await client.get(ROUTES["json"])).status_code == 400


async def test_head_answers_the_headers_only(published):
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        response = await client.head(ROUTES["badge"])
    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["content-length"]) > 100


@pytest.fixture
async def production(settings):
    """The security settings of production (DEBUG off), behind a proxy that speaks https:
    an application of their own, since Django's middleware reads them when it is made."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    fast_path = PublicFastPath(ASGIHandler())
    yield fast_path
    await fast_path.aclose()


@pytest.mark.parametrize("route", ROUTES)
async def test_production_headers_are_the_same_on_both_paths(published, production, route):
    fast = await get(ROUTES[route], production, **{"X-Forwarded-Proto": "https"})
    from_django(published)
    slow = await get(ROUTES[route], production, **{"X-Forwarded-Proto": "https"})
    assert fast.status_code == slow.status_code == 200
    assert comparable(fast) == comparable(slow)
    assert fast.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "frame-ancestors" in fast.headers["content-security-policy"]


async def test_plain_http_is_redirected_by_django(published, production):
    response = await get(ROUTES["json"], production)
    assert response.status_code == 301
    assert response.headers["location"] == "https://localhost/status/status.json"
