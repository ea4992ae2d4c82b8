"""Encryption at rest for Voice360 API keys (Fernet, keyed by FIELD_ENCRYPTION_KEY)."""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _fernet(key: str) -> Fernet:
    try:
        return Fernet(key.encode())
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes)."
        ) from exc


def encrypt(plain: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # Never echo the token: a changed FIELD_ENCRYPTION_KEY is the usual cause.
        raise ImproperlyConfigured(
            "A stored API key cannot be decrypted; was FIELD_ENCRYPTION_KEY changed?"
        ) from exc


def key_hint(plain: str) -> str:
    """Enough of a key to recognise it, never enough to use it: `v360_dev_…0001`."""
    if plain.startswith("v360_dev_") and len(plain) >= 17:
        return f"v360_dev_…{plain[-4:]}"
    if len(plain) >= 12:
        return f"{plain[:3]}…{plain[-4:]}"
    return "…" + plain[-2:] if len(plain) > 4 else "…"
