"""A board's layout: an ordered list of tiles, each of a kind, a width and its options.

A board without tiles shows the classic layout (boards/tile_kinds.py `CLASSIC`): status,
banner, today strip, leaderboard, every queue and the agent grid. What a tile of each kind
renders is in boards/tile_kinds.py; this module is the stored part and its validation, one
rule per option, used by the admin, boards as code and the model alike.
"""

import copy

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

GRID_COLUMNS = 12
AGENT_STATES = ("available", "on_call", "online", "offline")
AGENT_SORTS = ("state", "name", "time")


class TileKind(models.TextChoices):
    QUEUES = "queues", _("Queue tile")
    TODAY = "today", _("Today strip")
    AGENTS = "agents", _("Agent grid")
    SERVICE = "service", _("Service level")
    WAITING = "waiting", _("Calls waiting")
    LEADERBOARD = "leaderboard", _("Leaderboard")
    TREND = "trend", _("Trend sparkline")
    CLOCK = "clock", _("Clock")
    MESSAGES = "messages", _("Message banner")
    TEXT = "text", _("Text or logo")


def _queue_or_none(value: object) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise ValidationError(_("a queue id (a positive whole number), or empty for the board's"))


def _queue_list(value: object) -> None:
    if not isinstance(value, list) or not all(
        isinstance(q, int) and not isinstance(q, bool) and q > 0 for q in value
    ):
        raise ValidationError(_("a list of queue ids"))


def _states(value: object) -> None:
    if not isinstance(value, list) or not all(
        isinstance(s, str) and s in AGENT_STATES for s in value
    ):
        states = ", ".join(AGENT_STATES)
        raise ValidationError(_("a list of agent states from %(states)s") % {"states": states})


def _sort(value: object) -> None:
    if value not in AGENT_SORTS:
        raise ValidationError(_("one of %(values)s") % {"values": ", ".join(AGENT_SORTS)})


def _size(value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 20:
        raise ValidationError(_("a whole number from 1 to 20"))


def _text(value: object) -> None:
    if not isinstance(value, str) or len(value) > 200:
        raise ValidationError(_("text of at most 200 characters"))


def _flag(value: object) -> None:
    if not isinstance(value, bool):
        raise ValidationError(_("true or false"))


# kind -> option -> (validator, default). An option left out takes its default.
TILE_OPTIONS: dict[str, dict[str, tuple]] = {
    TileKind.QUEUES: {"queue": (_queue_or_none, None)},
    TileKind.TODAY: {},
    TileKind.AGENTS: {
        "queues": (_queue_list, []),
        "states": (_states, []),
        "sort": (_sort, "state"),
    },
    TileKind.SERVICE: {"queue": (_queue_or_none, None)},
    TileKind.WAITING: {"queue": (_queue_or_none, None)},
    TileKind.LEADERBOARD: {"size": (_size, 5)},
    TileKind.TREND: {"queue": (_queue_or_none, None)},
    TileKind.CLOCK: {},
    TileKind.MESSAGES: {},
    TileKind.TEXT: {"text": (_text, ""), "logo": (_flag, False)},
}


def option_errors(kind: str, options: object) -> list[str]:
    """What is wrong with a tile's options, one line each ("sort: one of ..."); [] if fine."""
    if kind not in TILE_OPTIONS:
        return ["kind: " + _("one of %(values)s") % {"values": ", ".join(TileKind.values)}]
    if not isinstance(options, dict):
        return ["options: " + _("a mapping of option names to values")]
    known = TILE_OPTIONS[kind]
    unknown = _("not an option of the %(kind)s tile")
    errors = [f"{name}: " + unknown % {"kind": kind} for name in options if name not in known]
    for name, value in options.items():
        if name in known:
            try:
                known[name][0](value)
            except ValidationError as error:
                errors.append(f"{name}: {error.messages[0]}")
    return errors


def with_defaults(kind: str, options: dict) -> dict:
    """The tile's options, each one it left out at its default."""
    return {
        name: options[name] if name in options else copy.deepcopy(default)
        for name, (_, default) in TILE_OPTIONS[kind].items()
    }


class BoardTile(models.Model):
    board = models.ForeignKey("boards.Board", on_delete=models.CASCADE, related_name="tiles")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=12, choices=TileKind.choices)
    width = models.PositiveSmallIntegerField(
        default=GRID_COLUMNS,
        validators=[MinValueValidator(1), MaxValueValidator(GRID_COLUMNS)],
        help_text=format_lazy(
            _("In grid columns, 1 to {columns} ({columns}: the whole width)."), columns=GRID_COLUMNS
        ),
    )
    options = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.width}/{GRID_COLUMNS})"

    def clean(self) -> None:
        errors = option_errors(self.kind, self.options)
        if errors:
            raise ValidationError({"options": errors})
