"""Board HTML, rendered once per (board, audience) from the template partials.

The first page load, the pushed updates and the polling fallback all come from here:
`render_fragments` renders each tile from its partial in `boards/_fragments.html`, the body
is those same fragments put in place by `boards/_body.html`, and an update is the subset of
fragments whose HTML changed. The htmx ws extension swaps every top-level element of a
message out of band, by id (outerHTML unless it says otherwise), so fragments carry no
hx-swap-oob attribute of their own and nest nothing that would be swapped twice.
"""

import hashlib
import html
import time
from dataclasses import dataclass
from functools import cache

from django.template import Template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from boards.presenters import AgentView, BoardView, QueueView

FRAGMENTS_TEMPLATE = "boards/_fragments.html"
BODY_TEMPLATE = "boards/_body.html"


@dataclass(frozen=True)
class Fragment:
    kind: str  # status, today, queue, agent or detail: where the body puts it
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


@cache
def _partial(name: str) -> Template:
    return get_template(f"{FRAGMENTS_TEMPLATE}#{name}")


def queue_fragment_id(queue: QueueView) -> str:
    return f"queue-{queue.id}"


def agent_fragment_id(agent: AgentView) -> str:
    return f"agent-{agent.id}"


def render_fragments(view: BoardView) -> tuple[Fragment, ...]:
    fragments = [
        Fragment("status", "board-status", _partial("status").render({"view": view})),
        Fragment("today", "today-total", _partial("today").render({"view": view})),
    ]
    tile = _partial("queue-tile")
    fragments += [
        Fragment("queue", queue_fragment_id(q), tile.render({"queue": q, "view": view}))
        for q in view.queues
    ]
    if view.agents is not None:
        card = _partial("agent-row" if view.shows_detail else "agent-card")
        fragments += [
            Fragment("agent", agent_fragment_id(a), card.render({"agent": a, "view": view}))
            for a in view.agents
        ]
    if view.alert_history is not None:
        history = _partial("alert-history").render({"view": view})
        fragments.append(Fragment("history", "alert-history", history))
    if view.shows_detail:
        detail = _partial("queue-detail")
        fragments += [
            Fragment("detail", f"queue-detail-{q.id}", detail.render({"queue": q, "view": view}))
            for q in view.queues
        ]
    return tuple(fragments)


def _group(fragments: tuple[Fragment, ...], kind: str) -> list[SafeString]:
    # Our own HTML, escaped by the partials already.
    return [mark_safe(f.html) for f in fragments if f.kind == kind]  # noqa: S308


def render_board(view: BoardView) -> RenderedBoard:
    fragments = render_fragments(view)
    context = {
        "view": view,
        "status": _group(fragments, "status")[0],
        "today": _group(fragments, "today")[0],
        "queues": _group(fragments, "queue"),
        "agents": _group(fragments, "agent"),
        "details": _group(fragments, "detail"),
        "alert_history": next(iter(_group(fragments, "history")), ""),
    }
    body = get_template(BODY_TEMPLATE).render(context)
    return RenderedBoard(view.version, view.fetched_at, body, fragments)


def freshness_html(fetched_at: float | None, stale: bool, error: str | None = None) -> SafeString:
    """The one element that says whether the data is live or stale, and since when.

    The web process swaps it in when staleness flips (for supervisors also when the poller's
    error changes, and every few seconds, so "last success" stays true); the page ticks the
    age shown. `error` is for supervisor and admin pages only. It also carries the server's
    clock, so call timers on a TV with a wrong clock still add up.
    """
    state = "stale" if stale or fetched_at is None else "live"
    label = "STALE" if state == "stale" else "LIVE"
    at = "" if fetched_at is None else f"{fetched_at:.3f}"
    error_attr = "" if error is None else f' data-error="{html.escape(error[:300])}"'
    return mark_safe(  # noqa: S308 - every value is ours and escaped
        f'<div id="freshness" class="freshness freshness--{state}" data-state="{state}" '
        f'data-fetched-at="{at}" data-server-now="{time.time():.3f}"{error_attr}>'
        f'<span class="freshness__label">{label}</span>'
        f'<span class="freshness__age" data-age></span></div>'
    )


def version_marker(version: int, prev: int | None, kind: str) -> str:
    """First element of every versioned message: lets the page spot a gap before swapping."""
    prev_attr = "" if prev is None else f' data-prev="{prev}"'
    return (
        f'<div id="wb-version" hidden data-version="{version}"{prev_attr} data-kind="{kind}"></div>'
    )


def full_message(version: int, body: str) -> str:
    """The whole board: replaces the body, whatever the page held before."""
    return (
        version_marker(version, None, "full")
        + f'<div id="board-body" hx-swap-oob="innerHTML">{body}</div>'
    )


def diff_message(rendered: RenderedBoard, previous: dict[str, str], prev_version: int) -> str:
    """Only the fragments whose HTML changed; a full body if the set of fragments changed
    (an agent or queue came or went), since out-of-band swaps cannot insert new tiles."""
    if set(previous) != {f.id for f in rendered.fragments}:
        body = f'<div id="board-body" hx-swap-oob="innerHTML">{rendered.body}</div>'
        return version_marker(rendered.version, prev_version, "diff") + body
    changed = "".join(f.html for f in rendered.fragments if previous.get(f.id) != f.digest)
    return version_marker(rendered.version, prev_version, "diff") + changed
