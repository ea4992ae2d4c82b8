import pytest

from accounts.models import Voice360Account
from tests.webhooks.helpers import ACCOUNT, TOKEN
from webhooks.models import WebhookReceiver


@pytest.fixture
def account(db) -> Voice360Account:
    return Voice360Account.objects.create(account_id=ACCOUNT, name="Demo", time_zone="UTC")


@pytest.fixture
def receiver(account, redis_client) -> WebhookReceiver:
    """The account's receiver with a known token, on an empty test Redis."""
    receiver = account.webhook_receiver
    receiver.set_token(TOKEN)
    receiver.save()
    return receiver
