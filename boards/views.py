"""Board pages: the TV kiosk, the supervisor board and the public status embed.

Each page is the feed's current render (the same fragments the websocket pushes), inside a
page that connects to the matching websocket route. Who may see what is decided here and in
live/consumers.py, the same way: a board a user may not watch is a plain 404.
"""

import time

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from boards.feeds import board_settings, current_render
from boards.models import Board, KioskToken, hash_token
from boards.presenters import STALE_AFTER_INTERVALS, Audience
from boards.rendering import freshness_html


def _page(
    request: HttpRequest, board: Board, audience: Audience, ws_path: str, template: str
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
        "freshness": freshness_html(fetched_at, stale),
        "ws_path": ws_path,
    }
    return render(request, template, context)


def tv(request: HttpRequest, token: str) -> HttpResponse:
    found = KioskToken.objects.find(token)
    if found is None:
        if KioskToken.objects.filter(token_hash=hash_token(token), revoked_at__isnull=False):
            return render(request, "boards/unlinked.html", status=410)
        raise Http404
    KioskToken.objects.filter(pk=found.pk).update(last_seen_at=timezone.now())
    board = Board.objects.select_related("account").get(pk=found.board_id)
    return _page(request, board, "tv", f"/ws/wallboard/tv/{token}/", "boards/tv.html")


@login_required
def supervisor(request: HttpRequest, slug: str) -> HttpResponse:
    board = get_object_or_404(Board.objects.select_related("account"), slug=slug)
    if not board.can_be_watched_by(request.user):
        raise Http404
    audience: Audience = "admin" if request.user.is_superuser else "supervisor"
    ws_path = f"/ws/wallboard/boards/{slug}/"
    return _page(request, board, audience, ws_path, "boards/supervisor.html")


def public_status(request: HttpRequest, slug: str) -> HttpResponse:
    board = get_object_or_404(Board.objects.select_related("account"), slug=slug, is_public=True)
    return _page(request, board, "public", f"/ws/status/{slug}/", "boards/status.html")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    boards = Board.objects.select_related("account").order_by("title")
    if not request.user.is_superuser:
        boards = boards.filter(supervisors=request.user)
    return render(request, "boards/index.html", {"boards": boards})
