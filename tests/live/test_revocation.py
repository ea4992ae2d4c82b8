"""Access that ends ends the open sockets too, within moments: a deleted kiosk token's
screen is unlinked, and a supervisor logged out, deactivated, with a new password or no
longer granted the board loses the board's socket."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client

from boards.models import Board, KioskToken
from live import protocol
from live.consumers import CLOSE_PERMISSION_ENDED, CLOSE_UNLINKED
from tests.live.sockets import SAME_ORIGIN
from tests.polling.helpers import add_account, poll_now
from wallboard.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_loop")]


@pytest.fixture
def board(wallboard) -> Board:
    board = Board.objects.create(title="Floor", slug="floor", account=add_account())
    poll_now()
    return board


async def connected(path: str, *headers: tuple[bytes, bytes]) -> WebsocketCommunicator:
    """Open, past the greeting and the full state."""
    socket = WebsocketCommunicator(application, path, headers=[*SAME_ORIGIN, *headers])
    assert (await socket.connect())[0]
    kinds = [protocol.decode(await socket.receive_from()).kind for _ in range(2)]
    assert kinds == [protocol.Kind.HELLO, protocol.Kind.FULL]
    return socket


async def closed_with(socket: WebsocketCommunicator) -> int:
    """The close code, skipping whatever messages come first."""
    while True:
        output = await socket.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            return output["code"]


async def test_deleting_a_kiosk_token_unlinks_its_open_screen(board):
    token, plain = await sync_to_async(KioskToken.issue)(board, "Wall")
    tv = await connected(f"/ws/wallboard/tv/{plain}/")
    await token.adelete()
    assert await closed_with(tv) == CLOSE_UNLINKED
    response = await sync_to_async(Client().get)(f"/tv/{plain}/")
    assert response.status_code == 410  # its link says so from now on


async def test_a_rotated_links_old_url_answers_unlinked(board):
    token, plain = await sync_to_async(KioskToken.issue)(board, "Wall")
    new = await sync_to_async(token.rotate)()
    client = Client()
    assert (await sync_to_async(client.get)(f"/tv/{plain}/")).status_code == 410
    assert (await sync_to_async(client.get)(f"/tv/{new}/")).status_code == 200


async def test_a_revoked_token_is_not_rotated_into_a_link_that_would_not_work(board):
    token, _ = await sync_to_async(KioskToken.issue)(board, "Wall")
    await sync_to_async(token.revoke)()
    with pytest.raises(ValueError, match="cannot be rotated"):
        await sync_to_async(token.rotate)()


async def supervisor_socket(board: Board, user) -> tuple[WebsocketCommunicator, Client]:
    client = Client()
    await sync_to_async(client.force_login)(user)
    cookie = (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())
    return await connected(f"/ws/wallboard/boards/{board.slug}/", cookie), client


@pytest.fixture
async def supervisor(board):
    user = await sync_to_async(get_user_model().objects.create_user)(
        "sam", password="pw-0123456789"
    )
    await board.supervisors.aadd(user)
    return user


async def test_logging_out_closes_the_users_board_sockets(board, supervisor):
    socket, client = await supervisor_socket(board, supervisor)
    await sync_to_async(client.post)("/accounts/logout/")
    assert await closed_with(socket) == CLOSE_PERMISSION_ENDED


async def test_deactivating_the_user_closes_their_sockets(board, supervisor):
    socket, _ = await supervisor_socket(board, supervisor)
    supervisor.is_active = False
    await supervisor.asave()
    assert await closed_with(socket) == CLOSE_PERMISSION_ENDED


async def test_a_new_password_closes_the_sockets_of_the_old_login(board, supervisor):
    socket, _ = await supervisor_socket(board, supervisor)
    await sync_to_async(supervisor.set_password)("another-password-9876")
    await supervisor.asave()
    assert await closed_with(socket) == CLOSE_PERMISSION_ENDED


async def test_removing_the_grant_closes_the_board_socket(board, supervisor):
    socket, _ = await supervisor_socket(board, supervisor)
    await board.supervisors.aremove(supervisor)
    assert await closed_with(socket) == CLOSE_PERMISSION_ENDED


async def test_a_change_that_keeps_the_permission_keeps_the_socket(board, supervisor):
    socket, _ = await supervisor_socket(board, supervisor)
    supervisor.first_name = "Sam"
    await supervisor.asave()
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()
