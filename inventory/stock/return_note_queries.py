"""Reading return notes and the lots due at the end of their period.

``return_notes_for`` is what the entrepreneur's portal lists ("return notes to collect");
staff pages read the due lots (for return or for another period) and the notes by status.
An entrepreneur reads only their own notes: another's is not found (404), not forbidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from inventory.models import Entrepreneur, Location, Product
from inventory.return_note_models import ReturnNote, ReturnNoteLine
from inventory.stock.aging import AgedLot, aged_lots
from inventory.stock.refs import parties, visible_entrepreneur, with_parties
from inventory.stock.return_rules import ReturnNoteStatus
from inventory.terms.rules import EndAction
from kernel.access import Actor
from kernel.errors import NotFoundError

MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class ReturnNoteLineView:
    id: int
    lot_id: int
    product_id: int
    sku: str
    barcode: str
    name_th: str
    name_en: str
    received_on: date
    ends_on: date
    units: int
    collected: int | None  # set at pickup
    difference: int  # units not collected (sold before pickup); 0 until then


@dataclass(frozen=True, slots=True)
class ReturnNoteView:
    id: int
    number: str
    status: ReturnNoteStatus
    entrepreneur_id: int
    entrepreneur_code: str
    entrepreneur_name_th: str
    entrepreneur_name_en: str
    location_id: int
    location_code: str
    location_name_th: str
    location_name_en: str
    note: str
    prepared_by: int | None
    prepared_at: datetime
    collected_by_name: str
    closed_by: int | None
    closed_at: datetime | None
    cancel_reason: str
    total_units: int
    total_collected: int | None
    lines: list[ReturnNoteLineView]


@dataclass(frozen=True, slots=True)
class ReturnNoteSummary:
    id: int
    number: str
    status: ReturnNoteStatus
    entrepreneur_id: int
    entrepreneur_code: str
    entrepreneur_name_th: str
    location_id: int
    location_code: str
    prepared_at: datetime
    closed_at: datetime | None
    total_units: int
    total_collected: int | None


@dataclass(frozen=True, slots=True)
class DueLot:
    """A lot past its period, with how many of its units wait on notes already."""

    lot: AgedLot
    set_aside: int  # units on notes waiting for pickup

    @property
    def free(self) -> int:
        return max(self.lot.remaining - self.set_aside, 0)

    def row(self) -> DueLotRow:
        lot = self.lot
        return DueLotRow(
            lot_id=lot.lot_id,
            product_id=lot.product_id,
            sku=lot.sku,
            name_th=lot.name_th,
            name_en=lot.name_en,
            entrepreneur_id=lot.entrepreneur_id,
            entrepreneur_code=lot.entrepreneur_code,
            entrepreneur_name=lot.entrepreneur_name,
            location_id=lot.location_id,
            location_code=lot.location_code,
            received_on=lot.received_on,
            ends_on=lot.ends_on,
            age_days=lot.age_days,
            end_action=lot.end_action.value,
            extensions=lot.extensions,
            remaining=lot.remaining,
            set_aside=self.set_aside,
            free=self.free,
        )


@dataclass(frozen=True, slots=True)
class DueLotRow:
    """A due lot as the API answers it."""

    lot_id: int
    product_id: int
    sku: str
    name_th: str
    name_en: str
    entrepreneur_id: int
    entrepreneur_code: str
    entrepreneur_name: str
    location_id: int
    location_code: str
    received_on: date
    ends_on: date
    age_days: int
    end_action: str  # return | extend
    extensions: int
    remaining: int
    set_aside: int  # on notes waiting for pickup
    free: int  # what a new note may still take


_HEAD = with_parties(ReturnNote)


def not_found(note_id: int) -> NotFoundError:
    return NotFoundError(
        "return_note.not_found",
        "ไม่พบใบคืนสินค้า id {note_id}",
        field="note_id",
        note_id=note_id,
    )


def _lines(conn: Connection, note_ids: Sequence[int]) -> dict[int, list[ReturnNoteLineView]]:
    found: dict[int, list[ReturnNoteLineView]] = {nid: [] for nid in note_ids}
    if not note_ids:
        return found
    rows = conn.execute(
        select(
            ReturnNoteLine.note_id,
            ReturnNoteLine.id,
            ReturnNoteLine.lot_id,
            Product.id,
            Product.sku,
            Product.barcode,
            Product.name_th,
            Product.name_en,
            ReturnNoteLine.received_on,
            ReturnNoteLine.ends_on,
            ReturnNoteLine.units,
            ReturnNoteLine.collected,
        )
        .join(Product, Product.id == ReturnNoteLine.product_id)
        .where(ReturnNoteLine.note_id.in_(sorted(set(note_ids))))
        .order_by(ReturnNoteLine.note_id, ReturnNoteLine.id)
    )
    for r in rows:
        collected = r.collected
        found[r.note_id].append(
            ReturnNoteLineView(
                id=r[1],
                lot_id=r.lot_id,
                product_id=r[3],
                sku=r.sku,
                barcode=r.barcode,
                name_th=r.name_th,
                name_en=r.name_en,
                received_on=r.received_on,
                ends_on=r.ends_on,
                units=r.units,
                collected=collected,
                difference=0 if collected is None else r.units - collected,
            )
        )
    return found


def _view(head: Any, lines: list[ReturnNoteLineView]) -> ReturnNoteView:
    """A note from its row (the columns of return_notes and its names) and its lines."""
    collected = (
        None if head.status != ReturnNoteStatus.COLLECTED else sum(x.collected or 0 for x in lines)
    )
    return ReturnNoteView(
        id=head.id,
        number=head.number,
        status=ReturnNoteStatus(head.status),
        **parties(head),
        note=head.note,
        prepared_by=head.prepared_by,
        prepared_at=head.prepared_at,
        collected_by_name=head.collected_by_name,
        closed_by=head.closed_by,
        closed_at=head.closed_at,
        cancel_reason=head.cancel_reason,
        total_units=sum(x.units for x in lines),
        total_collected=collected,
        lines=lines,
    )


def get_return_note(conn: Connection, actor: Actor, note_id: int) -> ReturnNoteView:
    """One note with its lines; an entrepreneur asking for another's gets 404."""
    head = conn.execute(_HEAD.where(ReturnNote.id == note_id)).first()
    if head is None or not actor.may_see_entrepreneur(head.entrepreneur_id):
        raise not_found(note_id)
    return _view(head, _lines(conn, [note_id])[note_id])


