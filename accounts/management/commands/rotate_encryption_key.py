"""`manage.py rotate_encryption_key`: re-encrypt every stored API key (and webhook token)
with the newest key."""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import crypto
from accounts.models import Voice360Account
from webhooks.models import WebhookReceiver


class Command(BaseCommand):
    help = (
        "Re-encrypt stored API keys with the first key of FIELD_ENCRYPTION_KEY. Put the new "
        "key first (NEW,OLD), run this, then remove OLD."
    )

    def handle(self, *args: object, **options: object) -> None:
        count = 0
        with transaction.atomic():
            accounts = Voice360Account.objects.select_for_update().exclude(api_key_encrypted="")
            for account in accounts:
                account.api_key_encrypted = crypto.reencrypt(account.api_key_encrypted)
                account.save(update_fields=["api_key_encrypted"])
                count += 1
            # The webhook URL tokens are encrypted with the same key (webhooks/models.py).
            receivers = WebhookReceiver.objects.select_for_update()
            for receiver in receivers:
                receiver.token_encrypted = crypto.reencrypt(receiver.token_encrypted)
                receiver.save(update_fields=["token_encrypted"])
        self.stdout.write(f"Re-encrypted {count} API key(s) with the newest key.")
