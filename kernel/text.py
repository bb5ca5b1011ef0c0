"""Small text rules shared by the domains."""

from __future__ import annotations


def ascii_digits(text: str) -> bool:
    """Only 0-9: ``str.isdigit`` also takes '²', fullwidth and Thai digits, which ``int()``
    or a barcode scanner would then read differently."""
    return text.isascii() and text.isdecimal()
