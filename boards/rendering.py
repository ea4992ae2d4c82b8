"""Board HTML, rendered once per (board, audience) from the template partials.

The first page load, the pushed updates and the full states all come from here: each tile
is rendered from its partial in `templates/boards/tiles/`, the body is those same fragments
put in place by `boards/_body.html`, and an update is the subset of fragments whose HTML
changed. The htmx ws extension swaps every top-level element of a message out of band, by
id (outerHTML unless it says otherwise), so fragments carry no hx-swap-oob attribute of
their own and nest nothing that would be swapped twice.
"""

import hashlib
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cache

from django.template import Template
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from boards.audience import Audience
from boards.board_settings import TileSpec
from boards.fitting import density, fit_bucket
from boards.language import board_language
from boards.layout import GRID_COLUMNS, TileKind
from boards.tile_kinds import KINDS, Kind
from boards.view_models import BoardView

BODY_TEMPLATE = "boards/_body.html"
TILES_BODY_TEMPLATE = "boards/_tiles_body.html"


@dataclass(frozen=True)
class Fragment:
    kind: str  # status, messages, today, leaderboard, queue, agent, history, detail: where
    id: str
    html: str

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.html.encode(), usedforsecurity=False).hexdigest()[:16]


@dataclass(frozen=True)
class RenderedBoard:
    version: int
    fetched_at: float | None
    body: str
    fragments: tuple[Fragment, ...]

    def digests(self) -> dict[str, str]:
        return {f.id: f.digest for f in self.fragments}

    def changes_since(self, previous: dict[str, str]) -> str:
        """The HTML that brings a page holding `previous` (fragment id -> digest) to this
        render: the fragments whose HTML changed, or the whole body when the set of
        fragments changed (an agent or queue came or went: out-of-band swaps cannot insert
        new tiles). Empty when nothing a viewer sees changed."""
        if set(previous) != {f.id for f in self.fragments}:
            return body_swap(self.body)
        return "".join(f.html for f in self.fragments if previous.get(f.id) != f.digest)


@cache
def _tile(name: str) -> Template:
    return get_template(f"boards/tiles/_{name}.html")


def _fragment(kind: str, id_: str, template: str, **context: object) -> Fragment:
    """`id_` is the element's id: every partial sets its own from `fragment_id`."""
    return Fragment(kind, id_, _tile(template).render({"fragment_id": id_, **context}))


def _status(view: BoardView) -> Fragment:
    return _fragment("status", "board-status", "status", view=view)


def render_fragments(view: BoardView) -> tuple[Fragment, ...]:
    if composes(view):
        return _render_composed(view).fragments
    fragments = [
        _status(view),
        # Always there (hidden while empty): a message posted or gone is one fragment's swap.
        _fragment("messages", "board-messages", "messages", view=view),
        _fragment("today", "today-total", "today", view=view),
    ]
    if view.board.leaderboard_size and view.agents is not None:
        fragments.append(
            _fragment("leaderboard", "leaderboard", "leaderboard", view=view, rows=view.leaderboard)
        )
    fragments += [
        _fragment("queue", f"queue-{q.id}", "queue", queue=q, view=view) for q in view.queues
    ]
    if view.agents is not None:
        card = "agent_row" if view.shows_detail else "agent_card"
        roomy = density(len(view.agents))
        fragments += [
            _fragment("agent", f"agent-{a.id}", card, agent=a, view=view, density=roomy)
            for a in view.agents
        ]
    if view.alert_history is not None:
        fragments.append(_fragment("history", "alert-history", "alert_history", view=view))
    if view.shows_detail:
        fragments += [
            _fragment("detail", f"queue-detail-{q.id}", "queue_detail", queue=q, view=view)
            for q in view.queues
        ]
    return tuple(fragments)


def _placed(fragments: tuple[Fragment, ...], kind: str) -> list[SafeString]:
    # Our own HTML, escaped by the partials already.
    return [mark_safe(f.html) for f in fragments if f.kind == kind]  # noqa: S308


def composes(view: BoardView) -> bool:
    """A board with tiles shows them on its TVs; supervisors keep their working page (tables,
    details, history) and the public its status card, whatever the layout."""
    return bool(view.board.tiles) and view.audience is Audience.TV


