"""Search text: Thai writes no spaces between words, so search is by substring."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


def normalize(text: str) -> str:
    """Lower-case, NFC, single spaces: the form both stored text and queries take."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def search_text(
    *, name_th: str, name_en: str, sku: str, barcode: str, entrepreneur_code: str
) -> str:
    """The one column a product is searched in (stored on the product row)."""
    return normalize(" | ".join((name_th, name_en, sku, barcode, entrepreneur_code)))


# How well a product answers a query, best first (the server's search and the till's own,
# web/static/search_rank.js, rank alike; tests/search_vectors.json holds their shared cases).
EXACT_CODE = 0  # the query is the product's barcode or SKU
NAME_START = 1  # a name of the product (Thai or English) starts with the query
NAME = 2  # every word of the query is in the product's names
OTHER = 3  # every word is somewhere else: SKU, barcode, the maker's name or code


@dataclass(frozen=True, slots=True)
class Searchable:
    """What a product is searched by."""

    name_th: str
    name_en: str
    sku: str
    barcode: str
    maker_th: str = ""
    maker_en: str = ""
    maker_code: str = ""


def rank(query: str, product: Searchable) -> int | None:
    """The product's tier for ``query`` (lower is better), or None when it does not match."""
    needle = normalize(query)
    if not needle:
        return None
    code = query.strip()
    if code and (code == product.barcode or code.lower() == product.sku.lower()):
        return EXACT_CODE
    names = (normalize(product.name_th), normalize(product.name_en))
    if any(name.startswith(needle) for name in names):
        return NAME_START
    terms = needle.split(" ")
    both = " ".join(names)
    if all(term in both for term in terms):
        return NAME
    rest = normalize(
        " ".join(
            (
                both,
                product.sku,
                product.barcode,
                product.maker_th,
                product.maker_en,
                product.maker_code,
            )
        )
    )
    if all(term in rest for term in terms):
        return OTHER
    return None


def ranked(query: str, products: Sequence[T], key: Callable[[T], Searchable]) -> list[T]:
    """The products that match ``query``, best tier first, in their given order within a tier."""
    tiers = [(rank(query, key(p)), i, p) for i, p in enumerate(products)]
    return [p for tier, _, p in sorted((t for t in tiers if t[0] is not None), key=_tier)]


def _tier(entry: tuple[int | None, int, object]) -> tuple[int, int]:
    return (entry[0] or 0, entry[1])


def enter_pick(query: str, results: Sequence[T], key: Callable[[T], Searchable]) -> T | None:
    """What Enter on a typed query adds without the cashier choosing: the one result, the one
    product whose barcode or SKU the query is, or the one whose name the query is exactly;
    None when the query is ambiguous (the cashier chooses from the list)."""
    if len(results) == 1:
        return results[0]
    needle = normalize(query)
    for test in (
        lambda s: rank(query, s) == EXACT_CODE,
        lambda s: needle in (normalize(s.name_th), normalize(s.name_en)),
    ):
        hits = [p for p in results if test(key(p))]
        if len(hits) == 1:
            return hits[0]
    return None
