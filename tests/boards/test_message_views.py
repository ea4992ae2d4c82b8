"""The messages panel of the supervisor page (boards/message_views.py): who may post and
withdraw, what bad input answers, the list with author, time and state."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from boards.messages import BoardMessage
from boards.models import Board
from tests.polling.helpers import add_account

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def boards(redis_client) -> tuple[Board, Board]:
    account = add_account()
    account.time_zone = "Europe/Berlin"
    account.save()
    floor = Board.objects.create(title="Floor", slug="floor", account=account)
    other = Board.objects.create(title="Other", slug="other", account=account)
    return floor, other


def client_of(username: str, board: Board | None = None, *, superuser: bool = False) -> Client:
    users = get_user_model().objects
    make = users.create_superuser if superuser else users.create_user
    user = make(username, password="pw")
    if board is not None:
        board.supervisors.add(user)
    client = Client()
    client.force_login(user)
    return client


def test_it_redirects_anonymous_requests_to_the_login(boards):
    for response in (
        Client().get("/boards/floor/messages/"),
        Client().post("/boards/floor/messages/", {"text": "Hi", "expiry": "15"}),
        Client().post("/boards/floor/messages/1/withdraw"),
    ):
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert not BoardMessage.objects.exists()


def test_a_supervisor_posts_to_their_board_and_goes_back_to_it(boards):
    floor, _ = boards
    sam = client_of("sam", floor)
    response = sam.post(
        "/boards/floor/messages/", {"text": " Team huddle at 15:00 ", "expiry": "30"}
    )
    assert response.status_code == 302 and response["Location"] == "/boards/floor/"
    (message,) = BoardMessage.objects.all()
    assert (message.board, message.text, message.author.username) == (
        floor,
        "Team huddle at 15:00",
        "sam",
    )
    assert message.expires_at - message.created_at == timedelta(minutes=30)


def test_with_htmx_the_post_answers_the_panel_listing_the_message(boards):
    floor, _ = boards
    response = client_of("sam", floor).post(
        "/boards/floor/messages/", {"text": "Huddle", "expiry": "0"}, **HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="messages-panel"' in page and "Huddle" in page and "until withdrawn" in page
    assert "sam" in page and "On screen" in page and "Withdraw</button>" in page
    assert BoardMessage.objects.get().expires_at is None


def test_a_supervisor_of_another_board_gets_a_404(boards):
    floor, other = boards
    stranger = client_of("kim", other)
    assert stranger.get("/boards/floor/messages/").status_code == 404
    assert (
        stranger.post("/boards/floor/messages/", {"text": "Hi", "expiry": "15"}).status_code == 404
    )
    message = BoardMessage.compose(floor, None, "Mine", 15)
    message.save()
    assert stranger.post(f"/boards/floor/messages/{message.pk}/withdraw").status_code == 404
    # Nor through their own board: the message is not of it.
    assert stranger.post(f"/boards/other/messages/{message.pk}/withdraw").status_code == 404
    assert BoardMessage.objects.get().withdrawn_at is None
    assert BoardMessage.objects.count() == 1


def test_a_superuser_may_post_to_any_board(boards):
    admin = client_of("root", superuser=True)
    response = admin.post("/boards/other/messages/", {"text": "Fire drill", "expiry": "15"})
    assert response.status_code == 302
    assert BoardMessage.objects.get().board.slug == "other"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"text": "  ", "expiry": "15"}, "Write a message."),
        ({"text": "x" * 141, "expiry": "15"}, "At most 140 characters (this one has 141)."),
        ({"text": "a\nb", "expiry": "15"}, "no line breaks"),
        ({"text": "Hi", "expiry": "45"}, "Select a valid choice"),
        ({"text": "Hi"}, "This field is required"),
    ],
)
def test_bad_input_shows_its_error_and_posts_nothing(boards, data, error):
    floor, _ = boards
    sam = client_of("sam", floor)
    with_htmx = sam.post("/boards/floor/messages/", data, **HTMX)
    assert with_htmx.status_code == 200  # htmx swaps 2xx answers only
    assert error in with_htmx.content.decode() and 'role="alert"' in with_htmx.content.decode()
    assert sam.post("/boards/floor/messages/", data).status_code == 400
    assert not BoardMessage.objects.exists()


def test_the_panel_escapes_the_text_it_lists(boards):
    floor, _ = boards
    sam = client_of("sam", floor)
    sam.post("/boards/floor/messages/", {"text": "<script>alert(1)</script>", "expiry": "15"})
    page = sam.get("/boards/floor/messages/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_list_shows_times_in_the_accounts_zone_and_each_state(boards):
    floor, _ = boards
    ada = get_user_model().objects.create_user("ada")
    posted = datetime(2026, 12, 3, 9, 5, tzinfo=UTC)  # 10:05 in Berlin
    expired = BoardMessage.compose(floor, ada, "Old news", 15, now=posted)
    withdrawn = BoardMessage.compose(floor, ada, "Taken back", 0, now=posted)
    active = BoardMessage.compose(floor, ada, "Still up", 0)
    for message in (expired, withdrawn, active):
        message.save()
    withdrawn.withdraw(ada, now=posted + timedelta(minutes=1))
    page = client_of("sam", floor).get("/boards/floor/messages/").content.decode()
    assert "times in Europe/Berlin" in page
    assert "ada, <time" in page and ">3 Dec 10:05</time>" in page and ">3 Dec 10:20</time>" in page
    assert "Expired" in page and "Withdrawn by ada," in page and "10:06" in page
    assert page.count("Withdraw</button>") == 1  # the active one alone


def test_a_supervisor_withdraws_a_message_of_their_board(boards):
    floor, _ = boards
    message = BoardMessage.compose(floor, None, "Huddle", 60)
    message.save()
    sam = client_of("sam", floor)
    response = sam.post(f"/boards/floor/messages/{message.pk}/withdraw", **HTMX)
    assert response.status_code == 200 and "Withdrawn by sam" in response.content.decode()
    message.refresh_from_db()
    assert message.withdrawn_by.username == "sam" and message.withdrawn_at is not None
    again = sam.post(f"/boards/floor/messages/{message.pk}/withdraw")
    assert again.status_code == 302  # withdrawn already: nothing changes, no error


def test_withdrawing_needs_a_post(boards):
    floor, _ = boards
    message = BoardMessage.compose(floor, None, "Huddle", 60)
    message.save()
    assert (
        client_of("sam", floor).get(f"/boards/floor/messages/{message.pk}/withdraw").status_code
        == 405
    )


def test_the_supervisor_page_loads_the_panel(boards):
    floor, _ = boards
    page = client_of("sam", floor).get("/boards/floor/").content.decode()
    assert 'hx-get="/boards/floor/messages/"' in page


def test_a_post_without_the_csrf_token_is_refused(boards):
    floor, _ = boards
    user = get_user_model().objects.create_user("sam")
    floor.supervisors.add(user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post("/boards/floor/messages/", {"text": "Hi", "expiry": "15"}).status_code == 403
    panel = client.get("/boards/floor/messages/").content.decode()
    token = panel.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    data = {"text": "Hi", "expiry": "15", "csrfmiddlewaretoken": token}
    assert client.post("/boards/floor/messages/", data).status_code == 302
    assert BoardMessage.objects.count() == 1
