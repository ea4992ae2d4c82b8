"""Each queue's service target: what its service level is judged against."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.models import Voice360Account
from service.tally import DEFAULT_TARGET, Target


class ServiceTarget(models.Model):
    """Queues without one use the defaults: 80 % answered within 20 s, hang-ups within 5 s
    not counted."""

    account = models.ForeignKey(
        Voice360Account, on_delete=models.CASCADE, related_name="service_targets"
    )
    queue_id = models.PositiveBigIntegerField(help_text="The Voice360 queue (its pk).")
    threshold_seconds = models.PositiveSmallIntegerField(
        default=DEFAULT_TARGET.threshold_seconds,
        validators=[MinValueValidator(1), MaxValueValidator(3600)],
        help_text="T: a call answered within this many seconds counts as answered in time.",
    )
    short_abandon_seconds = models.PositiveSmallIntegerField(
        default=DEFAULT_TARGET.short_abandon_seconds,
        validators=[MaxValueValidator(600)],
        help_text="S: a caller who hangs up within this many seconds is a short abandon, left "
        "out of the service level and the abandon rate (0 counts every abandon).",
    )
    target_percent = models.FloatField(
        default=DEFAULT_TARGET.target_percent,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="The service level the queue should reach, in percent.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "queue_id"], name="one_target_per_queue")
        ]
        ordering = ["account", "queue_id"]

    def __str__(self) -> str:
        return f"queue {self.queue_id}: {self.target_percent:g} % within {self.threshold_seconds} s"

    @property
    def target(self) -> Target:
        return Target(self.threshold_seconds, self.short_abandon_seconds, self.target_percent)


def targets_of(account_pk: int) -> dict[int, Target]:
    return {t.queue_id: t.target for t in ServiceTarget.objects.filter(account_id=account_pk)}
