"""Board pages: the TV kiosk, the supervisor board and the public status embed.

Each page is the feed's current render (the same fragments the websocket pushes), inside a
page that connects to the matching websocket route. Who may see what is decided here and in
live/consumers.py, the same way: a board a user may not watch is a plain 404.

A public board also has a JSON summary and an SVG badge per queue, made from the public view
of the stored snapshot (nothing about any person is in it) and cacheable by any CDN: ETag,
a short max-age and CORS open to every origin.
"""

import hashlib
import time

from csp.decorators import csp_replace
from django.conf import settings as django_settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.views.decorators.clickjacking import xframe_options_exempt
from django_ratelimit.decorators import ratelimit

from boards import playlists
from boards.feeds import board_settings, current_render
from boards.models import Board, KioskToken, hash_token
from boards.presenters import (
    STALE_AFTER_INTERVALS,
    Audience,
    BoardSettings,
    QueueView,
    TodayView,
    board_view,
)
from boards.rendering import freshness_html
from boards.tv_care import BoardHours, hours_element, rotation_element
from snapshots import store
from wallboard.build import build_id

PUBLIC_MAX_AGE = 5
BADGE_COLOURS = {"ok": "#2fc596", "warning": "#f0e442", "alert": "#e495c2", "stale": "#98a2b3"}


def _current_error(settings: BoardSettings, audience: Audience) -> str | None:
    """The poller's error while polls fail, for supervisor and admin pages only."""
    if audience not in ("supervisor", "admin"):
        return None
    health = store.read_health(settings.account_id)
    return health.last_error if health.consecutive_failures else None


def _page(
    request: HttpRequest,
    board: Board,
    audience: Audience,
    ws_path: str,
    template: str,
    extra: dict | None = None,
) -> HttpResponse:
    settings = board_settings(board)
    cached = current_render(settings, audience)
    fetched_at = cached.fetched_at
    stale = fetched_at is None or (
        time.time() - fetched_at > STALE_AFTER_INTERVALS * settings.poll_interval
    )
    context = {
        "board": settings,
        "audience": audience,
        "version": cached.version,
        "body": cached.body,
        "freshness": freshness_html(fetched_at, stale, _current_error(settings, audience)),
        "ws_path": ws_path,
        "build_id": build_id(),
        # Business hours: TVs dim outside them, supervisors see "closed" (not public pages).
        "hours": "" if audience == "public" else hours_element(BoardHours.of(board)),
        **(extra or {}),
    }
    return render(request, template, context)


def _public_rate(group: str, request: HttpRequest) -> str:
    return django_settings.PUBLIC_RATE_LIMIT


# Routes anyone may call are limited per client IP (429 past PUBLIC_RATE_LIMIT).
per_ip_limit = ratelimit(key="ip", rate=_public_rate, block=True)


def _embeddable(view):
    """Public status pages may be framed, by EMBED_ALLOWED_ORIGINS only; nothing else may."""
    view = xframe_options_exempt(view)
    return csp_replace({"frame-ancestors": django_settings.EMBED_ALLOWED_ORIGINS})(view)


@per_ip_limit
def tv(request: HttpRequest, token: str) -> HttpResponse:
    found = KioskToken.objects.find(token)
    if found is None:
        if KioskToken.objects.filter(token_hash=hash_token(token), revoked_at__isnull=False):
            return render(request, "boards/unlinked.html", status=410)
        raise Http404
    KioskToken.objects.filter(pk=found.pk).update(last_seen_at=timezone.now())
    # With a playlist, the board the rotation is at now; the socket takes it from there.
    screen = playlists.screen_at(found, time.time())
    rotation = rotation_element(screen.position, screen.total, screen.next_title)
    ws_path = f"/ws/wallboard/tv/{token}/"
    # sound_enabled: whether this screen beeps during alerts (static/boards/alerts.js).
    extra = {"rotation": rotation, "sound_enabled": found.sound_enabled}
    return _page(request, screen.board, "tv", ws_path, "boards/tv.html", extra)


@login_required
def supervisor(request: HttpRequest, slug: str) -> HttpResponse:
    board = get_object_or_404(Board.objects.select_related("account"), slug=slug)
    if not board.can_be_watched_by(request.user):
        raise Http404
    audience: Audience = "admin" if request.user.is_superuser else "supervisor"
    ws_path = f"/ws/wallboard/boards/{slug}/"
    return _page(request, board, audience, ws_path, "boards/supervisor.html")


@per_ip_limit
@_embeddable
def public_status(request: HttpRequest, slug: str) -> HttpResponse:
    board = _public_board(slug)
    return _page(request, board, "public", f"/ws/status/{slug}/", "boards/status.html")


def _public_board(slug: str) -> Board:
    return get_object_or_404(Board.objects.select_related("account"), slug=slug, is_public=True)


def _is_stale(fetched_at: float | None, settings: BoardSettings) -> bool:
    limit = STALE_AFTER_INTERVALS * settings.poll_interval
    return fetched_at is None or time.time() - fetched_at > limit


def _public_queues(board: Board) -> tuple[tuple[QueueView, ...], bool]:
    """The board's queues as the public sees them, and whether the data is stale."""
    settings = board_settings(board)
    view = board_view(settings, store.read_snapshot(settings.account_id), "public")
    return view.queues, _is_stale(view.fetched_at, settings)


def _cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """ETag from the content, a short shared max-age and CORS; 304 when the ETag matches."""
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    conditional = get_conditional_response(request, etag=etag, response=response)
    conditional["Access-Control-Allow-Origin"] = "*"
    return conditional


def _public_today(today: TodayView | None) -> dict | None:
    if today is None:
        return None  # the board does not publish counts, or the account sends no events
    return {
        "inbound": today.inbound,
        "answered": today.answered,
        "abandoned": today.abandoned,
        "abandon_rate": round(today.abandoned / today.inbound, 4) if today.inbound else None,
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
    board = _public_board(slug)
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
    board = _public_board(slug)
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


@login_required
def index(request: HttpRequest) -> HttpResponse:
    boards = Board.objects.select_related("account").order_by("title")
    if not request.user.is_superuser:
        boards = boards.filter(supervisors=request.user)
    return render(request, "boards/index.html", {"boards": boards})
