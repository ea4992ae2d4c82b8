"""A board's look as files: its accent colour as a tiny stylesheet, its logo as a PNG.

The Content-Security-Policy allows no inline style, so a board's accent cannot be written into
its page: the page links `/boards/look/<board id>-<rrggbb>.css` instead (templates/boards/
page.html). Both URLs name what they serve (the colour; the logo's digest, boards/logos.py),
so browsers and proxies keep them for good: a new colour or logo is a new URL.

No login: TVs and public pages show the logo too, and neither file is personal data. Neither
carries a board's title, and each answers 404 unless that board has that very colour or logo,
so they tell nothing about boards one cannot see (a logo's digest is 64 bits: not guessable).
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from boards.models import Board

# A year: the longest lifetime caches honour; "immutable": not even revalidated on reload.
FOREVER = "public, max-age=31536000, immutable"
BLACK, WHITE = "#000000", "#ffffff"


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of "#rrggbb"."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)


def contrast_ratio(one: str, other: str) -> float:
    lighter, darker = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def accent_ink(accent: str) -> str:
    """Black or white, whichever reads better on the accent: at least 4.58:1 for any colour
    (AA for text), which is why text on the accent is always in its ink."""
    return BLACK if contrast_ratio(accent, BLACK) >= contrast_ratio(accent, WHITE) else WHITE


def accent_css(accent: str) -> str:
    accent = accent.lower()
    # Above the themes' own accents (static/boards/themes.css) whatever the sheets' order.
    return f":root body[data-theme]{{--accent:{accent};--accent-ink:{accent_ink(accent)}}}\n"


def _forever(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = FOREVER
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def accent_stylesheet(request: HttpRequest, board_id: str, colour: str) -> HttpResponse:
    accent = Board.objects.filter(pk=board_id).values_list("accent_color", flat=True).first()
    if not accent or accent.lower() != f"#{colour}":
        raise Http404("no such look")
    return _forever(HttpResponse(accent_css(accent), content_type="text/css; charset=utf-8"))


@require_safe
def logo(request: HttpRequest, board_id: str, digest: str) -> HttpResponse:
    boards = Board.objects.filter(pk=board_id, logo_digest=digest)
    png = boards.values_list("logo", flat=True).first()
    if not png:
        raise Http404("no such logo")
    return _forever(HttpResponse(bytes(png), content_type="image/png"))
