"""Open screens follow board edits: a changed or deleted board resets its feeds."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from boards.models import Board, PlaylistEntry, QueueThreshold


@receiver([post_save, post_delete], sender=Board)
def board_changed(sender: type, instance: Board, **kwargs: object) -> None:
    from live.control import reset_board

    reset_board(instance.pk)


@receiver([post_save, post_delete], sender=QueueThreshold)
def threshold_changed(sender: type, instance: QueueThreshold, **kwargs: object) -> None:
    from live.control import reset_board

    reset_board(instance.board_id)


@receiver([post_save, post_delete], sender=PlaylistEntry)
def playlist_changed(sender: type, instance: PlaylistEntry, **kwargs: object) -> None:
    from live.control import playlist_changed

    # After the commit: the screen reads the playlist again from another connection.
    token_id = instance.token_id
    transaction.on_commit(lambda: playlist_changed(token_id))