@dataclass(frozen=True)
class Cell:
    """One tile of a composed board, rendered: its fragments, in the cell of its width."""

    tile: TileSpec
    kind: Kind
    fragments: tuple[Fragment, ...]

    @property
    def label(self) -> str:
        return TileKind(self.tile.kind).label

    @property
    def items(self) -> list[SafeString]:
        return [mark_safe(f.html) for f in self.fragments]  # noqa: S308 (our own, escaped)

    @property
    def bucket(self) -> int:
        return fit_bucket(len(self.fragments), self.kind.grid or "queues")

    @property
    def density(self) -> str:
        return density(len(self.fragments))


def compose(view: BoardView) -> list[Cell]:
    """Each tile's items rendered from its kind's partial; a tile's fragment ids start with
    its number on the board ("t3-queue-100134"), so two tiles of a kind never clash."""
    cells = []
    for number, tile in enumerate(view.board.tiles):
        kind = KINDS[tile.kind]
        prefix = f"t{number}-"
        items = kind.present(view, tile.options)
        shared = {"view": view, "prefix": prefix, "density": density(len(items))}
        name = f"tile-{tile.kind}"
        fragments = tuple(
            _fragment(name, f"{prefix}{item['id']}", kind.partial, **shared, **_without_id(item))
            for item in items
        )
        cells.append(Cell(tile, kind, fragments))
    return cells


def _without_id(item: dict) -> dict:
    return {name: value for name, value in item.items() if name != "id"}


def rows(cells: list[Cell]) -> list[tuple[int, list[Cell]]]:
    """The cells packed into rows of GRID_COLUMNS, in order, each row with its share of the
    screen's height (its tallest kind's; 0: as tall as its content)."""
    packed: list[list[Cell]] = []
    used = GRID_COLUMNS
    for cell in cells:
        if used + cell.tile.width > GRID_COLUMNS:
            packed.append([])
            used = 0
        packed[-1].append(cell)
        used += cell.tile.width
    return [(max(c.kind.grows for c in row), row) for row in packed]


def _render_composed(view: BoardView) -> RenderedBoard:
    cells = compose(view)
    status = _status(view)
    context = {
        "view": view,
        "status": mark_safe(status.html),  # noqa: S308
        "rows": rows(cells),
        "banner_tile": view.board.has_tile("messages"),
    }
    fragments = (status, *(f for cell in cells for f in cell.fragments))
    if not context["banner_tile"]:  # messages always reach the screens
        banner = _fragment("messages", "board-messages", "messages", view=view)
        context["banner"] = mark_safe(banner.html)  # noqa: S308
        fragments = (status, banner, *fragments[1:])
    body = get_template(TILES_BODY_TEMPLATE).render(context)
    return RenderedBoard(view.version, view.fetched_at, body, fragments)


def render_board(view: BoardView) -> RenderedBoard:
    """The board's render, in the board's language (boards/language.py), whoever asks."""
    with board_language(view.board):
        return _render_board(view)


def _render_board(view: BoardView) -> RenderedBoard:
    if composes(view):
        return _render_composed(view)
    fragments = render_fragments(view)
    context = {
        "view": view,
        "status": _placed(fragments, "status")[0],
        "banner": _placed(fragments, "messages")[0],
        "today": _placed(fragments, "today")[0],
        "leaderboard": next(iter(_placed(fragments, "leaderboard")), ""),
        "queues": _placed(fragments, "queue"),
        "agents": _placed(fragments, "agent"),
        "details": _placed(fragments, "detail"),
        "alert_history": next(iter(_placed(fragments, "history")), ""),
    }
    body = get_template(BODY_TEMPLATE).render(context)
    return RenderedBoard(view.version, view.fetched_at, body, fragments)


def body_swap(body: str) -> str:
    """The whole board body as one out-of-band swap, whatever the page held before."""
    return render_to_string("boards/_body_swap.html", {"body": mark_safe(body)})  # noqa: S308


def freshness_html(
    fetched_at: float | None, stale: bool, error: str | None = None, language: str | None = None
) -> SafeString:
    """The one element that says whether the data is live or stale, and since when.

    The web process swaps it in when staleness flips (for supervisors also when the poller's
    error changes, and every few seconds, so "last success" stays true); the page ticks the
    age shown. `error` is for supervisor and admin pages only. The server's clock comes with
    every websocket message instead (live/protocol.py): this element may be long rendered.
    `language`: the board's (None: the language active already, e.g. the page's).
    """
    context = {
        "state": "stale" if stale or fetched_at is None else "live",
        "fetched_at": fetched_at,
        "error": None if error is None else error[:300],
    }
    with board_language(language) if language else nullcontext():
        html = render_to_string("boards/_freshness.html", context)
    return mark_safe(html)  # noqa: S308
