"""The stops of a screen's rotation (boards/playlists.py works out where a screen is)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_playlist_seconds(value: int) -> None:
    minimum = settings.PLAYLIST_MIN_SECONDS
    if value < minimum:
        message = _("A board stays on screen at least %(minimum)s seconds.")
        raise ValidationError(message, params={"minimum": minimum})


class PlaylistEntry(models.Model):
    """One stop of a screen's rotation. A token without entries shows its own board alone;
    with entries it shows these boards in order, each for `seconds`, on one websocket."""

    token = models.ForeignKey(
        "boards.KioskToken", on_delete=models.CASCADE, related_name="playlist"
    )
    board = models.ForeignKey(
        "boards.Board", on_delete=models.CASCADE, related_name="playlist_entries"
    )
    seconds = models.PositiveIntegerField(default=30, validators=[validate_playlist_seconds])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = _("playlist")

    def __str__(self) -> str:
        return f"{self.board} for {self.seconds} s"
