"""A board's logo in a boards file: its PNG as base64 text, in lines of 76 characters.

The export writes the stored bytes. The import decodes the text and keeps only what
boards.logos.reencode_logo makes of it (a fresh PNG, metadata stripped, scaled to fit), so a
file brings in nothing but a logo we encoded ourselves. Bytes equal to the board's stored
logo are kept as they are: they are ours already, and re-encoding them with another Pillow
or zlib could give other bytes and make an unchanged file look changed.
"""

import base64
import binascii

from django.core.exceptions import ValidationError

from boards.as_code.document import INVALID, Error
from boards.logos import reencode_logo

LINE = 76  # as in MIME: short lines keep a diff of the file readable


class LogoText(str):
    """Base64 text the export writes as a YAML block (`logo: |`), not one 100 KB line."""


def logo_text(png: bytes) -> LogoText | None:
    if not png:
        return None
    text = base64.b64encode(png).decode("ascii")
    return LogoText("".join(f"{text[i : i + LINE]}\n" for i in range(0, len(text), LINE)))


def stored_png(board) -> bytes:
    return bytes(board.logo or b"") if board is not None else b""


def checked_png(value: str | None, stored: bytes, path: str, errors: list[Error]) -> object:
    """The PNG the board is to keep (b"" for none), or INVALID with the reason recorded."""
    if value is None:
        return b""
    try:
        data = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        errors.append(Error(path, "not base64 text: the logo is a PNG in base64, as exported"))
        return INVALID
    if stored and data == stored:
        return stored
    try:
        return reencode_logo(data)
    except ValidationError as error:
        errors.extend(Error(path, message) for message in error.messages)
        return INVALID
