"""Shelf labels: a barcode as inline SVG, and how many labels a sheet run holds.

The SVG carries its colours and font as presentation attributes (``fill="black"``), never a
``style`` attribute: the pages' Content-Security-Policy forbids inline styles, and a browser that
drops them paints the white background black, so every label came out a solid black box.

The symbology follows the code: a GTIN with a valid check digit prints as EAN-13, EAN-8 or
UPC-A (what the till's scanner expects); anything else (an SKU, a code that fails its check
digit) as Code 128, which encodes any ASCII exactly as given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import barcode
from barcode.writer import SVGWriter
from stdnum import ean

from kernel.text import ascii_digits

MAX_LABELS = 480  # 20 A4 sheets of 3 x 8: a run anyone would still want to print at once
MAX_COPIES = 100
PX_PER_MM = 96 / 25.4  # CSS pixels per millimetre

_WRITER_OPTIONS = {
    "module_width": 0.3,
    "module_height": 12.0,
    "quiet_zone": 2.0,
    "font_size": 8,
    "text_distance": 3.5,
}
_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
_SIZE = re.compile(r'<svg\b[^>]*?width="([\d.]+)mm" height="([\d.]+)mm"')


class _PresentationSVGWriter(SVGWriter):
    """python-barcode's SVG writer, each ``style`` turned into presentation attributes."""

    def _finish(self) -> bytes:
        for element in self._document.getElementsByTagName("*"):
            style = element.getAttribute("style")
            if not style:
                continue
            element.removeAttribute("style")
            for declaration in style.split(";"):
                name, _, value = declaration.partition(":")
                if name.strip() and value.strip():
                    element.setAttribute(name.strip(), value.strip())
        result: bytes = super()._finish()
        return result


@dataclass(frozen=True, slots=True)
class LabelRequest:
    """One product to label, ``copies`` times."""

    barcode: str
    sku: str
    name_th: str
    price_satang: int
    copies: int


def symbology(code: str) -> str:
    """python-barcode's name for the symbology a code prints in."""
    if ascii_digits(code) and ean.is_valid(code):
        return {13: "ean13", 8: "ean8", 12: "upca"}.get(len(code), "code128")
    return "code128"


def barcode_svg(code: str) -> str:
    """The barcode as an ``<svg>`` element to inline in HTML (no XML declaration or doctype).

    Sized in millimetres for true scale in print, with a viewBox so that CSS may shrink it.
    """
    if not code or not code.isascii() or not code.isprintable():
        raise ValueError(f"cannot print a barcode for {code!r}")
    kind = symbology(code)
    # A GTIN's check digit is verified above; let python-barcode keep the code as given.
    symbol = barcode.get(kind, code, writer=_PresentationSVGWriter())
    svg = symbol.render(_WRITER_OPTIONS).decode("utf-8")
    svg = _COMMENT.sub("", _PROLOGUE.sub("", svg, count=1))
    size = _SIZE.search(svg)
    if size:
        width, height = (float(v) * PX_PER_MM for v in size.groups())
        svg = svg.replace("<svg ", f'<svg viewBox="0 0 {width:.2f} {height:.2f}" ', 1)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{_escape(code)}" ', 1)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def plan_labels(
    requests: list[LabelRequest], cap: int = MAX_LABELS
) -> tuple[list[LabelRequest], bool]:
    """The labels to print, one entry per physical label, in order; cut at ``cap``.

    Returns the labels and whether the run was cut short.
    """
    labels: list[LabelRequest] = []
    for request in requests:
        for _ in range(max(request.copies, 0)):
            if len(labels) >= cap:
                return labels, True
            labels.append(request)
    return labels, False
