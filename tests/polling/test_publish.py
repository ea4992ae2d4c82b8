"""The publisher (polling/publish.py): the worker renders each feed once, stores it and sends
what changed; after a board edit it renders the board anew and reconnects its screens."""

import asyncio

import pytest

from boards.feeds import FeedReset, FeedUpdate, feed_group, read_render
from boards.models import Board
from polling import publish
from snapshots import store
from tests.polling.helpers import add_account, poll_now
from tests.polling.test_poller import Subscriber, start_call

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_feeds_first_render_is_sent_without_a_base(wallboard, redis_client):
    account = await asyncio.to_thread(add_account)
    board = await Board.objects.acreate(title="Floor", slug="floor", account=account)
    async with Subscriber(feed_group(board.pk, "tv")) as subscriber:
        await asyncio.to_thread(poll_now)
        await subscriber.wait_for(1, seconds=5)
    (message,) = subscriber.messages
    update = FeedUpdate.from_message(message)
    assert (update.base, update.version) == (None, 1)  # viewers take the stored render whole
    assert read_render(board.pk, "tv").version == 1


async def test_an_edited_board_is_rendered_anew_then_its_screens_reconnect(wallboard, redis_client):
    account = await asyncio.to_thread(add_account)
    board = await Board.objects.acreate(title="Floor", slug="floor", account=account)
    await asyncio.to_thread(poll_now)
    await Board.objects.filter(pk=board.pk).aupdate(title="Floor (renamed)", queue_ids=[100135])
    async with Subscriber(feed_group(board.pk, "tv")) as subscriber:
        await asyncio.to_thread(publish.refresh_board, board.pk)
        await subscriber.wait_for(1, seconds=5)
    assert subscriber.messages == [FeedReset(feed_group(board.pk, "tv")).as_message()]
    body = read_render(board.pk, "tv").body
    assert 'id="queue-100135"' in body and 'id="queue-100134"' not in body


def test_a_board_made_private_loses_its_public_feed(wallboard, redis_client):
    account = add_account()
    board = Board.objects.create(title="Floor", slug="floor", account=account, is_public=True)
    poll_now()
    assert read_render(board.pk, "public") is not None
    Board.objects.filter(pk=board.pk).update(is_public=False)
    publish.refresh_board(board.pk)
    assert read_render(board.pk, "public") is None
    assert read_render(board.pk, "tv") is not None


def test_a_deleted_board_leaves_no_render_behind(wallboard, redis_client):
    account = add_account()
    board = Board.objects.create(title="Floor", slug="floor", account=account)
    poll_now()
    board_id = board.pk
    Board.objects.filter(pk=board_id).delete()
    publish.refresh_board(board_id)
    assert redis_client.keys(f"wb:feed:{board_id}:*") == []


def test_the_publisher_notes_the_version_and_build_it_rendered(wallboard, redis_client):
    account = add_account()
    Board.objects.create(title="Floor", slug="floor", account=account)
    poll_now()
    start_call(wallboard)
    poll_now()
    stored = store.read_snapshot(61)
    assert stored.rendered_version == stored.version == 2
    assert not stored.renders_behind(stored.rendered_build)
    assert stored.renders_behind("another-build")
