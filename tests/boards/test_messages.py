"""Messages to the floor (boards/messages.py, boards/message_views.py): the model's rules,
the banner in each audience's render, who may post and withdraw, and the refresh that takes
a message to the screens and off them on time."""

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client

from boards.audience import Audience
from boards.feeds import FeedUpdate, feed_group, read_render
from boards.messages import BoardMessage, shown_on
from boards.models import Board
from boards.presenters import Extras, board_view
from boards.rendering import render_board
from boards.view_models import MessageView, OnScreen
from polling import publish, repaint, schedule, tasks
from snapshots import store
from snapshots.models import Snapshot
from tests.boards.factories import NOW, agent, queue, settings, stored
from tests.polling.helpers import add_account
from tests.polling.test_poller import Subscriber

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


# --- the model's rules --------------------------------------------------------------------


@pytest.fixture
def board(redis_client) -> Board:
    return Board.objects.create(title="Floor", slug="floor", account=add_account())


@pytest.fixture
def sam():
    return get_user_model().objects.create_user("sam", password="pw")


def checked(board: Board, text: str, minutes: int = 60) -> BoardMessage:
    message = BoardMessage.compose(board, None, text, minutes)
    message.full_clean()
    return message


def test_it_strips_the_text_and_keeps_140_characters(board):
    assert checked(board, "  Team huddle at 15:00 \u00a0").text == "Team huddle at 15:00"
    assert checked(board, "x" * 140).text == "x" * 140
    assert checked(board, "Well done team 🎉👨‍👩‍👧").text.endswith("👨‍👩‍👧")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "Write a message"),
        ("   ", "Write a message"),
        ("x" * 141, "At most 140 characters (this one has 141)"),
        ("two\nlines", "no line breaks"),
        ("tab\there", "control characters"),
        ("nul\x00", "control characters"),
        ("abc\u202eevil", "control characters"),
    ],
)
def test_it_refuses_text_that_is_empty_too_long_or_has_control_characters(board, text, why):
    with pytest.raises(ValidationError) as refused:
        checked(board, text)
    assert why in " ".join(refused.value.message_dict["text"])


@pytest.mark.parametrize("minutes", [15, 30, 60, 120, 240, 480])
def test_it_expires_after_one_of_the_offered_times(board, minutes):
    message = checked(board, "Huddle", minutes)
    assert message.expires_at - message.created_at == timedelta(minutes=minutes)


def test_until_withdrawn_has_no_expiry(board):
    assert checked(board, "Huddle", 0).expires_at is None


@pytest.mark.parametrize("minutes", [1, 14, 45, 481, 24 * 60])
def test_it_refuses_any_other_expiry(board, minutes):
    with pytest.raises(ValidationError) as refused:
        checked(board, "Huddle", minutes)
    assert "expires_at" in refused.value.message_dict


def test_its_status_follows_the_clock_and_withdrawal(board, sam):
    posted = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
    message = BoardMessage.compose(board, sam, "Huddle", 15, now=posted)
    message.save()
    assert message.status_at(posted + timedelta(minutes=14)) == "active"
    assert message.status_at(posted + timedelta(minutes=15)) == "expired"
    assert message.withdraw(sam, now=posted + timedelta(minutes=1))
    assert not message.withdraw(sam)  # once
    assert message.status_at(posted + timedelta(minutes=2)) == "withdrawn"


def test_the_screens_read_only_active_messages_newest_first(board, sam):
    now = time.time()
    at = datetime.fromtimestamp(now, UTC)
    old = BoardMessage.compose(board, sam, "Old", 15, now=at - timedelta(minutes=20))
    gone = BoardMessage.compose(board, sam, "Gone", 0, now=at - timedelta(minutes=5))
    first = BoardMessage.compose(board, sam, "First", 60, now=at - timedelta(minutes=2))
    second = BoardMessage.compose(board, sam, "Second", 0, now=at - timedelta(minutes=1))
    for message in (old, gone, first, second):
        message.save()
    gone.withdraw(sam)
    on_screen = shown_on(board.pk, now)
    assert [m.text for m in on_screen.messages] == ["Second", "First"]
    assert on_screen.messages[1].expires_at == pytest.approx(now + 58 * 60, abs=1)
    assert on_screen.public is False and on_screen.as_of == now
    Board.objects.filter(pk=board.pk).update(public_shows_messages=True)
    assert shown_on(board.pk, now).public is True


