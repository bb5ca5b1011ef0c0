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


def line_field(index: int, name: str, lines: str = "lines") -> str:
    """The input a refusal names: ``lines[2].quantity``."""
    return f"{lines}[{index}].{name}"


def check_line_count(lines: Iterable[object], field: str = "lines") -> None:
    count = len(list(lines))
    if count == 0:
        raise InvalidInputError("stock.no_lines", "กรุณาใส่สินค้าอย่างน้อยหนึ่งรายการ", field=field)
    if count > MAX_LINES:
        raise InvalidInputError(
            "stock.too_many_lines",
            "ใส่ได้ไม่เกิน {limit} รายการต่อครั้ง",
            field=field,
            limit=MAX_LINES,
        )


def check_quantity(
    quantity: int, field: str, *, signed: bool = False, zero_ok: bool = False
) -> None:
    """Quantities are whole units: positive; or signed and non-zero; or (counts) zero or more."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise InvalidInputError("quantity.not_whole_number", "จำนวนต้องเป็นจำนวนเต็ม", field=field)
    if abs(quantity) > MAX_QUANTITY:
        raise _too_large(field)
    if signed:
        if quantity == 0:
            raise InvalidInputError("quantity.zero", "จำนวนต้องไม่เป็นศูนย์", field=field)
    elif zero_ok:
        if quantity < 0:
            raise InvalidInputError(
                "quantity.count_negative", "จำนวนที่นับได้ต้องเป็นศูนย์หรือมากกว่า", field=field
            )
    elif quantity <= 0:
        raise InvalidInputError("quantity.not_positive", "จำนวนต้องมากกว่าศูนย์", field=field)


def _too_large(field: str) -> InvalidInputError:
    return InvalidInputError(
        "quantity.too_large", "จำนวนต้องไม่เกิน {limit}", field=field, limit=MAX_QUANTITY
    )


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
                "quantity.lines_cancel_out",
                "จำนวนรวมทุกบรรทัดของสินค้า id {product_id} ได้ {total} ซึ่งใช้ไม่ได้",
                field=field,
                product_id=product_id,
                total=total,
            )
        if abs(total) > MAX_QUANTITY:
            raise _too_large(field)
    return merged


def refuse_duplicates(product_ids: Iterable[int], field: str = "lines") -> None:
    """Counts name each product once: two counted figures for one product are ambiguous."""
    seen: dict[int, int] = {}
    for index, product_id in enumerate(product_ids):
        if product_id in seen:
            raise InvalidInputError(
                "stock.counted_twice",
                "สินค้า id {product_id} ถูกนับซ้ำสองบรรทัด (บรรทัด {first} และ {second})",
                field=line_field(index, "product_id", field),
                product_id=product_id,
                first=seen[product_id],
                second=index,
            )
        seen[product_id] = index


def count_differences(expected: Mapping[int, int], counted: Mapping[int, int]) -> dict[int, int]:
    """The movements a count posts: counted minus expected, for the products that differ."""
    return {
        product_id: counted[product_id] - expected.get(product_id, 0)
        for product_id in counted
        if counted[product_id] != expected.get(product_id, 0)
    }
