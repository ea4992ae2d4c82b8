"""The webhook side of the account's admin page: the URL to paste into the Voice360 portal
(Settings -> Webhooks), a token rotation, and what has arrived. The token is a secret the
admin alone sees, as part of that URL."""

from collections.abc import Callable, Sequence

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from accounts.models import Voice360Account
from webhooks.models import WebhookEvent, WebhookReceiver


def receiver_url(request: HttpRequest, account: Voice360Account) -> str:
    return request.build_absolute_uri(WebhookReceiver.for_account(account).path)


def _url_field(request: HttpRequest) -> Callable[[Voice360Account], str]:
    # A callable per request: the absolute URL needs the request's host and scheme.
    def webhook_url(account: Voice360Account) -> str:
        if account.pk is None:
            return "-"
        return format_html(
            "<code>{}</code><br>Paste it into the Voice360 portal, Settings → Webhooks: "
            "all events, POST.",
            receiver_url(request, account),
        )

    webhook_url.short_description = "webhook URL"  # type: ignore[attr-defined]
    return webhook_url


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
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        if obj is not None:
            fields += [_url_field(request), webhook_events]
        return fields

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


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    """Read-only: events are append-only, as Voice360 sent them."""

    list_display = ["occurred_at", "account", "event_name", "call_id", "queue_id", "user_id"]
    list_filter = ["event_name", "account"]
    search_fields = ["call_id"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
