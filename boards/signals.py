"""Open screens follow their playlist: an edited playlist reaches them once committed."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from boards import screen_commands
from boards.models import PlaylistEntry


@receiver([post_save, post_delete], sender=PlaylistEntry)
def playlist_changed(sender: type, instance: PlaylistEntry, **kwargs: object) -> None:
    # After the commit: the screen reads the playlist again from another connection.
    token_id = instance.token_id
    transaction.on_commit(lambda: screen_commands.playlist_changed(token_id), robust=True)
