"""Open screens follow what the admin does, once it is committed: an edited playlist, a
deleted kiosk token (its screen is unlinked, its link answers 410 from then on), and a
supervisor whose login ends or whose grant goes (their board sockets close)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from boards import screen_commands
from boards.models import Board, KioskToken, PlaylistEntry, RetiredKioskLink


@receiver([post_save, post_delete], sender=PlaylistEntry)
def playlist_changed(sender: type, instance: PlaylistEntry, **kwargs: object) -> None:
    # After the commit: the screen reads the playlist again from another connection.
    token_id = instance.token_id
    transaction.on_commit(lambda: screen_commands.playlist_changed(token_id), robust=True)


@receiver(post_delete, sender=KioskToken)
def kiosk_token_deleted(sender: type, instance: KioskToken, **kwargs: object) -> None:
    RetiredKioskLink.objects.get_or_create(token_hash=instance.token_hash)
    token_id = instance.pk
    transaction.on_commit(lambda: screen_commands.unlink_screen(token_id), robust=True)


def _recheck_on_commit(user_ids: set[int]) -> None:
    for user_id in user_ids:
        transaction.on_commit(
            lambda user_id=user_id: screen_commands.recheck_supervisor(user_id), robust=True
        )


@receiver(post_save, sender=get_user_model(), dispatch_uid="boards-user-changed")
def user_changed(sender: type, instance, **kwargs: object) -> None:
    """Deactivated, a new password, no longer a superuser: their sockets check again."""
    if not kwargs.get("raw"):
        _recheck_on_commit({instance.pk})


@receiver(user_logged_out, dispatch_uid="boards-user-logged-out")
def user_logged_out_everywhere(sender: type, request, user, **kwargs: object) -> None:
    if user is not None:
        _recheck_on_commit({user.pk})


@receiver(pre_delete, sender=Board, dispatch_uid="boards-board-deleted")
def board_deleted(sender: type, instance: Board, **kwargs: object) -> None:
    _recheck_on_commit(set(instance.supervisors.values_list("pk", flat=True)))


@receiver(m2m_changed, sender=Board.supervisors.through, dispatch_uid="boards-grant-changed")
def grant_changed(sender: type, instance, action: str, pk_set, reverse: bool, **kwargs) -> None:
    """A board taken from supervisors (or supervisors from a board): their sockets check."""
    if action not in ("post_remove", "pre_clear"):
        return
    if reverse:  # instance is a user: boards were taken from them
        _recheck_on_commit({instance.pk})
    elif action == "pre_clear":
        _recheck_on_commit(set(instance.supervisors.values_list("pk", flat=True)))
    else:
        _recheck_on_commit(set(pk_set or ()))