# --- the banner in the render ---------------------------------------------------------------


def rendered(audience: Audience, on_screen: OnScreen) -> str:
    snapshot = stored([agent(1, "Ada Byron")], [queue(100134, "Sales")])
    extras = Extras(on_screen=on_screen)
    return render_board(board_view(settings(is_public=True), snapshot, audience, extras)).body


def huddle(text: str = "Team huddle at 15:00", expires_at: float | None = NOW + 900):
    return MessageView(7, text, NOW - 60, expires_at)


def banner(body: str) -> str:
    start = body.index('id="board-messages"')
    return body[start : body.index("</section>", start)]


@pytest.mark.parametrize("audience", [Audience.TV, Audience.SUPERVISOR, Audience.ADMIN])
def test_the_banner_shows_on_the_screens_of_the_call_centre(audience):
    body = rendered(audience, OnScreen((huddle(),), public=False, as_of=NOW))
    assert "Team huddle at 15:00" in banner(body)
    assert 'role="status"' in banner(body) and "hidden" not in banner(body).split(">")[0]
    assert "Message</strong>" in banner(body)  # a word, not colour alone


def test_the_public_page_shows_it_only_where_the_board_opts_in():
    hidden = rendered(Audience.PUBLIC, OnScreen((huddle(),), public=False, as_of=NOW))
    assert "Team huddle" not in hidden
    assert "hidden" in banner(hidden).split(">")[0]  # the fragment is there, empty
    shown = rendered(Audience.PUBLIC, OnScreen((huddle(),), public=True, as_of=NOW))
    assert "Team huddle at 15:00" in banner(shown)


@pytest.mark.parametrize("audience", list(Audience))
def test_the_banner_is_escaped(audience):
    body = rendered(audience, OnScreen((huddle(HOSTILE),), public=True, as_of=NOW))
    assert HOSTILE not in body
    assert ESCAPED in banner(body)


def test_a_message_past_its_expiry_is_not_shown():
    message = huddle(expires_at=NOW + 900)
    assert "Team huddle" in rendered(Audience.TV, OnScreen((message,), as_of=NOW + 899))
    assert "Team huddle" not in rendered(Audience.TV, OnScreen((message,), as_of=NOW + 900))
    forever = huddle(expires_at=None)
    assert "Team huddle" in rendered(Audience.TV, OnScreen((forever,), as_of=NOW + 10**6))


def test_the_banner_is_one_fragment_whether_or_not_there_is_a_message():
    snapshot = stored([agent(1, "Ada Byron")], [queue(100134, "Sales")])
    without = render_board(board_view(settings(), snapshot, Audience.TV))
    extras = Extras(on_screen=OnScreen((huddle(),), as_of=NOW))
    with_one = render_board(board_view(settings(), snapshot, Audience.TV, extras))
    changed = with_one.changes_since(without.digests())
    assert changed.strip().startswith('<section id="board-messages"')  # that fragment alone
    assert 'id="queue-100134"' not in changed


# --- through the worker: posted, withdrawn, expired -----------------------------------------


def snapshot_stored() -> int:
    snapshot = Snapshot(
        account_id=61, source="key", agents=[agent(1, "Ada Byron")], queues=[queue(100134, "S")]
    )
    store.write_snapshot(61, snapshot, time.time(), expected_version=0, changed=True)
    publish.publish_account(61)
    return store.read_snapshot(61).version


def post(board: Board, author, text: str, minutes: int = 60) -> BoardMessage:
    message = BoardMessage.compose(board, author, text, minutes)
    message.full_clean()
    message.save()
    return message


def test_the_worker_renders_a_posted_message_into_the_board_and_withdraws_it(board, sam):
    Board.objects.filter(pk=board.pk).update(is_public=True)
    snapshot_stored()
    message = post(board, sam, HOSTILE)
    assert tasks.repaint_account(61) == "overlay"
    for audience in ("tv", "supervisor", "admin"):
        assert ESCAPED in banner(read_render(board.pk, audience).body), audience
    assert ESCAPED not in read_render(board.pk, "public").body
    message.withdraw(sam)
    tasks.repaint_account(61)
    assert ESCAPED not in read_render(board.pk, "tv").body


