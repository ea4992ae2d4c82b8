"""Alert rules on the Board admin's page, and the alert history, read-only.

The rules are edited inline on their board: this app extends the Board admin of the boards
app (as one extends Django's User admin from another app), so boards need not know alerts.
"""

from django.contrib import admin
from django.http import HttpRequest

from alerts.forms import AlertRuleForm
from alerts.models import AlertEvent, AlertRule
from boards.admin import BoardAdmin
from boards.models import Board


class AlertRuleInline(admin.StackedInline):
    """On the Board admin (below)."""

    model = AlertRule
    form = AlertRuleForm
    extra = 0
    fields = (
        ("label", "enabled"),
        ("kind", "queue_id", "threshold"),
        ("sound", "cooldown_seconds"),
        ("quiet_hours_start", "quiet_hours_end"),
        "outgoing_webhook",
        ("webhook_url", "clear_webhook"),
    )
    readonly_fields = ("outgoing_webhook",)

    @admin.display(description="Outgoing webhook")
    def outgoing_webhook(self, rule: AlertRule) -> str:
        return rule.webhook_url_hint or "none"


class BoardWithAlertRulesAdmin(BoardAdmin):
    inlines = [*BoardAdmin.inlines, AlertRuleInline]

    def get_deleted_objects(self, objs, request):
        """A board's alert history goes with the board: that nobody may delete the history
        by itself (AlertEventAdmin) does not keep its board from being deleted."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(AlertEvent._meta.verbose_name)
        return deleted, counts, perms_needed, protected


admin.site.unregister(Board)
admin.site.register(Board, BoardWithAlertRulesAdmin)


@admin.register(AlertEvent)
class AlertEventAdmin(admin.ModelAdmin):
    list_display = (
        "message",
        "board",
        "queue_id",
        "fired_at",
        "cleared_at",
        "acknowledged_at",
        "acknowledged_by",
        "notified",
        "notify_error",
    )
    list_filter = ("board", "kind", "notified")
    date_hierarchy = "fired_at"
    list_select_related = ("board", "acknowledged_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
