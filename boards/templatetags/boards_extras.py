"""Template helpers of the board partials: icons (all of them, here), numbers, fitting.

Numbers are written the board's way (boards/language.py): "7.3 %" in English, "7,3 %" in
German, French, Spanish and Dutch; counts grouped by thousands ("1,234", "1.234"). Durations
stay m:ss in every language.
"""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from boards import fitting
from boards.view_models import AgentView, service_state
from service.erlang import Forecast
from snapshots.models import ServiceLevel

register = template.Library()

# Every icon the boards show, by kind and state. State is never colour alone: each tile and
# card carries an icon and a word as well. The icons are decoration for screen readers
# (aria-hidden): the word beside them says the same.
ICONS: dict[str, dict[str, str]] = {
    "level": {"ok": "●", "warning": "▲", "alert": "✖"},
    "status": {"available": "✔", "on_call": "☎", "online": "●", "offline": "○"},
    "direction": {"inbound": "↙", "outbound": "↗"},
    "alarm": {"active": "⚑", "acknowledged": "✔"},
    "history": {"open": "⚑", "cleared": "✔"},
    "notice": {"waiting": "…", "limited": "◐"},
    "target": {"met": "✔", "below": "▼", "none": "\u2013", "mixed": ""},
}
# What a service level is against its target, in words (never colour alone).
TARGET_WORDS = {
    "met": _("Met"), "below": _("Below target"), "none": _("No calls yet"), "mixed": ""
}  # fmt: skip
UNKNOWN_ICON = "•"


def glyph(kind: str, state: str) -> str:
    return ICONS[kind].get(state, UNKNOWN_ICON)


@register.simple_tag
def icon(kind: str, state: str, css_class: str = "") -> str:
    """`{% icon "level" queue.level "tile__icon" %}`: the icon in an aria-hidden span."""
    if css_class:
        return format_html(
            '<span class="{}" aria-hidden="true">{}</span>', css_class, glyph(kind, state)
        )
    return format_html('<span aria-hidden="true">{}</span>', glyph(kind, state))


@register.filter
def agent_icon(agent: AgentView) -> str:
    """A TV card's icon: on a call, the call's direction where it is known."""
    if agent.status == "on_call" and agent.direction in ICONS["direction"]:
        return glyph("direction", agent.direction)
    return glyph("status", agent.status)


@register.filter
def count(value: int | None) -> str:
    """A count grouped by thousands the board's way: "1,234" (en), "1.234" (de)."""
    return "" if value is None else number_format(value, force_grouping=True)


# A count and what it counts, in the board's language (plural forms differ: "1 répondu",
# "12 répondus"): `{{ level.answered|counted:"answered" }}` -> "12 answered".
COUNTED = {
    "answered": lambda n: ngettext("%(n)s answered", "%(n)s answered", n),
    "abandoned": lambda n: ngettext("%(n)s abandoned", "%(n)s abandoned", n),
    "abandoned last hour": lambda n: ngettext(
        "%(n)s abandoned last hour", "%(n)s abandoned last hour", n
    ),
    "timed out": lambda n: ngettext("%(n)s timed out", "%(n)s timed out", n),
    "not answered": lambda n: ngettext("%(n)s not answered", "%(n)s not answered", n),
    # Translators: calls that came in (inbound), e.g. "41 in".
    "in": lambda n: ngettext("%(n)s in", "%(n)s in", n),
    "calls": lambda n: ngettext("%(n)s call", "%(n)s calls", n),
    "calls today": lambda n: ngettext("%(n)s call today", "%(n)s calls today", n),
    "callers waiting": lambda n: ngettext("%(n)s caller waiting", "%(n)s callers waiting", n),
    "on a call": lambda n: ngettext("%(n)s on a call", "%(n)s on a call", n),
    "online": lambda n: ngettext("%(n)s online", "%(n)s online", n),
    "more needed": lambda n: ngettext("%(n)s more needed", "%(n)s more needed", n),
}


@register.filter
def counted(value: int | None, phrase: str) -> str:
    number = int(value or 0)
    return COUNTED[phrase](number) % {"n": count(number)}


