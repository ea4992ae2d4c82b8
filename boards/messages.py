"""Messages to the floor: a supervisor's short note on a board's screens ("Team huddle at
15:00"), shown as a banner until it expires or is withdrawn.

The model lives here (boards/models.py imports it, so Django registers it with the app); a
message is part of the board's render (boards/presenters.py), read by the worker in one
query per board and render (`shown_on`).
"""

import unicodedata
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 140
# Minutes a message stays up; 0: until withdrawn. Lazy: the supervisor's form shows them in
# its board's language (boards/message_views.py).
EXPIRY_CHOICES = (
    (15, _("15 minutes")),
    (30, _("30 minutes")),
    (60, _("1 hour")),
    (120, _("2 hours")),
    (240, _("4 hours")),
    (480, _("8 hours")),
    (0, _("Until withdrawn")),
)
EXPIRY_MINUTES = frozenset(minutes for minutes, _ in EXPIRY_CHOICES if minutes)
# At most this many messages on a screen at once, the newest first: a banner, not a feed.
MAX_SHOWN = 3
# Bidirectional overrides and isolates: text that reads differently from what it is.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def validate_message_text(text: str) -> None:
    if any(unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS for ch in text):
        raise ValidationError(
            _("Plain text on one line: no line breaks, tabs or control characters."),
            code="control_characters",
        )


class BoardMessageQuerySet(models.QuerySet):
    def active_at(self, moment: datetime) -> "BoardMessageQuerySet":
        """Not withdrawn, and not expired at `moment`."""
        return self.filter(withdrawn_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=moment)
        )


class BoardMessage(models.Model):
    board = models.ForeignKey("boards.Board", on_delete=models.CASCADE, related_name="messages")
    text = models.CharField(
        max_length=MAX_LENGTH,
        validators=[validate_message_text],
        error_messages={
            "blank": _("Write a message."),
            "max_length": _("At most %(limit_value)d characters (this one has %(show_value)d)."),
        },
    )
    # Empty once the user is deleted: the message stays in the board's history.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Not auto_now_add: clean() checks the expiry against it before the first save.
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: on screen until withdrawn."
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = BoardMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["board", "withdrawn_at", "expires_at"])]

    def __str__(self) -> str:
        return self.text

    @classmethod
    def compose(
        cls, board, author, text: str, expiry_minutes: int, now: datetime | None = None
    ) -> "BoardMessage":
        """A message as posted now (not saved): its expiry one of EXPIRY_CHOICES' minutes."""
        now = now or timezone.now()
        expires = now + timedelta(minutes=expiry_minutes) if expiry_minutes else None
        return cls(board=board, author=author, text=text, created_at=now, expires_at=expires)

    def clean_fields(self, exclude=None) -> None:
        # The rules are about what the screens show: the text without its outer spaces.
        self.text = (self.text or "").strip()
        super().clean_fields(exclude)

    def clean(self) -> None:
        if self.expires_at is not None and self.created_at is not None:
            minutes = (self.expires_at - self.created_at) / timedelta(minutes=1)
            if minutes not in EXPIRY_MINUTES:
                raise ValidationError(
                    {
                        "expires_at": _(
                            "A message expires after 15 or 30 minutes, 1, 2, 4 or 8 hours, or "
                            "stays until withdrawn."
                        )
                    }
                )

    def withdraw(self, user, now: datetime | None = None) -> bool:
        """Off the screens; False when it was withdrawn already."""
        if self.withdrawn_at is not None:
            return False
        self.withdrawn_at, self.withdrawn_by = now or timezone.now(), user
        self.save(update_fields=["withdrawn_at", "withdrawn_by"])
        return True

    def status_at(self, moment: datetime) -> str:
        """ "withdrawn", "expired" or "active" at `moment`."""
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.expires_at is not None and self.expires_at <= moment:
            return "expired"
        return "active"


def shown_on(board_id: int, now: float):
    """The board's active messages at `now`, newest first, with whether its public page
    shows them (boards/view_models.OnScreen): one query, the board's setting joined in."""
    # Here, not at the top: boards.models imports this module, view_models imports it back.
    from boards.view_models import MessageView, OnScreen

    rows = (
        BoardMessage.objects.active_at(datetime.fromtimestamp(now, UTC))
        .filter(board_id=board_id)
        .annotate(public=F("board__public_shows_messages"))
        .values_list("pk", "text", "created_at", "expires_at", "public")[:MAX_SHOWN]
    )
    views, public = [], False
    for pk, text, created, expires, board_public in rows:
        ends = None if expires is None else expires.timestamp()
        views.append(MessageView(pk, text, created.timestamp(), ends))
        public = bool(board_public)
    return OnScreen(tuple(views), public, now)
