"""Every account gets its webhook receiver (and so its URL) as soon as it is created."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Voice360Account
from webhooks.models import WebhookReceiver


@receiver(post_save, sender=Voice360Account, dispatch_uid="webhooks-issue-receiver")
def issue_receiver(
    sender: type, instance: Voice360Account, created: bool, **kwargs: object
) -> None:
    if created and not kwargs.get("raw"):
        WebhookReceiver.for_account(instance)
