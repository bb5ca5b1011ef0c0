"""Return notes (ใบคืนสินค้า): goods past their consignment period go back to their
entrepreneur. Managers prepare a note (no stock moves: the goods are set aside), confirm
pickup when the entrepreneur signs (then the stock leaves, by ``return_to_entrepreneur`` with
the note's number), or cancel it before. The rules are in return_rules.

Locks: preparing and collecting hold the ``stock_levels`` rows of the note's products, as
every writer of stock does, so a lot is never set aside twice over and pickup reads an
on-hand no sale can change under it. Collecting and cancelling claim the note by a
conditional update of its status first, so of two at once exactly one goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from inventory.models import Product, StockLot
from inventory.return_note_models import ReturnNote, ReturnNoteLine
from inventory.stock.aging import AgedLot, aged_lots
from inventory.stock.document_rules import DocumentPrefix, LineIn, check_quantity
from inventory.stock.documents import return_to_entrepreneur
from inventory.stock.events import StockEvent
from inventory.stock.intakes import check_note
from inventory.stock.refs import entrepreneur_exists, location, next_document_number
from inventory.stock.return_note_queries import (
    ReturnNoteView,
    get_return_note,
    not_found,
    set_aside,
)
from inventory.stock.return_rules import (
    MAX_NOTE_LOTS,
    RETURN_REASON,
    NoteLine,
    ReturnNoteStatus,
    check_collector,
    collected_per_line,
    refuse_repeated_lots,
    require_waiting,
    units_by_product,
)
from inventory.stock.service import check_reason_length, on_hand
from inventory.terms.rules import EndAction
from kernel.access import MANAGERS, Actor
from kernel.audit import record
from kernel.clock import business_date
from kernel.errors import InvalidInputError
from kernel.text import check_text


@dataclass(frozen=True, slots=True)
class LotChoice:
    """A lot staff chose for a note, and how many of its units (None: all that are free)."""

    lot_id: int
    quantity: int | None = None


def prepare_return_note(
    conn: Connection,
    actor: Actor,
    now: datetime,
    *,
    entrepreneur_id: int,
    location_id: int | None,
    lots: Sequence[LotChoice] | None = None,
    note: str = "",
) -> ReturnNoteView:
    """A note for one entrepreneur at one location: the chosen lots, or (``lots`` None) every
    lot past its period whose terms say return, less what other notes set aside already."""
    actor.require(MANAGERS, "prepare a return note")
    note = check_note(note)
    code = entrepreneur_exists(conn, entrepreneur_id)
    place = location(conn, location_id)
    if lots is not None:
        _check_choices(lots)
    held, reserved = _lots_under_lock(conn, business_date(now), entrepreneur_id, place.id, lots)
    if lots is None:
        picked = _due_for_return(held, reserved)
        if not picked:
            raise InvalidInputError(
                "return_note.nothing_due",
                "ผู้ประกอบการ {entrepreneur_code} ไม่มีสินค้าครบกำหนดคืนที่ {location_code}",
                field="lots",
                entrepreneur_code=code,
                location_code=place.code,
            )
    else:
        picked = _chosen(lots, {x.lot_id: x for x in held}, reserved)
    picked.sort(key=lambda pair: (pair[0].received_on, pair[0].lot_id))
    number = next_document_number(conn, DocumentPrefix.RETURN, now)
    note_id = _insert_note(conn, actor, now, number, entrepreneur_id, place.id, note, picked)
    record(
        conn,
        actor,
        StockEvent.RETURN_NOTE_PREPARED,
        "return_note",
        note_id,
        now,
        number=number,
        entrepreneur_id=entrepreneur_id,
        location_id=place.id,
        lots={str(lot.lot_id): units for lot, units in picked},
    )
    return get_return_note(conn, actor, note_id)


def _check_choices(lots: Sequence[LotChoice]) -> None:
    if not lots:
        raise InvalidInputError("return_note.no_lots", "กรุณาเลือกล็อตอย่างน้อยหนึ่งล็อต", field="lots")
    if len(lots) > MAX_NOTE_LOTS:
        raise InvalidInputError(
            "return_note.too_many_lots",
            "ใบคืนสินค้าหนึ่งใบมีได้ไม่เกิน {limit} ล็อต",
            field="lots",
            limit=MAX_NOTE_LOTS,
        )
    refuse_repeated_lots(c.lot_id for c in lots)
    for index, choice in enumerate(lots):
        if choice.quantity is not None:
            check_quantity(choice.quantity, f"lots[{index}].quantity")


def _lots_under_lock(
    conn: Connection,
    today: date,
    entrepreneur_id: int,
    location_id: int,
    lots: Sequence[LotChoice] | None,
) -> tuple[list[AgedLot], dict[int, int]]:
    """The entrepreneur's lots with goods here (of the chosen lots' products, else all), read
    under the lock of their stock levels (lots change only under it), and the units other
    notes set aside of each."""
    query = select(StockLot.product_id).distinct()
    if lots is not None:
        query = query.where(StockLot.id.in_(sorted({c.lot_id for c in lots})))
    else:
        query = query.join(Product, Product.id == StockLot.product_id).where(
            Product.entrepreneur_id == entrepreneur_id,
            StockLot.location_id == location_id,
            StockLot.remaining > 0,
        )
    products = sorted(conn.execute(query).scalars())
    on_hand(conn, products, location_id, for_update=True)
    held = aged_lots(
        conn, today, entrepreneur_id=entrepreneur_id, location_id=location_id, product_ids=products
    )
    return held, set_aside(conn, (x.lot_id for x in held))


def _due_for_return(held: Sequence[AgedLot], reserved: dict[int, int]) -> list[tuple[AgedLot, int]]:
    """Every lot past its period whose terms say return, for the units no note set aside."""
    picked = []
    for lot in held:
        free = lot.remaining - reserved.get(lot.lot_id, 0)
        if lot.past_its_period and lot.end_action == EndAction.RETURN and free > 0:
            picked.append((lot, free))
    return picked


def _chosen(
    lots: Sequence[LotChoice], held: dict[int, AgedLot], reserved: dict[int, int]
) -> list[tuple[AgedLot, int]]:
    """The chosen lots, each the entrepreneur's with goods here, for no more than is free."""
    picked = []
    for index, choice in enumerate(lots):
        lot = held.get(choice.lot_id)
        if lot is None:
            raise InvalidInputError(
                "return_note.lot_unknown",
                "ไม่พบล็อต {lot_id} ที่มีสินค้าของผู้ประกอบการรายนี้ในสถานที่นี้",
                field=f"lots[{index}].lot_id",
                lot_id=choice.lot_id,
            )
        free = lot.remaining - reserved.get(lot.lot_id, 0)
        units = free if choice.quantity is None else choice.quantity
        if units <= 0 or units > free:
            raise InvalidInputError(
                "return_note.more_than_free",
                "ล็อต {lot_id} ({sku}) คืนได้อีกไม่เกิน {free} ชิ้น",
                field=f"lots[{index}].quantity",
                lot_id=lot.lot_id,
                sku=lot.sku,
                free=max(free, 0),
            )
        picked.append((lot, units))
    return picked


