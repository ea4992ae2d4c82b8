"""The webhook side of the account's admin page: the URL to paste into the Voice360 portal
(Settings -> Webhooks), a token rotation, and what has arrived. The token is a secret the
admin alone sees, as part of that URL.

This app extends the account admin of the accounts app (as one extends Django's User admin
from another app), so accounts need not know webhooks."""

from collections.abc import Sequence
from contextvars import ContextVar

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from accounts.admin import Voice360AccountAdmin
from accounts.models import Voice360Account
from webhooks.models import WebhookEvent, WebhookReceiver


def receiver_url(request: HttpRequest, account: Voice360Account) -> str:
    return request.build_absolute_uri(WebhookReceiver.for_account(account).path)


# The request whose admin page is being built: the URL must be absolute, in the scheme and
# host the admin was reached by, and readonly field callables get the object alone.
# A ContextVar is per thread and per async task, so concurrent requests never mix.
_current_request: ContextVar[HttpRequest | None] = ContextVar("webhook_admin_request", default=None)


@admin.display(description="webhook URL")
def webhook_url(account: Voice360Account) -> str:
    if account.pk is None:
        return "-"
    request = _current_request.get()
    path = WebhookReceiver.for_account(account).path
    url = request.build_absolute_uri(path) if request is not None else path
    return format_html(
        "<code>{}</code><br>Paste it into the Voice360 portal, Settings → Webhooks "
        "(all events, POST).",
        url,
    )


@admin.display(description="webhook events")
def webhook_events(account: Voice360Account) -> str:
    if account.pk is None:
        return "-"
    receiver = WebhookReceiver.for_account(account)
    last = receiver.last_event_at
    last_text = last.isoformat(timespec="seconds") if last else "never"
    return (
        f"{receiver.accepted_count} accepted, {receiver.duplicate_count} duplicates, "
        f"{receiver.rejected_count} rejected; last event: {last_text}"
    )


class WebhookReceiverAdminMixin:
    """For the account's ModelAdmin: the webhook URL and counts on its page, and an action."""

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> Sequence:
        _current_request.set(request)
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        if obj is not None:
            fields += ["webhook_url", "webhook_events"]
        return fields

    webhook_url = staticmethod(webhook_url)
    webhook_events = staticmethod(webhook_events)

    @admin.action(description="Rotate webhook token (the old URL stops working)")
    def rotate_webhook_token(
        self, request: HttpRequest, queryset: QuerySet[Voice360Account]
    ) -> None:
        for account in queryset:
            receiver = WebhookReceiver.for_account(account)
            receiver.rotate()
            receiver.save(update_fields=["token_hash", "token_encrypted"])
            self.message_user(  # type: ignore[attr-defined]
                request,
                f"{account}: new webhook URL {receiver_url(request, account)} "
                "(update it in the Voice360 portal).",
                messages.SUCCESS,
            )


class AccountWithWebhooksAdmin(WebhookReceiverAdminMixin, Voice360AccountAdmin):
    actions = [*Voice360AccountAdmin.actions, "rotate_webhook_token"]


admin.site.unregister(Voice360Account)
admin.site.register(Voice360Account, AccountWithWebhooksAdmin)


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    """Read-only: events are append-only, as Voice360 sent them."""

    list_display = [
        "occurred_at",
        "account",
        "event_name",
        "call_id",
        "queue_id",
        "user_id",
        "countable",
        "problem",
    ]
    list_filter = ["countable", "event_name", "account"]
    search_fields = ["call_id"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
