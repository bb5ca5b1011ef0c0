"""QR images of a payload: SVG, PNG and a printable PromptPay payment card.

``qrcode`` lays out the symbol (error correction M, a quiet zone of 4 modules as ISO/IEC 18004
asks); the SVG path and the 1-bit PNG are written here, so no imaging library is needed at
run time. The default sizes give a symbol about 8 cm wide on a till screen or a card, which a
phone reads at arm's length.
"""

from __future__ import annotations

import struct
import zlib
from xml.sax.saxutils import escape

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from kernel.money import format_baht

__all__ = ["payload_code", "payload_matrix", "payload_png", "payload_svg", "payment_card_svg"]

QUIET_ZONE = 4  # modules of white around the symbol
SVG_BOX = 8  # pixels per module of the SVG's nominal size (41 modules -> 328 px)
PNG_BOX = 10  # pixels per module of the PNG (41 modules -> 410 px)


def payload_code(payload: str, *, border: int = QUIET_ZONE) -> qrcode.QRCode:
    """The laid-out ``qrcode.QRCode`` of a payload (error correction M)."""
    if not isinstance(payload, str) or not payload:
        raise ValueError("payload must be a non-empty text")
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border, box_size=1)
    code.add_data(payload)
    code.make(fit=True)
    return code


def payload_matrix(payload: str, *, border: int = QUIET_ZONE) -> list[list[bool]]:
    """The QR symbol's modules (True = dark), quiet zone included."""
    return payload_code(payload, border=border).get_matrix()


def _path(matrix: list[list[bool]]) -> str:
    """One SVG path of horizontal runs of dark modules, in module units."""
    parts = []
    for y, row in enumerate(matrix):
        x, size = 0, len(row)
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    return "".join(parts)


def payload_svg(payload: str, *, box_size: int = SVG_BOX, border: int = QUIET_ZONE) -> str:
    """A standalone SVG of the payload's QR; it scales cleanly (viewBox in modules)."""
    matrix = payload_matrix(payload, border=border)
    size = len(matrix)
    pixels = size * box_size
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{pixels}" height="{pixels}" '
        f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges" role="img" '
        f'aria-label="PromptPay QR">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{_path(matrix)}"/></svg>'
    )


def payload_png(payload: str, *, box_size: int = PNG_BOX, border: int = QUIET_ZONE) -> bytes:
    """A 1-bit greyscale PNG of the payload's QR."""
    if box_size < 1:
        raise ValueError("box_size must be at least 1")
    matrix = payload_matrix(payload, border=border)
    width = len(matrix) * box_size
    pad = "0" * (-width % 8)
    rows = bytearray()
    for row in matrix:
        # 1 = white in 1-bit greyscale; each module is box_size pixels wide and high.
        bits = "".join("0" * box_size if dark else "1" * box_size for dark in row) + pad
        line = b"\x00" + int(bits, 2).to_bytes(len(bits) // 8, "big")  # filter type 0
        rows += line * box_size
    header = struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


_CARD_W, _CARD_H, _QR = 360, 560, 300  # user units; printed at 90 x 140 mm
_FONT = "Sarabun, 'Noto Sans Thai', Tahoma, sans-serif"


def payment_card_svg(
    payload: str,
    *,
    amount_satang: int | None,
    merchant_name: str,
    reference: str,
    expires_at_text: str,
) -> str:
    """A printable card: the QR, 'พร้อมเพย์ / PromptPay', amount, merchant, reference, expiry."""
    matrix = payload_matrix(payload)
    size = len(matrix)
    left = (_CARD_W - _QR) // 2
    amount = (
        f"฿{format_baht(amount_satang)}"
        if amount_satang is not None
        else "ระบุจำนวนเงินในแอป / enter the amount"
    )
    lines = [
        (420, 30, "700", amount),
        (454, 18, "600", merchant_name),
        (486, 14, "400", f"อ้างอิง / Ref: {reference}"),
        (512, 14, "400", f"หมดอายุ / Expires: {expires_at_text}"),
    ]
    texts = "".join(
        f'<text x="{_CARD_W // 2}" y="{y}" font-size="{px}" font-weight="{weight}" '
        f'text-anchor="middle">{escape(value)}</text>'
        for y, px, weight, value in lines
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="90mm" height="140mm" '
        f'viewBox="0 0 {_CARD_W} {_CARD_H}" font-family="{escape(_FONT)}" role="img" '
        f'aria-label="PromptPay payment card">'
        f'<rect width="{_CARD_W}" height="{_CARD_H}" fill="#fff" stroke="#113566" '
        f'stroke-width="2" rx="12"/>'
        f'<rect x="1" y="1" width="{_CARD_W - 2}" height="58" fill="#113566" rx="11"/>'
        f'<text x="{_CARD_W // 2}" y="40" font-size="24" font-weight="700" fill="#fff" '
        f'text-anchor="middle">พร้อมเพย์ / PromptPay</text>'
        f'<svg x="{left}" y="80" width="{_QR}" height="{_QR}" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{_path(matrix)}"/></svg>'
        f'<g fill="#111">{texts}</g></svg>'
    )
