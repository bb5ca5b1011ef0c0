"""Goods-received notes: what an entrepreneur brought to a location, numbered GRN-YYYY-NNNNNN.

Cashiers may receive goods too: at a small centre the person at the till is often the one
who takes the entrepreneur's delivery. Everything else that moves stock by hand is for
managers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from inventory.models import Entrepreneur, Intake, IntakeLine, Location, Product
from inventory.stock.document_rules import DocumentPrefix, LineIn, line_field, merge_quantities
from inventory.stock.events import StockEvent
from inventory.stock.lot_rules import LotPiece
from inventory.stock.refs import (
    ProductRef,
    entrepreneur_exists,
    location,
    next_document_number,
    parties,
    require_own_products,
    resolve_lines,
    visible_entrepreneur,
    with_parties,
)
from inventory.stock.rules import MovementKind
from inventory.stock.service import apply_movements
from inventory.terms.service import current_versions
from kernel.access import STAFF, Actor
from kernel.audit import record
from kernel.errors import InvalidInputError, NotFoundError
from kernel.text import check_text

MAX_NOTE = 500


@dataclass(frozen=True, slots=True)
class IntakeLineView:
    product_id: int
    sku: str
    barcode: str
    name_th: str
    name_en: str
    price_satang: int
    quantity: int


@dataclass(frozen=True, slots=True)
class IntakeView:
    id: int
    number: str
    entrepreneur_id: int
    entrepreneur_code: str
    entrepreneur_name_th: str
    entrepreneur_name_en: str
    location_id: int
    location_code: str
    location_name_th: str
    location_name_en: str
    note: str
    actor_id: int | None
    received_at: datetime
    total_units: int
    lines: list[IntakeLineView]


@dataclass(frozen=True, slots=True)
class IntakeSummary:
    id: int
    number: str
    entrepreneur_id: int
    entrepreneur_code: str
    entrepreneur_name_th: str
    location_id: int
    location_code: str
    received_at: datetime
    line_count: int
    total_units: int


def check_note(note: str, field: str = "note") -> str:
    if len(note) > MAX_NOTE:
        raise InvalidInputError(
            "stock.note_too_long",
            "หมายเหตุยาวได้ไม่เกิน {limit} ตัวอักษร",
            field=field,
            limit=MAX_NOTE,
        )
    return check_text(note, field).strip()


def receive_intake(
    conn: Connection,
    actor: Actor,
    now: datetime,
    *,
    entrepreneur_id: int,
    location_id: int | None,
    lines: Sequence[LineIn],
    note: str = "",
) -> IntakeView:
    """Record a goods-received note and add its goods to stock (kind ``intake``).

    Lines name a product by id or barcode; lines for the same product are merged; every
    product must be the entrepreneur's. ``location_id=None`` is the default location.
    """
    actor.require(STAFF, "receive goods")
    note = check_note(note)
    code = entrepreneur_exists(conn, entrepreneur_id)
    place = location(conn, location_id)
    resolved = resolve_lines(conn, lines, allow_barcode=True)
    require_own_products(resolved, entrepreneur_id, code)
    _require_active(resolved)
    quantities = merge_quantities((p.id, q) for p, q in resolved)
    number = next_document_number(conn, DocumentPrefix.INTAKE, now)
    # The goods come in under the terms in force today, and keep them.
    terms_id = current_versions(conn, [entrepreneur_id], now)[entrepreneur_id].id
    intake_id = _insert_intake(
        conn, actor, now, number, entrepreneur_id, place.id, note, quantities, terms_id
    )
    apply_movements(
        conn,
        actor,
        now,
        location_id=place.id,
        deltas=quantities,
        kind=MovementKind.INTAKE,
        reason=f"goods received from {code}",
        document=number,
        incoming={p: [LotPiece(terms_id, now, q, intake_id)] for p, q in quantities.items()},
    )
    record(
        conn,
        actor,
        StockEvent.INTAKE_RECEIVED,
        "intake",
        intake_id,
        now,
        number=number,
        entrepreneur_id=entrepreneur_id,
        location_id=place.id,
        lines={str(p): q for p, q in quantities.items()},
    )
    return get_intake(conn, actor, intake_id)


def _require_active(resolved: Sequence[tuple[ProductRef, int]]) -> None:
    for index, (product, _) in enumerate(resolved):
        if not product.active:
            raise InvalidInputError(
                "intake.product_inactive",
                "สินค้า {name} ({sku}) ปิดการใช้งานอยู่ กรุณาเปิดใช้งานก่อนรับสินค้าเข้า",
                field=line_field(index, "product_id"),
                name=product.name_th,
                sku=product.sku,
            )


def _insert_intake(
    conn: Connection,
    actor: Actor,
    now: datetime,
    number: str,
    entrepreneur_id: int,
    location_id: int,
    note: str,
    quantities: dict[int, int],
    terms_id: int | None,
) -> int:
    intake_id = int(
        conn.execute(
            insert(Intake)
            .values(
                number=number,
                entrepreneur_id=entrepreneur_id,
                location_id=location_id,
                note=note,
                actor_id=actor.user_id,
                received_at=now,
            )
            .returning(Intake.id)
        ).scalar_one()
    )
    conn.execute(
        insert(IntakeLine),
        [
            {"intake_id": intake_id, "product_id": p, "quantity": q, "terms_id": terms_id}
            for p, q in quantities.items()
        ],
    )
    return intake_id


def get_intake(conn: Connection, actor: Actor, intake_id: int) -> IntakeView:
    """One goods-received note; an entrepreneur asking for another's gets 404."""
    head = conn.execute(with_parties(Intake).where(Intake.id == intake_id)).first()
    if head is None or not actor.may_see_entrepreneur(head.entrepreneur_id):
        raise NotFoundError(
            "intake.not_found",
            "ไม่พบใบรับสินค้า id {intake_id}",
            field="intake_id",
            intake_id=intake_id,
        )
    lines = [
        IntakeLineView(*row)
        for row in conn.execute(
            select(
                Product.id,
                Product.sku,
                Product.barcode,
                Product.name_th,
                Product.name_en,
                Product.price_satang,
                IntakeLine.quantity,
            )
            .join(Product, Product.id == IntakeLine.product_id)
            .where(IntakeLine.intake_id == intake_id)
            .order_by(IntakeLine.id)
        )
    ]
    return IntakeView(
        id=head.id,
        number=head.number,
        **parties(head),
        note=head.note,
        actor_id=head.actor_id,
        received_at=head.received_at,
        total_units=sum(line.quantity for line in lines),
        lines=lines,
    )


