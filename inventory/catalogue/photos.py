"""A product's photo, checked and re-encoded: what an upload must be and what is kept of it.

Nothing the browser sent is stored or served as sent. The bytes are decoded with Pillow
(only its JPEG, PNG and WebP decoders are tried), refused when they are not a whole still
image of a sane size, turned upright by their EXIF orientation, and written again as two
WebP files: a display size and a thumbnail. Writing them again drops the EXIF block (GPS
position, camera serial), any ICC profile, comments and whatever was appended after the
image; the stored bytes are only pixels this code encoded.

Limits (each refusal has its own code, Thai with English beside it in the catalogue):

- :data:`MAX_PHOTO_BYTES` (5 MB) for the file as uploaded: a phone's 12-megapixel JPEG is
  2-5 MB. The web layer refuses a larger file before reading it all (413).
- :data:`MAX_PIXELS` (50 megapixels) and :data:`MAX_SIDE` (12,000 px), checked from the
  header before any pixel is decoded: a decompression bomb (a small PNG that inflates to
  20,000 × 20,000) is refused without allocating its pixels.
- Animated images (APNG, animated WebP) are refused: a product photo is one picture.

A JPEG is decoded at a reduced scale (``draft``) when it is much larger than the display
size: a 48-megapixel photo then costs a sixteenth of its full decode in time and memory.
Pure: the standard library, Pillow and the kernel's errors; no database.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from kernel.errors import InvalidInputError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 50_000_000
MAX_SIDE = 12_000
MIN_SIDE = 16
DISPLAY_SIDE = 480  # the product page and the portal, sharp at 2x on a phone
THUMB_SIDE = 96  # the till's 48 px card picture at 2x
MEDIA_TYPE = "image/webp"
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
_QUALITY = {"display": 82, "thumb": 78}


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo as stored: two WebP encodings and a hash of both (its URL's version)."""

    display: bytes
    display_width: int
    display_height: int
    thumb: bytes
    thumb_width: int
    thumb_height: int
    source_format: str  # JPEG, PNG or WEBP: what was uploaded (for the audit log)
    source_bytes: int

    @property
    def content_hash(self) -> str:
        digest = hashlib.sha256()
        digest.update(self.display)
        digest.update(b"\0")
        digest.update(self.thumb)
        return digest.hexdigest()


def _not_an_image() -> InvalidInputError:
    return InvalidInputError(
        "photo.not_an_image",
        "ไฟล์นี้ไม่ใช่รูปภาพที่รับได้: ใช้รูป JPEG, PNG หรือ WebP",
        field="file",
    )


def _too_many_pixels(width: int | None = None, height: int | None = None) -> InvalidInputError:
    return InvalidInputError(
        "photo.too_many_pixels",
        "รูปมีขนาดพิกเซลใหญ่เกินไป: รับได้ไม่เกิน {max_side} พิกเซลต่อด้าน และไม่เกิน"
        " {max_megapixels} ล้านพิกเซล ย่อรูปแล้วอัปโหลดอีกครั้ง",
        field="file",
        max_side=MAX_SIDE,
        max_megapixels=MAX_PIXELS // 1_000_000,
        width=width,
        height=height,
    )


def process_photo(raw: bytes) -> Photo:
    """Check ``raw`` (an uploaded file) and re-encode it, or raise the reason it is refused."""
    if len(raw) > MAX_PHOTO_BYTES:  # the web layer refuses it first, as 413 with this code
        raise InvalidInputError(
            "photo.too_large",
            "รูปใหญ่เกิน {limit_mb} MB: ย่อรูปหรือถ่ายใหม่ให้เล็กลงแล้วอัปโหลดอีกครั้ง",
            field="file",
            limit_mb=MAX_PHOTO_BYTES // (1024 * 1024),
        )
    if not raw:
        raise InvalidInputError("photo.empty", "ไม่ได้เลือกไฟล์รูป หรือไฟล์ว่างเปล่า", field="file")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(raw), formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            # Pillow's own guard (over ~89 megapixels) spoke before ours could.
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise _not_an_image() from None
        with image:
            _check_header(image)
            source_format = str(image.format)
            if source_format == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 scale, never below twice the display size.
                image.draft("RGB", (DISPLAY_SIDE * 2, DISPLAY_SIDE * 2))
            try:
                image.load()
                upright = ImageOps.exif_transpose(image)
            except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning):
                raise InvalidInputError(
                    "photo.damaged",
                    "รูปนี้เสียหายหรืออัปโหลดไม่ครบ: อัปโหลดไฟล์รูปอีกครั้ง",
                    field="file",
                ) from None
    pixels = _plain(upright)
    display = _encoded(pixels, DISPLAY_SIDE, _QUALITY["display"])
    thumb = _encoded(pixels, THUMB_SIDE, _QUALITY["thumb"])
    return Photo(
        display=display[0],
        display_width=display[1],
        display_height=display[2],
        thumb=thumb[0],
        thumb_width=thumb[1],
        thumb_height=thumb[2],
        source_format=source_format,
        source_bytes=len(raw),
    )


def _check_header(image: Image.Image) -> None:
    """Size and frames, from the header alone: nothing is decoded yet."""
    width, height = image.size
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise _too_many_pixels(width, height)
    if min(width, height) < MIN_SIDE:
        raise InvalidInputError(
            "photo.too_small",
            "รูปเล็กเกินไป ({width} × {height} พิกเซล): ต้องกว้างและสูงอย่างน้อย {min_side} พิกเซล",
            field="file",
            width=width,
            height=height,
            min_side=MIN_SIDE,
        )
    if getattr(image, "is_animated", False) or getattr(image, "n_frames", 1) > 1:
        raise InvalidInputError(
            "photo.animated",
            "รับเฉพาะรูปนิ่ง ไม่รับภาพเคลื่อนไหว: ใช้รูปถ่ายสินค้าหนึ่งรูป",
            field="file",
        )


def _plain(image: Image.Image) -> Image.Image:
    """RGB, or RGBA where the picture has transparency (a PNG cut-out keeps it)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    return image.convert("RGBA" if has_alpha else "RGB")


def _encoded(image: Image.Image, side: int, quality: int) -> tuple[bytes, int, int]:
    """``image`` fitted within ``side`` × ``side`` (never enlarged), as WebP without metadata."""
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif=, icc_profile= or xmp=: Pillow writes none of them unless asked.
    copy.save(out, format="WEBP", quality=quality, method=4)
    return out.getvalue(), copy.width, copy.height
