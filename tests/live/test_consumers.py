"""The websocket consumers (live/consumers.py) and the push path end to end in one process:
sandbox -> poll -> render -> channel layer -> broadcaster -> websocket consumer, with the real
Redis, sandbox and Channels."""

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client

from boards.feeds import FeedUpdate
from boards.models import Board, KioskToken
from boards.screen_commands import kiosk_group
from live import protocol
from live.broadcaster import get_broadcaster
from live.consumers import CLOSE_UNLINKED, PublicConsumer
from live.fanout import CLOCK_SECONDS
from tests.live.sockets import SAME_ORIGIN
from tests.polling.helpers import add_account, poll_now
from wallboard.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_loop")]


def _marker(message: str) -> tuple[int | None, int | None, str]:
    decoded = protocol.decode(message)
    return decoded.version, decoded.base, decoded.kind


@pytest.fixture
def tv_token(wallboard) -> str:
    account = add_account()
    board = Board.objects.create(title="Floor", slug="floor", account=account, is_public=True)
    _, plain = KioskToken.issue(board, "Floor TV")
    return plain


async def _poll() -> str:
    # The poller is sync code with its own event loop (as in a Celery worker): run it aside.
    return (await asyncio.to_thread(poll_now)).outcome


async def _connect(path: str, *headers: tuple[bytes, bytes]) -> WebsocketCommunicator:
    """Connected, past the greeting (build id, a TV's header) that precedes the full state."""
    communicator = WebsocketCommunicator(application, path, headers=[*SAME_ORIGIN, *headers])
    connected, _ = await communicator.connect()
    assert connected
    assert protocol.decode(await communicator.receive_from()).kind == protocol.Kind.HELLO
    return communicator


async def test_a_tv_gets_the_whole_board_then_only_what_changed(wallboard, tv_token):
    assert await _poll() == "changed"
    tv = await _connect(f"/ws/wallboard/tv/{tv_token}/")
    first = await tv.receive_from()
    assert _marker(first) == (1, None, "full")
    assert "John Smith" in first and "Sales Queue" in first

    await asyncio.to_thread(
        wallboard.control,
        "POST",
        "/accounts/61/calls",
        {"pk": 124, "direction": "outbound", "peer": "+15557654321"},
    )
    assert await _poll() == "changed"
    update = await tv.receive_from()
    assert _marker(update) == (2, 1, "diff")
    assert 'id="agent-124"' in update and "On call" in update
    assert 'id="agent-123"' not in update  # John did not change
    assert "7654321" not in update  # TVs show no phone numbers

    assert await _poll() == "unchanged"
    assert await tv.receive_nothing(timeout=0.3)
    await tv.disconnect()


async def test_a_viewer_that_missed_an_update_gets_the_full_state(wallboard, tv_token):
    await _poll()
    tv = await _connect(f"/ws/wallboard/tv/{tv_token}/")
    await tv.receive_from()
    board = await Board.objects.aget(slug="floor")
    await get_channel_layer().group_send(
        f"board-{board.pk}-tv",
        FeedUpdate(
            f"board-{board.pk}-tv", 5, 4, None, "<div id='never-applied'></div>"
        ).as_message(),
    )
    resync = await tv.receive_from()
    assert _marker(resync)[2] == "full"
    assert "never-applied" not in resync
    await tv.disconnect()


async def test_the_page_can_ask_for_the_full_state_again(wallboard, tv_token):
    await _poll()
    tv = await _connect(f"/ws/wallboard/tv/{tv_token}/")
    await tv.receive_from()
    await tv.send_to(text_data='{"type": "resync"}')
    assert _marker(await tv.receive_from()) == (1, None, "full")
    await tv.disconnect()


async def test_a_quiet_board_still_brings_its_viewers_the_servers_clock(wallboard, tv_token):
    await _poll()
    tv = await _connect(f"/ws/wallboard/tv/{tv_token}/")
    await tv.receive_from()
    broadcaster = get_broadcaster()
    (feed,) = broadcaster.feeds.values()
    feed.sent_at -= CLOCK_SECONDS  # as if it had sent nothing for that long
    await broadcaster.run_duties()
    tick = protocol.decode(await tv.receive_from())
    assert (tick.kind, tick.html) == (protocol.Kind.CLOCK, "")
    assert tick.now == pytest.approx(time.time(), abs=1)
    assert await tv.receive_nothing(timeout=0.3)  # once, not at every round of duties
    await tv.disconnect()


