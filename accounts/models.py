"""A Voice360 account the wallboard polls, with its API key encrypted at rest."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.views.decorators.debug import sensitive_variables

from accounts import crypto

MIN_POLL_INTERVAL_SECONDS = 1.0


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone such as Europe/Berlin.")


class Voice360Account(models.Model):
    account_id = models.PositiveIntegerField(
        unique=True, help_text="The account id in Voice360 URLs, e.g. 61."
    )
    name = models.CharField(max_length=200)
    # Fernet token; use set_api_key() and .api_key, never this field directly.
    api_key_encrypted = crypto.EncryptedSecretField(blank=True, default="", editable=False)
    api_key_hint = models.CharField(max_length=40, blank=True, default="", editable=False)
    poll_interval_seconds = models.FloatField(
        default=2.0, validators=[MinValueValidator(MIN_POLL_INTERVAL_SECONDS)]
    )
    budget_share_percent = models.PositiveSmallIntegerField(
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Share of the key's 1000 requests/min the wallboard may use.",
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "account_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(poll_interval_seconds__gte=MIN_POLL_INTERVAL_SECONDS),
                name="poll_interval_at_least_one_second",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_share_percent__gte=1, budget_share_percent__lte=100),
                name="budget_share_between_1_and_100_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.account_id})"

    def __repr__(self) -> str:
        return f"<Voice360Account {self.account_id} {self.name!r} key={self.api_key_hint or '-'}>"

    @property
    def has_api_key(self) -> bool:
        return bool(self.api_key_encrypted)

    @property
    def api_key(self) -> str | None:
        return crypto.decrypt(self.api_key_encrypted) if self.api_key_encrypted else None

    @sensitive_variables("plain")
    def set_api_key(self, plain: str | None) -> None:
        plain = (plain or "").strip()
        self.api_key_encrypted = crypto.encrypt(plain) if plain else ""
        self.api_key_hint = crypto.key_hint(plain) if plain else ""

    @property
    def budget_share(self) -> float:
        return self.budget_share_percent / 100
