"""Search text: Thai writes no spaces between words, so search is by substring."""

from __future__ import annotations

import unicodedata


def normalize(text: str) -> str:
    """Lower-case, NFC, single spaces: the form both stored text and queries take."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def search_text(
    *, name_th: str, name_en: str, sku: str, barcode: str, entrepreneur_code: str
) -> str:
    """The one column a product is searched in (stored on the product row)."""
    return normalize(" | ".join((name_th, name_en, sku, barcode, entrepreneur_code)))
