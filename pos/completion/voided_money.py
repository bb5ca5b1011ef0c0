"""Money for a voided sale: what a manager does with a ``paid_sale_voided`` exception.

The customer paid (in time or not) for a sale that was voided meanwhile; the money is in the
centre's account. The manager either returns it (resolving the exception with the transfer's
reference, as any exception) or completes the sale after all: the goods are taken from stock
again (refused, naming every short line, when they are no longer there: stock never goes
below zero without a stock-exception mechanism, which does not exist yet), the payment is
confirmed by the bank's transaction the exception holds, the sale gets its receipt number and
ledger entry, and the exception (and any ``refund_owed`` of the sale's other payments) is
resolved, all in one transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from inventory.stock.rules import MovementKind
from inventory.stock.service import apply_movements
from kernel import audit
from kernel.access import MANAGERS, Actor
from kernel.errors import ConflictError
from kernel.money import format_baht
from payments.confirmations import confirm_from_exception
from payments.exception_queue import (
    ExceptionView,
    exception_by_id,
    open_exceptions_of,
    resolve_exception,
)
from payments.records import payment_row
from payments.status import ExceptionKind
from pos.checkout.events import SaleEvent
from pos.checkout.queries import SaleView, load_sale
from pos.completion.by_payment import complete_if_paid, confirmed_satang
from pos.models import Sale, SaleStatus, Till


def complete_voided_sale(
    conn: Connection, actor: Actor, now: datetime, exception_id: int, resolution: str
) -> ExceptionView:
    """Resolve a ``paid_sale_voided`` exception by completing its sale after all."""
    actor.require(MANAGERS, "complete a voided sale")
    found = exception_by_id(conn, exception_id, lock=True)
    if found.kind != ExceptionKind.PAID_SALE_VOIDED or found.payment_id is None:
        raise ConflictError(
            "voided_sale.not_paid_sale_voided",
            "รายการนี้ไม่ใช่เงินที่ลูกค้าชำระให้การขายที่ยกเลิกแล้ว จึงใช้ทำให้การขายเสร็จสมบูรณ์ไม่ได้",
            field="action",
            kind=found.kind,
        )
    if found.resolved_at is not None or found.transaction_id is None:
        raise ConflictError(
            "exception.already_resolved", "รายการที่ต้องตรวจสอบนี้ปิดแล้ว", field="exception_id"
        )
    payment = payment_row(conn, found.payment_id)
    sale = load_sale(conn, payment["sale_id"], lock=True)
    _check_covers(sale, found, payment["amount_satang"])
    _take_stock_again(conn, actor, now, sale)
    conn.execute(
        update(Sale)
        .where(Sale.id == sale.id, Sale.status == SaleStatus.VOIDED.value)
        .values(status=SaleStatus.PENDING_PAYMENT.value)
    )
    confirm_from_exception(conn, actor, now, found.payment_id, found.transaction_id)
    done = complete_if_paid(conn, now, sale.id, actor=actor)
    audit.record(
        conn,
        actor,
        SaleEvent.VOIDED_SALE_COMPLETED,
        "sale",
        sale.id,
        now,
        exception_id=exception_id,
        receipt_number=done.receipt_number,
    )
    resolved = resolve_exception(conn, actor, now, exception_id, resolution)
    others = [p.payment_id for p in sale.payments if p.payment_id != found.payment_id]
    for owed in open_exceptions_of(conn, others):
        if owed.kind == ExceptionKind.REFUND_OWED:
            note = f"sale {sale.id} completed after all ({done.receipt_number})"
            resolve_exception(conn, actor, now, owed.id, note)
    return resolved


def _check_covers(sale: SaleView, found: ExceptionView, amount_satang: int) -> None:
    if sale.status != SaleStatus.VOIDED:
        raise ConflictError(
            "voided_sale.not_voided",
            "รายการขาย {sale_id} ไม่ได้ถูกยกเลิก",
            field="action",
            sale_id=sale.id,
            sale_status=sale.status,
        )
    paid = confirmed_satang(sale) + amount_satang
    if found.amount_satang != amount_satang or paid != sale.total_satang:
        raise ConflictError(
            "voided_sale.money_does_not_pay",
            "เงินที่ได้รับ {paid} บาท ไม่เท่ากับยอดขาย {total} บาท: ให้โอนเงินคืนลูกค้าแทน",
            field="action",
            paid=format_baht(paid),
            total=format_baht(sale.total_satang),
            paid_satang=paid,
            total_satang=sale.total_satang,
        )


def _take_stock_again(conn: Connection, actor: Actor, now: datetime, sale: SaleView) -> None:
    location_id = conn.execute(select(Till.location_id).where(Till.id == sale.till_id)).scalar_one()
    taken: dict[int, int] = {}
    for line in sale.lines:
        taken[line.product_id] = taken.get(line.product_id, 0) - line.quantity
    apply_movements(
        conn,
        actor,
        now,
        location_id=location_id,
        deltas=taken,
        kind=MovementKind.SALE,
        reason="voided sale completed after payment",
        document=f"SALE-{sale.id}",
    )