def return_notes_for(
    conn: Connection, entrepreneur_id: int, statuses: Iterable[ReturnNoteStatus | str]
) -> list[ReturnNoteView]:
    """An entrepreneur's notes in these statuses, with their lines, newest first (the portal's
    "return notes to collect" asks for ``waiting_pickup``). The caller has checked that the
    reader may see this entrepreneur."""
    wanted = sorted({ReturnNoteStatus(s).value for s in statuses})
    heads = conn.execute(
        _HEAD.where(ReturnNote.entrepreneur_id == entrepreneur_id, ReturnNote.status.in_(wanted))
        .order_by(ReturnNote.id.desc())
        .limit(MAX_PAGE)
    ).all()
    lines = _lines(conn, [h.id for h in heads])
    return [_view(h, lines[h.id]) for h in heads]


def list_return_notes(
    conn: Connection,
    actor: Actor,
    *,
    statuses: Iterable[ReturnNoteStatus | str] = (),
    entrepreneur_id: int | None = None,
    location_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[ReturnNoteSummary]:
    """Notes newest first (no statuses: all); an entrepreneur sees only their own."""
    entrepreneur_id = visible_entrepreneur(actor, entrepreneur_id)
    totals = (
        select(
            ReturnNoteLine.note_id,
            func.sum(ReturnNoteLine.units).label("units"),
            func.sum(ReturnNoteLine.collected).label("collected"),
        )
        .group_by(ReturnNoteLine.note_id)
        .subquery()
    )
    query = (
        select(
            ReturnNote.id,
            ReturnNote.number,
            ReturnNote.status,
            ReturnNote.entrepreneur_id,
            Entrepreneur.code,
            Entrepreneur.name_th,
            ReturnNote.location_id,
            Location.code,
            ReturnNote.prepared_at,
            ReturnNote.closed_at,
            func.coalesce(totals.c.units, 0),
            totals.c.collected,
        )
        .join(Entrepreneur, Entrepreneur.id == ReturnNote.entrepreneur_id)
        .join(Location, Location.id == ReturnNote.location_id)
        .outerjoin(totals, totals.c.note_id == ReturnNote.id)
        .order_by(ReturnNote.id.desc())
        .limit(min(max(limit, 1), MAX_PAGE))
        .offset(max(offset, 0))
    )
    wanted = sorted({ReturnNoteStatus(s).value for s in statuses})
    if wanted:
        query = query.where(ReturnNote.status.in_(wanted))
    if entrepreneur_id is not None:
        query = query.where(ReturnNote.entrepreneur_id == entrepreneur_id)
    if location_id is not None:
        query = query.where(ReturnNote.location_id == location_id)
    out = []
    for row in conn.execute(query):
        status = ReturnNoteStatus(row[2])
        out.append(
            ReturnNoteSummary(
                id=row[0],
                number=row[1],
                status=status,
                entrepreneur_id=row[3],
                entrepreneur_code=row[4],
                entrepreneur_name_th=row[5],
                location_id=row[6],
                location_code=row[7],
                prepared_at=row[8],
                closed_at=row[9],
                total_units=int(row[10]),
                total_collected=(
                    int(row[11] or 0) if status == ReturnNoteStatus.COLLECTED else None
                ),
            )
        )
    return out


def set_aside(conn: Connection, lot_ids: Iterable[int]) -> dict[int, int]:
    """Units of these lots on notes waiting for pickup (lot id -> units). Read from the
    waiting notes, which are few, rather than with the lots' ids as parameters: a centre
    with every lot due asks about tens of thousands (more than PostgreSQL takes in one
    statement)."""
    wanted = set(lot_ids)
    if not wanted:
        return {}
    rows = conn.execute(
        select(ReturnNoteLine.lot_id, func.sum(ReturnNoteLine.units))
        .join(ReturnNote, ReturnNote.id == ReturnNoteLine.note_id)
        .where(ReturnNote.status == ReturnNoteStatus.WAITING_PICKUP.value)
        .group_by(ReturnNoteLine.lot_id)
    )
    return {lot_id: int(units) for lot_id, units in rows if lot_id in wanted}


def due_lots(
    conn: Connection,
    today: date,
    end_action: EndAction,
    *,
    entrepreneur_id: int | None = None,
    location_id: int | None = None,
) -> list[DueLot]:
    """Lots past their period whose terms end with ``end_action`` (oldest first), with what
    of each is set aside on notes already."""
    due = due_lots_by_action(conn, today, entrepreneur_id=entrepreneur_id, location_id=location_id)
    return due[end_action]


def due_lots_by_action(
    conn: Connection,
    today: date,
    *,
    entrepreneur_id: int | None = None,
    location_id: int | None = None,
) -> dict[EndAction, list[DueLot]]:
    """:func:`due_lots` of every end action, from one reading of the lots."""
    lots = [
        lot
        for lot in aged_lots(conn, today, entrepreneur_id=entrepreneur_id, location_id=location_id)
        if lot.past_its_period
    ]
    held = set_aside(conn, (lot.lot_id for lot in lots))
    due: dict[EndAction, list[DueLot]] = {action: [] for action in EndAction}
    for lot in lots:
        due[lot.end_action].append(DueLot(lot, held.get(lot.lot_id, 0)))
    return due
