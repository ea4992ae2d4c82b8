"""`/boards/<slug>/replay?at=<ISO 8601>`: the board as it was at that moment, for the board's
supervisors only (a plain 404 for anyone else). The supervisor page shows it in a frame
(static/boards/replay.js, `embedded=1`); opened by itself it is a page of its own."""

import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from csp.decorators import csp_replace
from django.conf import settings as django_settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin

from boards.access import watched_board
from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.language import board_language
from boards.rendering import freshness_html
from boards.views import render_page
from replay.board_at import board_at
from snapshots import replay


def parse_moment(text: str, zone: ZoneInfo) -> float:
    """Unix seconds of an ISO 8601 time; one without an offset is in the account's zone. A
    "+01:00" typed into an address bar arrives as " 01:00": read as the offset it was."""
    text = re.sub(r" (\d\d:?\d\d)$", r"+\1", text.strip())
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.timestamp()


def _missing(request, board, zone: ZoneInfo, reason: str, embedded: bool) -> HttpResponse:
    """`reason`: in the board's language already (board_replay's)."""
    stored = replay.window(board.account.account_id)
    window = tuple(datetime.fromtimestamp(t, zone) for t in stored) if stored else None
    context = {
        "board": board,
        "reason": reason,
        "window": window,
        "time_zone": zone.key,
        "embedded": embedded,
    }
    with board_language(board):
        return render(request, "boards/replay_missing.html", context, status=404)


@login_required
@never_cache
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def board_replay(request: HttpRequest, slug: str) -> HttpResponse:
    board = watched_board(request, slug)
    zone = ZoneInfo(board.account.time_zone)
    embedded = request.GET.get("embedded") == "1"
    try:
        at = parse_moment(request.GET["at"], zone)
    except (KeyError, ValueError):
        return HttpResponseBadRequest(
            "at= must be a time in ISO 8601, e.g. 2026-12-02T09:30:00Z.", content_type="text/plain"
        )
    hours, now = django_settings.REPLAY_HOURS, time.time()
    if not now - hours * 3600 <= at <= now:
        with board_language(board):
            reason = _("Replay keeps the last %(hours)s hours, up to now.") % {"hours": hours}
        return _missing(request, board, zone, reason, embedded)
    audience = Audience.of_user(request.user)
    found = board_at(board, audience, at)
    if found is None:
        with board_language(board):
            reason = _("The board's log has nothing stored from before that moment.")
        return _missing(request, board, zone, reason, embedded)
    return render_page(
        request,
        board,
        BoardSettings.of(board),
        audience,
        "boards/replay.html",
        version=found.render.version,
        body=found.render.body,
        freshness_element=freshness_html(found.moment.fetched_at, False, language=board.language),
        ws_path=None,
        extra={
            "replay_at": at,
            "moment_local": datetime.fromtimestamp(at, zone),
            "time_zone": zone.key,
            "embedded": embedded,
        },
    )
