import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from accounts.models import Voice360Account
from alerts.models import AlertRule, RuleKind
from boards.models import Board

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_a_rotated_key_is_rolled_without_losing_any_secret_of_any_app(use_encryption_keys, capsys):
    use_encryption_keys(OLD)
    account = Voice360Account(account_id=61, name="A")
    account.set_api_key("v360_dev_secret_0001")
    account.save()  # its webhook receiver comes with an encrypted token
    token = account.webhook_receiver.token
    board = Board.objects.create(title="Floor", slug="floor", account=account)
    rule = AlertRule(board=board, kind=RuleKind.NO_AGENT_READY)
    rule.set_webhook_url("https://hooks.example.com/services/T0/B0/x")
    rule.save()

    use_encryption_keys(f"{NEW},{OLD}")
    call_command("rotate_encryption_key")
    assert "Re-encrypted 3 secret(s)" in capsys.readouterr().out

    use_encryption_keys(NEW)  # the old key is gone now
    account = Voice360Account.objects.get()
    assert account.api_key == "v360_dev_secret_0001"
    assert account.webhook_receiver.token == token
    assert AlertRule.objects.get().webhook_url == "https://hooks.example.com/services/T0/B0/x"


def test_a_key_no_listed_key_can_read_is_a_clear_error(use_encryption_keys):
    use_encryption_keys(OLD)
    account = Voice360Account(account_id=61, name="A")
    account.set_api_key("v360_dev_secret_0001")
    account.save()
    use_encryption_keys(NEW)
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        Voice360Account.objects.get().api_key  # noqa: B018


def test_a_secret_no_key_decrypts_is_listed_and_the_others_are_rotated(use_encryption_keys, capsys):
    from django.core.management.base import CommandError

    lost_key = Fernet.generate_key().decode()
    use_encryption_keys(lost_key)
    lost = Voice360Account(account_id=62, name="Lost")
    lost.set_api_key("v360_dev_secret_lost")
    lost.save()
    use_encryption_keys(OLD)
    kept = Voice360Account(account_id=61, name="Kept")
    kept.set_api_key("v360_dev_secret_0001")
    kept.save()

    use_encryption_keys(f"{NEW},{OLD}")
    with pytest.raises(
        CommandError, match=rf"accounts.Voice360Account #{lost.pk} api_key_encrypted"
    ):
        call_command("rotate_encryption_key")
    use_encryption_keys(NEW)
    assert Voice360Account.objects.get(account_id=61).api_key == "v360_dev_secret_0001"
