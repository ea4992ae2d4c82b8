"""The board's tiles in its admin page: a sortable inline (drag and drop, django-admin-
sortable2) whose form shows each kind's options by name (boards/admin_forms.py for the
board's own form).

What a valid option is stays in boards/layout.py (`option_errors`): this form only turns what
the admin picked into option values and shows the errors that rule gives.
"""

import json

from adminsortable2.admin import CustomInlineFormSet, SortableStackedInline
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from boards import pickers
from boards.layout import (
    AGENT_SORTS,
    AGENT_STATES,
    GRID_COLUMNS,
    TILE_OPTIONS,
    BoardTile,
    option_errors,
    with_defaults,
)
from boards.tile_kinds import KINDS

# The kinds whose tile, without a queue, shows one item per queue of the board; the other
# kinds with a queue option show the board's queues together.
EACH_QUEUE_KINDS = {name for name, kind in KINDS.items() if kind.each_queue}
EACH_QUEUE = _("Each of the board's queues")
QUEUES_TOGETHER = _("The board's queues together")
STATE_LABELS = {
    "available": _("Available"),
    "on_call": _("On a call"),
    "online": _("Online (limited data: no call state)"),
    "offline": _("Offline"),
}
SORT_LABELS = {
    "state": _("By state, then name"),
    "name": _("By name"),
    "time": _("By time in state"),
}
WIDTH_NAMES = {12: _("the whole width"), 9: _("three quarters"), 8: _("two thirds")}
WIDTH_NAMES |= {6: _("half"), 4: _("a third"), 3: _("a quarter")}


def width_choices() -> list[tuple[int, str]]:
    """Called by the form each time it shows the choices: in the language of that moment."""
    choices = []
    for n in range(GRID_COLUMNS, 0, -1):
        values = {"n": n, "total": GRID_COLUMNS, "name": WIDTH_NAMES.get(n)}
        named = n in WIDTH_NAMES
        text = gettext("%(n)s of %(total)s (%(name)s)") if named else gettext("%(n)s of %(total)s")
        choices.append((n, text % values))
    return choices


# Each option's form value -> the value stored (boards/layout.py judges it).
TO_OPTION = {
    "queue": lambda v: int(v) if v not in ("", None) else None,
    "queues": lambda v: [int(q) for q in v],
    "states": list,
    "sort": str,
    "size": lambda v: v,
    "text": str,
    "logo": bool,
}
FROM_OPTION = {"queue": lambda v: "" if v is None else v}


class TileForm(forms.ModelForm):
    """One tile: its kind and width, and the options of its kind (the others are hidden by
    composer.js, and ignored here)."""

    width = forms.TypedChoiceField(
        coerce=int,
        choices=width_choices,
        initial=GRID_COLUMNS,
        label=_("Width"),
    )
    queue = forms.ChoiceField(
        required=False,
        choices=[("", _("Each of the board's queues (queue tile) / the board's queues together"))],
        help_text=_("One of the board's queues, or all of them."),
    )
    queues = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Members of"),
        help_text=_("The agents of these queues; none ticked: every agent the board shows."),
    )
    states = forms.MultipleChoiceField(
        choices=[(s, STATE_LABELS[s]) for s in AGENT_STATES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Agents who are"),
        help_text=_("None ticked: every state."),
    )
    sort = forms.ChoiceField(
        choices=[(s, SORT_LABELS[s]) for s in AGENT_SORTS], required=False, label=_("Order")
    )
    size = forms.IntegerField(
        required=False, label=_("Agents shown"), help_text=_("The top agents by calls answered.")
    )
    text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 50}), label=_("Text")
    )
    logo = forms.BooleanField(required=False, label=_("Show the board's logo"))

    class Meta:
        model = BoardTile
        fields = ("kind", "width")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs.update(
            {
                "class": "tile-kind",
                "data-options": json.dumps({k: list(o) for k, o in TILE_OPTIONS.items()}),
                "data-each": json.dumps(sorted(EACH_QUEUE_KINDS)),
            }
        )
        self.fields["queue"].widget.attrs.update(
            {"data-each": EACH_QUEUE, "data-together": QUEUES_TOGETHER}
        )
        tile = self.instance
        if tile.kind in TILE_OPTIONS:
            for name, value in with_defaults(tile.kind, tile.options or {}).items():
                self.initial[name] = FROM_OPTION.get(name, lambda v: v)(value)
        self.options: dict = {}

    def _post_clean(self) -> None:
        # Without a kind (its error is shown) the model's own check of the options
        # (BoardTile.clean) would report it again, on `options`, a field the form lacks.
        if "kind" in self.cleaned_data:
            super()._post_clean()

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind not in TILE_OPTIONS:
            return cleaned
        options = {
            name: TO_OPTION[name](cleaned[name])
            for name in TILE_OPTIONS[kind]
            if cleaned.get(name) is not None
        }
        errors = option_errors(kind, options)
        for line in errors:
            name, _, message = line.partition(": ")
            self.add_error(name if name in self.fields else None, message.capitalize() + ".")
        # With errors the form is not saved; options every kind accepts keep the model's
        # own check (BoardTile.clean) from reporting them again, on a field not in the form.
        self.options = {} if errors else with_defaults(kind, options)
        self.instance.options = self.options
        return cleaned


class TileFormSet(CustomInlineFormSet):
    """The board's tiles (drag and drop: django-admin-sortable2). `instance` is the board as
    posted, so a tile is checked against the queues ticked in the same form."""

    def clean(self) -> None:
        super().clean()
        shown = set(self.instance.queue_ids or ())
        if not shown:
            return  # the board shows every queue: any of them will do
        labels = dict(self.form.base_fields["queues"].choices)
        for form in self.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            picked = [form.options.get("queue"), *form.options.get("queues", [])]
            missing = [q for q in picked if q is not None and q not in shown]
            if missing:
                names = ", ".join(labels.get(q, pickers.unknown_queue(q)) for q in missing)
                text = gettext(
                    "Not among the board's queues: %(names)s. Tick it under Queues above, "
                    "or pick another."
                )
                form.add_error(None, ValidationError(text % {"names": names}))


class BoardTileInline(SortableStackedInline):
    """The layout, in order: drag a tile by its title bar (django-admin-sortable2)."""

    model = BoardTile
    form = TileForm
    formset = TileFormSet
    extra = 0
    fields = (("kind", "width"), "queue", "queues", "states", "sort", "size", "text", "logo")
    verbose_name = _("tile")
    verbose_name_plural = _("Tiles, in the order they fill the screen (none: the classic layout)")
