"""Announcing, cancelling and receiving deliveries.

- An entrepreneur announces what they will bring: their own products (active, or proposed
  earlier and still waiting) and new products they propose (inactive until a manager
  approves: inventory.deliveries.proposals). It gets a number, DLV-YYYY-NNNNNN.
- The entrepreneur (or a manager on their behalf) may cancel it while it is announced.
- Staff who may receive goods (cashiers too, as for a goods-received note) receive it: the
  counted quantities per product, announced or not. A product still waiting for approval (or
  rejected) cannot be received: a manager approves it first, on the proposals page, and the
  receiving page says so. What came becomes a goods-received note through
  ``receive_intake``; the counted quantities stay on the delivery's lines, and the differences
  follow from them.

Receiving twice is refused (409), also when two staff finish at once: the first write of a
receipt is a conditional update of the delivery's row (``status = 'announced'``), which the
second transaction waits on and then finds no longer true.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from inventory.catalogue.photos import Photo
from inventory.deliveries.events import DeliveryEvent
from inventory.deliveries.models import Delivery, DeliveryLine
from inventory.deliveries.proposals import check_categories, propose_product, review_statuses
from inventory.deliveries.queries import DeliveryView, get_delivery
from inventory.deliveries.rules import (
    PREFIX,
    DeliveryStatus,
    LineDifference,
    NewProductIn,
    ReviewStatus,
    check_expected_on,
    check_line_total,
    check_note,
    clean_new_product,
    compare,
    count_differences,
    merge_received,
    require_status,
)
from inventory.stock.document_rules import LineIn, line_field, merge_quantities
from inventory.stock.intakes import receive_intake
from inventory.stock.refs import (
    ProductRef,
    entrepreneur_exists,
    location,
    next_document_number,
    require_own_products,
    resolve_lines,
)
from kernel.access import MANAGERS, STAFF, Actor, Role
from kernel.audit import record
from kernel.clock import business_date
from kernel.errors import ForbiddenError, InvalidInputError

ENTREPRENEURS = frozenset({Role.ENTREPRENEUR})


def _own_entrepreneur(actor: Actor) -> int:
    actor.require(ENTREPRENEURS, "announce deliveries")
    if actor.entrepreneur_id is None:
        raise ForbiddenError(
            "access.entrepreneur_unlinked",
            "บัญชีผู้ประกอบการนี้ยังไม่ได้ผูกกับผู้ประกอบการรายใด กรุณาติดต่อผู้จัดการศูนย์",
        )
    return actor.entrepreneur_id


def announce_delivery(
    conn: Connection,
    actor: Actor,
    now: datetime,
    *,
    location_id: int | None,
    expected_on: date,
    lines: Sequence[LineIn],
    new_products: Sequence[NewProductIn] = (),
    photos: Mapping[int, Photo] | None = None,
    note: str = "",
) -> DeliveryView:
    """Announce a delivery of the signed-in entrepreneur's goods; ``photos`` maps an index of
    ``new_products`` to its photo (already checked and re-encoded)."""
    entrepreneur_id = _own_entrepreneur(actor)
    check_line_total(len(lines) + len(new_products))
    note = check_note(note)
    check_expected_on(expected_on, business_date(now))
    code = entrepreneur_exists(conn, entrepreneur_id)
    place = location(conn, location_id)
    quantities = _announced_products(conn, entrepreneur_id, lines)
    drafts = [clean_new_product(i, draft) for i, draft in enumerate(new_products)]
    check_categories(conn, drafts)
    number = next_document_number(conn, PREFIX, now)
    delivery_id = _insert_delivery(
        conn, actor, now, number, entrepreneur_id, place.id, expected_on, note
    )
    for index, draft in enumerate(drafts):
        product_id = propose_product(
            conn,
            actor,
            now,
            entrepreneur_id=entrepreneur_id,
            entrepreneur_code=code,
            draft=draft,
            delivery_id=delivery_id,
            photo=(photos or {}).get(index),
        )
        quantities[product_id] = draft.quantity
    conn.execute(
        insert(DeliveryLine),
        [
            {"delivery_id": delivery_id, "product_id": p, "announced": q, "received": None}
            for p, q in quantities.items()
        ],
    )
    record(
        conn,
        actor,
        DeliveryEvent.DELIVERY_ANNOUNCED,
        "delivery",
        delivery_id,
        now,
        number=number,
        entrepreneur_id=entrepreneur_id,
        location_id=place.id,
        expected_on=expected_on.isoformat(),
        lines={str(p): q for p, q in quantities.items()},
        new_products=len(drafts),
    )
    return get_delivery(conn, actor, delivery_id)


def _insert_delivery(
    conn: Connection,
    actor: Actor,
    now: datetime,
    number: str,
    entrepreneur_id: int,
    location_id: int,
    expected_on: date,
    note: str,
) -> int:
    return int(
        conn.execute(
            insert(Delivery)
            .values(
                number=number,
                entrepreneur_id=entrepreneur_id,
                location_id=location_id,
                expected_on=expected_on,
                note=note,
                status=DeliveryStatus.ANNOUNCED.value,
                announced_by=actor.user_id,
                announced_at=now,
                receive_note="",
            )
            .returning(Delivery.id)
        ).scalar_one()
    )


def _announced_products(
    conn: Connection, entrepreneur_id: int, lines: Sequence[LineIn]
) -> dict[int, int]:
    """The entrepreneur's own products and their quantities, merged by product. Another's
    product is "not found" to them, as it is everywhere in the portal."""
    for index, line in enumerate(lines):
        if line.product_id is None:
            raise InvalidInputError(
                "stock.line_needs_product",
                "กรุณาระบุสินค้า (product_id)",
                field=line_field(index, "product_id"),
            )
    resolved = resolve_lines(conn, lines) if lines else []
    reviews = review_statuses(conn, [p.id for p, _ in resolved])
    for index, (product, _) in enumerate(resolved):
        if product.entrepreneur_id != entrepreneur_id:
            raise InvalidInputError(
                "product.unknown",
                "ไม่พบสินค้า id {product_id}",
                field=line_field(index, "product_id"),
                product_id=product.id,
            )
        waiting = reviews.get(product.id, ("", ""))[0] == ReviewStatus.PROPOSED
        if not product.active and not waiting:
            raise InvalidInputError(
                "delivery.product_inactive",
                "สินค้า {name} ({sku}) ปิดการขายอยู่ นำมาส่งไม่ได้ กรุณาติดต่อศูนย์",
                field=line_field(index, "product_id"),
                name=product.name_th,
                sku=product.sku,
            )
    return merge_quantities((p.id, q) for p, q in resolved) if resolved else {}


def _head(conn: Connection, actor: Actor, delivery_id: int) -> DeliveryView:
    return get_delivery(conn, actor, delivery_id)  # 404 for one the actor may not see


def cancel_delivery(
    conn: Connection, actor: Actor, now: datetime, delivery_id: int
) -> DeliveryView:
    """Withdraw an announced delivery: its entrepreneur, or a manager for them."""
    if actor.role != Role.ENTREPRENEUR:
        actor.require(MANAGERS, "cancel deliveries")
    current = _head(conn, actor, delivery_id)
    done = conn.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == DeliveryStatus.ANNOUNCED.value)
        .values(status=DeliveryStatus.CANCELLED.value, cancelled_by=actor.user_id, cancelled_at=now)
    ).rowcount
    if done != 1:
        status = conn.execute(select(Delivery.status).where(Delivery.id == delivery_id)).scalar()
        require_status(str(status), DeliveryStatus.ANNOUNCED, current.number)
    record(
        conn,
        actor,
        DeliveryEvent.DELIVERY_CANCELLED,
        "delivery",
        delivery_id,
        now,
        number=current.number,
        entrepreneur_id=current.entrepreneur_id,
    )
    return get_delivery(conn, actor, delivery_id)


def receive_delivery(
    conn: Connection,
    actor: Actor,
    now: datetime,
    delivery_id: int,
    *,
    lines: Sequence[LineIn],
    note: str = "",
) -> DeliveryView:
    """Receive an announced delivery: ``lines`` are what was counted (by product id or
    barcode, zero for "none came"); announced products left out count as none came."""
    actor.require(STAFF, "receive goods")
    note = check_note(note)
    current = _head(conn, actor, delivery_id)
    _claim(conn, actor, now, delivery_id, current.number)
    resolved = resolve_lines(conn, lines, zero_ok=True, allow_barcode=True)
    code = current.entrepreneur_code
    require_own_products(resolved, current.entrepreneur_id, code)
    _require_sellable(conn, resolved)
    received = merge_received((p.id, q) for p, q in resolved)
    announced = {line.product_id: line.announced for line in current.lines}
    intake = receive_intake(
        conn,
        actor,
        now,
        entrepreneur_id=current.entrepreneur_id,
        location_id=current.location_id,
        lines=[LineIn(q, product_id=p) for p, q in received.items() if q > 0],
        note=f"{current.number} {note}".strip(),
    )
    differences = compare(announced, received)
    _store_received(conn, delivery_id, announced, differences)
    conn.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(status=DeliveryStatus.RECEIVED.value, intake_id=intake.id, receive_note=note)
    )
    _record_received(conn, actor, now, current, intake.number, differences)
    return get_delivery(conn, actor, delivery_id)


def _record_received(
    conn: Connection,
    actor: Actor,
    now: datetime,
    delivery: DeliveryView,
    intake_number: str,
    differences: Sequence[LineDifference],
) -> None:
    counts = count_differences(differences)
    record(
        conn,
        actor,
        DeliveryEvent.DELIVERY_RECEIVED,
        "delivery",
        delivery.id,
        now,
        number=delivery.number,
        entrepreneur_id=delivery.entrepreneur_id,
        intake=intake_number,
        received={str(d.product_id): d.received for d in differences},
        short=counts.short,
        over=counts.over,
        not_announced=counts.not_announced,
    )


def _claim(conn: Connection, actor: Actor, now: datetime, delivery_id: int, number: str) -> None:
    """The receipt's first write: only one transaction finds the delivery still announced
    (a second one waits on the row and then finds it received)."""
    claimed = conn.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == DeliveryStatus.ANNOUNCED.value)
        .values(received_by=actor.user_id, received_at=now)
    ).rowcount
    if claimed != 1:
        status = conn.execute(select(Delivery.status).where(Delivery.id == delivery_id)).scalar()
        require_status(str(status), DeliveryStatus.ANNOUNCED, number)


def _require_sellable(conn: Connection, resolved: Sequence[tuple[ProductRef, int]]) -> None:
    """A counted product must be sellable: a proposal still waiting, or rejected, is named
    (a product a manager made active by hand counts as sellable, whatever its review says;
    any other inactive product is refused by ``receive_intake``)."""
    reviews = review_statuses(conn, [p.id for p, q in resolved if q > 0 and not p.active])
    for index, (product, quantity) in enumerate(resolved):
        status = reviews.get(product.id, ("", ""))[0]
        if quantity > 0 and status == ReviewStatus.PROPOSED:
            raise InvalidInputError(
                "delivery.product_awaiting_approval",
                "สินค้าใหม่ {name} ยังรอผู้จัดการอนุมัติ: อนุมัติก่อน แล้วจึงรับสินค้าเข้า",
                field=line_field(index, "product_id"),
                name=product.name_th,
                product_id=product.id,
            )
        if quantity > 0 and status == ReviewStatus.REJECTED:
            raise InvalidInputError(
                "delivery.product_rejected",
                "สินค้า {name} ไม่ได้รับอนุมัติ รับเข้าไม่ได้ กรุณาคืนให้ผู้ประกอบการ",
                field=line_field(index, "product_id"),
                name=product.name_th,
                product_id=product.id,
            )


def _store_received(
    conn: Connection,
    delivery_id: int,
    announced: Mapping[int, int],
    differences: Sequence[LineDifference],
) -> None:
    for diff in differences:
        if diff.product_id in announced:
            conn.execute(
                update(DeliveryLine)
                .where(
                    DeliveryLine.delivery_id == delivery_id,
                    DeliveryLine.product_id == diff.product_id,
                )
                .values(received=diff.received)
            )
    extra = [d for d in differences if d.product_id not in announced]
    if extra:
        conn.execute(
            insert(DeliveryLine),
            [
                {
                    "delivery_id": delivery_id,
                    "product_id": d.product_id,
                    "announced": 0,
                    "received": d.received,
                }
                for d in extra
            ],
        )
