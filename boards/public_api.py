"""The public board's JSON summary and SVG badges, for customers' own status pages.

Made from the public view of the stored snapshot (nothing about any person is in it) and
cacheable by any CDN: ETag, a short max-age and CORS open to every origin. The JSON is a
documented, versioned interface (docs/public-api.md).

The worker renders both when the board changes (boards/public_cache.py) and the web
process answers from that render (boards/public_fast.py); the views here answer what the
fast path hands on: stale data, a board not rendered yet, a 404.
"""

import hashlib
import json
import time

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language, gettext, ngettext, pgettext

from boards import slots
from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.language import board_language
from boards.models import Board
from boards.presenters import board_view
from boards.public_limit import per_ip_limit
from boards.view_models import QueueView
from boards.views import public_board
from service.erlang import Forecast
from snapshots import store
from snapshots.freshness import Freshness
from snapshots.models import QueueToday, ServiceLevel

SCHEMA = 2
PUBLIC_MAX_AGE = 5
BADGE_COLOURS = {"ok": "#2fc596", "warning": "#f0e442", "alert": "#e495c2", "stale": "#98a2b3"}


JSON_CONTENT_TYPE = "application/json"
BADGE_CONTENT_TYPE = "image/svg+xml; charset=utf-8"


def _public_queues(board: Board) -> tuple[tuple[QueueView, ...], bool, str]:
    """The board's queues as the public sees them, whether the data is stale, and the
    board's language (the words of the answer are in it)."""
    settings = BoardSettings.of(board)
    stored = store.read_snapshot(settings.account_id)
    view = board_view(settings, stored, Audience.PUBLIC)
    stale = Freshness.of(stored).is_stale(settings.poll_interval)
    return view.queues, stale, settings.language


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """ETag from the content, a short shared max-age and CORS; 304 when the ETag matches."""
    etag = etag_of(response.content)
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


def _public_level(level: ServiceLevel) -> dict:
    percent, asa = level.percent, level.asa_seconds
    return {
        "window": level.window,
        "threshold_seconds": level.threshold_seconds,
        "target_percent": level.target_percent,
        "percent": None if percent is None else round(percent, 1),
        "offered": level.offered,
        "answered": level.answered,
        "answered_within_threshold": level.answered_within_threshold,
        "abandoned": level.abandoned,
        "short_abandoned": level.short_abandoned,
        "asa_seconds": None if asa is None else round(asa, 1),
    }


def _public_queue(queue: QueueView) -> dict:
    data = {
        "id": queue.id,
        "name": queue.name,
        "open": queue.is_ready,
        "level": queue.level,
        "status": queue.open_label,
        "summary": queue.availability_label,
        "agents_available": queue.agents_available,
        "agents_on_call": queue.agents_on_call,
        "agents_online": queue.agents_online,
        "calls_waiting": queue.waiting.count,
        "calls_waiting_estimated": queue.waiting.estimated,
        # Seconds from `since` to the moment of the request (boards/slots.py).
        "longest_wait_seconds": slots.wait_slot(queue.waiting.since),
        "estimated_wait_seconds": queue.estimated_wait_seconds,
        "today": _public_today(queue.today),
    }
    if queue.service is not None and queue.recent is not None:  # the board opts in
        data["service_level"] = _public_level(queue.service)
        data["service_level_recent"] = _public_level(queue.recent)
    if queue.forecast is not None:  # the board opts in
        data["forecast"] = _public_forecast(queue.forecast)
    return data


def _public_forecast(forecast: Forecast) -> dict:
    """docs/public-api.md: every field always there; `agents_needed` and the prediction null
    while there is not enough data."""
    return {
        "calls_per_hour": forecast.calls_per_hour,
        "aht_seconds": forecast.aht_seconds,
        "agents_needed": forecast.agents_needed,
        "agents_available": forecast.agents_available,
        "predicted_service_level_percent": forecast.predicted_service_level_percent,
        "window_minutes": forecast.window_minutes,
    }


def json_parts(slug: str, title: str, queues: tuple[QueueView, ...], stale: bool) -> slots.Parts:
    """In the board's language (boards/language.py): its code is `language`, and the words
    for people (each queue's `status` and `summary`) are in it; every other field is a
    value for programs, the same in every language."""
    data = {
        "schema": SCHEMA,
        "board": slug,
        "title": title,
        "language": get_language(),
        "stale": stale,
        "queues": [_public_queue(q) for q in queues],
    }
    return slots.split(json.dumps(data, cls=DjangoJSONEncoder), quoted=True)


@per_ip_limit("json")
def public_json(request: HttpRequest, slug: str) -> HttpResponse:
    board = public_board(slug)
    queues, stale, language = _public_queues(board)
    with board_language(language):
        parts = json_parts(board.slug, board.title, queues, stale)
    text = slots.fill(parts, time.time())
    return _cacheable(request, HttpResponse(text, content_type=JSON_CONTENT_TYPE))


def badge_message(queue: QueueView, stale: bool) -> tuple[str, str]:
    """The badge's right half and its colour: what a visitor needs before calling."""
    if stale:
        return gettext("status unknown"), BADGE_COLOURS["stale"]
    waiting = queue.waiting.count or 0
    if not queue.is_ready:
        message = pgettext("badge", "closed")
    elif waiting:
        message = ngettext("open · %(n)s waiting", "open · %(n)s waiting", waiting) % {"n": waiting}
    elif queue.agents_available == 0:
        message = gettext("open · all busy")
    else:
        free = queue.agents_available
        message = ngettext("open · %(n)s available", "open · %(n)s available", free) % {"n": free}
    return message, BADGE_COLOURS[queue.level]


def _text_width(text: str) -> int:
    # Verdana 11 px averages under 7 px a character; textLength in the SVG makes it exact.
    return round(len(text) * 6.8)


def badge_svg(queue: QueueView, stale: bool) -> str:
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
    return render_to_string("boards/badge.svg", context)


@per_ip_limit("badge")
def public_badge(request: HttpRequest, slug: str, queue_id: int) -> HttpResponse:
    board = public_board(slug)
    queues, stale, language = _public_queues(board)
    queue = next((q for q in queues if q.id == queue_id), None)
    if queue is None:
        raise Http404
    with board_language(language):
        svg = badge_svg(queue, stale)
    return _cacheable(request, HttpResponse(svg, content_type=BADGE_CONTENT_TYPE))
