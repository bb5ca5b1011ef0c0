"""Rendered QR images decode back to the same payload with a real decoder (ZXing)."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from payments.promptpay import bill_payment, credit_transfer
from payments.qr import QUIET_ZONE, payload_matrix, payload_png, payload_svg, payment_card_svg

PAYLOADS = [
    credit_transfer("0812345678"),
    credit_transfer("081-234-5678", 15025),
    bill_payment(
        "010555512345601",
        "SALE20241121001",
        "TILL1",
        999_999_999_999,
        ref3="OTOP",
        merchant_name="OTOP San Kamphaeng Centre",
        merchant_city="Chiang Mai",
    ),
]
SVG = "{http://www.w3.org/2000/svg}"


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def rasterise(path_d: str, modules: int, scale: int = 8) -> Image.Image:
    """Draw the runs of an SVG path like ``M4 4h7v1h-7z`` at ``scale`` pixels per module."""
    image = Image.new("L", (modules * scale, modules * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path_d):
        left, top = int(x) * scale, int(y) * scale
        draw.rectangle([left, top, left + int(width) * scale - 1, top + scale - 1], fill=0)
    return image


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_png_decodes_to_the_same_payload(payload: str) -> None:
    image = Image.open(io.BytesIO(payload_png(payload)))
    assert decode(image) == [payload]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_svg_decodes_to_the_same_payload(payload: str) -> None:
    root = ET.fromstring(payload_svg(payload))
    modules = int(root.get("viewBox", "").split()[2])
    path = root.find(f"{SVG}path")
    assert path is not None
    assert decode(rasterise(path.get("d", ""), modules)) == [payload]


def test_the_symbol_has_a_four_module_quiet_zone_and_scans_at_arm_s_length() -> None:
    payload = PAYLOADS[1]
    matrix = payload_matrix(payload)
    for i in range(QUIET_ZONE):
        assert not any(matrix[i]) and not any(matrix[-1 - i])
        assert not any(row[i] or row[-1 - i] for row in matrix)
    assert any(matrix[QUIET_ZONE])
    svg = ET.fromstring(payload_svg(payload))
    assert int(svg.get("width", "0")) >= 300  # about 8 cm on a 96-dpi screen
    assert Image.open(io.BytesIO(payload_png(payload))).size == (len(matrix) * 10,) * 2


def test_the_qr_uses_error_correction_m() -> None:
    # Version 4 at level M holds 90 alphanumeric characters; at level H only 50.
    assert len(payload_matrix(PAYLOADS[1], border=0)) == 33


def test_the_payment_card_shows_amount_merchant_reference_and_expiry() -> None:
    payload = PAYLOADS[1]
    card = payment_card_svg(
        payload,
        amount_satang=123_450,
        merchant_name="ร้านผ้าทอ <แม่ออน> & Co",
        reference="SALE0001",
        expires_at_text="21 พ.ย. 2568 19:30",
    )
    root = ET.fromstring(card)  # well-formed: the merchant's '<' and '&' are escaped
    texts = [el.text for el in root.iter(f"{SVG}text")]
    assert "พร้อมเพย์ / PromptPay" in texts
    assert "฿1,234.50" in texts
    assert "ร้านผ้าทอ <แม่ออน> & Co" in texts
    assert "อ้างอิง / Ref: SALE0001" in texts
    assert "หมดอายุ / Expires: 21 พ.ย. 2568 19:30" in texts
    qr = root.find(f"{SVG}svg")
    assert qr is not None
    path = qr.find(f"{SVG}path")
    assert path is not None
    modules = int(qr.get("viewBox", "").split()[2])
    assert decode(rasterise(path.get("d", ""), modules)) == [payload]


def test_a_card_without_an_amount_asks_the_payer_to_enter_it() -> None:
    card = payment_card_svg(
        PAYLOADS[0], amount_satang=None, merchant_name="OTOP", reference="-", expires_at_text="-"
    )
    assert "enter the amount" in card


def test_an_empty_payload_is_refused() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        payload_svg("")
