"""What each kind of tile shows: one registry entry per kind (docs/architecture.md, "Adding
a tile kind").

An entry names the partial that renders one item of the tile (templates/boards/tiles/) and a
presenter: a pure function from the board's view (boards/view_models.py) and the tile's
options (boards/layout.py, defaults filled in) to the items, each the context of one
fragment. A tile of one item is one fragment; a tile of many (each queue, each agent) is a
grid of them, fitted to its cell like the classic layout's grids (boards/fitting.py), so an
agent's change still swaps that agent's card alone.

A board without tiles keeps the classic layout (boards/rendering.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from boards.layout import TileKind
from boards.view_models import AgentView, BoardView, QueueView

Item = dict[str, object]  # one fragment's context; "id" is the fragment's id in its tile


@dataclass(frozen=True)
class Kind:
    partial: str  # templates/boards/tiles/_<partial>.html renders one item
    present: Callable[[BoardView, dict], list[Item]]
    grid: str | None = None  # "queues" or "agents": the items fill the cell as a fitted grid
    grows: int = 0  # the share of the screen's height its row takes; 0: its content's height
    each_queue: bool = False  # without a queue: one item per queue of the board, not together


def _queues(view: BoardView, queue: int | None) -> tuple[QueueView, ...]:
    """The tile's queue, or every queue of the board; a queue not on the board: none."""
    if queue is None:
        return view.queues
    return tuple(q for q in view.queues if q.id == queue)


def _one(name: str, **context: object) -> list[Item]:
    return [{"id": name, **context}]


def queues(view: BoardView, options: dict) -> list[Item]:
    return [{"id": f"queue-{q.id}", "queue": q} for q in _queues(view, options["queue"])]


AGENT_ORDER = {
    "state": lambda a: (a.status_order, a.name.casefold(), a.id),
    "name": lambda a: (a.name.casefold(), a.extension, a.id),
    # Longest in their state first; unknown times last.
    "time": lambda a: (a.state_since is None, a.state_since or 0.0, a.name.casefold(), a.id),
}


def agents(view: BoardView, options: dict) -> list[Item]:
    chosen: tuple[AgentView, ...] = view.agents or ()
    if options["queues"]:
        members = {
            pk for q in view.queues if q.id in options["queues"] for pk in q.member_ids or ()
        }
        chosen = tuple(a for a in chosen if a.id in members)
    if options["states"]:
        chosen = tuple(a for a in chosen if a.status in options["states"])
    ordered = sorted(chosen, key=AGENT_ORDER[options["sort"]])
    return [{"id": f"agent-{a.id}", "agent": a} for a in ordered]


def today(view: BoardView, options: dict) -> list[Item]:
    return _one("today-total")


def leaderboard(view: BoardView, options: dict) -> list[Item]:
    return _one("leaderboard", rows=view.leaderboard[: options["size"]])


def _figures(view: BoardView, queue: int | None) -> list[Item]:
    """A queue's figures, or the board's queues together (title "All queues")."""
    if queue is None:
        return [{"id": "all", "title": _("All queues"), "of": view, "queue": None}]
    return [{"id": f"q{q.id}", "title": q.name, "of": q, "queue": q} for q in _queues(view, queue)]


def figures(view: BoardView, options: dict) -> list[Item]:
    """A service-level or calls-waiting tile: the same items, another partial."""
    return _figures(view, options["queue"])


def trend(view: BoardView, options: dict) -> list[Item]:
    return _one("trend", queues=_queues(view, options["queue"]))


def clock(view: BoardView, options: dict) -> list[Item]:
    return _one("clock")


def messages(view: BoardView, options: dict) -> list[Item]:
    return _one("board-messages")


def text(view: BoardView, options: dict) -> list[Item]:
    return _one("text", text=options["text"], logo=options["logo"])


KINDS: dict[str, Kind] = {
    TileKind.QUEUES: Kind("queue", queues, grid="queues", grows=32, each_queue=True),
    TileKind.TODAY: Kind("today", today),
    TileKind.AGENTS: Kind("agent_card", agents, grid="agents", grows=70),
    TileKind.SERVICE: Kind("service_figure", figures, grows=24),
    TileKind.WAITING: Kind("waiting_figure", figures, grows=24),
    TileKind.LEADERBOARD: Kind("leaderboard", leaderboard, grows=24),
    TileKind.TREND: Kind("trend", trend, grows=24, each_queue=True),
    TileKind.CLOCK: Kind("clock_tile", clock),
    TileKind.MESSAGES: Kind("messages", messages),
    TileKind.TEXT: Kind("text_tile", text),
}
