"""Messages to the floor on the supervisor page: post one, list the recent ones, withdraw.

The panel (`templates/boards/history/_messages.html`) is loaded by the page with htmx and
posts with htmx, answered with the panel again (its errors, escaped, where the text was
refused); without htmx a post redirects back to the board. Who may post is who may watch
the board (boards/access.py): anyone else gets the 404 of a board that does not exist. The
screens get the message as a diff of the account's next render (polling/repaint.py).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from boards.access import watched_board
from boards.language import board_language
from boards.messages import EXPIRY_CHOICES, MAX_LENGTH, BoardMessage
from boards.models import Board
from boards.templatetags.board_time import BoardClock

PANEL = "boards/history/_messages.html"
RECENT_ROWS = 10


class MessageForm(forms.Form):
    # No max_length here: the model's rule (after stripping) gives the one error message.
    text = forms.CharField(
        label=_("Message"),
        strip=False,
        required=False,
        widget=forms.TextInput(
            attrs={"maxlength": MAX_LENGTH, "placeholder": _("Team huddle at 15:00")}
        ),
    )
    expiry = forms.TypedChoiceField(
        label=_("Show for"), choices=EXPIRY_CHOICES, coerce=int, initial=60
    )

    def message_for(self, board: Board, author) -> BoardMessage | None:
        """The message as posted, checked by the model's rules; None (with errors) if not."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        message = BoardMessage.compose(board, author, data["text"], data["expiry"])
        try:
            message.full_clean()
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                self.add_error("text" if field in ("text", NON_FIELD) else "expiry", errors)
            return None
        return message


NON_FIELD = "__all__"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _panel(request: HttpRequest, board: Board, form: MessageForm | None = None) -> HttpResponse:
    now = timezone.now()
    recent = board.messages.select_related("author", "withdrawn_by")[:RECENT_ROWS]
    context = {
        "board": board,
        "form": form or MessageForm(),
        "rows": [(m, m.status_at(now)) for m in recent],
        # Times in the account's zone, on the board's clock (templatetags/board_time.py).
        "clock": BoardClock.of(board),
        "max_length": MAX_LENGTH,
    }
    status = 400 if form is not None and form.errors and not _is_htmx(request) else 200
    return render(request, PANEL, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def messages_panel(request: HttpRequest, slug: str) -> HttpResponse:
    board = watched_board(request, slug)
    # The panel is part of the board's page: its words and the form's errors in the board's
    # language (boards/language.py), not the request's.
    with board_language(board):
        return _panel(request, board) if request.method == "GET" else _post(request, board)


def _post(request: HttpRequest, board: Board) -> HttpResponse:
    form = MessageForm(request.POST)
    message = form.message_for(board, request.user)
    if message is None:
        # htmx swaps only 2xx answers: the panel with its errors comes back as a 200.
        return _panel(request, board, form)
    message.save()
    if not _is_htmx(request):
        return redirect("board-supervisor", slug=board.slug)
    return _panel(request, board)


@login_required
@require_POST
def withdraw_message(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    board = watched_board(request, slug)
    get_object_or_404(BoardMessage, pk=message_id, board=board).withdraw(request.user)
    if not _is_htmx(request):
        return redirect("board-supervisor", slug=board.slug)
    with board_language(board):
        return _panel(request, board)
