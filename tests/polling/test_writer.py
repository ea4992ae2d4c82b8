"""Writing a poll's snapshot (polling/writer.py): renders that trail the snapshot, or were
made by another build, are rendered again by the next poll, changed or not."""

import pytest

from boards.feeds import read_render
from boards.models import Board
from polling import writer
from snapshots import store
from tests.polling.helpers import add_account, poll_now
from wallboard import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(wallboard, redis_client) -> Board:
    account = add_account()
    board = Board.objects.create(title="Floor", slug="floor", account=account)
    poll_now()
    return board


def test_renders_a_killed_worker_left_behind_are_caught_up_by_the_next_poll(board, redis_client):
    redis_client.delete(f"wb:feed:{board.pk}:tv")
    redis_client.hset("wb:snapshot:61", "rendered", 0)  # killed between the two writes
    assert poll_now().outcome == "unchanged"
    assert read_render(board.pk, "tv").version == store.read_snapshot(61).version


def test_a_deploy_that_changed_the_templates_renders_every_board_again(board, redis_client):
    redis_client.hset(f"wb:feed:{board.pk}:tv", "body", "<p>markup of the last build</p>")
    redis_client.hset("wb:snapshot:61", "rendered_build", "the-last-build")
    assert poll_now().outcome == "unchanged"
    assert "markup of the last build" not in read_render(board.pk, "tv").body
    assert store.read_snapshot(61).rendered_build == build.build_id()


def test_renders_up_to_date_are_left_alone(board, redis_client, monkeypatch):
    published = []
    monkeypatch.setattr(writer.publish, "publish_account", published.append)
    assert poll_now().outcome == "unchanged"
    assert published == []


def test_a_publish_that_fails_keeps_the_snapshot_and_is_tried_again(
    board, redis_client, monkeypatch, caplog
):
    def fails(account_id: int) -> int:
        raise RuntimeError("database went away")

    monkeypatch.setattr(writer.publish, "publish_account", fails)
    version = store.read_snapshot(61).version
    redis_client.hset("wb:snapshot:61", "rendered", 0)  # as if the last publish never happened
    assert poll_now().outcome == "unchanged"
    assert "publishing failed account=61" in caplog.text
    assert store.read_snapshot(61).version == version
    monkeypatch.undo()
    poll_now()
    assert not store.read_snapshot(61).renders_behind(build.build_id())