async def test_an_unknown_kiosk_token_is_refused(wallboard, tv_token):
    communicator = WebsocketCommunicator(
        application, "/ws/wallboard/tv/wrong/", headers=SAME_ORIGIN
    )
    connected, _ = await communicator.connect()
    assert not connected


async def test_a_foreign_origin_is_refused(wallboard, tv_token):
    communicator = WebsocketCommunicator(
        application, f"/ws/wallboard/tv/{tv_token}/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await communicator.connect()
    assert not connected


async def test_a_revoked_screen_is_told_so_and_closed_for_good(wallboard, tv_token):
    await _poll()
    tv = await _connect(f"/ws/wallboard/tv/{tv_token}/")
    await tv.receive_from()
    token = await KioskToken.objects.aget()
    await get_channel_layer().group_send(kiosk_group(token.pk), {"type": "kiosk.revoked"})
    unlinked = protocol.decode(await tv.receive_from())
    assert unlinked.kind == protocol.Kind.UNLINKED
    assert "This screen was unlinked" in unlinked.html
    assert (await tv.receive_output())["code"] == CLOSE_UNLINKED


def test_public_sockets_hold_no_channel_layer_of_their_own() -> None:
    assert get_channel_layer(PublicConsumer.channel_layer_alias) is None


async def test_the_public_feed_has_no_names_or_numbers(wallboard, tv_token):
    await asyncio.to_thread(
        wallboard.control, "POST", "/accounts/61/calls", {"pk": 123, "peer": "+15557654321"}
    )
    await _poll()
    public = await _connect("/ws/status/floor/")
    text = await public.receive_from()
    assert "Sales Queue" in text
    assert "John" not in text and "7654321" not in text
    await public.disconnect()


async def test_a_supervisor_needs_the_board_granted(wallboard, tv_token):
    user = await get_user_model().objects.acreate_user("sam", password="x")
    client = Client()
    await sync_to_async(client.force_login)(user)
    cookie = (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())
    communicator = WebsocketCommunicator(
        application, "/ws/wallboard/boards/floor/", headers=[*SAME_ORIGIN, cookie]
    )
    connected, _ = await communicator.connect()
    assert not connected

    board = await Board.objects.aget(slug="floor")
    await board.supervisors.aadd(user)
    await _poll()
    supervisor = await _connect("/ws/wallboard/boards/floor/", cookie)
    assert "John Smith" in await supervisor.receive_from()
    await supervisor.disconnect()


async def test_a_connected_tv_is_shown_connected_until_it_leaves(wallboard, tv_token, redis_client):
    from boards.screens import connected_since

    await _poll()
    token = await KioskToken.objects.aget()
    assert connected_since([token.pk])[token.pk] is None
    tv = await _connect(f"/ws/wallboard/tv/{tv_token}/")
    await tv.receive_from()
    assert connected_since([token.pk])[token.pk] is not None
    await tv.disconnect()
    assert connected_since([token.pk])[token.pk] is None


async def test_one_address_holds_a_bounded_number_of_public_sockets(wallboard, tv_token, settings):
    settings.PUBLIC_WEBSOCKETS_PER_IP = 2
    await _poll()
    first, second = [await _connect("/ws/status/floor/") for _ in range(2)]
    third = WebsocketCommunicator(application, "/ws/status/floor/", headers=SAME_ORIGIN)
    assert not (await third.connect())[0]
    await first.disconnect()
    again = await _connect("/ws/status/floor/")  # a closed one makes room
    await again.disconnect()
    await second.disconnect()


async def test_a_public_socket_joins_from_the_stored_render_without_the_database(
    wallboard, tv_token
):
    await _poll()  # the worker stores the board's public render and its settings
    # A change that bypasses the signals (as no code of ours does): only the database knows,
    # and the socket is let in by the stored settings.
    await Board.objects.filter(slug="floor").aupdate(is_public=False)
    public = await _connect("/ws/status/floor/")
    assert "Sales Queue" in await public.receive_from()
    await public.disconnect()


async def test_a_board_made_private_refuses_new_public_sockets_once_it_commits(wallboard, tv_token):
    await _poll()

    def make_private() -> None:
        board = Board.objects.get(slug="floor")
        board.is_public = False
        board.save()

    await sync_to_async(make_private)()
    refused = WebsocketCommunicator(application, "/ws/status/floor/", headers=SAME_ORIGIN)
    assert not (await refused.connect())[0]
