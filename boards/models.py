"""Boards (what a screen shows) and the kiosk tokens that let a TV in without a login."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.crypto import hash_token
from accounts.models import Voice360Account
from boards.validators import (  # noqa: F401 (migrations)
    WEEKDAYS,
    default_business_days,
    validate_accent_color,
    validate_business_days,
    validate_queue_ids,
)


class BoardManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().defer("logo")


class Board(models.Model):
    class AgentScope(models.TextChoices):
        ALL = "all", _("All agents of the account")
        MEMBERS = "members", _("Members of the board's queues")

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    account = models.ForeignKey(Voice360Account, on_delete=models.CASCADE, related_name="boards")
    queue_ids = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_queue_ids],
        help_text=_("The queues this board shows, in this order; empty shows every queue."),
    )
    agent_scope = models.CharField(
        max_length=10, choices=AgentScope.choices, default=AgentScope.ALL
    )
    warning_at_or_below = models.PositiveSmallIntegerField(
        default=1,
        help_text=_(
            "A queue tile turns to warning when its available agents are at or below "
            "this number (per-queue overrides below). No agent ready is always an alert."
        ),
    )
    is_public = models.BooleanField(
        default=False,
        help_text=_("Show queue readiness and counts (no names, no numbers) on its public page."),
    )
    public_shows_today = models.BooleanField(
        default=False,
        help_text=_(
            "Also show today's call counts (inbound, answered, abandoned) on the public "
            "status page. Needs webhooks; counts carry no personal data."
        ),
    )
    service_window_minutes = models.PositiveSmallIntegerField(
        choices=[(15, _("15 minutes")), (30, _("30 minutes")), (60, _("60 minutes"))],
        default=30,
        help_text=_("The rolling window of the service figures shown beside today's."),
    )
    public_shows_service_level = models.BooleanField(
        default=False,
        help_text=_(
            "Also show the service level (today and the rolling window) on the public "
            "status page, its JSON and badges. Needs webhooks."
        ),
    )
    tv_shows_forecast = models.BooleanField(
        default=False,
        help_text=_(
            "Show each queue's staffing forecast (agents needed for its target, Erlang "
            "C) on the TV too; supervisors always see it. Needs webhooks."
        ),
    )
    public_shows_forecast = models.BooleanField(
        default=False,
        help_text=_(
            "Also give the staffing forecast (calls per hour, handle time, agents needed "
            "and online, predicted service level) in the public JSON. Needs webhooks."
        ),
    )
    public_shows_messages = models.BooleanField(
        default=False,
        help_text=_(
            "Also show the supervisors' messages to the floor on the public status page "
            "(they always show on the TVs and supervisor pages)."
        ),
    )
    leaderboard_size = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(20)],
        help_text=_("Show the top N agents by calls answered today (0: no leaderboard)."),
    )
    # TV care (README "TV screens"): in the account's time zone, computed by the page.
    opens_at = models.TimeField(
        null=True,
        blank=True,
        help_text=_("Business hours start; empty (with the end) means always open."),
    )
    closes_at = models.TimeField(
        null=True,
        blank=True,
        help_text=_("Business hours end; earlier than the start means past midnight."),
    )
    business_days = models.JSONField(
        default=default_business_days,
        blank=True,
        validators=[validate_business_days],
        help_text=_("ISO weekdays the business hours apply to: 1 is Monday, 7 is Sunday."),
    )
    night_mode = models.BooleanField(
        default=True,
        help_text=_(
            "TVs dim outside business hours (still live; STALE and DISCONNECTED stay "
            "loud) and say when the board opens."
        ),
    )
    daily_reload_hour = models.PositiveSmallIntegerField(
        default=4,
        validators=[MaxValueValidator(23)],
        help_text=_(
            "TVs reload once a day during this hour (account's time zone): weak TV "
            "browsers slow down over weeks."
        ),
    )
    # Look and language (README "Themes" and "Languages"): per board, as a screen has no user.
    theme = models.CharField(
        max_length=10,
        choices=[("dark", _("Dark")), ("light", _("Light")), ("contrast", _("High contrast"))],
        default="dark",
    )
    accent_color = models.CharField(
        max_length=7,
        blank=True,
        default="",
        validators=[validate_accent_color],
        help_text=_(
            'An accent colour such as "#0a7cff" for the header and highlights; empty '
            "keeps the theme's own."
        ),
    )
    # The logo as we re-encoded it (PNG, boards/logos.py): never the uploaded file itself.
    # Deferred by the manager (every poll reads boards); the digest names its URL.
    logo = models.BinaryField(blank=True, default=b"", editable=False)
    logo_digest = models.CharField(max_length=16, blank=True, default="", editable=False)
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language of this board's screens and public page."),
    )
    clock_hours = models.PositiveSmallIntegerField(
        choices=[(24, _("24-hour clock")), (12, _("12-hour clock"))], default=24
    )
    dim_unchanged_after_minutes = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(240)],
        help_text=_(
            "TVs dim an area that has not changed for this many minutes, against "
            "burn-in (0: never)."
        ),
    )
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="supervised_boards",
        help_text=_("Users who may watch this board on its supervisor page (admins always may)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BoardManager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def warning_levels(self) -> dict[int, int]:
        """Per-queue warning threshold; queues without an override use the board's."""
        return {t.queue_id: t.warning_at_or_below for t in self.thresholds.all()}

    @property
    def has_business_hours(self) -> bool:
        return self.opens_at is not None and self.closes_at is not None

    def can_be_watched_by(self, user) -> bool:
        if not user.is_authenticated or not user.is_active:
            return False
        return user.is_superuser or self.supervisors.filter(pk=user.pk).exists()


