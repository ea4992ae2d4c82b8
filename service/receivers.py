"""New targets or another time zone make a new tally: the stored one's revision moves on
(service/ledger.py `invalidate`), so no process keeps counting into the state it holds and
the next poll reads it again (and rebuilds it if it no longer fits); the account's event
generation moves on too, so the next poll looks at once."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import Voice360Account
from service import ledger
from service.models import ServiceTarget
from webhooks import generation


def _invalidate(account_id: int) -> None:
    ledger.invalidate(account_id)
    generation.bump(account_id)


def _invalidate_on_commit(account_id: int) -> None:
    transaction.on_commit(partial(_invalidate, account_id), robust=True)


@receiver([post_save, post_delete], sender=ServiceTarget, dispatch_uid="service-target")
def target_changed(sender: type, instance: ServiceTarget, **kwargs: object) -> None:
    if not kwargs.get("raw"):
        _invalidate_on_commit(instance.account.account_id)


@receiver(post_save, sender=Voice360Account, dispatch_uid="service-account")
def account_changed(sender: type, instance: Voice360Account, **kwargs: object) -> None:
    if not kwargs.get("raw"):
        _invalidate_on_commit(instance.account_id)
