"""Images for the photo tests, made here: real ones, a bomb, an animation, EXIF with GPS."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def image_bytes(
    fmt: str, size: tuple[int, int] = (640, 480), colour: tuple[int, int, int] = (30, 120, 200)
) -> bytes:
    """A real image in ``fmt`` (JPEG, PNG, WEBP, GIF, BMP): a colour with a white corner."""
    image = Image.new("RGB", size, colour)
    image.paste((255, 255, 255), (0, 0, size[0] // 4, size[1] // 4))
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def jpeg_with_gps_turned() -> bytes:
    """A 600 × 300 JPEG whose EXIF says "rotate 90°" (orientation 6) and carries a GPS block."""
    image = Image.new("RGB", (600, 300), (200, 60, 40))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (18.0, 46.0, 30.0)  # San Kamphaeng, near enough
    gps[3], gps[4] = "E", (99.0, 7.0, 12.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bomb(side: int = 20_000) -> bytes:
    """A valid 1-bit PNG of ``side`` × ``side`` zeros: a few hundred kB that inflate to
    ``side²`` pixels (400 megapixels at 20,000)."""
    row = b"\0" * (1 + (side + 7) // 8)  # filter byte, then the packed bits
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def animated(fmt: str = "PNG") -> bytes:
    """A two-frame animation (APNG or animated WebP)."""
    frames = [Image.new("RGB", (64, 64), c) for c in ((255, 0, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, format=fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()
