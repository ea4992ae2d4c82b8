"""What the poller does when told (polling/receivers.py): an early poll for a webhook event
(tests/polling/test_early_poll.py), the overlay at once for an acknowledgement, a board's
renders anew after an edit: once per board and transaction, after the commit."""

import json

import pytest
from django.db import transaction

from alerts.models import AlertEvent
from alerts.signals import alert_acknowledged
from boards.layout import BoardTile
from boards.models import Board, QueueThreshold
from tests.polling.helpers import add_account

# Real commits: what on_commit waits for.
pytestmark = pytest.mark.django_db(transaction=True)


def sent_tasks(redis_client) -> list[tuple[str, str]]:
    headers = [json.loads(raw)["headers"] for raw in redis_client.lrange("celery", 0, -1)]
    return [(h["task"], h["argsrepr"]) for h in headers]


def refresh(board: Board) -> tuple[str, str]:
    return ("polling.tasks.refresh_board", f"({board.pk},)")


def test_an_acknowledgement_pushes_the_overlay_at_once(redis_client):
    alert_acknowledged.send(sender=AlertEvent, account_id=61)
    assert sent_tasks(redis_client) == [("polling.tasks.refresh_overlay", "(61,)")]


def test_a_board_and_its_thresholds_edited_together_are_rendered_once_after_the_commit(
    redis_client,
):
    account = add_account()
    with transaction.atomic():
        board = Board.objects.create(title="Floor", slug="floor", account=account)
        board.title = "Floor 2"
        board.save()
        QueueThreshold.objects.create(board=board, queue_id=100134, warning_at_or_below=2)
        assert sent_tasks(redis_client) == []  # nothing before the commit
    assert sent_tasks(redis_client) == [refresh(board)]


def test_an_edit_rolled_back_sends_nothing_and_keeps_no_one_from_the_next(redis_client):
    board = Board.objects.create(title="Floor", slug="floor", account=add_account())
    redis_client.delete("celery")
    with pytest.raises(RuntimeError), transaction.atomic():
        board.save()
        raise RuntimeError("the admin's form failed")
    assert sent_tasks(redis_client) == []
    with transaction.atomic():
        board.save()
    assert sent_tasks(redis_client) == [refresh(board)]


def test_a_deleted_board_is_refreshed_too(redis_client):
    board = Board.objects.create(title="Floor", slug="floor", account=add_account())
    redis_client.delete("celery")
    expected = refresh(board)
    board.delete()
    assert sent_tasks(redis_client) == [expected]


def test_an_edited_account_refreshes_each_of_its_boards(redis_client):
    account = add_account()
    boards = [Board.objects.create(title=t, slug=t, account=account) for t in ("a", "b")]
    redis_client.delete("celery")
    account.enabled = False
    account.save()
    assert sorted(sent_tasks(redis_client)) == sorted(refresh(b) for b in boards)


def test_a_tile_saved_or_removed_on_its_own_renders_its_board_anew(redis_client):
    board = Board.objects.create(title="Floor", slug="floor", account=add_account())
    redis_client.delete("celery")
    tile = BoardTile.objects.create(board=board, kind="clock", width=4)
    assert sent_tasks(redis_client) == [refresh(board)]
    redis_client.delete("celery")
    tile.delete()
    assert sent_tasks(redis_client) == [refresh(board)]