@pytest.mark.django_db(transaction=True)
async def test_open_screens_get_the_banner_as_one_fragment_of_a_newer_version(board, sam):
    """A diff the viewers take (base: the version they hold), not a reconnect of them all."""
    version = await asyncio.to_thread(snapshot_stored)
    await asyncio.to_thread(post, board, sam, "Huddle at 15:00")
    async with Subscriber(feed_group(board.pk, "tv")) as subscriber:
        await asyncio.to_thread(tasks.repaint_account, 61)
        await subscriber.wait_for(1, seconds=5)
    (message,) = subscriber.messages
    update = FeedUpdate.from_message(message)
    assert (update.base, update.version) == (version, version + 1)
    assert update.html.strip().startswith('<section id="board-messages"')
    assert "Huddle at 15:00" in update.html and 'id="queue-100134"' not in update.html
    stored_now = store.read_snapshot(61)
    assert stored_now.version == version + 1 and stored_now.snapshot.agents[0].id == 1


def test_a_repaint_waits_for_the_poll_in_flight_and_needs_a_snapshot(board):
    assert repaint.repaint(61, 5) == "gone"  # no snapshot: the first poll renders it all
    snapshot_stored()
    token = schedule.acquire_lock(61, 5)
    try:
        assert repaint.repaint(61, 5) == "busy"  # the task tries again shortly
    finally:
        schedule.release_lock(61, token)
    assert repaint.repaint(61, 5) == "overlay"


def test_the_public_render_carries_it_once_the_board_opts_in(board, sam):
    Board.objects.filter(pk=board.pk).update(is_public=True, public_shows_messages=True)
    snapshot_stored()
    post(board, sam, "Back at 14:00")
    tasks.repaint_account(61)
    assert "Back at 14:00" in banner(read_render(board.pk, "public").body)


def test_its_expiry_takes_it_off_the_screens_once(board, sam):
    snapshot_stored()
    message = post(board, sam, "Huddle", 15)
    tasks.repaint_account(61)
    assert "Huddle" in read_render(board.pk, "tv").body
    assert tasks.message_expired(message.pk) is False  # not due yet: nothing refreshed
    past = datetime.now(UTC) - timedelta(minutes=16)
    BoardMessage.objects.filter(pk=message.pk).update(
        created_at=past, expires_at=past + timedelta(minutes=15)
    )
    assert tasks.message_expired(message.pk) is True
    assert "Huddle" not in read_render(board.pk, "tv").body
    assert tasks.message_expired(message.pk) is False  # a second delivery does nothing


@pytest.mark.django_db(transaction=True)
def test_posting_repaints_the_board_on_commit_and_schedules_its_expiry(board, sam, redis_client):
    redis_client.delete("celery")
    with transaction.atomic():
        message = post(board, sam, "Huddle", 30)
        assert redis_client.lrange("celery", 0, -1) == []  # nothing before the commit
    sent = [json.loads(raw)["headers"] for raw in redis_client.lrange("celery", 0, -1)]
    tasks_sent = {h["task"]: h for h in sent}
    assert set(tasks_sent) == {"polling.tasks.repaint_account", "polling.tasks.message_expired"}
    assert tasks_sent["polling.tasks.repaint_account"]["argsrepr"] == "(61,)"
    expiry = tasks_sent["polling.tasks.message_expired"]
    assert expiry["argsrepr"] == f"({message.pk},)"
    assert datetime.fromisoformat(expiry["eta"]) == message.expires_at
    redis_client.delete("celery")
    message.withdraw(sam)
    sent = [json.loads(raw)["headers"]["task"] for raw in redis_client.lrange("celery", 0, -1)]
    assert sent == ["polling.tasks.repaint_account"]


def test_the_boards_admin_page_lists_its_messages_escaped(board, sam):
    post(board, sam, HOSTILE)
    admin = get_user_model().objects.create_superuser("root", password="pw")
    client = Client()
    client.force_login(admin)
    page = client.get(f"/admin/boards/board/{board.pk}/change/").content.decode()
    assert ESCAPED in page and HOSTILE not in page
    assert "(sam, " in page and ", active)" in page
    listing = client.get(f"/admin/boards/boardmessage/?board__id__exact={board.pk}")
    assert listing.status_code == 200 and ESCAPED in listing.content.decode()
