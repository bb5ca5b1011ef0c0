"""Stock moved by hand (managers only): adjustments, counts, transfers, returns to entrepreneurs.

Each action is one numbered document (ADJ-, CNT-, TRF-, RTN-YYYY-NNNNNN) whose movements
carry that number, and one audit entry. Counts and transfers also keep their own rows
(expected vs counted; from/to), adjustments and returns live in their movements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from inventory.models import StockCount, StockCountLine, Transfer, TransferLine
from inventory.stock.document_rules import (
    DocumentPrefix,
    LineIn,
    count_differences,
    merge_quantities,
    refuse_duplicates,
)
from inventory.stock.events import StockEvent
from inventory.stock.intakes import check_note
from inventory.stock.lots import pieces_leaving
from inventory.stock.refs import (
    entrepreneur_exists,
    location,
    next_document_number,
    require_own_products,
    resolve_lines,
)
from inventory.stock.rules import MovementKind
from inventory.stock.service import apply_movements, check_reason_length, on_hand
from kernel.access import MANAGERS, Actor
from kernel.audit import record
from kernel.errors import InvalidInputError
from kernel.text import check_text


@dataclass(frozen=True, slots=True)
class MovedLine:
    product_id: int
    quantity: int
    on_hand: int


@dataclass(frozen=True, slots=True)
class MovementDocument:
    """An adjustment or a return: the movements it made under one number."""

    number: str
    kind: str
    location_id: int
    reason: str
    lines: list[MovedLine]
    entrepreneur_id: int | None = None


@dataclass(frozen=True, slots=True)
class TransferLineView:
    product_id: int
    quantity: int
    from_on_hand: int
    to_on_hand: int


@dataclass(frozen=True, slots=True)
class TransferView:
    id: int
    number: str
    from_location_id: int
    to_location_id: int
    note: str
    lines: list[TransferLineView]


@dataclass(frozen=True, slots=True)
class CountLineView:
    product_id: int
    expected: int
    counted: int
    difference: int


@dataclass(frozen=True, slots=True)
class CountView:
    id: int
    number: str
    location_id: int
    note: str
    lines: list[CountLineView]


def _reason(reason: str) -> str:
    reason = check_text(reason, "reason").strip()
    if not reason:
        raise InvalidInputError("stock.reason_required", "กรุณาระบุเหตุผลที่ปรับปรุงสต็อก", field="reason")
    check_reason_length(reason)
    return reason


def adjust_stock(
    conn: Connection,
    actor: Actor,
    now: datetime,
    *,
    location_id: int,
    lines: Sequence[LineIn],
    reason: str,
) -> MovementDocument:
    """Signed corrections (damage, loss, found goods) with a required reason."""
    actor.require(MANAGERS, "adjust stock")
    reason = _reason(reason)
    place = location(conn, location_id)
    resolved = resolve_lines(conn, lines, signed=True)
    deltas = merge_quantities(((p.id, q) for p, q in resolved), signed=True)
    number = next_document_number(conn, DocumentPrefix.ADJUSTMENT, now)
    after = apply_movements(
        conn,
        actor,
        now,
        location_id=place.id,
        deltas=deltas,
        kind=MovementKind.ADJUSTMENT,
        reason=reason,
        document=number,
    )
    record(
        conn,
        actor,
        StockEvent.STOCK_ADJUSTED,
        "stock",
        number,
        now,
        location_id=place.id,
        reason=reason,
        lines={str(p): q for p, q in deltas.items()},
    )
    moved = [MovedLine(p, q, after[p]) for p, q in deltas.items()]
    return MovementDocument(number, MovementKind.ADJUSTMENT.value, place.id, reason, moved)


def return_to_entrepreneur(
    conn: Connection,
    actor: Actor,
    now: datetime,
    *,
    entrepreneur_id: int,
    location_id: int | None,
    lines: Sequence[LineIn],
    note: str = "",
    document: str | None = None,
    reason: str | None = None,
) -> MovementDocument:
    """Goods given back to their entrepreneur (kind ``return``); only that entrepreneur's.

    A return note's pickup (inventory.stock.return_notes) passes its own number as
    ``document`` and the reason it prints; a return by hand gets a new RTN- number."""
    actor.require(MANAGERS, "return goods to an entrepreneur")
    note = check_note(note)
    code = entrepreneur_exists(conn, entrepreneur_id)
    place = location(conn, location_id)
    resolved = resolve_lines(conn, lines, allow_barcode=True)
    require_own_products(resolved, entrepreneur_id, code)
    quantities = merge_quantities((p.id, q) for p, q in resolved)
    number = document or next_document_number(conn, DocumentPrefix.RETURN, now)
    if reason is None:
        reason = f"returned to {code}" + (f": {note}" if note else "")
    after = apply_movements(
        conn,
        actor,
        now,
        location_id=place.id,
        deltas={p: -q for p, q in quantities.items()},
        kind=MovementKind.RETURN,
        reason=reason[:200],
        document=number,
    )
    record(
        conn,
        actor,
        StockEvent.STOCK_RETURNED,
        "stock",
        number,
        now,
        entrepreneur_id=entrepreneur_id,
        location_id=place.id,
        note=note,
        lines={str(p): q for p, q in quantities.items()},
    )
    moved = [MovedLine(p, -q, after[p]) for p, q in quantities.items()]
    return MovementDocument(
        number, MovementKind.RETURN.value, place.id, reason[:200], moved, entrepreneur_id
    )


def transfer_stock(
    conn: Connection,
    actor: Actor,
    now: datetime,
    *,
    from_location_id: int,
    to_location_id: int,
    lines: Sequence[LineIn],
    note: str = "",
) -> TransferView:
    """Move goods between locations: out of one (negative), into the other (positive)."""
    actor.require(MANAGERS, "transfer stock")
    note = check_note(note)
    if from_location_id == to_location_id:
        raise InvalidInputError(
            "stock.transfer_same_location",
            "การโอนย้ายสินค้าต้องมีสถานที่ต้นทางและปลายทางที่ต่างกัน",
            field="to_location_id",
        )
    source = location(conn, from_location_id, "from_location_id")
    target = location(conn, to_location_id, "to_location_id")
    resolved = resolve_lines(conn, lines, allow_barcode=True)
    quantities = merge_quantities((p.id, q) for p, q in resolved)
    # Lock both locations' rows in location order, so two opposite transfers cannot deadlock.
    for place_id in sorted((source.id, target.id)):
        on_hand(conn, quantities, place_id, for_update=True)
    number = next_document_number(conn, DocumentPrefix.TRANSFER, now)
    # The goods keep their intake dates and terms at the other location.
    moving = pieces_leaving(conn, source.id, quantities)
    out = apply_movements(
        conn,
        actor,
        now,
        location_id=source.id,
        deltas={p: -q for p, q in quantities.items()},
        kind=MovementKind.TRANSFER,
        reason=f"to {target.code}",
        document=number,
    )
    into = apply_movements(
        conn,
        actor,
        now,
        location_id=target.id,
        deltas=quantities,
        kind=MovementKind.TRANSFER,
        reason=f"from {source.code}",
        document=number,
        incoming=moving,
    )
    transfer_id = conn.execute(
        insert(Transfer)
        .values(
            number=number,
            from_location_id=source.id,
            to_location_id=target.id,
            note=note,
            actor_id=actor.user_id,
            transferred_at=now,
        )
        .returning(Transfer.id)
    ).scalar_one()
    conn.execute(
        insert(TransferLine),
        [
            {"transfer_id": transfer_id, "product_id": p, "quantity": q}
            for p, q in quantities.items()
        ],
    )
    record(
        conn,
        actor,
        StockEvent.STOCK_TRANSFERRED,
        "transfer",
        transfer_id,
        now,
        number=number,
        from_location_id=source.id,
        to_location_id=target.id,
        lines={str(p): q for p, q in quantities.items()},
    )
    views = [TransferLineView(p, q, out[p], into[p]) for p, q in quantities.items()]
    return TransferView(transfer_id, number, source.id, target.id, note, views)


def post_count(
    conn: Connection,
    actor: Actor,
    now: datetime,
    *,
    location_id: int,
    lines: Sequence[LineIn],
    note: str = "",
) -> CountView:
    """Record counted quantities (``LineIn.quantity`` is the counted figure, >= 0) and post
    the differences from what was expected as ``count`` movements.

    Each product may be counted once per count; expected is read under lock, so a sale that
    lands meanwhile is either before the count (and expected) or after it.
    """
    actor.require(MANAGERS, "post a stock count")
    note = check_note(note)
    place = location(conn, location_id)
    resolved = resolve_lines(conn, lines, zero_ok=True, quantity_field="counted")
    refuse_duplicates(p.id for p, _ in resolved)
    counted = {p.id: q for p, q in resolved}
    expected = on_hand(conn, counted, place.id, for_update=True)
    differences = count_differences(expected, counted)
    number = next_document_number(conn, DocumentPrefix.COUNT, now)
    apply_movements(
        conn,
        actor,
        now,
        location_id=place.id,
        deltas=differences,
        kind=MovementKind.COUNT,
        reason=f"stock count {number}",
        document=number,
    )
    count_id = conn.execute(
        insert(StockCount)
        .values(
            number=number, location_id=place.id, note=note, actor_id=actor.user_id, counted_at=now
        )
        .returning(StockCount.id)
    ).scalar_one()
    conn.execute(
        insert(StockCountLine),
        [
            {"count_id": count_id, "product_id": p, "expected": expected[p], "counted": c}
            for p, c in counted.items()
        ],
    )
    record(
        conn,
        actor,
        StockEvent.STOCK_COUNTED,
        "stock_count",
        count_id,
        now,
        number=number,
        location_id=place.id,
        differences={str(p): d for p, d in differences.items()},
    )
    views = [CountLineView(p, expected[p], c, c - expected[p]) for p, c in counted.items()]
    return CountView(count_id, number, place.id, note, views)
