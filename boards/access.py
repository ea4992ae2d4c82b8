"""Who may watch a board's supervisor pages (the board, its chart, replay and reports): the
one check, the same as live/supervisors.py makes for the socket. Any other user gets a plain
404, as for a board that does not exist."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from boards.models import Board


def watched_board(request: HttpRequest, slug: str) -> Board:
    board = get_object_or_404(Board.objects.select_related("account"), slug=slug)
    if not board.can_be_watched_by(request.user):
        raise Http404
    return board
