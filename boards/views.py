"""Board pages: the TV kiosk, the supervisor board and the public status embed.

Each page is the feed's stored render (the same fragments the websocket pushes), inside a
page that connects to the matching websocket route. Pages only read: the worker renders
(polling/publish.py); a board it has not rendered yet shows "waiting for the first data"
until the socket brings the render. Who may see what is decided here and in
live/consumers.py, the same way: a board a user may not watch is a plain 404.
"""

import time
from functools import wraps

from csp.decorators import csp_replace
from django.conf import settings as django_settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_exempt
from django_ratelimit.core import get_usage, is_ratelimited
from django_ratelimit.exceptions import Ratelimited

from boards import playlists, slots
from boards.access import watched_board
from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.feeds import read_render
from boards.language import board_language
from boards.models import MAX_TOKEN_LENGTH, Board, KioskToken, RetiredKioskLink, hash_token
from boards.presenters import board_view
from boards.public_limit import per_ip_limit
from boards.rendering import freshness_html, render_board
from boards.slots import Parts
from boards.tv_care import BoardHours
from snapshots import freshness
from wallboard.build import page_build


def _public_rate(group: str, request: HttpRequest) -> str:
    return django_settings.PUBLIC_RATE_LIMIT


def _kiosk_rate(group: str, request: HttpRequest) -> str:
    return django_settings.KIOSK_RATE_LIMIT


def _kiosk_token(group: str, request: HttpRequest) -> str:
    return hash_token(request.resolver_match.kwargs["token"])


def per_screen_limit(view):
    """A TV page is limited per screen (kiosk token), not per address: the TVs of one office
    share its address, and a "reload all screens" brings them all at once. The reload check
    (a HEAD first, static/boards/screen.js) counts nothing: it answers whether a page load
    would pass now, so that a TV never reloads into the 429 page."""

    @wraps(view)
    def limited(request: HttpRequest, token: str) -> HttpResponse:
        checking = request.method == "HEAD"
        usage = get_usage(
            request, "tv-screen", key=_kiosk_token, rate=_kiosk_rate, increment=not checking
        )
        if usage and (usage["count"] >= usage["limit"] if checking else usage["should_limit"]):
            raise Ratelimited()
        return view(request, token)

    return limited


def _refuse_unknown_token_guessing(request: HttpRequest) -> None:
    """Tokens that match no screen are limited per address, so nobody guesses at speed."""
    if is_ratelimited(
        request, group="tv-unknown-token", key="ip", rate=_public_rate, increment=True
    ):
        raise Ratelimited()


def embeddable(view):
    """Public status pages may be framed, by EMBED_ALLOWED_ORIGINS only; nothing else may."""
    view = xframe_options_exempt(view)
    return csp_replace({"frame-ancestors": django_settings.EMBED_ALLOWED_ORIGINS})(view)


def public_board(slug: str) -> Board:
    return get_object_or_404(Board.objects.select_related("account"), slug=slug, is_public=True)


def _body(settings: BoardSettings, audience: Audience) -> tuple[int, str]:
    """The stored render's version and body; before the worker's first render of this feed,
    version 0 and the "waiting for the first data" body (rendered here, stored nowhere)."""
    cached = read_render(settings.id, audience)
    if cached is not None:
        return cached.version, cached.body
    return 0, render_board(board_view(settings, None, audience)).body


def page_context(
    board: Board | None,
    settings: BoardSettings,
    audience: Audience,
    *,
    version: int,
    body: str,
    freshness_element: str,
    ws_path: str | None,
    server_now: str,
    extra: dict | None = None,
) -> dict:
    return {
        "board": settings,
        "audience": audience,
        "version": version,
        "body": body,
        "freshness": freshness_element,
        "ws_path": ws_path,
        "build_id": page_build(settings.look),
        # Business hours: TVs dim outside them, supervisors see "closed" (not public pages).
        "hours": BoardHours.of(board) if audience.sees_business_hours else None,
        "server_now": server_now,
        **(extra or {}),
    }


