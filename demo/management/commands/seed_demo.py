"""`manage.py seed_demo`: the sandbox's demo account and a demo admin user, idempotently."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Voice360Account
from boards.as_code import import_boards
from boards.models import Board, KioskToken, hash_token
from demo import names as demo
from service.models import ServiceTarget
from webhooks.models import WebhookReceiver

SALES_QUEUE = 100134
DEMO_BOARDS_FILE = Path(__file__).resolve().parents[2] / "boards.yaml"


class Command(BaseCommand):
    help = "Create or update the sandbox's demo account 61 and the demo admin user."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates a user with a known password; it runs only with DEBUG=true."
            )
        key = demo.sandbox_developer_key()
        account, created = Voice360Account.objects.get_or_create(
            account_id=demo.SANDBOX_ACCOUNT_ID, defaults={"name": demo.SANDBOX_ACCOUNT_NAME}
        )
        account.name = demo.SANDBOX_ACCOUNT_NAME
        account.enabled = True
        if account.api_key != key:
            account.set_api_key(key)
        account.save()
        verb = "created" if created else "up to date"
        self.stdout.write(f"Demo account {account} {verb}, key {account.api_key_hint}.")

        user, created = get_user_model().objects.get_or_create(username=demo.DEMO_USERNAME)
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(demo.demo_password())
        user.save()
        verb = "created" if created else "up to date"
        self.stdout.write(f"Demo admin user '{user.username}' {verb}.")
        self._boards()
        self._service_targets(account)
        self._webhook_receiver(account)

    def _boards(self) -> None:
        """The demo boards and their alert rules from demo/boards.yaml, through the same
        importer as `manage.py import_boards` (the file is the truth: edits to the demo
        boards in the admin are undone by the next seed); then the demo TVs' kiosk tokens,
        which no boards file carries."""
        result = import_boards(DEMO_BOARDS_FILE.read_bytes(), "demo/boards.yaml")
        if not result.ok:
            raise CommandError("\n".join(result.error_lines()))
        outcomes = "; ".join(board.line() for board in result.boards)
        self.stdout.write(f"Demo boards from demo/boards.yaml: {outcomes}.")
        screens = (
            ("tv", demo.demo_kiosk_token(), "Floor TV (demo)"),
            ("composed", demo.DEMO_COMPOSED_KIOSK_TOKEN, "Operations TV (demo)"),
        )
        for board, token, name in screens:
            KioskToken.objects.update_or_create(
                token_hash=hash_token(token),
                defaults={
                    "board": Board.objects.get(slug=demo.DEMO_BOARDS[board]),
                    "name": name,
                    "revoked_at": None,
                },
            )

    def _service_targets(self, account: Voice360Account) -> None:
        """Sales promises more than the default (80 % within 20 s, which Support keeps)."""
        ServiceTarget.objects.update_or_create(
            account=account,
            queue_id=SALES_QUEUE,
            defaults={"threshold_seconds": 15, "short_abandon_seconds": 5, "target_percent": 90},
        )
        self.stdout.write("Demo service targets up to date.")

    def _webhook_receiver(self, account: Voice360Account) -> None:
        receiver = WebhookReceiver.for_account(account)
        if receiver.token != demo.demo_webhook_token():
            receiver.set_token(demo.demo_webhook_token())
            receiver.save(update_fields=["token_hash", "token_encrypted"])
        self.stdout.write("Demo webhook receiver up to date.")
