"""Webhook tokens are encrypted with FIELD_ENCRYPTION_KEY like API keys, and rolled with it."""

from cryptography.fernet import Fernet
from django.core.management import call_command

from accounts import crypto
from accounts.models import Voice360Account

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _use(settings, keys: str) -> None:
    settings.FIELD_ENCRYPTION_KEY = keys
    crypto._fernet.cache_clear()


def test_rotate_encryption_key_rolls_webhook_tokens_too(db, settings):
    _use(settings, OLD)
    account = Voice360Account.objects.create(account_id=61, name="A")
    token = account.webhook_receiver.token
    _use(settings, f"{NEW},{OLD}")
    call_command("rotate_encryption_key", stdout=None)
    _use(settings, NEW)  # the old key is gone now
    account = Voice360Account.objects.get()
    assert account.webhook_receiver.token == token
