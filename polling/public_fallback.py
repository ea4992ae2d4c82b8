"""Public mode: poll without a key when there is none or the key is rejected (401/403).

`wb:poll:mode:<account>` holds why the account is in public mode and when to try its key
again. The rejection is tied to a fingerprint of the key, so a key changed in the admin is
tried at once. Full mode resumes by itself the first time the key works again.
"""

from dataclasses import dataclass, field

import redis
from django.conf import settings
from django.utils.translation import gettext_noop
from django.views.decorators.debug import sensitive_variables

from accounts.crypto import Undecryptable
from polling import metrics
from polling.budget import PUBLIC_BUCKET, key_bucket
from polling.targets import PollTarget
from wallboard.redis import get_redis

# Why the data is limited: words for supervisors, kept in English in the snapshot (which the
# account's boards share) and translated where a board shows them (boards/language.py).
NO_KEY_REASON = gettext_noop("no API key configured")
UNDECRYPTABLE_REASON = gettext_noop(
    "the stored API key cannot be decrypted (FIELD_ENCRYPTION_KEY changed without "
    "rotate_encryption_key?): enter the key again in the admin"
)
# Followed by the API's own words: " (401 invalid_key): ..." (polling/failures.py).
KEY_REJECTED_REASON = gettext_noop("API key rejected")


def mode_key(account_id: int) -> str:
    return f"wb:poll:mode:{account_id}"


@dataclass(frozen=True)
class Mode:
    use_key: bool
    reason: str | None = None  # why the data is limited, in plain words

    @property
    def source(self) -> str:
        return "key" if self.use_key else "public"


@sensitive_variables("api_key")
def choose_mode(
    account_id: int,
    api_key: str | None,
    now: float,
    client: redis.Redis | None = None,
    state: dict[str, str] | None = None,
) -> Mode:
    """`state`: the account's mode hash, when the caller read it already (poll_due)."""
    if not api_key:
        return Mode(use_key=False, reason=NO_KEY_REASON)
    if state is None:
        state = (client or get_redis()).hgetall(mode_key(account_id))
    rejected = state.get("fingerprint") == key_bucket(api_key)
    if rejected and now < float(state.get("retry_at", "0")):
        return Mode(use_key=False, reason=state.get("reason"))
    return Mode(use_key=True)


@sensitive_variables("api_key")
def key_rejected(
    account_id: int, api_key: str, reason: str, now: float, client: redis.Redis | None = None
) -> None:
    retry_at = now + float(settings.POLL_KEY_RETRY_SECONDS)
    (client or get_redis()).hset(
        mode_key(account_id),
        mapping={"fingerprint": key_bucket(api_key), "reason": reason, "retry_at": retry_at},
    )


def key_accepted(account_id: int, client: redis.Redis | None = None) -> None:
    (client or get_redis()).delete(mode_key(account_id))


@dataclass(frozen=True)
class Route:
    """How a poll goes out: with the key or without, and which rate bucket it draws on."""

    mode: Mode
    api_key: str | None = field(repr=False)  # the key to send; None in public mode
    bucket: str
    share: float  # of the bucket's limit: the account's share of its key, or all of the IP's


@sensitive_variables("api_key")
def choose_route(
    target: PollTarget,
    now: float,
    client: redis.Redis | None = None,
    mode_state: dict[str, str] | None = None,
) -> Route:
    """The one place that decides a poll's mode, rate bucket and share (the poller and the
    dispatcher's plan both ask it). `mode_state`: see choose_mode."""
    try:
        api_key = target.api_key
    except Undecryptable:
        metrics.count_rejection(target.account_id, "UndecryptableKey", client)
        return Route(Mode(use_key=False, reason=UNDECRYPTABLE_REASON), None, PUBLIC_BUCKET, 1.0)
    mode = choose_mode(target.account_id, api_key, now, client, mode_state)
    if mode.use_key and api_key:
        return Route(mode, api_key, key_bucket(api_key), target.share)
    return Route(mode, None, PUBLIC_BUCKET, 1.0)
