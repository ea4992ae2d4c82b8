"""Alert rules of a board and the history of their alerts.

A rule watches one queue of its board, or every queue (queue_id empty). Each breach opens an
AlertEvent, closed when the breach ends; a partial unique constraint keeps at most one open
event per (rule, queue), so two workers judging the same snapshot cannot open two.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.views.decorators.debug import sensitive_variables

from accounts import crypto
from alerts import outgoing
from boards.models import Board


class RuleKind(models.TextChoices):
    NO_AGENT_READY = "no_agent_ready", "No agent ready"
    AVAILABLE_AT_OR_BELOW = "available_at_or_below", "Available agents at or below N"
    ABANDONS_LAST_HOUR_ABOVE = "abandons_last_hour_above", "Abandoned in the last hour above N"
    WAITING_LONGER_THAN = "waiting_longer_than", "A caller waiting longer than N seconds"
    SERVICE_LEVEL_BELOW = "service_level_below", "Service level below N % (the board's window)"
    CALLS_WAITING_ABOVE = "calls_waiting_above", "Calls waiting above N"


# Kinds judged against a number the admin gives.
KINDS_WITH_THRESHOLD = {
    RuleKind.AVAILABLE_AT_OR_BELOW,
    RuleKind.ABANDONS_LAST_HOUR_ABOVE,
    RuleKind.WAITING_LONGER_THAN,
    RuleKind.SERVICE_LEVEL_BELOW,
    RuleKind.CALLS_WAITING_ABOVE,
}


def validate_webhook_url(url: str) -> None:
    """A Slack-compatible incoming-webhook URL that the worker may post to: https (or http
    where ALERT_WEBHOOK_ALLOW_HTTP) to a public address (alerts/outgoing.py)."""
    outgoing.check(url)


def url_hint(url: str) -> str:
    """Enough of a webhook URL to recognise it, never enough to post to it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}/…{url[-4:]}" if parts.hostname else "…"


