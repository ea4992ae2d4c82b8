"""Each account has a receiver from the start; its admin page shows the URL to paste into
the Voice360 portal and what arrived, and can rotate the token."""

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Voice360Account
from tests.webhooks.helpers import TOKEN, payload, post
from webhooks.models import WebhookReceiver, hash_token

CHANGELIST = "/admin/accounts/voice360account/"


def test_every_new_account_gets_a_receiver_with_a_random_token(db):
    first = Voice360Account.objects.create(account_id=70, name="A")
    second = Voice360Account.objects.create(account_id=71, name="B")
    tokens = {first.webhook_receiver.token, second.webhook_receiver.token}
    assert len(tokens) == 2
    for account in (first, second):
        receiver = WebhookReceiver.objects.get(account=account)
        assert receiver.token_hash == hash_token(receiver.token)
        assert receiver.token not in receiver.token_encrypted  # encrypted at rest
        assert receiver.token not in repr(receiver)
        assert len(receiver.token) >= 40


def test_the_account_page_shows_the_absolute_url_and_the_counts(admin_client, receiver):
    post(admin_client, payload("USER_DIAL"))
    post(admin_client, payload("USER_DIAL") | {"timestamp": "not a time"})
    page = admin_client.get(f"{CHANGELIST}{receiver.account.pk}/change/").content.decode()
    assert f"http://testserver/webhooks/voice360/{TOKEN}/" in page
    assert "1 accepted, 0 duplicates, 1 rejected; last event: 20" in page


def test_the_account_list_does_not_show_tokens(admin_client, receiver):
    assert TOKEN not in admin_client.get(CHANGELIST).content.decode()


def test_an_account_from_before_the_receivers_gets_one_on_its_page(admin_client, account):
    account.webhook_receiver.delete()
    page = admin_client.get(f"{CHANGELIST}{account.pk}/change/").content.decode()
    receiver = WebhookReceiver.objects.get(account=account)
    assert receiver.path in page


def test_rotating_the_token_retires_the_old_url(admin_client, receiver):
    response = admin_client.post(
        CHANGELIST, {"action": "rotate_webhook_token", "_selected_action": [receiver.account.pk]}
    )
    assert response.status_code == 302
    receiver.refresh_from_db()
    assert receiver.token != TOKEN
    assert post(admin_client, payload("USER_DIAL")).status_code == 404
    assert post(admin_client, payload("USER_DIAL"), token=receiver.token).status_code == 200


@pytest.mark.django_db(transaction=True)
async def test_the_url_is_absolute_under_asgi_too(async_client):
    # Under ASGI the page is built and rendered in two separate thread hops: the request
    # that makes the URL absolute must reach the rendering.
    account = await Voice360Account.objects.acreate(account_id=72, name="Async")
    user = await get_user_model().objects.acreate(username="a", is_staff=True, is_superuser=True)
    await async_client.aforce_login(user)
    response = await async_client.get(f"{CHANGELIST}{account.pk}/change/")
    receiver = await WebhookReceiver.objects.aget(account=account)
    assert f"http://testserver{receiver.path}" in response.content.decode()
