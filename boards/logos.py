"""A board's logo: what an upload may be, and the PNG we keep of it (README "Themes").

An upload is never stored or served as sent. Pillow decodes it, and only a PNG or a JPEG by
its content (its name and declared type are ignored), so an SVG with script, a polyglot or a
format with a fragile decoder never reaches a screen. We keep a freshly encoded PNG, scaled to
fit a header, without the upload's metadata (EXIF: camera, place, time). The digest names the
logo's URL (boards/look_views.py), which browsers may therefore cache for good.
"""

import hashlib
import io

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

from boards.models import Board

MAX_LOGO_BYTES = 1024 * 1024
# Checked from the header, before decoding: a small file may claim a huge canvas.
MAX_LOGO_PIXELS = 25_000_000
# A header shows the logo at most ~110 px high (4K); twice that stays sharp on any screen.
LOGO_BOX = (800, 200)
# Pillow names a JPEG that holds several pictures (some cameras and phones) "MPO".
ACCEPTED_FORMATS = {"PNG", "JPEG", "MPO"}


def reencode_logo(data: bytes) -> bytes:
    """The PNG we keep of an uploaded logo; ValidationError saying what is wrong otherwise."""
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(
            f"The logo is {len(data) / 1024 / 1024:.1f} MB: at most 1 MB, please.",
            code="logo_too_large",
        )
    image = _open(data)
    width, height = image.size
    if width * height > MAX_LOGO_PIXELS:
        raise ValidationError(
            f"The logo is {width} x {height} pixels: at most 25 megapixels, please.",
            code="logo_too_many_pixels",
        )
    try:
        image.load()
        image = ImageOps.exif_transpose(image)  # a phone's photo the right way up
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "The logo file is damaged or incomplete: it could not be read.",
            code="logo_damaged",
        ) from error
    image = _without_metadata(image)
    image.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _open(data: bytes) -> Image.Image:
    """The image, its header read but not its pixels; only Pillow's PNG and JPEG readers try."""
    try:
        image = Image.open(io.BytesIO(data), formats=["PNG", "JPEG"])
    except Image.DecompressionBombError as error:
        raise ValidationError(
            "The logo's image is far too large (in pixels): at most 25 megapixels, please.",
            code="logo_too_many_pixels",
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "The logo must be a PNG or JPEG image (SVG, GIF, WebP and others are refused).",
            code="logo_format",
        ) from error
    if image.format not in ACCEPTED_FORMATS:  # no other reader tries; kept as the rule's record
        raise ValidationError("The logo must be a PNG or JPEG image.", code="logo_format")
    return image


def _without_metadata(image: Image.Image) -> Image.Image:
    """The pixels alone, in RGB or (where the upload has transparency) RGBA."""
    transparent = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or ("transparency" in image.info)
    if image.mode.startswith("I"):  # 16- or 32-bit grey: to 8 bits first
        image = image.point(lambda value: value / 256).convert("L")
    pixels = image.convert("RGBA" if transparent else "RGB")
    # A new image of the same pixels carries none of the upload's info (EXIF, text, ICC).
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    return clean


def logo_digest(png: bytes) -> str:
    return hashlib.sha256(png).hexdigest()[:16]


def store_logo(board: Board, png: bytes | None) -> None:
    """Keep (or, with None, remove) the board's logo, a PNG from reencode_logo.

    Saved at once, with the fields it changes: the board's post_save receivers
    (polling/receivers.py) render its feeds anew on commit whatever fields a save names, so
    its screens pick the new logo up; naming them keeps a concurrent edit of the board's
    other fields from being overwritten with what this instance read earlier.
    """
    board.logo = png or b""
    board.logo_digest = logo_digest(png) if png else ""
    if board.pk is None:
        board.save()
    else:
        board.save(update_fields=["logo", "logo_digest", "updated_at"])
