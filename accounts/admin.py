from datetime import UTC, datetime

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from accounts.connection_test import check_connection
from accounts.crypto import Undecryptable
from accounts.models import Voice360Account
from snapshots import freshness, store

UNDECRYPTABLE = (
    "the stored API key cannot be decrypted with FIELD_ENCRYPTION_KEY (was the key changed "
    "without rotate_encryption_key?); enter the key again."
)


class Voice360AccountForm(forms.ModelForm):
    # Write-only: the stored key is never rendered back into the page.
    new_api_key = forms.CharField(
        label="API key",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="A developer key (v360_dev_...). Leave blank to keep the current key.",
    )
    remove_api_key = forms.BooleanField(
        required=False, help_text="Poll in public mode (limited data) without a key."
    )

    class Meta:
        model = Voice360Account
        fields = [
            "account_id",
            "name",
            "poll_interval_seconds",
            "budget_share_percent",
            "time_zone",
            "enabled",
        ]

    def save(self, commit: bool = True) -> Voice360Account:
        account = super().save(commit=False)
        if self.cleaned_data.get("remove_api_key"):
            account.set_api_key(None)
        elif self.cleaned_data.get("new_api_key"):
            account.set_api_key(self.cleaned_data["new_api_key"])
        if commit:
            account.save()
        return account


@admin.register(Voice360Account)
class Voice360AccountAdmin(admin.ModelAdmin):
    """The webhooks app adds the receiver's URL, counts and token rotation (webhooks/admin.py)."""

    form = Voice360AccountForm
    list_display = [
        "name",
        "account_id",
        "api_key_hint",
        "poll_interval_seconds",
        "effective_interval",
        "budget_share_percent",
        "enabled",
    ]
    readonly_fields = ["api_key_hint", "effective_interval", "recent_polls"]
    actions = ["test_connection"]

    @admin.display(description="effective interval (s)")
    def effective_interval(self, account: Voice360Account) -> str:
        seconds = freshness.read(account.account_id).interval
        return "-" if seconds is None else f"{seconds:g}"

    @admin.display(description="recent polls")
    def recent_polls(self, account: Voice360Account) -> str:
        polls = store.recent_polls(account.account_id)[:10]
        if not polls:
            return "none yet"
        return format_html_join(
            mark_safe("<br>"),
            "{} · {} ms · {}",
            (
                (datetime.fromtimestamp(p.started, UTC).strftime("%H:%M:%S UTC"), p.ms, p.outcome)
                for p in polls
            ),
        )

    @admin.action(description="Test connection to Voice360")
    def test_connection(self, request: HttpRequest, queryset: QuerySet[Voice360Account]) -> None:
        known = list(Voice360Account.objects.values_list("account_id", flat=True))
        for account in queryset:
            others = [i for i in known if i != account.account_id]
            try:
                key = account.api_key
            except Undecryptable:
                self.message_user(request, f"{account}: {UNDECRYPTABLE}", messages.ERROR)
                continue
            verdict = check_connection(account.account_id, key, others)
            level = messages.SUCCESS if verdict.ok else messages.ERROR
            self.message_user(request, f"{account}: {verdict.message}", level)
