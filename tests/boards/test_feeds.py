"""Feeds (boards/feeds.py): the stored renders and the typed messages of the worker."""

import pytest

from boards.audience import Audience
from boards.feeds import (
    FeedReset,
    FeedUpdate,
    feed_group,
    forget_renders,
    read_render,
    render_versions,
    store_render,
)
from boards.presenters import board_view
from boards.rendering import render_board
from tests.boards.factories import agent, queue, settings, stored


def rendered(version: int = 3):
    snapshot = stored([agent(1, "Ada Byron")], [queue(100134, "Sales")], version=version)
    return render_board(board_view(settings(), snapshot, Audience.TV))


def test_a_stored_render_reads_back_whole(redis_client):
    render = rendered()
    store_render(1, Audience.TV, render)
    cached = read_render(1, Audience.TV)
    assert (cached.version, cached.fetched_at, cached.body) == (3, render.fetched_at, render.body)
    assert cached.digests == render.digests()
    assert read_render(1, Audience.PUBLIC) is None


async def test_the_web_processes_read_the_versions_of_many_feeds_at_once(redis_client):
    import redis.asyncio as aioredis
    from django.conf import settings as django_settings

    store_render(1, Audience.TV, rendered(3))
    store_render(1, Audience.ADMIN, rendered(5))
    client = aioredis.Redis.from_url(django_settings.REDIS_URL, decode_responses=True)
    try:
        feeds = [(1, Audience.TV), (1, Audience.ADMIN), (1, Audience.PUBLIC)]
        assert await render_versions(client, feeds) == [3, 5, None]
    finally:
        await client.aclose()


def test_forgetting_a_boards_renders_leaves_the_others(redis_client):
    for audience in Audience:
        store_render(1, audience, rendered())
    store_render(2, Audience.TV, rendered())
    forget_renders(1, (Audience.PUBLIC,))
    assert read_render(1, Audience.PUBLIC) is None and read_render(1, Audience.TV) is not None
    forget_renders(1)
    assert [read_render(1, a) for a in Audience] == [None] * 4
    assert read_render(2, Audience.TV) is not None


@pytest.mark.parametrize("base", [7, None])
def test_an_update_travels_through_the_channel_layer_as_it_was_sent(base):
    update = FeedUpdate(feed_group(1, Audience.TV), 8, base, 1_800_000_000.25, "<li id='agent-1'>")
    message = update.as_message()
    assert message["type"] == "feed.update" and message["group"] == "board-1-tv"
    assert FeedUpdate.from_message(message) == update


def test_a_reset_names_its_group():
    assert FeedReset("board-1-tv").as_message() == {"type": "feed.reset", "group": "board-1-tv"}
