"""The public board's JSON summary and SVG badges, for customers' own status pages.

Made from the public view of the stored snapshot (nothing about any person is in it) and
cacheable by any CDN: ETag, a short max-age and CORS open to every origin. The JSON is a
documented, versioned interface (docs/public-api.md).
"""

import hashlib

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response

from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.models import Board
from boards.presenters import board_view
from boards.view_models import QueueView
from boards.views import per_ip_limit, public_board
from snapshots import store
from snapshots.freshness import Freshness
from snapshots.models import QueueToday

PUBLIC_MAX_AGE = 5
BADGE_COLOURS = {"ok": "#2fc596", "warning": "#f0e442", "alert": "#e495c2", "stale": "#98a2b3"}


def _public_queues(board: Board) -> tuple[tuple[QueueView, ...], bool]:
    """The board's queues as the public sees them, and whether the data is stale."""
    settings = BoardSettings.of(board)
    stored = store.read_snapshot(settings.account_id)
    view = board_view(settings, stored, Audience.PUBLIC)
    return view.queues, Freshness.of(stored).is_stale(settings.poll_interval)


def _cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """ETag from the content, a short shared max-age and CORS; 304 when the ETag matches."""
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    conditional = get_conditional_response(request, etag=etag, response=response)
    conditional["Access-Control-Allow-Origin"] = "*"
    return conditional


def _public_today(today: QueueToday | None) -> dict | None:
    if today is None:
        return None  # the board does not publish counts, or the account sends no events
    rate = today.abandon_rate
    return {
        "inbound": today.inbound,
        "answered": today.answered,
        "abandoned": today.abandoned,
        "abandon_rate": None if rate is None else round(rate, 4),
    }


def _public_queue(queue: QueueView) -> dict:
    return {
        "id": queue.id,
        "name": queue.name,
        "open": queue.is_ready,
        "level": queue.level,
        "status": queue.open_label,
        "summary": queue.availability_label,
        "agents_available": queue.agents_available,
        "agents_on_call": queue.agents_on_call,
        "agents_online": queue.agents_online,
        "today": _public_today(queue.today),
    }


@per_ip_limit
def public_json(request: HttpRequest, slug: str) -> HttpResponse:
    board = public_board(slug)
    queues, stale = _public_queues(board)
    data = {
        "board": board.slug,
        "title": board.title,
        "stale": stale,
        "queues": [_public_queue(q) for q in queues],
    }
    return _cacheable(request, JsonResponse(data))


def badge_message(queue: QueueView, stale: bool) -> tuple[str, str]:
    """The badge's right half and its colour: what a visitor needs before calling."""
    if stale:
        return "status unknown", BADGE_COLOURS["stale"]
    if not queue.is_ready:
        message = "closed"
    elif queue.agents_available == 0:
        message = "open · all busy"
    else:
        message = f"open · {queue.agents_available} available"
    return message, BADGE_COLOURS[queue.level]


def _text_width(text: str) -> int:
    # Verdana 11 px averages under 7 px a character; textLength in the SVG makes it exact.
    return round(len(text) * 6.8)


@per_ip_limit
def public_badge(request: HttpRequest, slug: str, queue_id: int) -> HttpResponse:
    board = public_board(slug)
    queues, stale = _public_queues(board)
    queue = next((q for q in queues if q.id == queue_id), None)
    if queue is None:
        raise Http404
    message, colour = badge_message(queue, stale)
    label_text, message_text = _text_width(queue.name), _text_width(message)
    label_width, message_width = label_text + 12, message_text + 12
    context = {
        "label": queue.name,
        "message": message,
        "color": colour,
        "width": label_width + message_width,
        "label_width": label_width,
        "message_width": message_width,
        "label_text": label_text,
        "message_text": message_text,
        "label_x": label_width / 2,
        "message_x": label_width + message_width / 2,
    }
    svg = render_to_string("boards/badge.svg", context)
    return _cacheable(request, HttpResponse(svg, content_type="image/svg+xml; charset=utf-8"))
