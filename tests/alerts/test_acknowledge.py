"""POST /boards/<slug>/alerts/<event>/ack: who may acknowledge, CSRF, idempotence, republish."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from alerts.models import AlertEvent
from tests.alerts.helpers import make_board, make_rule, open_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, redis_client):
    users = get_user_model().objects
    board, other = make_board("floor"), make_board("globex", account_id=7001)
    supervisor = users.create_user("supervisor", password="pw")
    outsider = users.create_user("outsider", password="pw")
    users.create_superuser("admin", password="pw")
    board.supervisors.add(supervisor)
    other.supervisors.add(outsider)
    return {"board": board, "event": open_event_on(board), "other_event": open_event_on(other)}


def open_event_on(board) -> AlertEvent:
    return open_event(make_rule(board))


def client_of(username: str | None, **options) -> Client:
    client = Client(**options)
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def ack_url(slug: str, event: AlertEvent) -> str:
    return f"/boards/{slug}/alerts/{event.pk}/ack"


def queued_tasks(redis_client) -> list[tuple[str, str]]:
    """(task name, its arguments) of every Celery message waiting in the tests' broker."""
    messages = [json.loads(raw) for raw in redis_client.lrange("celery", 0, -1)]
    return [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages]


def test_it_returns_403_for_anonymous_requests(world) -> None:
    response = client_of(None).post(ack_url("floor", world["event"]))
    assert response.status_code == 403
    world["event"].refresh_from_db()
    assert world["event"].acknowledged_at is None


def test_it_returns_404_for_a_user_who_may_not_watch_the_board(world) -> None:
    response = client_of("outsider").post(ack_url("floor", world["event"]))
    assert response.status_code == 404
    world["event"].refresh_from_db()
    assert world["event"].acknowledged_at is None


@pytest.mark.parametrize("username", ["supervisor", "admin"])
def test_a_supervisor_of_the_board_or_an_admin_acknowledges_and_screens_are_refreshed(
    world, redis_client, username
) -> None:
    response = client_of(username).post(ack_url("floor", world["event"]))

    assert response.status_code == 200
    body = response.json()
    assert body["acknowledged"] is True and body["already"] is False
    assert body["acknowledged_by"] == username
    event = AlertEvent.objects.get(pk=world["event"].pk)
    assert event.acknowledged_at is not None
    assert event.acknowledged_by.username == username
    assert queued_tasks(redis_client) == [("polling.tasks.refresh_overlay", "(61,)")]


def test_acknowledging_twice_is_idempotent(world, redis_client) -> None:
    url = ack_url("floor", world["event"])
    assert client_of("supervisor").post(url).status_code == 200
    again = client_of("admin").post(url)
    assert again.status_code == 200
    assert again.json()["already"] is True
    assert again.json()["acknowledged_by"] == "supervisor"  # the first one stays
    assert len(queued_tasks(redis_client)) == 1


def test_an_event_of_another_board_is_a_404(world) -> None:
    response = client_of("admin").post(ack_url("floor", world["other_event"]))
    assert response.status_code == 404
    assert client_of("admin").post("/boards/floor/alerts/999999/ack").status_code == 404


def test_it_only_accepts_post(world) -> None:
    assert client_of("supervisor").get(ack_url("floor", world["event"])).status_code == 405


def test_it_enforces_csrf_with_the_token_of_the_users_page(world) -> None:
    client = client_of("supervisor", enforce_csrf_checks=True)
    url = ack_url("floor", world["event"])
    assert client.post(url).status_code == 403
    world["event"].refresh_from_db()
    assert world["event"].acknowledged_at is None

    page = client.get("/boards/floor/").content.decode()
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    assert client.post(url, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_tv_and_public_pages_carry_no_csrf_token(world) -> None:
    from boards.models import KioskToken

    _, plain = KioskToken.issue(world["board"], "Floor TV")
    page = Client().get(f"/tv/{plain}/").content.decode()
    assert 'name="csrf-token"' not in page