class QueueThreshold(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="thresholds")
    queue_id = models.PositiveIntegerField()
    warning_at_or_below = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "queue_id"], name="one_threshold_per_queue")
        ]

    def __str__(self) -> str:
        return f"queue {self.queue_id}: warning at <= {self.warning_at_or_below} available"


MAX_TOKEN_LENGTH = 200


class KioskTokenQuerySet(models.QuerySet):
    def active(self) -> "KioskTokenQuerySet":
        return self.filter(revoked_at__isnull=True)

    def find(self, plain: str) -> "KioskToken | None":
        """The active token with this value, or None; the value itself is never stored."""
        if not plain or len(plain) > MAX_TOKEN_LENGTH:
            return None
        return self.active().select_related("board").filter(token_hash=hash_token(plain)).first()


class KioskToken(models.Model):
    """The secret in a TV's URL. Stored hashed; shown once, when issued or rotated."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="kiosk_tokens")
    name = models.CharField(max_length=120, help_text=_('The screen, e.g. "Floor 2 left".'))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    sound_enabled = models.BooleanField(
        default=False,
        help_text=_(
            "This screen plays a sound while an alert with sound is active (the screen "
            "asks for one click to allow audio if its browser requires it)."
        ),
    )

    objects = KioskTokenQuerySet.as_manager()

    class Meta:
        ordering = ["board", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.board})"

    @classmethod
    def issue(cls, board: Board, name: str) -> tuple["KioskToken", str]:
        plain = secrets.token_urlsafe(32)
        return cls.objects.create(board=board, name=name, token_hash=hash_token(plain)), plain

    def rotate(self) -> str:
        """A new link; the old one answers 410 "unlinked" from now on. A revoked token is
        not rotated (its new link would not work): issue a new one instead."""
        if not self.is_active:
            raise ValueError("a revoked kiosk token cannot be rotated; issue a new one")
        plain = secrets.token_urlsafe(32)
        RetiredKioskLink.objects.get_or_create(token_hash=self.token_hash)
        self.token_hash = hash_token(plain)
        self.rotated_at = timezone.now()
        self.save(update_fields=["token_hash", "rotated_at"])
        return plain

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RetiredKioskLink(models.Model):
    """The hash of a TV link that worked once: rotated away, or of a token deleted. Its URL
    answers 410 "this screen was unlinked" instead of a 404 that says nothing."""

    token_hash = models.CharField(max_length=64, unique=True)
    retired_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"a TV link retired at {self.retired_at:%Y-%m-%d %H:%M}"

    @classmethod
    def was_linked(cls, plain: str) -> bool:
        digest = hash_token(plain)
        revoked = KioskToken.objects.filter(token_hash=digest, revoked_at__isnull=False)
        return revoked.exists() or cls.objects.filter(token_hash=digest).exists()


# Tiles, messages and playlist stops live in modules of their own: imported for Django.
from boards.layout import BoardTile  # noqa: E402, F401
from boards.messages import BoardMessage  # noqa: E402, F401
from boards.playlist_entries import PlaylistEntry, validate_playlist_seconds  # noqa: E402, F401