def _insert_note(
    conn: Connection,
    actor: Actor,
    now: datetime,
    number: str,
    entrepreneur_id: int,
    location_id: int,
    note: str,
    picked: Sequence[tuple[AgedLot, int]],
) -> int:
    note_id = int(
        conn.execute(
            insert(ReturnNote)
            .values(
                number=number,
                entrepreneur_id=entrepreneur_id,
                location_id=location_id,
                status=ReturnNoteStatus.WAITING_PICKUP.value,
                note=note,
                prepared_by=actor.user_id,
                prepared_at=now,
                collected_by_name="",
                closed_by=None,
                closed_at=None,
                cancel_reason="",
            )
            .returning(ReturnNote.id)
        ).scalar_one()
    )
    conn.execute(
        insert(ReturnNoteLine),
        [
            {
                "note_id": note_id,
                "lot_id": lot.lot_id,
                "product_id": lot.product_id,
                "received_on": lot.received_on,
                "ends_on": lot.ends_on,
                "units": units,
                "collected": None,
            }
            for lot, units in picked
        ],
    )
    return note_id


def _claim(conn: Connection, note_id: int, **values: Any) -> tuple[str, int, int]:
    """Move a waiting note on (``values``: its new status and who, when): its number,
    entrepreneur and location. Refuses a note that is not waiting, also when another request
    moved it on first (the conditional update finds it no longer waiting)."""
    head = conn.execute(
        select(
            ReturnNote.number, ReturnNote.status, ReturnNote.entrepreneur_id, ReturnNote.location_id
        ).where(ReturnNote.id == note_id)
    ).first()
    if head is None:
        raise not_found(note_id)
    require_waiting(head.status, head.number)
    claimed = conn.execute(
        update(ReturnNote)
        .where(
            ReturnNote.id == note_id,
            ReturnNote.status == ReturnNoteStatus.WAITING_PICKUP.value,
        )
        .values(**values)
    ).rowcount
    if claimed != 1:
        status = conn.execute(select(ReturnNote.status).where(ReturnNote.id == note_id)).scalar()
        require_waiting(str(status), head.number)
    return head.number, head.entrepreneur_id, head.location_id


