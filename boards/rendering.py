"""Board HTML, rendered once per (board, audience) from the template partials.

The first page load, the pushed updates and the full states all come from here: each tile
is rendered from its partial in `templates/boards/tiles/`, the body is those same fragments
put in place by `boards/_body.html`, and an update is the subset of fragments whose HTML
changed. The htmx ws extension swaps every top-level element of a message out of band, by
id (outerHTML unless it says otherwise), so fragments carry no hx-swap-oob attribute of
their own and nest nothing that would be swapped twice.
"""

import hashlib
from dataclasses import dataclass
from functools import cache

from django.template import Template
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from boards.view_models import BoardView

BODY_TEMPLATE = "boards/_body.html"


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
    return Fragment(kind, id_, _tile(template).render(context))


def render_fragments(view: BoardView) -> tuple[Fragment, ...]:
    fragments = [
        _fragment("status", "board-status", "status", view=view),
        # Always there (hidden while empty): a message posted or gone is one fragment's swap.
        _fragment("messages", "board-messages", "messages", view=view),
        _fragment("today", "today-total", "today", view=view),
    ]
    if view.board.leaderboard_size and view.agents is not None:
        fragments.append(_fragment("leaderboard", "leaderboard", "leaderboard", view=view))
    fragments += [
        _fragment("queue", f"queue-{q.id}", "queue", queue=q, view=view) for q in view.queues
    ]
    if view.agents is not None:
        card = "agent_row" if view.shows_detail else "agent_card"
        fragments += [
            _fragment("agent", f"agent-{a.id}", card, agent=a, view=view) for a in view.agents
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


def render_board(view: BoardView) -> RenderedBoard:
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


def freshness_html(fetched_at: float | None, stale: bool, error: str | None = None) -> SafeString:
    """The one element that says whether the data is live or stale, and since when.

    The web process swaps it in when staleness flips (for supervisors also when the poller's
    error changes, and every few seconds, so "last success" stays true); the page ticks the
    age shown. `error` is for supervisor and admin pages only. The server's clock comes with
    every websocket message instead (live/protocol.py): this element may be long rendered.
    """
    context = {
        "state": "stale" if stale or fetched_at is None else "live",
        "fetched_at": fetched_at,
        "error": None if error is None else error[:300],
    }
    return mark_safe(render_to_string("boards/_freshness.html", context))  # noqa: S308
