"""What the poller does when the rest of the wallboard tells it something changed.

- A webhook event says the account changed upstream: an early poll (polling/early.py).
- An alert was acknowledged: its overlay is pushed at once.
- A board, one of its thresholds, or its account changed: its feeds are rendered anew by a
  worker and its screens reconnect into them (polling/publish.py).
- A message to the floor was posted, withdrawn or deleted: its board's screens get it as a
  diff (polling/repaint.py), and a posted message's expiry is scheduled, to take it off the
  screens on time.
- An account was saved or deleted: the dispatchers plan anew at their next tick.

Connected in PollingConfig.ready(). Board changes act on commit, once per board and
transaction (an admin save of a board and its inlines is one refresh): the worker reads them
from another connection.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import Voice360Account
from alerts.signals import alert_acknowledged
from boards import public_cache
from boards.layout import BoardTile
from boards.messages import BoardMessage
from boards.models import Board, QueueThreshold
from polling import early, targets, tasks
from webhooks.signals import upstream_changed


@receiver(upstream_changed, dispatch_uid="polling-early-poll")
def poll_early(sender: type, account_id: int, **kwargs: object) -> None:
    if early.claim_burst(account_id):
        tasks.send_early_poll(account_id, early.debounce_seconds())


@receiver(alert_acknowledged, dispatch_uid="polling-refresh-overlay")
def push_acknowledgement(sender: type, account_id: int, **kwargs: object) -> None:
    tasks.refresh_overlay.delay(account_id)


class RefreshBoard:
    """An on-commit callback: the worker renders the board anew (once per transaction)."""

    def __init__(self, board_id: int) -> None:
        self.board_id = board_id

    def __call__(self) -> None:
        # At once, not when the worker gets to it: a board made private is not answered
        # from its stored public render meanwhile (the worker stores it again if it is).
        public_cache.forget([self.board_id])
        tasks.refresh_board.delay(self.board_id)


def refresh_board_on_commit(board_id: int) -> None:
    # A callback already waiting for this transaction's commit covers this change too; one
    # that a rollback dropped is gone from the list with it.
    pending = transaction.get_connection().run_on_commit
    if any(getattr(entry[1], "board_id", None) == board_id for entry in pending):
        return
    transaction.on_commit(RefreshBoard(board_id), robust=True)


@receiver([post_save, post_delete], sender=Board, dispatch_uid="polling-board-changed")
def board_changed(sender: type, instance: Board, **kwargs: object) -> None:
    if not kwargs.get("raw"):
        refresh_board_on_commit(instance.pk)


@receiver([post_save, post_delete], sender=QueueThreshold, dispatch_uid="polling-threshold")
@receiver([post_save, post_delete], sender=BoardTile, dispatch_uid="polling-tile")
def board_part_changed(
    sender: type, instance: QueueThreshold | BoardTile, **kwargs: object
) -> None:
    if not kwargs.get("raw"):
        refresh_board_on_commit(instance.board_id)


@receiver(post_delete, sender=Voice360Account, dispatch_uid="polling-account-deleted")
def account_deleted(sender: type, instance: Voice360Account, **kwargs: object) -> None:
    transaction.on_commit(targets.accounts_changed, robust=True)


class RepaintBoard:
    """An on-commit callback: the board's screens get its messages as a diff (the account's
    id read now, as the board may be going with them)."""

    def __init__(self, board_id: int) -> None:
        self.board_id = board_id

    def __call__(self) -> None:
        boards = Board.objects.filter(pk=self.board_id)
        account_id = boards.values_list("account__account_id", flat=True).first()
        if account_id is not None:
            tasks.repaint_account.delay(account_id)


@receiver([post_save, post_delete], sender=BoardMessage, dispatch_uid="polling-message")
def message_changed(sender: type, instance: BoardMessage, **kwargs: object) -> None:
    """Not a board refresh (FeedReset): its screens would reconnect for one banner
    (polling/repaint.py says why a plain publish is not enough either)."""
    if kwargs.get("raw"):
        return
    transaction.on_commit(RepaintBoard(instance.board_id), robust=True)
    if kwargs.get("created") and instance.expires_at is not None:
        message_id, expires_at = instance.pk, instance.expires_at
        transaction.on_commit(
            lambda: tasks.send_message_expiry(message_id, expires_at), robust=True
        )


@receiver(post_save, sender=Voice360Account, dispatch_uid="polling-account-changed")
def account_changed(sender: type, instance: Voice360Account, **kwargs: object) -> None:
    """Enabled, disabled, another interval (the boards' staleness limit): its boards anew,
    and the dispatchers' plan (polling/dispatcher.py)."""
    if kwargs.get("raw"):
        return
    transaction.on_commit(targets.accounts_changed, robust=True)
    for board_id in instance.boards.values_list("pk", flat=True):
        refresh_board_on_commit(board_id)
