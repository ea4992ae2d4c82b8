from zoneinfo import ZoneInfo

from adminsortable2.admin import SortableAdminBase
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from boards import admin_forms, pickers, preview, screens
from boards.admin_tiles import BoardTileInline
from boards.as_code import admin_pages
from boards.messages import BoardMessage
from boards.models import Board, KioskToken, PlaylistEntry, QueueThreshold
from boards.screen_commands import reload_all_screens, reload_screens, unlink_screen


class QueueThresholdInline(admin.TabularInline):
    model = QueueThreshold
    extra = 0
    verbose_name_plural = _("Warning thresholds per queue (queues without one: the board's)")


class KioskTokenInline(admin.TabularInline):
    model = KioskToken
    extra = 0
    fields = ("name", "created_at", "rotated_at", "revoked_at", "last_seen_at")
    readonly_fields = ("created_at", "rotated_at", "revoked_at", "last_seen_at")
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # tokens are issued from the token admin, which shows the secret once


TILES_AFTER = 2  # fieldsets above the tiles: the board's name and its queues
PUBLIC_OPTIONS = (
    "public_shows_today",
    "public_shows_service_level",
    "public_shows_forecast",
    "public_shows_messages",
)


@admin.register(Board)
class BoardAdmin(SortableAdminBase, admin.ModelAdmin):
    list_display = ("title", "slug", "account", "is_public", "links")
    list_filter = ("account", "is_public")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("supervisors",)
    # The alerts app adds its rules (alerts/admin.py).
    inlines = [BoardTileInline, QueueThresholdInline, KioskTokenInline]
    # Read-only, not an inline: supervisors post and withdraw them on their page.
    readonly_fields = ("messages_to_the_floor", "current_logo")
    form = admin_forms.BoardForm
    fieldsets = (
        (None, {"fields": ("title", "slug", "account")}),
        (_("What it shows"), {"fields": ("queue_ids", "agent_scope", "warning_at_or_below")}),
        # The tiles here (templates/admin/boards/board/change_form.html, TILES_AFTER).
        (
            _("Look"),
            {
                "fields": (
                    ("theme", "clock_hours"),
                    "language",
                    ("theme_accent", "accent_color"),
                    ("current_logo", "logo_upload", "remove_logo"),
                    "dim_unchanged_after_minutes",
                )
            },
        ),
        (
            _("Figures"),
            {
                "classes": ("collapse",),
                "fields": ("service_window_minutes", "leaderboard_size", "tv_shows_forecast"),
            },
        ),
        (
            _("TV screens: business hours and daily reload"),
            {
                "classes": ("collapse",),
                "fields": (
                    ("opens_at", "closes_at"),
                    "business_days",
                    ("night_mode", "daily_reload_hour"),
                ),
            },
        ),
        (
            _("Public status page"),
            {"classes": ("collapse",), "fields": ("is_public", *PUBLIC_OPTIONS)},
        ),
        (
            _("Supervisors and messages"),
            {"classes": ("collapse",), "fields": ("supervisors", "messages_to_the_floor")},
        ),
    )
    actions = ["reload_board_screens", "export_yaml"]
    change_list_template = "admin/boards/board/change_list.html"
    change_form_template = "admin/boards/board/change_form.html"

    class Media:
        css = {"all": ["boards/admin/composer.css"]}
        js = ["boards/admin/composer.js"]

    def get_urls(self):
        # Boards as code (docs/boards-as-code.md): upload, preview, confirm.
        page = self.admin_site.admin_view(lambda request: admin_pages.import_page(self, request))
        shown = self.admin_site.admin_view(
            lambda request, object_id: preview.preview_page(self, request, object_id)
        )
        return [
            path("import/", page, name="boards_board_import"),
            path("<int:object_id>/preview/", shown, name="boards_board_preview"),
            *super().get_urls(),
        ]

    def render_change_form(self, request: HttpRequest, context: dict, *args, **kwargs):
        context["tiles_after"] = TILES_AFTER
        return super().render_change_form(request, context, *args, **kwargs)

    def get_formsets_with_inlines(self, request: HttpRequest, obj: Board | None = None):
        """Every queue of the inlines (thresholds, tiles, alert rules) picked by name."""
        labels = pickers.board_queue_names(obj)
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            admin_forms.name_queues(formset.form, labels)
            yield formset, inline

    def save_model(self, request: HttpRequest, obj: Board, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        form.store_logo(obj)

    @admin.display(description=_("Logo"))
    def current_logo(self, board: Board) -> str:
        if not board.logo_digest:
            return gettext("none")
        url = reverse("board-logo", args=[board.pk, board.logo_digest])
        return format_html(
            '<img class="composer-logo" src="{}" alt="{}">', url, gettext("The logo")
        )

    @admin.action(description=_("Export boards as YAML"), permissions=["view"])
    def export_yaml(self, request: HttpRequest, queryset):
        return admin_pages.export_response(queryset.values_list("slug", flat=True))

    @admin.action(description=_("Reload the screens showing these boards (playlists too)"))
    def reload_board_screens(self, request: HttpRequest, queryset) -> None:
        reload_all_screens(board_ids=list(queryset.values_list("pk", flat=True)))
        messages.success(request, gettext("Those screens reload within a few seconds."))

    @admin.display(description=_("Messages to the floor"))
    def messages_to_the_floor(self, board: Board) -> str:
        if board.pk is None:
            return gettext("none yet")
        zone, now = ZoneInfo(board.account.time_zone), timezone.now()
        rows = format_html_join(
            "",
            '<li>{} <span class="quiet">({}, {}, {})</span></li>',
            (
                (
                    m.text,
                    m.author or gettext("someone"),
                    f"{m.created_at.astimezone(zone):%Y-%m-%d %H:%M}",
                    m.status_at(now),
                )
                for m in board.messages.select_related("author")[:10]
            ),
        )
        listing = reverse("admin:boards_boardmessage_changelist") + f"?board__id__exact={board.pk}"
        every = gettext("All of this board's messages")
        return format_html('<ul>{}</ul><a href="{}">{}</a>', rows, listing, every)

    @admin.display(description=_("Pages"))
    def links(self, board: Board) -> str:
        supervisor = reverse("board-supervisor", args=[board.slug])
        link = format_html('<a href="{}">{}</a>', supervisor, gettext("supervisor"))
        if board.is_public:
            public = reverse("board-status", args=[board.slug])
            return format_html('{} · <a href="{}">{}</a>', link, public, gettext("public"))
        return link


class PlaylistEntryInline(admin.TabularInline):
    model = PlaylistEntry
    extra = 0
    fields = ("position", "board", "seconds")
    ordering = ("position", "pk")
    verbose_name = _("playlist board")
    verbose_name_plural = _(
        "Playlist: boards this screen rotates through, in order (none: its own board alone)"
    )


@admin.register(KioskToken)
class KioskTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "board", "is_active", "connection", "last_seen_at", "created_at")
    list_filter = ("board",)
    fields = (
        "board",
        "name",
        "sound_enabled",
        "connection",
        "created_at",
        "rotated_at",
        "revoked_at",
        "last_seen_at",
    )
    readonly_fields = ("connection", "created_at", "rotated_at", "revoked_at", "last_seen_at")
    actions = ["rotate", "revoke", "reload"]
    inlines = [PlaylistEntryInline]
    change_list_template = "admin/boards/kiosktoken/change_list.html"

    def get_urls(self):
        reload_all = path(
            "reload-all/",
            self.admin_site.admin_view(self.reload_all_view),
            name="boards_kiosktoken_reload_all",
        )
        return [reload_all, *super().get_urls()]

    def reload_all_view(self, request: HttpRequest):
        """Every screen reloads, spread over SCREEN_RELOAD_SPREAD_SECONDS."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        reload_all_screens()
        messages.success(request, gettext("Every screen reloads within a few seconds."))
        return HttpResponseRedirect(reverse("admin:boards_kiosktoken_changelist"))

    @admin.action(description=_("Reload screen: the page loads again (new code, fresh memory)"))
    def reload(self, request: HttpRequest, queryset) -> None:
        active = queryset.filter(revoked_at__isnull=True)
        count = reload_screens(active.values_list("pk", flat=True))
        text = ngettext(
            "%(count)s screen reloads within a few seconds.",
            "%(count)s screens reload within a few seconds.",
            count,
        )
        messages.success(request, text % {"count": count})

    @admin.display(description=_("Screen"))
    def connection(self, token: KioskToken) -> str:
        # One Redis GET a row: the admin lists a handful of screens, not thousands.
        if token.revoked_at is not None:
            return gettext("revoked")
        since = screens.connected_since([token.pk])[token.pk]
        return gettext("● connected") if since else gettext("○ not connected")

    def save_model(self, request: HttpRequest, obj: KioskToken, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token, plain = KioskToken.issue(obj.board, obj.name)
        obj.pk = token.pk
        self._show_link(request, token, plain)

    def _show_link(self, request: HttpRequest, token: KioskToken, plain: str) -> None:
        url = request.build_absolute_uri(reverse("board-tv", args=[plain]))
        text = gettext("Open this on the screen “{}”. It is shown only now: <code>{}</code>")
        messages.warning(request, format_html(text, token.name, url))

    @admin.action(description=_("Rotate: issue a new link (the old one stops working)"))
    def rotate(self, request: HttpRequest, queryset) -> None:
        for token in queryset:
            if not token.is_active:
                text = gettext("“%(name)s” is revoked: it cannot be rotated; add a new token.")
                messages.error(request, text % {"name": token.name})
                continue
            self._show_link(request, token, token.rotate())
            unlink_screen(token.pk)

    @admin.action(description=_("Revoke: unlink these screens"))
    def revoke(self, request: HttpRequest, queryset) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoke()
            unlink_screen(token.pk)
        messages.success(request, gettext("Revoked. Those screens show “unlinked” within seconds."))


@admin.register(BoardMessage)
class BoardMessageAdmin(admin.ModelAdmin):
    """Messages to the floor, read-only: posted and withdrawn on the supervisor page."""

    list_display = ("text", "board", "author", "created_at", "expires_at", "withdrawn_at")
    list_filter = ("board",)
    list_select_related = ("board", "author")
    search_fields = ("text",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