def list_intakes(
    conn: Connection,
    actor: Actor,
    *,
    entrepreneur_id: int | None = None,
    location_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[IntakeSummary]:
    """Newest first; an entrepreneur sees only their own notes."""
    entrepreneur_id = visible_entrepreneur(actor, entrepreneur_id)
    totals = (
        select(
            IntakeLine.intake_id,
            func.count().label("line_count"),
            func.sum(IntakeLine.quantity).label("total_units"),
        )
        .group_by(IntakeLine.intake_id)
        .subquery()
    )
    query = (
        select(
            Intake.id,
            Intake.number,
            Intake.entrepreneur_id,
            Entrepreneur.code,
            Entrepreneur.name_th,
            Intake.location_id,
            Location.code,
            Intake.received_at,
            func.coalesce(totals.c.line_count, 0),
            func.coalesce(totals.c.total_units, 0),
        )
        .join(Entrepreneur, Entrepreneur.id == Intake.entrepreneur_id)
        .join(Location, Location.id == Intake.location_id)
        .outerjoin(totals, totals.c.intake_id == Intake.id)
        .order_by(Intake.id.desc())
        .limit(min(max(limit, 1), 500))
        .offset(max(offset, 0))
    )
    if entrepreneur_id is not None:
        query = query.where(Intake.entrepreneur_id == entrepreneur_id)
    if location_id is not None:
        query = query.where(Intake.location_id == location_id)
    return [IntakeSummary(*row) for row in conn.execute(query)]
