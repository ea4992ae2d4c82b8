"""Where an account's webhooks arrive (a secret URL per account) and what arrived there.

The receiver's token is the only thing that proves a request came from the account's
Voice360 portal (the API doc advises a token in the URL), so it is stored twice: as a
SHA-256 hash to find the receiver by, and encrypted (accounts.crypto) so that the admin can
show the whole URL to paste into the portal. Events are append-only and stored once each:
`dedup_key` is unique, so a redelivered event is recognised, never counted twice.
"""

import secrets

from django.db import models
from django.views.decorators.debug import sensitive_variables

from accounts import crypto
from accounts.crypto import hash_token
from accounts.models import Voice360Account


class WebhookReceiver(models.Model):
    account = models.OneToOneField(
        Voice360Account, on_delete=models.CASCADE, related_name="webhook_receiver"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Fernet token of the URL token; use .token and set_token(), never this field directly.
    token_encrypted = crypto.EncryptedSecretField(editable=False)
    accepted_count = models.PositiveBigIntegerField(default=0, editable=False)
    duplicate_count = models.PositiveBigIntegerField(default=0, editable=False)
    rejected_count = models.PositiveBigIntegerField(default=0, editable=False)
    last_event_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_rejected_at = models.DateTimeField(null=True, blank=True, editable=False)
    rotated_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"webhook receiver of {self.account}"

    def __repr__(self) -> str:
        return f"<WebhookReceiver account={self.account_id}>"  # never the token

    @property
    def token(self) -> str:
        return crypto.decrypt(self.token_encrypted)

    @sensitive_variables("token")
    def set_token(self, token: str) -> None:
        self.token_hash = hash_token(token)
        self.token_encrypted = crypto.encrypt(token)

    def rotate(self) -> str:
        """A new random token: the old URL answers 404 from now on."""
        token = secrets.token_urlsafe(32)
        self.set_token(token)
        return token

    @property
    def path(self) -> str:
        return f"/webhooks/voice360/{self.token}/"

    @classmethod
    def for_account(cls, account: Voice360Account) -> "WebhookReceiver":
        """The account's receiver, issued with a random token on first use."""
        try:
            return account.webhook_receiver
        except cls.DoesNotExist:
            receiver = cls(account=account)
            receiver.rotate()
            receiver.save()
            return receiver


class WebhookEvent(models.Model):
    """One event as Voice360 sent it, with the fields the counts group by pulled out."""

    account = models.ForeignKey(
        Voice360Account, on_delete=models.CASCADE, related_name="webhook_events"
    )
    event_name = models.CharField(max_length=64)
    # From the payload's timestamp (or the receipt time when that is far in the future).
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    # SHA-256 of the canonical JSON of the payload: the same event delivered twice is one row.
    dedup_key = models.CharField(max_length=64, unique=True)
    call_id = models.CharField(max_length=128, blank=True, default="")
    queue_id = models.BigIntegerField(null=True, blank=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    direction = models.CharField(max_length=16, blank=True, default="")
    reason = models.CharField(max_length=16, blank=True, default="")
    metadata = models.JSONField(default=dict)
    # False when today's counts cannot use the event (an unknown type, a field missing or
    # mistyped): kept all the same, with why (webhooks/validation.py).
    countable = models.BooleanField(default=True)
    problem = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["account", "occurred_at"], name="webhook_account_time"),
            models.Index(
                fields=["account", "event_name", "occurred_at"], name="webhook_account_event_time"
            ),
            # A call's events (service/sources.py `events_of`), by time.
            models.Index(
                fields=["account", "call_id", "occurred_at"], name="webhook_account_call_time"
            ),
            # The service tally's fold: what arrived since it last looked (service/ledger.py).
            models.Index(fields=["account", "received_at"], name="webhook_account_received"),
            models.Index(fields=["queue_id"], name="webhook_queue"),
            models.Index(fields=["user_id"], name="webhook_user"),
            models.Index(fields=["occurred_at"], name="webhook_time"),  # retention purge
        ]

    def __str__(self) -> str:
        return f"{self.event_name} at {self.occurred_at:%Y-%m-%d %H:%M:%S}"
