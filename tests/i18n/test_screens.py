"""What a German board's TV receives over its socket speaks German, whoever opened it: the
header of every playlist step and the notice of an unlinked screen."""

import re

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from boards.models import Board, KioskToken, PlaylistEntry
from live import protocol
from live.consumers import CLOSE_UNLINKED
from tests.live.sockets import SAME_ORIGIN
from tests.polling.helpers import add_account, poll_now
from wallboard.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_loop")]


@pytest.fixture
def boards(wallboard) -> tuple[Board, Board]:
    account = add_account()
    sales = Board.objects.create(title="Vertrieb", slug="vertrieb", account=account, language="de")
    support = Board.objects.create(title="Support", slug="support", account=account, language="de")
    poll_now()
    return sales, support


def playlist_screen(first: Board, second: Board) -> tuple[KioskToken, str]:
    token, plain = KioskToken.issue(first, "Wand")
    for position, board in enumerate((first, second)):
        PlaylistEntry.objects.create(token=token, board=board, seconds=60, position=position)
    return token, plain


async def greeting(plain: str) -> tuple[WebsocketCommunicator, protocol.Message]:
    tv = WebsocketCommunicator(
        application,
        f"/ws/wallboard/tv/{plain}/",
        headers=[*SAME_ORIGIN, (b"accept-language", b"fr")],
    )
    assert (await tv.connect())[0]
    return tv, protocol.decode(await tv.receive_from())


async def test_a_german_tvs_header_is_german(boards):
    _, plain = await sync_to_async(playlist_screen)(*boards)
    tv, hello = await greeting(plain)
    assert hello.kind == protocol.Kind.HELLO
    # Where the rotation is depends on the clock: either board may be next.
    assert re.search(r"als Nächstes: (Support|Vertrieb)<", hello.html), hello.html
    assert 'aria-label="Playlist"' in hello.html
    assert "next:" not in hello.html
    await tv.disconnect()


async def test_an_unlinked_german_screen_says_so_in_german(boards):
    token, plain = await sync_to_async(KioskToken.issue)(boards[0], "Wand")
    tv, _ = await greeting(plain)
    await token.adelete()
    notices = []
    while (output := await tv.receive_output(timeout=3))["type"] != "websocket.close":
        message = protocol.decode(output["text"])
        notices += [message.html] if message.kind == protocol.Kind.UNLINKED else []
    assert output["code"] == CLOSE_UNLINKED
    assert len(notices) == 1 and "Dieser Bildschirm wurde getrennt." in notices[0]
