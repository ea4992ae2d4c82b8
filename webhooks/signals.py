"""Signals of the webhooks app, and the receiver that gives every account its webhook URL.

`upstream_changed` (keyword `account_id`): a stored call or queue event says that what the
API reports for the account changed. Sent once the event is committed; the poller listens
(an early poll). Receivers may raise Redis or broker errors: the sender counts and logs them.
"""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from accounts.models import Voice360Account
from webhooks.models import WebhookReceiver

upstream_changed = Signal()


@receiver(post_save, sender=Voice360Account, dispatch_uid="webhooks-issue-receiver")
def issue_receiver(
    sender: type, instance: Voice360Account, created: bool, **kwargs: object
) -> None:
    if created and not kwargs.get("raw"):
        WebhookReceiver.for_account(instance)
