"""`manage.py seed_demo`: the sandbox's demo account and a demo admin user, idempotently."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Voice360Account
from alerts.models import AlertRule, RuleKind
from boards.models import Board, KioskToken, hash_token
from demo import names as demo
from service.models import ServiceTarget
from webhooks.models import WebhookReceiver

SALES_QUEUE, SUPPORT_QUEUE = 100134, 100135


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
        self._boards(account)
        self._alert_rules()
        self._service_targets(account)
        self._webhook_receiver(account)

    def _boards(self, account: Voice360Account) -> None:
        specs = {
            demo.DEMO_BOARDS["tv"]: {"title": "Call centre floor", "leaderboard_size": 5},
            demo.DEMO_BOARDS["supervisor"]: {
                "title": "Supervisor: all queues",
                "leaderboard_size": 10,
                "service_window_minutes": 15,
            },
            demo.DEMO_BOARDS["public"]: {
                "title": "Support line status",
                "queue_ids": [SUPPORT_QUEUE],
                "is_public": True,
                "public_shows_today": True,
                "public_shows_service_level": True,
                "public_shows_forecast": True,
            },
        }
        for slug, fields in specs.items():
            Board.objects.update_or_create(slug=slug, defaults={"account": account, **fields})
        tv_board = Board.objects.get(slug=demo.DEMO_BOARDS["tv"])
        KioskToken.objects.update_or_create(
            token_hash=hash_token(demo.demo_kiosk_token()),
            defaults={"board": tv_board, "name": "Floor TV (demo)", "revoked_at": None},
        )
        self.stdout.write(f"Demo boards up to date: {', '.join(specs)}.")

    def _alert_rules(self) -> None:
        """One rule of each kind that polling or webhooks can judge, on the TV and supervisor
        boards; with sound, which only screens that enable it play (the demo TV does not)."""
        rules = [
            {"kind": RuleKind.NO_AGENT_READY, "label": "Nobody ready"},
            {"kind": RuleKind.ABANDONS_LAST_HOUR_ABOVE, "label": "Callers give up", "threshold": 5},
            {"kind": RuleKind.WAITING_LONGER_THAN, "label": "Long wait", "threshold": 120},
            {"kind": RuleKind.SERVICE_LEVEL_BELOW, "label": "Service slipping", "threshold": 50},
            {"kind": RuleKind.CALLS_WAITING_ABOVE, "label": "Queue building", "threshold": 4},
        ]
        for slug in (demo.DEMO_BOARDS["tv"], demo.DEMO_BOARDS["supervisor"]):
            board = Board.objects.get(slug=slug)
            for rule in rules:
                AlertRule.objects.update_or_create(
                    board=board, kind=rule["kind"], queue_id=None, defaults={**rule, "sound": True}
                )
        self.stdout.write("Demo alert rules up to date.")

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
