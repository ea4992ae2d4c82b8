"""One key=value line per event, with the account and board it is about, through the
configured (redacting) console handler, and no secret in any of them."""

import asyncio
import re

import pytest
from channels.testing import WebsocketCommunicator

from boards.models import Board, KioskToken
from tests.live.conftest import live_loop  # noqa: F401  (a fixture)
from tests.live.sockets import SAME_ORIGIN
from tests.polling.helpers import DEMO_KEY, add_account, poll_now
from tests.polling.test_poller import start_call
from wallboard.asgi import application

PEER = "5557777"


@pytest.mark.django_db
def test_each_poll_and_each_published_diff_is_one_line_with_its_account(
    wallboard, redis_client, console
) -> None:
    account = add_account(61)
    Board.objects.create(title="Floor", slug="floor", account=account)
    poll_now()
    start_call(wallboard, peer=PEER)
    poll_now()
    poll_now()
    lines = console.getvalue().splitlines()

    polls = [line for line in lines if " poll account=" in line]
    assert len(polls) == 3
    assert re.search(
        r"INFO polling.poller poll account=61 mode=key early=0 outcome=changed duration_ms=\d+ "
        r"version=2$",
        polls[1],
    ), polls[1]
    assert re.search(r"outcome=unchanged duration_ms=\d+ version=2$", polls[2])
    published = [line for line in lines if "polling.publish published" in line]
    assert len(published) == 2  # the first render of each feed, then the call
    assert re.search(r"published account=61 version=2 feeds=3$", published[1])
    assert DEMO_KEY not in console.getvalue()
    assert PEER not in console.getvalue()


@pytest.mark.django_db
def test_a_failed_poll_names_its_account_mode_and_error(wallboard, redis_client, console):
    add_account(61)
    wallboard.control("POST", "/faults", {"kind": "status", "status": 503})
    assert poll_now().outcome == "failed"
    output = console.getvalue()
    assert "WARNING polling.poller poll failed account=61 mode=key error=" in output
    assert re.search(
        r"poll account=61 mode=key early=0 outcome=failed duration_ms=\d+ version=-", output
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("live_loop")
async def test_each_websocket_open_and_close_is_one_line_with_board_and_audience(
    wallboard, redis_client, console
) -> None:
    def setup() -> tuple[int, str]:
        account = add_account(61)
        board = Board.objects.create(title="Floor", slug="floor", account=account)
        return board.pk, KioskToken.issue(board, "Floor TV")[1]

    board_id, token = await asyncio.to_thread(setup)
    await asyncio.to_thread(poll_now)
    tv = WebsocketCommunicator(application, f"/ws/wallboard/tv/{token}/", headers=SAME_ORIGIN)
    assert (await tv.connect())[0]
    await tv.receive_from()
    await tv.disconnect()
    output = console.getvalue()
    fields = f"account=61 board={board_id} audience=tv"
    assert f"websocket open {fields} path=/ws/wallboard/tv/[token]/" in output
    assert f"websocket close {fields} code=" in output
    assert token not in output
