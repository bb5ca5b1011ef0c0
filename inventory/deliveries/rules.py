"""Pure rules of deliveries: statuses, what a proposed product must carry, the expected date,
and the differences between what was announced and what the centre counted on arrival.

A difference is per product: *short* (fewer came than announced, none at all included),
*over* (more came), *not announced* (came without being announced). Both sides see the same
list: the staff page while receiving and the entrepreneur's portal afterwards.
No database, no web framework: the standard library, the kernel and the catalogue's rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from inventory.catalogue.rules import check_price_satang, clean_name
from inventory.stock.document_rules import MAX_LINES, check_quantity, line_field
from kernel.errors import ConflictError, InvalidInputError
from kernel.text import check_text

PREFIX = "DLV"  # DLV-2026-000123, numbered as the stock documents are
MAX_DAYS_AHEAD = 90
MAX_NOTE = 500
MAX_REASON = 500


class DeliveryStatus(StrEnum):
    ANNOUNCED = "announced"  # the entrepreneur said they will bring it
    RECEIVED = "received"  # the centre counted it in: a goods-received note exists
    CANCELLED = "cancelled"  # withdrawn before it was received


class ReviewStatus(StrEnum):
    PROPOSED = "proposed"  # waiting for a manager: the product cannot be sold
    APPROVED = "approved"  # active and sellable
    REJECTED = "rejected"  # with a reason the entrepreneur reads


class DifferenceKind(StrEnum):
    MATCH = "match"
    SHORT = "short"
    OVER = "over"
    NOT_ANNOUNCED = "not_announced"


@dataclass(frozen=True, slots=True)
class LineDifference:
    product_id: int
    announced: int
    received: int
    kind: DifferenceKind

    @property
    def difference(self) -> int:
        """Received minus announced: negative when short."""
        return self.received - self.announced


@dataclass(frozen=True, slots=True)
class DifferenceCounts:
    """How many products differ, by kind (what a notice says in one line)."""

    short: int = 0
    over: int = 0
    not_announced: int = 0

    @property
    def total(self) -> int:
        return self.short + self.over + self.not_announced


def kind_of(announced: int, received: int) -> DifferenceKind:
    if announced == 0:
        return DifferenceKind.NOT_ANNOUNCED if received > 0 else DifferenceKind.MATCH
    if received < announced:
        return DifferenceKind.SHORT
    if received > announced:
        return DifferenceKind.OVER
    return DifferenceKind.MATCH


def compare(announced: Mapping[int, int], received: Mapping[int, int]) -> list[LineDifference]:
    """Every product of either side: the announced ones in their order (missing from
    ``received`` means none came), then those that came unannounced, in the order scanned."""
    lines = [
        LineDifference(pid, qty, received.get(pid, 0), kind_of(qty, received.get(pid, 0)))
        for pid, qty in announced.items()
    ]
    lines += [
        LineDifference(pid, 0, qty, kind_of(0, qty))
        for pid, qty in received.items()
        if pid not in announced and qty > 0
    ]
    return lines


def count_differences(lines: Iterable[LineDifference]) -> DifferenceCounts:
    kinds = [line.kind for line in lines]
    return DifferenceCounts(
        short=kinds.count(DifferenceKind.SHORT),
        over=kinds.count(DifferenceKind.OVER),
        not_announced=kinds.count(DifferenceKind.NOT_ANNOUNCED),
    )


def merge_received(lines: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Counted quantities per product (zero allowed: "none came"); a product scanned on two
    lines is added up, as a scanner reading a code twice means two of them."""
    merged: dict[int, int] = {}
    for product_id, quantity in lines:
        merged[product_id] = merged.get(product_id, 0) + quantity
    if not any(quantity > 0 for quantity in merged.values()):
        raise InvalidInputError(
            "delivery.nothing_received",
            "ยังไม่ได้นับสินค้าที่มาถึงเลย ถ้าผู้ประกอบการไม่ได้นำสินค้ามา ให้ยกเลิกการแจ้งส่งแทน",
            field="lines",
        )
    return merged


