"""The board's own form in the admin: its queues by name and in order, its look, its logo;
and the queue fields of its inlines by name (boards/admin_tiles.py has the tiles' form)."""

import copy

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from boards import logos, pickers
from boards.models import WEEKDAYS, Board


class OrderedCheckboxes(forms.CheckboxSelectMultiple):
    """Ticks in the order they are kept: the ticked ones first, as stored, then the rest.
    A browser posts ticked boxes in page order, so moving a row (static/boards/admin/
    composer.js adds the arrows) reorders the value."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"class": "ordered-picks", **(attrs or {})})

    def optgroups(self, name: str, value: list[str], attrs: dict | None = None) -> list:
        position = {v: i for i, v in enumerate(value)}
        all_choices = list(self.choices)
        self.choices = sorted(
            all_choices, key=lambda c: (str(c[0]) not in position, position.get(str(c[0]), 0))
        )
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = all_choices


def name_queues(form_class: type[forms.BaseForm], labels: dict[int, str]) -> None:
    """Queue fields of a form class by name, from `labels` (boards/pickers.py). Fields are
    replaced, never changed in place: the form class shares them with its parents."""
    if not labels:
        return  # before the account's first poll: the ids as they are
    named = list(labels.items())
    fields = form_class.base_fields
    if "queue_id" in fields:
        old = fields["queue_id"]
        empty = [("", _("Every queue the board shows"))] if not old.required else []
        fields["queue_id"] = forms.TypedChoiceField(
            choices=[*empty, *named] if empty else [("", "---------"), *named],
            coerce=int,
            empty_value=None,
            required=old.required,
            label=_("Queue"),
            help_text="" if old.required else old.help_text,
        )
    for name in ("queue", "queues"):
        if name in fields:
            field = copy.deepcopy(fields[name])
            first = [c for c in field.choices if c[0] == ""]
            field.choices = [*first, *named]
            fields[name] = field


class BoardForm(forms.ModelForm):
    """ModelAdmin adds the Meta (model, fields)."""

    queue_ids = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=OrderedCheckboxes,
        label=_("Queues"),
        help_text=_(
            "The queues this board shows, in this order (move them with the arrows). "
            "None ticked: every queue of the account."
        ),
    )
    # Ticks instead of a JSON list; stored as ISO weekdays.
    business_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The days the business hours apply to."),
    )
    theme_accent = forms.BooleanField(
        required=False, label=_("The theme's own accent colour"), initial=True
    )
    accent_color = forms.CharField(
        required=False,
        label=_("Accent colour"),
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("For the header and highlights (untick the theme's own to use it)."),
    )
    logo_upload = forms.FileField(
        required=False,
        label=_("New logo"),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("PNG or JPEG, at most 1 MB; kept as a PNG of at most 800 x 200 pixels."),
    )
    remove_logo = forms.BooleanField(required=False, label=_("Remove the logo"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        board = self.instance
        if "queue_ids" in self.fields:
            labels = pickers.board_queue_names(board)
            self.fields["queue_ids"].choices = list(labels.items())
            if not labels:
                self.fields["queue_ids"].help_text = _(
                    "No queues known yet: the account has not been polled (or, on a new "
                    "board, pick its account and save). Every queue shows meanwhile."
                )
        if "accent_color" in self.fields:
            self.initial["theme_accent"] = not board.accent_color
            self.initial.setdefault("accent_color", board.accent_color or "#0a7cff")
        if board.slug:
            self._point_to_pages(board.slug)

    def _point_to_pages(self, slug: str) -> None:
        """Help texts with the board's own addresses (escaped: the admin shows them as HTML)."""
        if "is_public" in self.fields:
            self.fields["is_public"].help_text = format_html(
                gettext(
                    "Show queue readiness and counts (no names, no numbers) at "
                    "<code>/status/{}/</code>."
                ),
                slug,
            )
        if "supervisors" in self.fields:
            self.fields["supervisors"].help_text = format_html(
                gettext(
                    "Users who may watch this board at <code>/boards/{}/</code> "
                    "(admins always may)."
                ),
                slug,
            )

    def clean_accent_color(self) -> str:
        if self.cleaned_data.get("theme_accent"):
            return ""
        return self.cleaned_data["accent_color"]

    def clean_logo_upload(self) -> bytes | None:
        """The logo as we keep it (re-encoded), or None without an upload."""
        upload = self.cleaned_data.get("logo_upload")
        if not upload:
            return None
        # One byte more than the limit is enough to refuse it: never a large file in memory.
        return logos.reencode_logo(upload.read(logos.MAX_LOGO_BYTES + 1))

    def store_logo(self, board: Board) -> None:
        """After the board's save: the new logo kept, or the old one removed."""
        png = self.cleaned_data.get("logo_upload")
        if png:
            logos.store_logo(board, png)
        elif self.cleaned_data.get("remove_logo") and board.logo_digest:
            logos.store_logo(board, None)
