"""The alert rule form of the admin: the outgoing webhook URL is write-only, like an API key."""

from django import forms
from django.core.exceptions import ValidationError

from alerts.models import AlertRule, validate_webhook_url


class AlertRuleForm(forms.ModelForm):
    webhook_url = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Slack-compatible incoming webhook, posted to when the alert fires. "
        "Stored encrypted; leave empty to keep the current one.",
    )
    clear_webhook = forms.BooleanField(required=False, label="Remove the webhook")

    class Meta:
        model = AlertRule
        fields = (
            "label",
            "queue_id",
            "kind",
            "threshold",
            "enabled",
            "sound",
            "cooldown_seconds",
            "quiet_hours_start",
            "quiet_hours_end",
        )

    def clean_webhook_url(self) -> str:
        url = self.cleaned_data["webhook_url"].strip()
        if url:
            try:
                validate_webhook_url(url)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
        return url

    def save(self, commit: bool = True) -> AlertRule:
        rule = super().save(commit=False)
        if self.cleaned_data.get("clear_webhook"):
            rule.set_webhook_url(None)
        elif self.cleaned_data.get("webhook_url"):
            rule.set_webhook_url(self.cleaned_data["webhook_url"])
        if commit:
            rule.save()
        return rule
