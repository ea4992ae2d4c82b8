"""Service targets on the account's admin page, one row per queue, picked by name.

This app extends the account admin (as the webhooks app does), so accounts need not know
service metrics."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from accounts.models import Voice360Account
from service.models import ServiceTarget
from snapshots import store
from webhooks.admin import AccountWithWebhooksAdmin


def queue_choices(account: Voice360Account | None) -> list[tuple[int, str]]:
    """The account's queues from its last snapshot, by name; empty before the first poll."""
    if account is None or account.pk is None:
        return []
    stored = store.read_snapshot(account.account_id)
    if stored is None:
        return []
    choices = [(q.id, f"{q.queue_name or q.name} ({q.id})") for q in stored.snapshot.queues]
    known = {pk for pk, _ in choices}
    for queue_id in account.service_targets.values_list("queue_id", flat=True):
        if queue_id not in known:  # a queue gone from the account keeps its row editable
            choices.append((queue_id, f"queue {queue_id} (not in the last poll)"))
    return choices


class ServiceTargetInline(admin.TabularInline):
    model = ServiceTarget
    extra = 0
    fields = ("queue_id", "threshold_seconds", "short_abandon_seconds", "target_percent")
    verbose_name = "service target"
    verbose_name_plural = (
        "service targets (queues without one: 80 % within 20 s, abandons within 5 s left out)"
    )

    def get_formset(self, request: HttpRequest, obj: Voice360Account | None = None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        choices = queue_choices(obj)
        if choices:
            field = formset.form.base_fields["queue_id"]
            formset.form.base_fields["queue_id"] = forms.TypedChoiceField(
                choices=choices, coerce=int, label=field.label, help_text=field.help_text
            )
        return formset


class AccountWithServiceTargetsAdmin(AccountWithWebhooksAdmin):
    inlines = [*AccountWithWebhooksAdmin.inlines, ServiceTargetInline]


admin.site.unregister(Voice360Account)
admin.site.register(Voice360Account, AccountWithServiceTargetsAdmin)
