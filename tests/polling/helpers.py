"""Shared setup for tests of the polling engine: accounts, one poll, sandbox state."""

from accounts.models import Voice360Account
from polling import poller
from polling.outcome import PollResult
from polling.targets import enabled_targets, publish_targets

DEMO_ACCOUNT = 61
DEMO_KEY = "v360_dev_sandbox_61_demo_key_0000000001"
DEMO_USER_KEY = "usr61sandboxdemokey0000000001"


def add_account(
    account_id: int = DEMO_ACCOUNT, key: str | None = DEMO_KEY, interval: float = 2.0
) -> Voice360Account:
    account = Voice360Account(
        account_id=account_id, name=f"Account {account_id}", poll_interval_seconds=interval
    )
    account.set_api_key(key)
    account.save()
    return account


def poll_now(account_id: int = DEMO_ACCOUNT, at: float | None = None) -> PollResult:
    """Publish the accounts for the workers, as the dispatcher does, and poll one at once
    (as if at Unix time `at`, for tests of what happens later)."""
    publish_targets(enabled_targets())
    return poller.poll_account(account_id, now=at)
