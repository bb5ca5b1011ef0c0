"""The checks a product photo passes before it is kept, and what is kept of it."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from inventory.catalogue.photos import (
    DISPLAY_SIDE,
    MAX_PHOTO_BYTES,
    THUMB_SIDE,
    process_photo,
)
from kernel.errors import DomainError
from tests.photo_samples import animated, image_bytes, jpeg_with_gps_turned, png_bomb
from web.catalogue.photos import read_upload
from web.errors import TooLargeError


def _code(raw: bytes) -> str:
    with pytest.raises(DomainError) as refused:
        process_photo(raw)
    assert refused.value.field == "file"  # the form field that carried it
    assert refused.value.message_in("en") != refused.value.message_in("th")  # both languages
    return refused.value.code


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_real_jpeg_png_or_webp_is_kept_as_webp_display_and_thumbnail(fmt: str) -> None:
    photo = process_photo(image_bytes(fmt, (1600, 1200)))
    assert photo.source_format == fmt
    display = Image.open(io.BytesIO(photo.display))
    thumb = Image.open(io.BytesIO(photo.thumb))
    assert (display.format, thumb.format) == ("WEBP", "WEBP")
    assert display.size == (photo.display_width, photo.display_height) == (DISPLAY_SIDE, 360)
    assert thumb.size == (photo.thumb_width, photo.thumb_height) == (THUMB_SIDE, 72)
    assert len(photo.content_hash) == 64


def test_a_small_photo_is_not_enlarged() -> None:
    photo = process_photo(image_bytes("PNG", (80, 60)))
    assert (photo.display_width, photo.display_height) == (80, 60)
    assert (photo.thumb_width, photo.thumb_height) == (80, 60)


def test_exif_and_gps_are_dropped_and_the_photo_is_turned_upright() -> None:
    raw = jpeg_with_gps_turned()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)  # the sample does carry GPS
    photo = process_photo(raw)
    display = Image.open(io.BytesIO(photo.display))
    assert display.size == (240, 480)  # 600 × 300 turned a quarter: portrait
    assert not display.getexif() and "exif" not in display.info
    assert b"PhoneMaker" not in photo.display and b"Exif" not in photo.display


def test_the_same_picture_gives_the_same_hash_and_another_a_new_one() -> None:
    one = process_photo(image_bytes("PNG"))
    assert process_photo(image_bytes("PNG")).content_hash == one.content_hash
    assert process_photo(image_bytes("PNG", colour=(0, 0, 0))).content_hash != one.content_hash


def test_a_text_file_named_jpg_is_not_an_image() -> None:
    assert _code("ผ้าไหม, not a photo\n".encode() * 40) == "photo.not_an_image"


@pytest.mark.parametrize("fmt", ["GIF", "BMP"])
def test_other_image_formats_are_refused(fmt: str) -> None:
    assert _code(image_bytes(fmt)) == "photo.not_an_image"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_truncated_image_is_refused_as_damaged(fmt: str) -> None:
    raw = image_bytes(fmt, (800, 600))
    assert _code(raw[: len(raw) // 2]) == "photo.damaged"


def test_a_20000_by_20000_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = png_bomb(20_000)
    assert len(bomb) < MAX_PHOTO_BYTES  # small on the wire: the size limit alone would let it in
    assert _code(bomb) == "photo.too_many_pixels"


def test_a_bomb_under_pillows_own_guard_is_refused_by_ours() -> None:
    # 64 megapixels: over our 50, under Pillow's own 89
    assert _code(png_bomb(8_000)) == "photo.too_many_pixels"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_an_animation_is_refused(fmt: str) -> None:
    assert _code(animated(fmt)) == "photo.animated"


def test_an_empty_or_tiny_file_is_refused() -> None:
    assert _code(b"") == "photo.empty"
    assert _code(image_bytes("PNG", (8, 8))) == "photo.too_small"


def test_a_file_over_the_limit_is_refused_413_without_reading_it_all() -> None:
    stream = io.BytesIO(b"\xff\xd8" + b"\0" * (MAX_PHOTO_BYTES * 2))
    with pytest.raises(TooLargeError) as refused:
        read_upload(stream)
    assert refused.value.code == "photo.too_large"
    assert stream.tell() == MAX_PHOTO_BYTES + 1
    assert _code(b"\0" * (MAX_PHOTO_BYTES + 1)) == "photo.too_large"
    assert read_upload(io.BytesIO(b"x" * MAX_PHOTO_BYTES)) == b"x" * MAX_PHOTO_BYTES
