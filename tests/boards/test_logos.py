"""boards/logos.py: only PNG and JPEG by content, size- and pixel-limited, re-encoded."""

import io
import json
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from boards.logos import MAX_LOGO_BYTES, logo_digest, reencode_logo, store_logo
from boards.models import Board


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def decoded(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def png_claiming(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose header claims another size (its CRC fixed): a decompression bomb
    as far as a reader that trusts the header is concerned."""
    data = bytearray(encoded(Image.new("RGB", (1, 1)), "PNG"))
    ihdr = 8 + 8  # signature, then the IHDR chunk's length and type
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr - 4 : ihdr + 13]))
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


def refusal(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        reencode_logo(data)
    return caught.value


def test_it_keeps_a_png_as_a_png_with_its_transparency():
    image = Image.new("RGBA", (120, 60), (0, 0, 0, 0))
    image.paste((10, 124, 255, 255), (0, 0, 60, 60))
    png = reencode_logo(encoded(image, "PNG"))
    out = decoded(png)
    assert out.format == "PNG"
    assert out.mode == "RGBA"
    assert out.size == (120, 60)
    assert out.getpixel((10, 10)) == (10, 124, 255, 255)
    assert out.getpixel((100, 10))[3] == 0


def test_it_keeps_a_palette_pngs_transparent_colour_transparent():
    image = Image.new("P", (40, 40), 0)
    image.putpalette([255, 255, 255, 200, 0, 0] + [0, 0, 0] * 254)
    image.paste(1, (0, 0, 20, 40))
    out = decoded(reencode_logo(encoded(image, "PNG", transparency=0)))
    assert out.mode == "RGBA"
    assert out.getpixel((30, 5))[3] == 0
    assert out.getpixel((5, 5)) == (200, 0, 0, 255)


def test_it_turns_a_jpeg_into_a_png_without_its_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0132] = "2026:12:03 10:00:00"  # DateTime
    jpeg = encoded(Image.new("RGB", (300, 100), (200, 30, 30)), "JPEG", exif=exif)
    assert b"PhoneMaker" in jpeg
    png = reencode_logo(jpeg)
    out = decoded(png)
    assert out.format == "PNG"
    assert out.mode == "RGB"
    assert b"PhoneMaker" not in png
    assert not out.getexif()
    assert "exif" not in out.info


def test_it_turns_a_phone_photo_the_right_way_up():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to view
    jpeg = encoded(Image.new("RGB", (200, 100), (0, 0, 255)), "JPEG", exif=exif)
    assert decoded(reencode_logo(jpeg)).size == (100, 200)


def test_it_drops_a_pngs_text_chunks():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Jane Doe, jane@example.com")
    png = reencode_logo(encoded(Image.new("RGB", (50, 20)), "PNG", pnginfo=info))
    assert b"jane@example.com" not in png
    assert "Author" not in decoded(png).info


def test_it_scales_a_large_logo_down_to_fit_the_header_keeping_its_aspect():
    out = decoded(reencode_logo(encoded(Image.new("RGB", (3000, 1000), "white"), "JPEG")))
    assert out.size == (600, 200)
    wide = decoded(reencode_logo(encoded(Image.new("RGB", (4000, 400), "white"), "PNG")))
    assert wide.size == (800, 80)


def test_it_leaves_a_small_logo_at_its_size():
    assert decoded(reencode_logo(encoded(Image.new("RGB", (64, 32)), "PNG"))).size == (64, 32)


def test_it_refuses_an_svg_whatever_it_is_called():
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
    )
    error = refusal(svg)
    assert "PNG or JPEG" in error.messages[0]
    assert error.code == "logo_format"


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "BMP", "TIFF"])
def test_it_refuses_other_image_formats(fmt):
    error = refusal(encoded(Image.new("RGB", (20, 20), "red"), fmt))
    assert "PNG or JPEG" in error.messages[0]


def test_it_refuses_a_file_over_the_size_limit_before_reading_it():
    noise = Image.frombytes("RGB", (700, 700), bytes(range(256)) * (700 * 700 * 3 // 256 + 1))
    big = encoded(noise, "PNG", compress_level=0)
    assert len(big) > MAX_LOGO_BYTES
    error = refusal(big)
    assert "at most 1 MB" in error.messages[0]
    assert error.code == "logo_too_large"


def test_it_refuses_an_image_over_the_pixel_limit_from_its_header():
    error = refusal(png_claiming(6000, 5000))
    assert "6000 x 5000 pixels" in error.messages[0]
    assert error.code == "logo_too_many_pixels"


def test_it_refuses_a_decompression_bomb_that_pillow_itself_flags():
    error = refusal(png_claiming(40_000, 40_000))
    assert error.code == "logo_too_many_pixels"


def test_it_refuses_a_truncated_file_with_a_clear_message():
    whole = encoded(Image.effect_noise((200, 200), 60).convert("RGB"), "PNG")
    error = refusal(whole[: len(whole) // 2])
    assert "damaged or incomplete" in error.messages[0]
    assert error.code == "logo_damaged"


def test_it_refuses_a_truncated_jpeg():
    whole = encoded(Image.effect_noise((300, 300), 60).convert("RGB"), "JPEG")
    assert refusal(whole[: len(whole) // 3]).code == "logo_damaged"


def test_it_refuses_an_empty_file_and_text():
    assert refusal(b"").code == "logo_format"
    assert refusal(b"hello, this is not an image").code == "logo_format"


@pytest.mark.django_db
def test_store_logo_keeps_the_png_and_its_digest_and_removes_them(account):
    board = Board.objects.create(title="Floor", slug="floor", account=account)
    png = reencode_logo(encoded(Image.new("RGB", (40, 20), "blue"), "PNG"))
    store_logo(board, png)
    fresh = Board.objects.get(pk=board.pk)
    assert fresh.logo_digest == logo_digest(png)
    assert len(fresh.logo_digest) == 16
    assert bytes(fresh.logo) == png
    store_logo(fresh, None)
    gone = Board.objects.get(pk=board.pk)
    assert gone.logo_digest == ""
    assert bytes(gone.logo) == b""


@pytest.mark.django_db
def test_store_logo_leaves_the_boards_other_fields_as_they_are_in_the_database(account):
    board = Board.objects.create(title="Floor", slug="floor", account=account)
    Board.objects.filter(pk=board.pk).update(title="Renamed meanwhile")
    store_logo(board, reencode_logo(encoded(Image.new("RGB", (4, 4)), "PNG")))
    assert Board.objects.get(pk=board.pk).title == "Renamed meanwhile"


@pytest.mark.django_db(transaction=True)
def test_store_logo_has_the_worker_render_the_boards_feeds_anew(account, redis_client):
    board = Board.objects.create(title="Floor", slug="floor", account=account)
    redis_client.delete("celery")
    store_logo(board, reencode_logo(encoded(Image.new("RGB", (4, 4)), "PNG")))
    sent = [json.loads(raw)["headers"] for raw in redis_client.lrange("celery", 0, -1)]
    assert [(h["task"], h["argsrepr"]) for h in sent] == [
        ("polling.tasks.refresh_board", f"({board.pk},)")
    ]
