"""The receipt's Code 128: the symbol table is the standard one (python-barcode's), the check
symbol is right, and a picture drawn from the modules reads back with zxing-cpp as the text."""

from __future__ import annotations

import re

import pytest
import zxingcpp
from barcode.charsets.code128 import CODES
from PIL import Image, ImageDraw

from inventory.catalogue.code128 import PATTERNS, QUIET, code128_svg, modules


def test_the_symbol_table_is_the_standard_one() -> None:
    assert tuple(CODES) == PATTERNS


def picture(bits: str, px: int = 3) -> Image.Image:
    width = (len(bits) + 2 * QUIET) * px
    image = Image.new("L", (width, 80), 255)
    draw = ImageDraw.Draw(image)
    for x, bit in enumerate(bits):
        if bit == "1":
            left = (QUIET + x) * px
            draw.rectangle([left, 10, left + px - 1, 70], fill=0)
    return image


@pytest.mark.parametrize("text", ["SKP-01-000123", "THA-PHAE-2-999999", "A", "x y~!"])
def test_the_modules_read_back_as_the_text(text: str) -> None:
    found = zxingcpp.read_barcodes(picture(modules(text)))
    assert [(r.text, r.format.name) for r in found] == [(text, "Code128")]


def test_the_check_symbol_is_the_weighted_sum_mod_103() -> None:
    # START B (104) + 1 x "A" (33) = 137; 137 mod 103 = 34
    bits = modules("A")
    assert bits[:11] == CODES[104] and bits[11:22] == CODES[33] and bits[22:33] == CODES[34]
    assert bits.endswith("1100011101011")


@pytest.mark.parametrize("text", ["", "ใบเสร็จ", "A\nB", "\x7f"])
def test_what_code_set_b_cannot_encode_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        modules(text)


def test_the_svg_has_no_style_and_escapes_its_label() -> None:
    svg = code128_svg("<\"&'>")
    assert "style" not in svg
    assert 'aria-label="&lt;&#34;&amp;&#39;&gt;"' in svg
    bars = re.findall(r"M(\d+) 0h(\d+)v40h-\2z", svg)
    assert sum(int(w) for _, w in bars) == modules("<\"&'>").count("1")
