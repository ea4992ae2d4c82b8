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


class QueueInterval(models.Model):
    """One queue's calls in one 15-minute interval (service/intervals.py): the calls whose
    wait ended in it, counted by the rules of docs/metrics.md. Built from the stored events
    after the interval's end; building it again gives the same row."""

    account = models.ForeignKey(
        Voice360Account, on_delete=models.CASCADE, related_name="queue_intervals"
    )
    queue_id = models.PositiveBigIntegerField()
    start = models.DateTimeField(help_text="The interval's start (it lasts 15 minutes).")
    offered = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    answered_within_threshold = models.PositiveIntegerField(default=0)
    abandoned = models.PositiveIntegerField(default=0)
    short_abandoned = models.PositiveIntegerField(default=0)
    timed_out = models.PositiveIntegerField(default=0)
    not_answered = models.PositiveIntegerField(default=0)
    answered_timed = models.PositiveIntegerField(default=0)  # answered with a known wait
    wait_total_seconds = models.FloatField(default=0.0)
    talked = models.PositiveIntegerField(default=0)  # answered calls that ended
    talk_total_seconds = models.FloatField(default=0.0)
    max_wait_seconds = models.FloatField(
        null=True, blank=True, help_text="The longest wait that ended in it, whatever its end."
    )
    # From the polls of the interval (service/samples.py); null where none was seen.
    peak_waiting = models.PositiveIntegerField(null=True, blank=True)
    agents_online = models.FloatField(null=True, blank=True, help_text="Mean over the polls.")
    agents_available = models.FloatField(null=True, blank=True, help_text="Mean over the polls.")
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "queue_id", "start"], name="one_row_per_queue_interval"
            )
        ]
        indexes = [models.Index(fields=["start"], name="queue_interval_start")]  # the purge
        ordering = ["account", "start", "queue_id"]

    def __str__(self) -> str:
        return f"queue {self.queue_id} from {self.start:%Y-%m-%d %H:%M} UTC"

    @property
    def mean_wait_seconds(self) -> float | None:
        return self.wait_total_seconds / self.answered_timed if self.answered_timed else None

    @property
    def aht_seconds(self) -> float | None:
        return self.talk_total_seconds / self.talked if self.talked else None


class AgentDay(models.Model):
    """One agent's day in the account's time zone: the calls from the stored events, the time
    in each status from the polls (service/samples.py). Built with the intervals, after each
    quarter hour, for the day so far; building it again gives the same row."""

    account = models.ForeignKey(
        Voice360Account, on_delete=models.CASCADE, related_name="agent_days"
    )
    agent_id = models.PositiveBigIntegerField()
    date = models.DateField(help_text="The local date.")
    answered = models.PositiveIntegerField(default=0)
    placed = models.PositiveIntegerField(default=0)
    talked = models.PositiveIntegerField(default=0)  # answered calls that ended
    talk_seconds = models.FloatField(default=0.0)
    available_seconds = models.FloatField(default=0.0)
    on_call_seconds = models.FloatField(default=0.0)
    offline_seconds = models.FloatField(default=0.0)
    unknown_seconds = models.FloatField(
        default=0.0, help_text="Online while only public data said so: on a call or not unknown."
    )
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "agent_id", "date"], name="one_row_per_agent_day"
            )
        ]
        indexes = [models.Index(fields=["date"], name="agent_day_date")]  # the purge
        ordering = ["account", "date", "agent_id"]

    def __str__(self) -> str:
        return f"agent {self.agent_id} on {self.date}"

    @property
    def aht_seconds(self) -> float | None:
        return self.talk_seconds / self.talked if self.talked else None
