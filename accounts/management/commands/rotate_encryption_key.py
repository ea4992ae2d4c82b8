"""`manage.py rotate_encryption_key`: re-encrypt every stored secret with the newest key.

Every field of type `EncryptedSecretField`, in every installed app (API keys, webhook tokens,
alert webhook URLs, ...), in one transaction. A value no key decrypts any more is left as it
is and listed (it must be entered again): the command says so and exits 1."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import crypto


def secret_fields() -> list[tuple[type, list[str]]]:
    """(model, the names of its encrypted fields) for every model that has some."""
    found = []
    for model in apps.get_models():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, crypto.EncryptedSecretField)
        ]
        if names:
            found.append((model, names))
    return found


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret with the first key of FIELD_ENCRYPTION_KEY. Put the "
        "new key first (NEW,OLD), run this, then remove OLD."
    )

    def handle(self, *args: object, **options: object) -> None:
        count, lost = 0, []
        with transaction.atomic():
            for model, names in secret_fields():
                for row in model._base_manager.select_for_update().only("pk", *names):
                    changed = []
                    for name in (n for n in names if getattr(row, n)):
                        try:
                            setattr(row, name, crypto.reencrypt(getattr(row, name)))
                            changed.append(name)
                        except crypto.Undecryptable:
                            lost.append(f"{model._meta.label} #{row.pk} {name}")
                    if changed:
                        row.save(update_fields=changed)
                        count += len(changed)
        self.stdout.write(f"Re-encrypted {count} secret(s) with the newest key.")
        if lost:
            raise CommandError(
                f"{len(lost)} secret(s) no key of FIELD_ENCRYPTION_KEY decrypts were left as "
                f"they are; enter them again in the admin: {', '.join(lost)}"
            )
