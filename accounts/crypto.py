"""Encryption at rest for Voice360 API keys (Fernet, keyed by FIELD_ENCRYPTION_KEY).

FIELD_ENCRYPTION_KEY may list several keys, comma-separated, newest first: new values are
encrypted with the first, and any of them decrypts. To roll the key, put the new one in
front, run `manage.py rotate_encryption_key`, then drop the old one.
"""

import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.views.decorators.debug import sensitive_variables


class EncryptedSecretField(models.TextField):
    """A secret at rest: the column holds a Fernet token (`encrypt`), or "" for none.

    The type is how `rotate_encryption_key` finds every secret of every app: a new secret
    stored in a field of this type is rotated with the rest, with nothing to register."""


@cache
def _fernet(keys: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be one or more comma-separated Fernet keys "
            "(32 url-safe base64-encoded bytes each)."
        ) from exc


@sensitive_variables("plain")
def encrypt(plain: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(plain.encode()).decode()


def reencrypt(token: str) -> str:
    """The same secret, encrypted with the newest key (MultiFernet.rotate)."""
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise Undecryptable(
            "A stored secret cannot be decrypted with any FIELD_ENCRYPTION_KEY."
        ) from exc


class Undecryptable(ImproperlyConfigured):
    """A stored secret that no key of FIELD_ENCRYPTION_KEY decrypts. Callers turn it into a
    visible, counted error of what the secret was for (never a crash of a poll or a task)."""


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # Never echo the token: a changed FIELD_ENCRYPTION_KEY is the usual cause.
        raise Undecryptable(
            "A stored secret cannot be decrypted; was FIELD_ENCRYPTION_KEY changed?"
        ) from exc


@sensitive_variables("plain")
def key_hint(plain: str) -> str:
    """Enough of a key to recognise it, never enough to use it: `v360_dev_…0001`."""
    if plain.startswith("v360_dev_") and len(plain) >= 17:
        return f"v360_dev_…{plain[-4:]}"
    if len(plain) >= 12:
        return f"{plain[:3]}…{plain[-4:]}"
    return "…" + plain[-2:] if len(plain) > 4 else "…"


def hash_token(plain: str) -> str:
    """The SHA-256 of a secret token in a URL (kiosk, webhook): what is stored to find it by."""
    return hashlib.sha256(plain.encode()).hexdigest()
