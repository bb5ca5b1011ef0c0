"""Voiding a sale that still waits for its payment: the customer walked away, or paid another
way. Its pending payments are cancelled and its stock comes back; it never had a receipt
number or a ledger entry, so the books do not move. A completed sale is refunded instead.

A sale partly paid (a PromptPay payment confirmed, the rest never paid) may be voided too:
each confirmed PromptPay payment becomes money owed back to the customer, an exception
(``refund_owed``) on the manager's queue with its amount, resolved when the manager records
the return transfer. That money never reaches the sales books (no sale entry, no clearing
debit), so returning it moves nothing in the ledger either. Cash taken is handed back from
the drawer there and then (a voided sale's cash is not counted in the drawer).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from inventory.stock.rules import MovementKind
from inventory.stock.service import apply_movements
from kernel import audit
from kernel.access import STAFF, Actor, Role
from kernel.errors import ConflictError, ForbiddenError
from payments.exception_queue import open_refund_owed
from payments.lifecycle import cancel_payment
from payments.records import append_event, expire_if_due
from payments.status import EventSource, PaymentEvent, PaymentMethod, PaymentStatus
from pos.checkout.events import SaleEvent
from pos.checkout.queries import SaleView, load_sale
from pos.models import Sale, SaleStatus, Till


def void_sale(conn: Connection, actor: Actor, now: datetime, sale_id: int) -> SaleView:
    """Void a pending sale (idempotent: a voided sale is returned as it is)."""
    actor.require(STAFF, "void sales")
    sale = load_sale(conn, sale_id, lock=True)
    if sale.status == SaleStatus.VOIDED:
        return sale
    if actor.role == Role.CASHIER and sale.cashier_id != actor.user_id:
        raise ForbiddenError("sale.void_not_own", "พนักงานขายยกเลิกได้เฉพาะรายการขายของตนเอง")
    if sale.status == SaleStatus.COMPLETED:
        raise ConflictError(
            "sale.void_completed",
            "รายการขาย {sale_id} เสร็จสมบูรณ์แล้ว (ใบเสร็จ {receipt_number}): ให้ทำรายการคืนสินค้าแทน",
            field="sale_id",
            sale_id=sale_id,
            receipt_number=sale.receipt_number,
        )
    for payment in sale.payments:
        expire_if_due(conn, now, payment.payment_id)
    sale = load_sale(conn, sale_id)
    confirmed = [p for p in sale.payments if p.status == PaymentStatus.CONFIRMED]
    if sum(p.amount_satang for p in confirmed) >= sale.total_satang:
        raise ConflictError(
            "sale.paid_in_full",
            "ลูกค้าชำระครบแล้ว รายการขายจะเสร็จสมบูรณ์แทนการยกเลิก",
            field="sale_id",
            payment_ids=[p.payment_id for p in confirmed],
        )
    owed = [p for p in confirmed if p.method != PaymentMethod.CASH]
    for payment in owed:
        open_refund_owed(
            conn,
            now,
            payment.payment_id,
            payment.amount_satang,
            sale_id=sale_id,
            reference=payment.reference,
            voided_by=actor.username,
        )
        append_event(
            conn,
            now,
            PaymentEvent.REFUND_OWED,
            payment.payment_id,
            source=EventSource.USER,
            actor=actor,
            sale_id=sale_id,
        )
    for payment in sale.payments:
        if payment.status == PaymentStatus.PENDING:
            cancel_payment(conn, actor, now, payment.payment_id)
    location_id = conn.execute(select(Till.location_id).where(Till.id == sale.till_id)).scalar_one()
    returned: dict[int, int] = {}
    for line in sale.lines:
        returned[line.product_id] = returned.get(line.product_id, 0) + line.quantity
    apply_movements(
        conn,
        actor,
        now,
        location_id=location_id,
        deltas=returned,
        kind=MovementKind.SALE,
        reason="sale voided",
        document=f"SALE-{sale_id}",
    )
    conn.execute(
        update(Sale)
        .where(Sale.id == sale_id, Sale.status == SaleStatus.PENDING_PAYMENT.value)
        .values(status=SaleStatus.VOIDED.value)
    )
    audit.record(
        conn,
        actor,
        SaleEvent.SALE_VOIDED,
        "sale",
        sale_id,
        now,
        total_satang=sale.total_satang,
        refund_owed_satang=sum(p.amount_satang for p in owed),
        cash_returned_satang=sum(p.amount_satang for p in confirmed if p not in owed),
    )
    return load_sale(conn, sale_id)