class AlertRule(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="alert_rules")
    label = models.CharField(
        max_length=120, blank=True, help_text='A short name, e.g. "Sales unstaffed".'
    )
    queue_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: every queue the board shows."
    )
    kind = models.CharField(max_length=32, choices=RuleKind.choices)
    threshold = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="N: available agents, abandoned calls, seconds waiting, a service level in "
        "percent or calls waiting, by kind (not used by “No agent ready”).",
    )
    enabled = models.BooleanField(default=True)
    sound = models.BooleanField(
        default=True, help_text="Screens with sound enabled beep until it is acknowledged."
    )
    cooldown_seconds = models.PositiveIntegerField(
        default=300,
        help_text="A new breach of the same queue this soon after the last notification shows "
        "but neither sounds nor posts to the webhook again.",
    )
    quiet_hours_start = models.TimeField(
        null=True, blank=True, help_text="In the account's time zone; may wrap midnight."
    )
    quiet_hours_end = models.TimeField(null=True, blank=True)
    # Fernet token; use set_webhook_url() and .webhook_url, never this field directly.
    webhook_url_encrypted = crypto.EncryptedSecretField(blank=True, default="", editable=False)
    webhook_url_hint = models.CharField(max_length=80, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["board", "queue_id", "kind"]

    def __str__(self) -> str:
        return self.label or self.describe()

    def __repr__(self) -> str:
        return f"<AlertRule {self.pk} {self.kind} board={self.board_id} queue={self.queue_id}>"

    def describe(self) -> str:
        where = f"queue {self.queue_id}" if self.queue_id else "every queue"
        if self.kind == RuleKind.NO_AGENT_READY:
            return f"No agent ready ({where})"
        names = {
            RuleKind.AVAILABLE_AT_OR_BELOW: "available ≤ {n}",
            RuleKind.ABANDONS_LAST_HOUR_ABOVE: "abandoned in the last hour > {n}",
            RuleKind.WAITING_LONGER_THAN: "waiting > {n} s",
            RuleKind.SERVICE_LEVEL_BELOW: "service level < {n} %",
            RuleKind.CALLS_WAITING_ABOVE: "calls waiting > {n}",
        }
        return f"{names[RuleKind(self.kind)].format(n=self.threshold)} ({where})"

    @property
    def webhook_url(self) -> str | None:
        return crypto.decrypt(self.webhook_url_encrypted) if self.webhook_url_encrypted else None

    @sensitive_variables("plain")
    def set_webhook_url(self, plain: str | None) -> None:
        plain = (plain or "").strip()
        self.webhook_url_encrypted = crypto.encrypt(plain) if plain else ""
        self.webhook_url_hint = url_hint(plain) if plain else ""

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind in KINDS_WITH_THRESHOLD and self.threshold is None:
            errors["threshold"] = f"“{self.get_kind_display()}” needs a number N."
        if self.kind == RuleKind.NO_AGENT_READY and self.threshold is not None:
            errors["threshold"] = "“No agent ready” takes no number; leave it empty."
        if self.kind == RuleKind.WAITING_LONGER_THAN and self.threshold == 0:
            errors["threshold"] = "Waiting longer than 0 seconds would always fire; use 1 or more."
        if self.kind == RuleKind.SERVICE_LEVEL_BELOW and not 1 <= (self.threshold or 0) <= 100:
            errors["threshold"] = "A service level is a percentage: 1 to 100."
        if (self.quiet_hours_start is None) != (self.quiet_hours_end is None):
            errors["quiet_hours_end"] = "Give both ends of the quiet hours, or neither."
        elif self.quiet_hours_start is not None and self.quiet_hours_start == self.quiet_hours_end:
            errors["quiet_hours_end"] = "Quiet hours must end at another time than they start."
        queues = self._board_queue_ids()
        if self.queue_id is not None and queues and self.queue_id not in queues:
            listed = ", ".join(map(str, queues))
            errors["queue_id"] = (
                f"The board does not show queue {self.queue_id} (it shows {listed})."
            )
        if errors:
            raise ValidationError(errors)

    def _board_queue_ids(self) -> list[int]:
        board = getattr(self, "board", None) if self.board_id else None
        return list(board.queue_ids or ()) if board is not None else []

    def in_quiet_hours(self, local: dt.time) -> bool:
        """Whether `local` (the account's wall-clock time) is within the quiet hours; a
        window that wraps midnight (22:00-06:00) covers both sides of it."""
        start, end = self.quiet_hours_start, self.quiet_hours_end
        if start is None or end is None:
            return False
        if start < end:
            return start <= local < end
        return local >= start or local < end


class AlertEventQuerySet(models.QuerySet):
    def open(self) -> "AlertEventQuerySet":
        return self.filter(cleared_at__isnull=True)


class AlertEvent(models.Model):
    """One breach of a rule on one queue, from when it fired until it cleared."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="events")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="alert_events")
    queue_id = models.PositiveIntegerField()
    kind = models.CharField(max_length=32, choices=RuleKind.choices)
    message = models.CharField(max_length=200)
    fired_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the alert was announced (sound, outgoing webhook); empty while quiet hours hold it
    # back, or for good when it was a repeat within the rule's cooldown.
    announced_at = models.DateTimeField(null=True, blank=True)
    repeat = models.BooleanField(
        default=False,
        help_text="Fired within the cooldown of the last notification: not announced.",
    )
    notified = models.BooleanField(default=False, help_text="The outgoing webhook took it.")
    notify_error = models.CharField(max_length=300, blank=True, default="")

    objects = AlertEventQuerySet.as_manager()

    class Meta:
        ordering = ["-fired_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "queue_id"],
                condition=models.Q(cleared_at__isnull=True),
                name="one_open_alert_per_rule_and_queue",
            )
        ]
        indexes = [models.Index(fields=["board", "-fired_at"], name="alert_history_of_board")]

    def __str__(self) -> str:
        return self.message
