"""Code 128 (code set B) as a small SVG: the receipt number's barcode.

The server's receipt (web/templates/pos/receipt.html) and the till's own (web/static/code128.js
through receipt_render.js) draw the same symbol, character for character; the shared cases are
in tests/receipt_vectors.json. Code set B encodes any printable ASCII (a receipt number is the
till's code, a hyphen and six digits), so one code set serves and there are no switches to
agree on. Colours are presentation attributes: the Content-Security-Policy forbids inline styles.
"""

from __future__ import annotations

# Bar (1) and space (0) modules of each symbol value, 0-102, then START A/B/C (103-105).
PATTERNS = (
    "11011001100", "11001101100", "11001100110", "10010011000", "10010001100",
    "10001001100", "10011001000", "10011000100", "10001100100", "11001001000",
    "11001000100", "11000100100", "10110011100", "10011011100", "10011001110",
    "10111001100", "10011101100", "10011100110", "11001110010", "11001011100",
    "11001001110", "11011100100", "11001110100", "11101101110", "11101001100",
    "11100101100", "11100100110", "11101100100", "11100110100", "11100110010",
    "11011011000", "11011000110", "11000110110", "10100011000", "10001011000",
    "10001000110", "10110001000", "10001101000", "10001100010", "11010001000",
    "11000101000", "11000100010", "10110111000", "10110001110", "10001101110",
    "10111011000", "10111000110", "10001110110", "11101110110", "11010001110",
    "11000101110", "11011101000", "11011100010", "11011101110", "11101011000",
    "11101000110", "11100010110", "11101101000", "11101100010", "11100011010",
    "11101111010", "11001000010", "11110001010", "10100110000", "10100001100",
    "10010110000", "10010000110", "10000101100", "10000100110", "10110010000",
    "10110000100", "10011010000", "10011000010", "10000110100", "10000110010",
    "11000010010", "11001010000", "11110111010", "11000010100", "10001111010",
    "10100111100", "10010111100", "10010011110", "10111100100", "10011110100",
    "10011110010", "11110100100", "11110010100", "11110010010", "11011011110",
    "11011110110", "11110110110", "10101111000", "10100011110", "10001011110",
    "10111101000", "10111100010", "11110101000", "11110100010", "10111011110",
    "10111101110", "11101011110", "11110101110", "11010000100", "11010010000",
    "11010011100",
)  # fmt: skip
START_B = 104
STOP = "1100011101011"  # the stop symbol with its final bar
QUIET = 10  # modules of white on each side
HEIGHT = 40  # in modules; the stylesheet sets the printed height
MODULE_HUNDREDTHS_MM = 33  # 0.33 mm: three dots of a 203 dpi thermal printer


def modules(text: str) -> str:
    """The symbol's modules, bars as 1 and spaces as 0, start to stop (no quiet zone)."""
    if not text or not all(" " <= c <= "~" for c in text):
        raise ValueError(f"Code 128 B encodes printable ASCII only, not {text!r}")
    values = [START_B] + [ord(c) - 32 for c in text]
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    return "".join(PATTERNS[v] for v in [*values, check]) + STOP


def code128_svg(text: str) -> str:
    """An ``<svg>`` of ``text`` to put in HTML: one path of bars on a white ground."""
    bits = modules(text)
    width = len(bits) + 2 * QUIET
    bars = []
    x = 0
    while x < len(bits):
        if bits[x] == "1":
            run = len(bits[x:]) - len(bits[x:].lstrip("1"))
            bars.append(f"M{QUIET + x} 0h{run}v{HEIGHT}h-{run}z")
            x += run
        else:
            x += 1
    label = _escape(text)
    # In integers: no rounding for the two sides to disagree on.
    hundredths = width * MODULE_HUNDREDTHS_MM
    size = f'width="{hundredths // 100}.{hundredths % 100:02d}mm" height="12mm"'
    return (
        f'<svg class="receipt-barcode" xmlns="http://www.w3.org/2000/svg" '
        f'{size} viewBox="0 0 {width} {HEIGHT}" '
        f'preserveAspectRatio="none" shape-rendering="crispEdges" role="img" '
        f'aria-label="{label}"><rect width="{width}" height="{HEIGHT}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(bars)}"/></svg>'
    )


def _escape(text: str) -> str:
    """As Jinja's autoescape and the till's escapeHtml write it."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )
