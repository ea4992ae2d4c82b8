"""The language a board speaks: its own setting, never the viewer's browser.

A wall TV has no user and no preference; the worker renders each (board, audience) once for
every viewer. So every render of a board runs inside `board_language(settings)`: the
board's words (templates, view-model labels, the public JSON's words, badges) and its
number formats come from the board's `language`, whatever process or request renders it.
`translation.override` restores the language that was active before, so two boards
rendered one after the other by the same worker never leak into each other.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from django.conf import settings
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class SpeaksALanguage(Protocol):
    language: str


def language_code(board: SpeaksALanguage | str | None) -> str:
    """The board's language if we translate it, else the site's default (a board saved
    before a language was dropped from LANGUAGES still renders, in English)."""
    code = board if isinstance(board, str) or board is None else board.language
    known = {code for code, _ in settings.LANGUAGES}
    return code if code in known else settings.LANGUAGE_CODE


@contextmanager
def board_language(board: SpeaksALanguage | str | None) -> Iterator[str]:
    """`with board_language(settings): ...` renders in the board's language."""
    code = language_code(board)
    with translation.override(code):
        yield code


# The agents' states and calls' directions in words (boards/view_models.py), looked up in
# the language of the render that asks.
STATUS_LABELS = {
    "available": _("Available"), "on_call": _("On call"),
    "online": _("Online"), "offline": _("Offline"),
}  # fmt: skip
# One short word for a dense card: free, on a call, online, off.
STATUS_SHORT = {
    "available": pgettext_lazy("agent state, short", "Free"),
    "on_call": pgettext_lazy("agent state, short", "Call"),
    "online": pgettext_lazy("agent state, short", "Online"),
    "offline": pgettext_lazy("agent state, short", "Off"),
}
DIRECTION_LABELS = {
    "inbound": pgettext_lazy("call direction", "In"),
    "outbound": pgettext_lazy("call direction", "Out"),
}


def _reason_in_words(reason: str) -> str:
    whole = gettext(reason)
    if whole != reason:
        return whole
    head, parenthesis, details = reason.partition(" (")
    return gettext(head) + parenthesis + details if parenthesis else reason


def limited_reason(reason: str | None) -> str | None:
    """Why the data is limited (the poller's words: polling/public_fallback.py), in the language
    of the render that shows it. The snapshot keeps them in English: every board of the account
    shares it. A sentence the catalogue has is translated whole; else its head, up to the API's
    own words in parentheses ("API key rejected (401 invalid_key): ...")."""
    return lazy(_reason_in_words, str)(reason) if reason else reason
