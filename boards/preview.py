"""The admin's preview of a board as a TV shows it: the TV page, as a still, in a frame.

GET shows the board as saved; POST the board's change form as it stands (its fields and its
tiles), validated but never saved, so that an edit is seen before it reaches the screens.
Both render the TV audience from the account's last snapshot through the same presenter and
renderer as the worker (boards/presenters.py, boards/rendering.py) and the TV page's own
template (boards/views.render_page), without a socket: the page holds no kiosk token, and
nothing it shows is stored or pushed. Staff only (the admin site's login), with the board's
view permission; a POST carries the form's CSRF token.
"""

import dataclasses
import time

from csp.decorators import csp_replace
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from boards import messages, views
from boards.audience import Audience
from boards.board_settings import BoardSettings, TileSpec
from boards.layout import BoardTile
from boards.models import Board
from boards.presenters import Extras, board_view
from boards.rendering import freshness_html, render_board
from snapshots import freshness, store

ERRORS_TEMPLATE = "admin/boards/board/preview_errors.html"


def tv_page(request: HttpRequest, board: Board, settings: BoardSettings) -> HttpResponse:
    """The TV page of `settings` (the board's, or as edited) from the last snapshot."""
    stored = store.read_snapshot(settings.account_id)
    # What a TV sees besides the snapshot: the messages on screen (no alert history).
    extras = Extras(on_screen=messages.shown_on(settings.id, time.time()))
    view = board_view(settings, stored, Audience.TV, extras)
    fresh = freshness.read(settings.account_id)
    stale = fresh.is_stale(settings.poll_interval)
    return views.render_page(
        request,
        board,
        settings,
        Audience.TV,
        "boards/tv.html",
        version=view.version,
        body=render_board(view).body,
        freshness_element=freshness_html(fresh.fetched_at, stale, language=settings.language),
        ws_path=None,  # a still: no socket, no token
        extra={"rotation": None, "sound_enabled": False},
    )


def posted_tiles(model_admin, request: HttpRequest, board: Board):
    """The tile formset of the posted change form (the admin's own, as its change view
    builds it), or None where the admin has no tiles inline."""
    for formset, inline in model_admin.get_formsets_with_inlines(request, board):
        if inline.model is BoardTile:
            prefix = formset.get_default_prefix()
            return formset(**model_admin.get_formset_kwargs(request, board, inline, prefix))
    return None


def tile_specs(formset) -> tuple[TileSpec, ...]:
    """The posted tiles in the order they were dragged to; new ones last."""
    kept = [
        form
        for form in formset.forms
        if form.has_changed() or form.instance.pk is not None
        if not form.cleaned_data.get("DELETE")
    ]
    # A new tile cannot be dragged yet (django-admin-sortable2): it stays at the end.
    kept.sort(key=lambda form: (form.instance.pk is None, form.cleaned_data.get("position") or 0))
    return tuple(TileSpec(f.cleaned_data["kind"], f.cleaned_data["width"], f.options) for f in kept)


def form_errors(form, formset) -> list[str]:
    lines = [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
    if formset is not None:
        lines += [" ".join(formset.non_form_errors())] if formset.non_form_errors() else []
        for number, errors in enumerate(formset.errors, 1):
            lines += [f"Tile {number}, {name}: {' '.join(e)}" for name, e in errors.items()]
    return [line.replace("__all__: ", "") for line in lines]


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def preview_page(model_admin, request: HttpRequest, object_id: int) -> HttpResponse:
    board = get_object_or_404(Board.objects.select_related("account"), pk=object_id)
    if not model_admin.has_view_permission(request, board):
        raise PermissionDenied
    if request.method != "POST":
        return tv_page(request, board, BoardSettings.of(board))
    form = model_admin.get_form(request, board, change=True)(
        request.POST, request.FILES, instance=board
    )
    valid = form.is_valid()  # the board as posted, in memory: nothing is saved
    tiles = posted_tiles(model_admin, request, board)
    if not (valid and (tiles is None or tiles.is_valid())):
        lines = form_errors(form, tiles)
        return render(request, ERRORS_TEMPLATE, {"errors": lines}, status=200)
    settings = BoardSettings.of(board)
    if tiles is not None:
        settings = dataclasses.replace(settings, tiles=tile_specs(tiles))
    return tv_page(request, board, settings)
