"""The rules of goods going back at the end of their consignment period, pure.

A **return note** (ใบคืนสินค้า) lists lots of one entrepreneur at one location and how many
units of each go back. Preparing it moves no stock: the goods are set aside until the
entrepreneur comes. At pickup the stock leaves, but only what is there: goods sold meanwhile
cannot go back, so each product gives at most its on-hand, and the lines (oldest first) take
what it gives; the rest is the note's recorded difference.

A lot whose terms say **extend** stays ``extend_days`` more each time its period ends: it is
extended by as many periods as bring its end past today (one, unless it was left past its
end for longer than a whole extension).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kernel.errors import ConflictError, InvalidInputError

RETURN_REASON = "คืนผู้ประกอบการตามกำหนดฝากขาย"
MAX_COLLECTOR = 100
MAX_NOTE_LOTS = 500


class ReturnNoteStatus(StrEnum):
    """Where a return note is: set aside, taken by the entrepreneur, or called off."""

    WAITING_PICKUP = "waiting_pickup"  # prepared: the goods wait, stock has not moved
    COLLECTED = "collected"  # the entrepreneur signed and took them: stock left
    CANCELLED = "cancelled"  # called off before pickup: stock never moved


@dataclass(frozen=True, slots=True)
class NoteLine:
    """One line of a note as pickup reads it: which product, how many units were set aside."""

    line_id: int
    product_id: int
    units: int


def require_waiting(status: str, number: str) -> None:
    """Only a note waiting for pickup can be collected or cancelled."""
    if status == ReturnNoteStatus.WAITING_PICKUP:
        return
    if status == ReturnNoteStatus.COLLECTED:
        raise ConflictError(
            "return_note.already_collected",
            "ใบคืนสินค้า {number} รับสินค้าไปแล้ว แก้ไขหรือยกเลิกไม่ได้",
            number=number,
        )
    raise ConflictError(
        "return_note.already_cancelled",
        "ใบคืนสินค้า {number} ถูกยกเลิกแล้ว ออกใบใหม่หากจะคืนสินค้า",
        number=number,
    )


def check_collector(name: str) -> str:
    """Who collected the goods, as they signed: required, one line, not too long."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInputError(
            "return_note.collector_required",
            "กรุณาระบุชื่อผู้มารับสินค้า",
            field="collected_by",
        )
    if len(name) > MAX_COLLECTOR:
        raise InvalidInputError(
            "return_note.collector_too_long",
            "ชื่อผู้มารับสินค้ายาวได้ไม่เกิน {limit} ตัวอักษร",
            field="collected_by",
            limit=MAX_COLLECTOR,
        )
    return name


def collected_per_line(lines: Sequence[NoteLine], on_hand: Mapping[int, int]) -> dict[int, int]:
    """How many units each line gives at pickup (line id -> units): per product at most its
    on-hand (never below zero), handed to the product's lines in their order (oldest first)."""
    left = {pid: max(units, 0) for pid, units in on_hand.items()}
    given: dict[int, int] = {}
    for line in lines:
        part = min(line.units, left.get(line.product_id, 0))
        given[line.line_id] = part
        left[line.product_id] = left.get(line.product_id, 0) - part
    return given


def units_by_product(pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """(product id, units) summed per product, leaving out zeros."""
    total: dict[int, int] = {}
    for pid, units in pairs:
        if units:
            total[pid] = total.get(pid, 0) + units
    return total


def extensions_needed(
    received_on: date, period_days: int, extend_days: int, extensions: int, today: date
) -> int:
    """How many more extensions bring a lot's end past ``today`` (0: not due yet)."""
    if extend_days <= 0:
        return 0
    ends_on = received_on + timedelta(days=period_days + extensions * extend_days)
    if today < ends_on:
        return 0
    return (today - ends_on).days // extend_days + 1


def refuse_repeated_lots(lot_ids: Iterable[int], field: str = "lots") -> None:
    """A note names each lot once: two quantities for one lot are ambiguous."""
    seen: set[int] = set()
    for index, lot_id in enumerate(lot_ids):
        if lot_id in seen:
            raise InvalidInputError(
                "return_note.lot_repeated",
                "ล็อต {lot_id} ถูกใส่ซ้ำในใบคืนสินค้า",
                field=f"{field}[{index}].lot_id",
                lot_id=lot_id,
            )
        seen.add(lot_id)