def _what_is_there(
    conn: Connection, note_id: int, location_id: int
) -> tuple[list[NoteLine], dict[int, int]]:
    """A note's lines (oldest first) and what each gives at pickup, read under the lock of
    their stock levels and recorded on the lines."""
    lines = [
        NoteLine(line_id, pid, units)
        for line_id, pid, units in conn.execute(
            select(ReturnNoteLine.id, ReturnNoteLine.product_id, ReturnNoteLine.units)
            .where(ReturnNoteLine.note_id == note_id)
            .order_by(ReturnNoteLine.received_on, ReturnNoteLine.lot_id)
        )
    ]
    levels = on_hand(conn, {x.product_id for x in lines}, location_id, for_update=True)
    given = collected_per_line(lines, levels)
    conn.execute(
        update(ReturnNoteLine)
        .where(ReturnNoteLine.id == bindparam("line_id"))
        .values(collected=bindparam("given")),
        [{"line_id": line_id, "given": units} for line_id, units in given.items()],
    )
    return lines, given


def collect_return_note(
    conn: Connection, actor: Actor, now: datetime, note_id: int, *, collected_by: str
) -> ReturnNoteView:
    """The entrepreneur signed and took the goods: what is there leaves the stock (a
    ``return`` movement per product, numbered as the note); what was sold meanwhile is the
    note's difference."""
    actor.require(MANAGERS, "confirm a return note's pickup")
    name = check_collector(collected_by)
    number, entrepreneur_id, location_id = _claim(
        conn,
        note_id,
        status=ReturnNoteStatus.COLLECTED.value,
        collected_by_name=name,
        closed_by=actor.user_id,
        closed_at=now,
    )
    lines, given = _what_is_there(conn, note_id, location_id)
    leaving = units_by_product((x.product_id, given[x.line_id]) for x in lines)
    if leaving:
        return_to_entrepreneur(
            conn,
            actor,
            now,
            entrepreneur_id=entrepreneur_id,
            location_id=location_id,
            lines=[LineIn(units, pid) for pid, units in leaving.items()],
            document=number,
            reason=RETURN_REASON,
        )
    short = units_by_product((x.product_id, x.units - given[x.line_id]) for x in lines)
    record(
        conn,
        actor,
        StockEvent.RETURN_NOTE_COLLECTED,
        "return_note",
        note_id,
        now,
        number=number,
        collected_by=name,
        collected={str(p): u for p, u in leaving.items()},
        not_there={str(p): u for p, u in short.items()},
    )
    return get_return_note(conn, actor, note_id)


def cancel_return_note(
    conn: Connection, actor: Actor, now: datetime, note_id: int, *, reason: str = ""
) -> ReturnNoteView:
    """Call a note off before pickup: its goods stay for sale; stock never moved."""
    actor.require(MANAGERS, "cancel a return note")
    reason = check_text(reason, "reason").strip()
    check_reason_length(reason)
    number, _, _ = _claim(
        conn,
        note_id,
        status=ReturnNoteStatus.CANCELLED.value,
        cancel_reason=reason,
        closed_by=actor.user_id,
        closed_at=now,
    )
    record(
        conn,
        actor,
        StockEvent.RETURN_NOTE_CANCELLED,
        "return_note",
        note_id,
        now,
        number=number,
        reason=reason,
    )
    return get_return_note(conn, actor, note_id)
