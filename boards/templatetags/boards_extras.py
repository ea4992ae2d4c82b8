"""Template helpers of the board partials: icons (all of them, here), numbers, fitting."""

from datetime import UTC, datetime

from django import template
from django.utils.html import format_html

from boards import fitting
from boards.view_models import AgentView, service_state
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
TARGET_WORDS = {"met": "Met", "below": "Below target", "none": "No calls yet", "mixed": ""}
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
def epoch_time(value: float | None) -> str:
    """A Unix time as HH:MM:SS UTC; the page shows it in the viewer's own time zone."""
    if value is None:
        return ""
    return datetime.fromtimestamp(float(value), UTC).strftime("%H:%M:%S UTC")


@register.filter
def percent(rate: float | None) -> str:
    """A rate (0..1) as "7.3 %"; a dash when there is none (no call yet)."""
    return "\u2013" if rate is None else f"{100 * rate:.1f} %"


@register.filter
def percent_figure(value: float | None, digits: int = 0) -> str:
    """A percentage (0..100) as "86 %"; a dash when there is none (no call offered)."""
    return "\u2013" if value is None else f"{value:.{int(digits)}f} %"


@register.filter
def target_word(state: str) -> str:
    return TARGET_WORDS.get(state, "")


@register.filter(name="service_state")
def service_state_of(level: ServiceLevel | None) -> str:
    return service_state(level)


# The supervisor's service table: a label and how each window's cell reads.
SERVICE_ROWS = (
    ("Service level", lambda w: percent_figure(w.percent, 1)),
    ("Offered", lambda w: str(w.offered)),
    ("Answered (in time)", lambda w: f"{w.answered} ({w.answered_within_threshold})"),
    ("Abandoned (short)", lambda w: f"{w.abandoned} ({w.short_abandoned})"),
    ("Abandon rate", lambda w: percent(w.abandon_rate)),
    ("Timed out", lambda w: str(w.timed_out)),
    ("Not answered", lambda w: str(w.not_answered)),
    ("Speed of answer", lambda w: seconds(w.asa_seconds)),
)


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
    return "Today" if window == "today" else f"{window.removesuffix('m')} min"


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
        return "no wait"
    if value < 60:
        return "under a minute"
    minutes = round(value / 60)
    if minutes < 60:
        return f"about {minutes} min"
    return f"about {minutes // 60} h {minutes % 60:02d} min"


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