@register.filter
def agents_for_target(forecast: Forecast) -> str:
    """ "14 agents for 80 % in 20 s": the staffing a queue's target needs."""
    needed = forecast.agents_needed or 0
    text = ngettext(
        "%(n)s agent for %(target)s in %(seconds)s s",
        "%(n)s agents for %(target)s in %(seconds)s s",
        needed,
    )
    target = percent_figure(forecast.target_percent)
    return text % {"n": count(needed), "target": target, "seconds": forecast.threshold_seconds}


@register.filter
def target_rule(level: ServiceLevel) -> str:
    """ "target 80 % within 20 s": a service level's target, as a tile's note says it."""
    return gettext("target %(target)s within %(seconds)s s") % _target(level)


def _target(level: ServiceLevel) -> dict:
    return {"target": percent_figure(level.target_percent), "seconds": level.threshold_seconds}


@register.filter
def warning_rule(available: int, long: bool = False) -> str:
    """When a queue's tile turns to warning (and, `long`, to alert), for supervisors."""
    if long:
        text = gettext("Warning at ≤ %(n)s available; alert at 0 available or not ready.")
    else:
        text = gettext("warning at ≤ %(n)s available")
    return text % {"n": available}


@register.filter
def percent(rate: float | None) -> str:
    """A rate (0..1) as "7.3 %" ("7,3 %" in de); a dash when there is none (no call yet)."""
    return "\u2013" if rate is None else f"{number_format(round(100 * rate, 1), 1)} %"


@register.filter
def percent_figure(value: float | None, digits: int = 0) -> str:
    """A percentage (0..100) as "86 %"; a dash when there is none (no call offered)."""
    if value is None:
        return "\u2013"
    places = int(digits)
    return f"{number_format(round(value, places), places)} %"


@register.filter
def target_word(state: str) -> str:
    return str(TARGET_WORDS.get(state, ""))


@register.filter(name="service_state")
def service_state_of(level: ServiceLevel | None) -> str:
    return service_state(level)


def _both(whole: int, part: int) -> str:
    return f"{count(whole)} ({count(part)})"


# The supervisor's service table: a label and how each window's cell reads.
SERVICE_ROWS = (
    (_("Service level"), lambda w: percent_figure(w.percent, 1)),
    (_("Offered"), lambda w: count(w.offered)),
    (_("Answered (in time)"), lambda w: _both(w.answered, w.answered_within_threshold)),
    (_("Abandoned (short)"), lambda w: _both(w.abandoned, w.short_abandoned)),
    (_("Abandon rate"), lambda w: percent(w.abandon_rate)),
    (_("Timed out"), lambda w: count(w.timed_out)),
    (_("Not answered"), lambda w: count(w.not_answered)),
    (_("Speed of answer"), lambda w: seconds(w.asa_seconds)),
)  # fmt: skip


@register.simple_tag
def service_rows(levels: tuple[ServiceLevel, ...]) -> list[tuple[str, list[tuple[str, str]]]]:
    """`{% service_rows queue.service_columns as rows %}`: each row's label and, per
    window, (window, text); the first row is the service level."""
    return [
        (label, [(level.window, cell(level)) for level in levels]) for label, cell in SERVICE_ROWS
    ]


@register.filter
def window_label(window: str) -> str:
    """ "today" -> "Today", "30m" -> "30 min"."""
    if window == "today":
        return gettext("Today")
    return gettext("%(minutes)s min") % {"minutes": window.removesuffix("m")}


@register.filter
def seconds(value: float | None) -> str:
    """A mean time (speed of answer, handle time) as m:ss; a dash when there is none."""
    return "\u2013" if value is None else duration(round(value))


@register.filter
def about_wait(value: int | None) -> str:
    """An estimated wait as a visitor reads it: "no wait", "about 3 min"."""
    if value is None:
        return ""
    if value <= 0:
        return gettext("no wait")
    if value < 60:
        return gettext("under a minute")
    minutes = round(value / 60)
    if minutes < 60:
        return gettext("about %(minutes)s min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    return gettext("about %(hours)s h %(minutes)s min") % {
        "hours": hours, "minutes": f"{minutes:02d}"
    }  # fmt: skip


@register.filter
def duration(seconds: int | None) -> str:
    """Seconds as m:ss, or h:mm:ss from an hour."""
    hours, rest = divmod(int(seconds or 0), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def fit_bucket(count: int, kind: str) -> int:
    return fitting.fit_bucket(count, kind)


@register.filter
def density(count: int) -> str:
    return fitting.density(count)
