"""TV care over the real websocket path (Channels, the broadcaster, Redis, the sandbox):
playlists rotating on one socket, reloads to one screen, some or all, the build id greeting."""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client

from boards import playlists
from boards import screen_commands as control
from boards.models import Board, KioskToken, PlaylistEntry
from live import protocol
from live.consumers import CLOSE_UNLINKED
from tests.live.sockets import SAME_ORIGIN
from tests.polling.helpers import add_account, poll_now
from wallboard.asgi import application
from wallboard.build import build_id

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_loop")]

SALES, SUPPORT = 100134, 100135


@dataclass
class Floor:
    sales: Board
    support: Board

    def screen(self, name: str, board: Board, *stops: tuple[Board, int]) -> tuple[KioskToken, str]:
        token, plain = KioskToken.issue(board, name)
        for position, (stop, seconds) in enumerate(stops):
            PlaylistEntry.objects.create(
                token=token, board=stop, seconds=seconds, position=position
            )
        return token, plain


@pytest.fixture
def floor(wallboard, settings) -> Floor:
    settings.PLAYLIST_MIN_SECONDS = 0.5
    settings.SCREEN_RELOAD_SPREAD_SECONDS = 2.0
    account = add_account()
    sales = Board.objects.create(
        title="Sales floor", slug="sales", account=account, queue_ids=[SALES]
    )
    support = Board.objects.create(
        title="Support floor", slug="support", account=account, queue_ids=[SUPPORT]
    )
    poll_now()
    return Floor(sales, support)


async def _connect(plain: str) -> tuple[WebsocketCommunicator, str]:
    """A TV's socket and its greeting."""
    tv = WebsocketCommunicator(application, f"/ws/wallboard/tv/{plain}/", headers=SAME_ORIGIN)
    connected, _ = await tv.connect()
    assert connected
    return tv, await tv.receive_from()


async def _until(tv: WebsocketCommunicator, wanted: Callable[[str], bool], seconds: float) -> str:
    """The next message that is `wanted`, skipping others (freshness, diffs)."""
    deadline = time.monotonic() + seconds
    while True:
        message = await tv.receive_from(timeout=max(0.01, deadline - time.monotonic()))
        if wanted(message):
            return message


async def _collect(tv: WebsocketCommunicator, seconds: float) -> list[str]:
    """Every message within `seconds` (a timeout in receive_from would end the application)."""
    messages = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not await tv.receive_nothing(timeout=0.1):
            messages.append(await tv.receive_from())
    return messages


def _title(message: str) -> str:
    return re.search(r'<h1 id="board-title" class="board__title">([^<]*)</h1>', message).group(1)


def _is_full(message: str) -> bool:
    return protocol.decode(message).kind == protocol.Kind.FULL


def _is_reload(message: str) -> bool:
    return protocol.decode(message).kind == protocol.Kind.RELOAD


def _reload_delay(message: str) -> int:
    decoded = protocol.decode(message)
    assert decoded.kind == protocol.Kind.RELOAD
    return decoded.fields["delay_ms"]


def _shows_queue(message: str) -> int:
    shown = {int(pk) for pk in re.findall(r'id="queue-(\d+)"', message)}
    assert len(shown) == 1, shown
    return shown.pop()


async def test_a_playlist_rotates_boards_on_one_socket_with_their_full_state(floor):
    _, plain = await sync_to_async(floor.screen)(
        "Wall", floor.sales, (floor.sales, 1), (floor.support, 1)
    )
    tv, greeting = await _connect(plain)
    queue_of = {"Sales floor": SALES, "Support floor": SUPPORT}
    title = _title(greeting)
    assert _shows_queue(await _until(tv, _is_full, 3)) == queue_of[title]

    seen = [title]
    for _ in range(3):  # three steps on the same socket: A -> B -> A -> B (or B -> A ...)
        header = await _until(tv, lambda m: 'id="board-title"' in m, 3)
        title = _title(header)
        assert title != seen[-1]
        position = (
            "1/2 · next: Support floor" if title == "Sales floor" else "2/2 · next: Sales floor"
        )
        assert position in header
        assert 'id="board-hours"' in header
        full = await _until(tv, _is_full, 3)
        assert _shows_queue(full) == queue_of[title]
        seen.append(title)
    assert set(seen) == {"Sales floor", "Support floor"}
    await tv.disconnect()


