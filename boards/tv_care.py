"""What a page needs to look after its screen: the board's business hours (night mode, the
daily reload hour) and a TV's header (title, hours, playlist position).

The page (static/boards/screen.js) reads their data attributes; nothing here is a script.
Each element has a fixed id and is swapped out of band, whole, by the htmx ws extension.
The rest of a TV's care (burn-in shift, dimming, wake lock) is the page's own:
static/boards/tv_care.js, from the body's attributes (data-audience, data-dim-after).
"""

from dataclasses import dataclass

from django.template.loader import render_to_string

from boards.models import Board


@dataclass(frozen=True)
class BoardHours:
    """A board's business hours as the page computes them, in the account's time zone."""

    time_zone: str
    opens: str  # "08:00", or "" for always open
    closes: str
    days: tuple[int, ...]
    night_mode: bool
    reload_hour: int
    # Not an hour, but the board's like the rest: a TV dims what has not changed for this
    # long (0: never). With the hours, it follows a playlist from board to board.
    dim_after_minutes: int = 0

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
            dim_after_minutes=board.dim_unchanged_after_minutes,
        )

    @property
    def days_text(self) -> str:
        return ",".join(map(str, self.days))


@dataclass(frozen=True)
class Rotation:
    """Where a TV's playlist is: "2/3 · next: Support" (total 1: no playlist)."""

    position: int = 1
    total: int = 1
    next_title: str | None = None


def tv_header(title: str, hours: BoardHours, rotation: Rotation, board=None) -> str:
    """What a TV's socket sends at every (re)connect and playlist step; `board` (its
    BoardSettings) brings that board's logo along."""
    context = {"title": title, "hours": hours, "rotation": rotation, "board": board}
    return render_to_string("boards/_tv_header.html", context)
