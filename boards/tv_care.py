"""What a page needs to look after its screen, as small elements the page keeps or the TV's
socket swaps in: the board title, business hours (night mode, daily reload hour), the
playlist indicator, the build id and the reload command.

The page (static/boards/board.js) reads their data attributes; nothing here is a script.
Each element has a fixed id and is swapped out of band, whole, by the htmx ws extension,
except the reload command, which the page recognises and acts on without swapping it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from boards.models import Board
from wallboard.build import build_id


@dataclass(frozen=True)
class BoardHours:
    """A board's business hours as the page computes them, in the account's time zone."""

    time_zone: str
    opens: str  # "08:00", or "" for always open
    closes: str
    days: tuple[int, ...]
    night_mode: bool
    reload_hour: int

    @classmethod
    def of(cls, board: Board) -> "BoardHours":
        hours = board.has_business_hours
        return cls(
            time_zone=board.account.time_zone,
            opens=board.opens_at.strftime("%H:%M") if hours else "",
            closes=board.closes_at.strftime("%H:%M") if hours else "",
            days=tuple(sorted(set(board.business_days or ()))),
            night_mode=board.night_mode,
            reload_hour=board.daily_reload_hour,
        )


def hours_element(hours: BoardHours) -> SafeString:
    return format_html(
        '<div id="board-hours" hidden data-tz="{}" data-opens="{}" data-closes="{}" '
        'data-days="{}" data-night-mode="{}" data-reload-hour="{}"></div>',
        hours.time_zone,
        hours.opens,
        hours.closes,
        ",".join(map(str, hours.days)),
        "on" if hours.night_mode else "off",
        hours.reload_hour,
    )


def title_element(title: str) -> SafeString:
    return format_html('<h1 id="board-title" class="board__title">{}</h1>', title)


def rotation_element(position: int, total: int, next_title: str | None) -> SafeString:
    """The discreet "2/3 · next: Support" of a screen with a playlist; hidden without one."""
    if total < 2 or next_title is None:
        return mark_safe('<p id="rotation" class="rotation" hidden></p>')
    return format_html(
        '<p id="rotation" class="rotation" aria-label="Playlist">{}/{} · next: {}</p>',
        position,
        total,
        next_title,
    )


def build_element() -> SafeString:
    """Sent at every websocket (re)connect: a page of another build reloads within the spread."""
    return format_html(
        '<div id="wb-build" hidden data-build="{}" data-spread-ms="{}"></div>',
        build_id(),
        round(settings.SCREEN_RELOAD_SPREAD_SECONDS * 1000),
    )


def reload_command(delay_ms: int) -> str:
    """Tells one page to reload after `delay_ms` (once the server answers); never swapped."""
    delay = max(0, int(delay_ms))
    return f'<div id="tv-command" hidden data-command="reload" data-delay-ms="{delay}"></div>'