def check_line_total(count: int) -> None:
    """An announcement names at least one product (existing or new), at most MAX_LINES."""
    if count == 0:
        raise InvalidInputError(
            "delivery.no_lines", "กรุณาเลือกสินค้าอย่างน้อยหนึ่งรายการที่จะนำมาส่ง", field="lines"
        )
    if count > MAX_LINES:
        raise InvalidInputError(
            "stock.too_many_lines",
            "ใส่ได้ไม่เกิน {limit} รายการต่อครั้ง",
            field="lines",
            limit=MAX_LINES,
        )


def check_expected_on(expected: date, today: date, field: str = "expected_on") -> date:
    """The day they will bring it: today or later, within MAX_DAYS_AHEAD days (Bangkok)."""
    if expected < today:
        raise InvalidInputError(
            "delivery.date_past",
            "วันที่จะนำสินค้ามาส่ง ({expected}) ผ่านไปแล้ว กรุณาเลือกวันนี้หรือวันหลังจากนี้",
            field=field,
            expected=expected.isoformat(),
        )
    if expected > today + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInputError(
            "delivery.date_too_far",
            "วันที่จะนำสินค้ามาส่งต้องอยู่ภายใน {days} วันนับจากวันนี้",
            field=field,
            days=MAX_DAYS_AHEAD,
        )
    return expected


def check_note(note: str, field: str = "note", limit: int = MAX_NOTE) -> str:
    if not isinstance(note, str):
        raise InvalidInputError("field.not_text", "ช่อง {field} ต้องเป็นข้อความ", field=field)
    if len(note) > limit:
        raise InvalidInputError(
            "stock.note_too_long",
            "หมายเหตุยาวได้ไม่เกิน {limit} ตัวอักษร",
            field=field,
            limit=limit,
        )
    return check_text(note, field).strip()


def check_reason(reason: str) -> str:
    """Why a proposed product is rejected: the entrepreneur reads it, so it must be there."""
    text = check_note(reason, "reason", MAX_REASON)
    if not text:
        raise InvalidInputError(
            "proposal.reason_required",
            "กรุณาบอกเหตุผลที่ไม่อนุมัติ ผู้ประกอบการจะเห็นเหตุผลนี้",
            field="reason",
        )
    return text


@dataclass(frozen=True, slots=True)
class NewProductIn:
    """A product the entrepreneur proposes in an announcement, and how many they bring."""

    name_th: str
    category_id: int
    price_satang: int
    quantity: int
    name_en: str = ""


@dataclass(frozen=True, slots=True)
class CleanNewProduct:
    name_th: str
    name_en: str
    category_id: int
    price_satang: int
    quantity: int


def clean_new_product(index: int, draft: NewProductIn) -> CleanNewProduct:
    """Each refusal names ``new_products[i].<field>``."""

    def at(name: str) -> str:
        return line_field(index, name, "new_products")

    name_th = clean_name(draft.name_th, at("name_th"))
    name_en = clean_name(draft.name_en, at("name_en"), required=False)
    price = check_price_satang(draft.price_satang, at("price_satang"))
    if price == 0:
        raise InvalidInputError(
            "proposal.price_zero", "กรุณาใส่ราคาที่เสนอขาย (มากกว่า 0 บาท)", field=at("price_satang")
        )
    check_quantity(draft.quantity, at("quantity"))
    return CleanNewProduct(name_th, name_en or name_th, draft.category_id, price, draft.quantity)


def require_status(status: str, wanted: DeliveryStatus, number: str) -> None:
    """A delivery that is no longer announced cannot be received or cancelled (409)."""
    if status == wanted:
        return
    if status == DeliveryStatus.RECEIVED:
        raise ConflictError(
            "delivery.already_received",
            "การแจ้งส่งสินค้า {number} รับสินค้าเข้าแล้ว ทำรายการนี้ไม่ได้",
            field="delivery_id",
            number=number,
        )
    raise ConflictError(
        "delivery.already_cancelled",
        "การแจ้งส่งสินค้า {number} ถูกยกเลิกแล้ว ทำรายการนี้ไม่ได้",
        field="delivery_id",
        number=number,
    )
