"""Money is integer satang (1 baht = 100 satang); no float ever touches it."""

from __future__ import annotations

import re

_BAHT = re.compile(r"^(?P<sign>-)?(?P<whole>\d{1,13})(?:\.(?P<frac>\d{1,2}))?$")


def format_baht(satang: int) -> str:
    """``123450`` -> ``'1,234.50'``."""
    if isinstance(satang, bool) or not isinstance(satang, int):
        raise TypeError(f"money must be integer satang, got {type(satang).__name__}")
    sign = "-" if satang < 0 else ""
    whole, frac = divmod(abs(satang), 100)
    return f"{sign}{whole:,}.{frac:02d}"


def parse_baht(text: str) -> int:
    """``'1,234.5'`` -> ``123450``; exact, refuses more than two decimals."""
    cleaned = text.strip().replace(",", "").replace("฿", "").strip()
    match = _BAHT.match(cleaned)
    if match is None:
        raise ValueError(f"not an amount in baht: {text!r} (write e.g. 150 or 150.25)")
    frac = (match["frac"] or "").ljust(2, "0")
    satang = int(match["whole"]) * 100 + int(frac or "0")
    return -satang if match["sign"] else satang
