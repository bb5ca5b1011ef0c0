"""Voiding a sale that still waits for its payment: the customer walked away, or paid another
way. Its pending payments are cancelled and its stock comes back; it never had a receipt
number or a ledger entry, so nothing else moves. A completed sale is refunded instead.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from inventory.stock import MovementKind
from inventory.stock_service import apply_movements
from kernel import audit
from kernel.access import STAFF, Actor, Role
from kernel.errors import ConflictError, ForbiddenError
from payments.lifecycle import cancel_payment
from payments.records import expire_if_due
from payments.status import PaymentStatus
from pos.models import Sale, SaleStatus, Till
from pos.sale_queries import SaleView, load_sale


def void_sale(conn: Connection, actor: Actor, now: datetime, sale_id: int) -> SaleView:
    """Void a pending sale (idempotent: a voided sale is returned as it is)."""
    actor.require(STAFF, "void sales")
    sale = load_sale(conn, sale_id, lock=True)
    if sale.status == SaleStatus.VOIDED:
        return sale
    if actor.role == Role.CASHIER and sale.cashier_id != actor.user_id:
        raise ForbiddenError("a cashier may only void their own sales")
    if sale.status == SaleStatus.COMPLETED:
        raise ConflictError(
            f"sale {sale_id} is completed ({sale.receipt_number}): refund it instead",
            field="sale_id",
        )
    for payment in sale.payments:
        expire_if_due(conn, now, payment.payment_id)
    sale = load_sale(conn, sale_id)
    confirmed = [p.payment_id for p in sale.payments
                 if p.status == PaymentStatus.CONFIRMED and p.method != "cash"]  # fmt: skip
    if confirmed:
        raise ConflictError(
            "the customer's PromptPay payment is already confirmed: the sale completes instead",
            field="sale_id",
            payment_ids=confirmed,
        )
    for payment in sale.payments:
        if payment.status == PaymentStatus.PENDING:
            cancel_payment(conn, actor, now, payment.payment_id)
    location_id = conn.execute(select(Till.location_id).where(Till.id == sale.till_id)).scalar_one()
    returned: dict[int, int] = {}
    for line in sale.lines:
        returned[line.product_id] = returned.get(line.product_id, 0) + line.quantity
    apply_movements(
        conn, actor, now, location_id=location_id, deltas=returned, kind=MovementKind.SALE,
        reason="sale voided", document=f"SALE-{sale_id}",
    )  # fmt: skip
    conn.execute(
        update(Sale)
        .where(Sale.id == sale_id, Sale.status == SaleStatus.PENDING_PAYMENT.value)
        .values(status=SaleStatus.VOIDED.value)
    )
    audit.record(conn, actor, "sale_voided", "sale", sale_id, now, total_satang=sale.total_satang)
    return load_sale(conn, sale_id)