async def test_a_board_deleted_mid_rotation_is_skipped_and_the_screen_keeps_going(floor):
    token, plain = await sync_to_async(floor.screen)(
        "Wall", floor.sales, (floor.sales, 2), (floor.support, 2)
    )
    tv, greeting = await _connect(plain)
    if _title(greeting) != "Sales floor":
        await _until(tv, lambda m: 'id="board-title"' in m and "Sales floor" in m, 4)
    await floor.support.adelete()

    header = await _until(tv, lambda m: 'id="board-title"' in m, 3)
    assert _title(header) == "Sales floor"
    assert '<p id="rotation" class="rotation" hidden></p>' in header  # one board: no indicator
    # The screen stays on Sales past its slot (no step to the deleted board) and stays open.
    assert not any("Support floor" in m for m in await _collect(tv, 2.5))
    await sync_to_async(control.reload_screens)([token.pk])
    assert await _until(tv, _is_reload, 2)
    await tv.disconnect()


async def test_a_failed_step_does_not_end_the_rotation(floor, monkeypatch, caplog):
    _, plain = await sync_to_async(floor.screen)(
        "Wall", floor.sales, (floor.sales, 1), (floor.support, 1)
    )
    real, failures = playlists.screen_of_token, []

    def fails_once(token_id: int, now: float) -> playlists.Screen | None:
        if not failures:
            failures.append(now)
            raise RuntimeError("database went away")
        return real(token_id, now)

    monkeypatch.setattr(playlists, "screen_of_token", fails_once)
    tv, greeting = await _connect(plain)
    first = _title(greeting)
    header = await _until(tv, lambda m: 'id="board-title"' in m and _title(m) != first, 4)
    assert failures and "playlist step failed" in caplog.text
    queue = {"Sales floor": SALES, "Support floor": SUPPORT}[_title(header)]
    assert _shows_queue(await _until(tv, _is_full, 3)) == queue
    await tv.disconnect()


async def test_revoking_a_rotating_screen_still_unlinks_it(floor):
    token, plain = await sync_to_async(floor.screen)(
        "Wall", floor.sales, (floor.sales, 1), (floor.support, 1)
    )
    tv, _ = await _connect(plain)
    await _until(tv, _is_full, 3)
    await sync_to_async(token.revoke)()
    await sync_to_async(control.unlink_screen)(token.pk)
    assert "This screen was unlinked" in await _until(tv, lambda m: "unlinked" in m, 3)
    assert (await tv.receive_output(timeout=3))["code"] == CLOSE_UNLINKED


async def test_a_reload_reaches_the_one_screen_it_is_for(floor):
    wall, wall_plain = await sync_to_async(floor.screen)("Wall", floor.sales)
    _, door_plain = await sync_to_async(floor.screen)("Door", floor.sales)
    wall_tv, _ = await _connect(wall_plain)
    door_tv, _ = await _connect(door_plain)
    await _until(wall_tv, _is_full, 3)
    await _until(door_tv, _is_full, 3)

    await sync_to_async(control.reload_screens)([wall.pk])
    assert _reload_delay(await _until(wall_tv, _is_reload, 2)) == 0  # one screen: at once
    assert await door_tv.receive_nothing(timeout=0.5)
    await wall_tv.disconnect()
    await door_tv.disconnect()


