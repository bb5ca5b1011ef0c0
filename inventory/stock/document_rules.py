"""Pure rules of stock documents: request lines, merging duplicates, document numbers.

Duplicate product lines in one request are *merged* (their quantities added), because a
scanner that reads the same code twice means "two of them". The one exception is a stock
count, where two different counted figures for one product are ambiguous: those are refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from kernel.clock import business_date
from kernel.errors import InvalidInputError

MAX_LINES = 500
MAX_QUANTITY = 1_000_000


class DocumentPrefix:
    """Prefixes of the numbers people read on stock documents, e.g. ``GRN-2026-000123``."""

    INTAKE = "GRN"  # goods-received note
    ADJUSTMENT = "ADJ"
    COUNT = "CNT"
    TRANSFER = "TRF"
    RETURN = "RTN"


@dataclass(frozen=True, slots=True)
class LineIn:
    """One requested line: a product (by id, or by barcode where allowed) and a quantity."""

    quantity: int
    product_id: int | None = None
    barcode: str | None = None


def sequence_name(prefix: str, now: datetime) -> str:
    """Numbers restart every (Bangkok) year: one sequence per prefix and year."""
    return f"{prefix.lower()}-{business_date(now).year}"


def document_number(prefix: str, now: datetime, serial: int) -> str:
    """``GRN-2026-000123``: prefix, the business year (CE) and a zero-padded serial."""
    return f"{prefix}-{business_date(now).year}-{serial:06d}"


def check_line_count(lines: Iterable[object], field: str = "lines") -> None:
    count = len(list(lines))
    if count == 0:
        raise InvalidInputError("give at least one line", field=field)
    if count > MAX_LINES:
        raise InvalidInputError(f"at most {MAX_LINES} lines per request", field=field)


def check_quantity(
    quantity: int, field: str, *, signed: bool = False, zero_ok: bool = False
) -> None:
    """Quantities are whole units: positive; or signed and non-zero; or (counts) zero or more."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidInputError("quantity must be a whole number", field=field)
    if abs(quantity) > MAX_QUANTITY:
        raise InvalidInputError(f"quantity must be at most {MAX_QUANTITY}", field=field)
    if signed:
        if quantity == 0:
            raise InvalidInputError("quantity must not be zero", field=field)
    elif zero_ok:
        if quantity < 0:
            raise InvalidInputError("counted quantity must be zero or more", field=field)
    elif quantity <= 0:
        raise InvalidInputError("quantity must be more than zero", field=field)


def merge_quantities(
    resolved: Iterable[tuple[int, int]], *, field: str = "lines", signed: bool = False
) -> dict[int, int]:
    """Add up the quantities of lines naming the same product, keeping first-seen order.

    ``resolved`` holds ``(product_id, quantity)`` per request line. A signed merge (an
    adjustment) whose lines cancel out to zero is refused: it would move nothing.
    """
    merged: dict[int, int] = {}
    for product_id, quantity in resolved:
        merged[product_id] = merged.get(product_id, 0) + quantity
    for product_id, total in merged.items():
        if total == 0 or (not signed and total < 0):
            raise InvalidInputError(
                f"the lines for product {product_id} add up to {total}", field=field
            )
        if abs(total) > MAX_QUANTITY:
            raise InvalidInputError(f"quantity must be at most {MAX_QUANTITY}", field=field)
    return merged


def refuse_duplicates(product_ids: Iterable[int], field: str = "lines") -> None:
    """Counts name each product once: two counted figures for one product are ambiguous."""
    seen: dict[int, int] = {}
    for index, product_id in enumerate(product_ids):
        if product_id in seen:
            raise InvalidInputError(
                f"product {product_id} is counted twice (lines {seen[product_id]} and {index})",
                field=f"{field}[{index}].product_id",
            )
        seen[product_id] = index


def count_differences(expected: Mapping[int, int], counted: Mapping[int, int]) -> dict[int, int]:
    """The movements a count posts: counted minus expected, for the products that differ."""
    return {
        product_id: counted[product_id] - expected.get(product_id, 0)
        for product_id in counted
        if counted[product_id] != expected.get(product_id, 0)
    }
