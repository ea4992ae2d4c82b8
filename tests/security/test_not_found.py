"""Bad slugs and tokens, and boards of another account, give a plain 404 that reveals
nothing: not whether the board exists, not its title or account, no trace of the code.

Test client with DEBUG off (`production`): the stack runs with DEBUG on, where Django shows
its technical 404 page (tests/browser/security checks that one reveals no board either).
"""

import pytest

from tests.security.audiences import (
    ACCOUNT_B_NAME,
    ADMIN,
    BOARD_A,
    BOARD_A_TITLE,
    BOARD_B,
    BOARD_B_TITLE,
    OTHER_QUEUE,
    PUBLIC_BOARD,
    SUPERVISOR_A,
    SUPERVISOR_B,
)

pytestmark = pytest.mark.usefixtures("production")

NOT_FOUND = {
    "supervisor page of an unknown board": ("/boards/no-such-board/", ADMIN),
    "supervisor page of another account's board": (f"/boards/{BOARD_B}/", SUPERVISOR_A),
    "supervisor page of a board not granted": (f"/boards/{BOARD_A}/", SUPERVISOR_B),
    "TV page of an unknown token": ("/tv/not-a-kiosk-token-at-all/", None),
    "TV page of an overlong token": ("/tv/" + "x" * 500 + "/", None),
    "public page of an unknown board": ("/status/no-such-board/", None),
    "public page of a private board": (f"/status/{BOARD_A}/", None),
    "public JSON of a private board": (f"/status/{BOARD_B}.json", None),
    "badge of a private board": (f"/status/{BOARD_A}/badge/{OTHER_QUEUE}.svg", None),
    "badge of a queue the board does not show": (
        f"/status/{PUBLIC_BOARD}/badge/{OTHER_QUEUE}.svg",
        None,
    ),
}
REVEALING = (
    BOARD_A,
    BOARD_A_TITLE,
    BOARD_B,
    BOARD_B_TITLE,
    ACCOUNT_B_NAME,
    "Voice360 Sandbox",
    "Traceback",
    "boards.views",
    "Board matching query",
    "KioskToken",
)


@pytest.mark.parametrize("case", NOT_FOUND)
def test_it_answers_a_plain_404_that_reveals_nothing(audience, case):
    path, username = NOT_FOUND[case]
    response = audience(username).get(path)
    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>Not found</h1>" in body
    # The one static page, the same for every address: it names nothing of what was asked.
    assert body == audience(None).get("/no-such-page-at-all/").content.decode()
    assert '<meta http-equiv="refresh" content="300">' in body  # a TV on it tries again
    for word in REVEALING:
        assert word not in body


def test_an_unknown_board_and_a_forbidden_one_look_the_same(audience):
    supervisor = audience(SUPERVISOR_A)
    unknown = supervisor.get("/boards/no-such-board/")
    forbidden = supervisor.get(f"/boards/{BOARD_B}/")
    assert (forbidden.status_code, forbidden.content) == (unknown.status_code, unknown.content)