async def test_reload_all_reaches_every_screen_spread_over_the_setting(floor):
    _, sales_plain = await sync_to_async(floor.screen)("Sales wall", floor.sales)
    _, support_plain = await sync_to_async(floor.screen)("Support wall", floor.support)
    _, rotating_plain = await sync_to_async(floor.screen)(
        "Lobby", floor.sales, (floor.sales, 60), (floor.support, 60)
    )
    screens = {}
    for name, plain in [
        ("sales", sales_plain),
        ("support", support_plain),
        ("lobby", rotating_plain),
    ]:
        screens[name], _ = await _connect(plain)
        await _until(screens[name], _is_full, 3)

    await sync_to_async(control.reload_all_screens)()
    for tv in screens.values():
        assert 0 <= _reload_delay(await _until(tv, _is_reload, 2)) <= 2000

    # The screens of one board: its own TVs and those whose playlist has it.
    await sync_to_async(control.reload_all_screens)([floor.support.pk])
    for name in ("support", "lobby"):
        assert await _until(screens[name], _is_reload, 2)
    assert await screens["sales"].receive_nothing(timeout=0.5)
    for tv in screens.values():
        await tv.disconnect()


async def test_the_admin_reloads_selected_screens_and_all_screens(floor):
    token, plain = await sync_to_async(floor.screen)("Wall", floor.sales)
    tv, _ = await _connect(plain)
    await _until(tv, _is_full, 3)
    admin = await get_user_model().objects.acreate_superuser("root", password="x")
    client = Client()
    await sync_to_async(client.force_login)(admin)

    changelist = "/admin/boards/kiosktoken/"
    data = {"action": "reload", "_selected_action": [token.pk]}
    response = await sync_to_async(client.post)(changelist, data)
    assert response.status_code == 302
    assert await _until(tv, _is_reload, 2)

    response = await sync_to_async(client.get)(changelist)
    assert b"Reload all screens" in response.content
    response = await sync_to_async(client.post)(f"{changelist}reload-all/")
    assert response.status_code == 302
    assert await _until(tv, _is_reload, 2)

    data = {"action": "reload_board_screens", "_selected_action": [floor.sales.pk]}
    response = await sync_to_async(client.post)("/admin/boards/board/", data)
    assert response.status_code == 302
    assert await _until(tv, _is_reload, 2)
    await tv.disconnect()


async def test_every_connection_starts_with_the_build_id(floor):
    _, plain = await sync_to_async(floor.screen)("Wall", floor.sales)
    await floor.support.__class__.objects.filter(pk=floor.support.pk).aupdate(is_public=True)
    tv, greeting = await _connect(plain)
    hello = protocol.decode(greeting)
    assert hello.kind == protocol.Kind.HELLO and hello.fields["spread_ms"] == 2000
    assert hello.fields["build"].startswith(f"{build_id()}.")
    assert _title(greeting) == "Sales floor"
    public = WebsocketCommunicator(application, "/ws/status/support/", headers=SAME_ORIGIN)
    assert (await public.connect())[0]
    hello = protocol.decode(await public.receive_from())
    assert (hello.kind, hello.html) == (protocol.Kind.HELLO, "")
    assert hello.fields["build"].startswith(f"{build_id()}.")
    await tv.disconnect()
    await public.disconnect()


async def test_a_board_that_changes_its_look_tells_its_pages_to_reload(floor):
    _, plain = await sync_to_async(floor.screen)("Wall", floor.sales)
    tv, greeting = await _connect(plain)
    before = protocol.decode(greeting).fields["build"]
    await tv.disconnect()
    await floor.sales.__class__.objects.filter(pk=floor.sales.pk).aupdate(theme="light")
    tv, greeting = await _connect(plain)
    after = protocol.decode(greeting).fields["build"]
    await tv.disconnect()
    # Another build than the page's makes the page reload (static/boards/screen.js); the
    # page rendered now carries the new one, so it does not reload again.
    assert after != before and after.split(".")[0] == before.split(".")[0]
    page = await sync_to_async(Client().get)(f"/tv/{plain}/")
    assert re.search(r'data-build="([^"]+)"', page.content.decode())[1] == after