def render_page(
    request: HttpRequest,
    board: Board,
    settings: BoardSettings,
    audience: Audience,
    template: str,
    *,
    version: int,
    body: str,
    freshness_element: str,
    ws_path: str | None,
    extra: dict | None = None,
) -> HttpResponse:
    """A board page around `body`, in the board's language (never the viewer's: a TV has
    none); `ws_path` None for a still (a replay): no socket."""
    context = page_context(
        board,
        settings,
        audience,
        version=version,
        body=body,
        freshness_element=freshness_element,
        ws_path=ws_path,
        # The server's clock at this request (the stored render's is as old as the render):
        # the page's first estimate of it, until the socket's messages bring their own.
        server_now=f"{time.time():.3f}",
        extra=extra,
    )
    with board_language(settings):
        return render(request, template, context)


def _page(
    request: HttpRequest,
    board: Board,
    audience: Audience,
    ws_path: str,
    template: str,
    extra: dict | None = None,
    settings: BoardSettings | None = None,
) -> HttpResponse:
    """`settings`: the board's, where the caller has read them already (a TV's playlist)."""
    settings = settings or BoardSettings.of(board)
    version, body = _body(settings, audience)
    fresh = freshness.read(settings.account_id)
    error = fresh.error if audience.sees_detail else None
    stale = fresh.is_stale(settings.poll_interval)
    return render_page(
        request,
        board,
        settings,
        audience,
        template,
        version=version,
        body=body,
        freshness_element=freshness_html(
            fresh.fetched_at, stale, error, language=settings.language
        ),
        ws_path=ws_path,
        extra=extra,
    )


@per_screen_limit
def tv(request: HttpRequest, token: str) -> HttpResponse:
    found = KioskToken.objects.find(token)
    if found is None:
        _refuse_unknown_token_guessing(request)
        if len(token) <= MAX_TOKEN_LENGTH and RetiredKioskLink.was_linked(token):
            return render(request, "boards/unlinked.html", status=410)
        raise Http404
    KioskToken.objects.filter(pk=found.pk).update(last_seen_at=timezone.now())
    # With a playlist, the board the rotation is at now; the socket takes it from there.
    screen = playlists.screen_at(found, time.time())
    ws_path = f"/ws/wallboard/tv/{token}/"
    # sound_enabled: whether this screen beeps during alerts (static/boards/alerts.js).
    extra = {"rotation": screen.rotation, "sound_enabled": found.sound_enabled}
    return _page(
        request, screen.board, Audience.TV, ws_path, "boards/tv.html", extra, screen.settings
    )


@login_required
def supervisor(request: HttpRequest, slug: str) -> HttpResponse:
    board = watched_board(request, slug)
    ws_path = f"/ws/wallboard/boards/{slug}/"
    audience = Audience.of_user(request.user)
    extra = {
        "replay_hours": django_settings.REPLAY_HOURS,
        "replay_seconds": django_settings.REPLAY_HOURS * 3600,
        "time_zone": board.account.time_zone,
    }
    return _page(request, board, audience, ws_path, "boards/supervisor.html", extra)


def public_page_parts(settings: BoardSettings, version: int, body: str) -> Parts:
    """The public status page, rendered once per change of the board: its clock and its
    freshness element are filled in per request (boards/slots.py)."""
    context = page_context(
        None,  # public pages show no business hours
        settings,
        Audience.PUBLIC,
        version=version,
        body=body,
        freshness_element=mark_safe(slots.FRESHNESS_SLOT),  # noqa: S308 (our own marker)
        ws_path=f"/ws/status/{settings.slug}/",
        server_now=slots.NOW_SLOT,
    )
    with board_language(settings):
        return slots.split(render_to_string("boards/status.html", context), quoted=False)


@per_ip_limit("page")
@embeddable
def public_status(request: HttpRequest, slug: str) -> HttpResponse:
    board = public_board(slug)
    settings = BoardSettings.of(board)
    version, body = _body(settings, Audience.PUBLIC)
    fresh = freshness.read(settings.account_id)
    stale = fresh.is_stale(settings.poll_interval)
    parts = public_page_parts(settings, version, body)
    language = settings.language
    page = slots.fill(
        parts, time.time(), lambda: freshness_html(fresh.fetched_at, stale, language=language)
    )
    return HttpResponse(page)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    boards = Board.objects.select_related("account").order_by("title")
    if not request.user.is_superuser:
        boards = boards.filter(supervisors=request.user)
    return render(request, "boards/index.html", {"boards": boards})
