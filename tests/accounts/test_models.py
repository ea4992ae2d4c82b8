import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from accounts.models import Voice360Account
from tests.polling.helpers import DEMO_KEY, add_account

pytestmark = pytest.mark.django_db


def test_the_api_key_is_encrypted_at_rest_and_decrypts_back():
    account = add_account(key=DEMO_KEY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_voice360account")
        row = cursor.fetchone()
    assert not any(DEMO_KEY in str(value) for value in row)
    assert Voice360Account.objects.get(pk=account.pk).api_key == DEMO_KEY


def test_the_key_never_shows_in_str_or_repr():
    account = add_account(key=DEMO_KEY)
    for text in (str(account), repr(account)):
        assert DEMO_KEY not in text
        assert "0000000001" not in text
    assert account.api_key_hint == "v360_dev_…0001"
    assert "v360_dev_…0001" in repr(account)


def test_an_account_without_a_key_has_none():
    account = add_account(key=None)
    assert account.api_key is None
    assert not account.has_api_key


def test_the_poll_interval_cannot_go_below_one_second():
    account = Voice360Account(account_id=5, name="Fast", poll_interval_seconds=0.5)
    with pytest.raises(ValidationError):
        account.full_clean()
    with pytest.raises(IntegrityError):
        account.save()


def test_defaults_follow_the_issue():
    account = Voice360Account.objects.create(account_id=7, name="Seven")
    assert (account.poll_interval_seconds, account.budget_share_percent) == (2.0, 50)
    assert (account.time_zone, account.enabled) == ("UTC", True)
