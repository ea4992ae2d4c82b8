"""`manage.py seed_demo`: the sandbox's demo account and a demo admin user, idempotently."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from accounts.models import Voice360Account

DEMO_ACCOUNT_ID = 61
DEMO_ACCOUNT_NAME = "Voice360 Sandbox"
SANDBOX_DEFAULT_DEVELOPER_KEY = "v360_dev_sandbox_61_demo_key_0000000001"
DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_DEFAULT_PASSWORD = "wallboard-demo"  # noqa: S105


class Command(BaseCommand):
    help = "Create or update the sandbox's demo account 61 and the demo admin user."

    def handle(self, *args: object, **options: object) -> None:
        key = os.environ.get("SANDBOX_DEVELOPER_KEY") or SANDBOX_DEFAULT_DEVELOPER_KEY
        account, created = Voice360Account.objects.get_or_create(
            account_id=DEMO_ACCOUNT_ID, defaults={"name": DEMO_ACCOUNT_NAME}
        )
        account.name = DEMO_ACCOUNT_NAME
        account.enabled = True
        if account.api_key != key:
            account.set_api_key(key)
        account.save()
        verb = "created" if created else "up to date"
        self.stdout.write(f"Demo account {account} {verb}, key {account.api_key_hint}.")

        password = os.environ.get("DEMO_ADMIN_PASSWORD") or DEMO_ADMIN_DEFAULT_PASSWORD
        user, created = get_user_model().objects.get_or_create(username=DEMO_ADMIN_USERNAME)
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        verb = "created" if created else "up to date"
        self.stdout.write(f"Demo admin user '{user.username}' {verb}.")
