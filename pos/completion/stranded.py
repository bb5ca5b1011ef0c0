"""Sales stranded waiting for a payment that can no longer come: moved out.

A sale waits as ``pending_payment`` while a QR can still be paid. Once every PromptPay
payment of it has expired or been withdrawn, nothing was confirmed, and its last expiry lies
``STRANDED_GRACE`` behind (time for a late callback, judged by the bank's ``paid_at``, to
arrive), the sale is voided as the cashier would: payments cancelled, stock returned. A sale
with a confirmed part is left to the cashier (take the rest, or void with the part owed
back), and one with an open payment exception is left to the manager; ``otop-pos check``
reports a sale pending past the grace that no open exception covers (rule
``sale-not-stranded``). The sweep runs lazily where a pending sale stands in the way (a
shift's close) and may run periodically (:func:`void_stranded`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection

from kernel.access import Actor, Role
from payments.models import Payment, PaymentException
from payments.status import PaymentStatus
from pos.checkout.voids import void_sale
from pos.models import Sale, SalePayment, SaleStatus

# How long after its last QR's expiry a sale may still wait: the bank's late callbacks
# (judged by paid_at) arrive within minutes; a quarter of an hour is ample.
STRANDED_GRACE = timedelta(minutes=15)
SWEEP_ACTOR = Actor(user_id=None, username="stranded-sale-sweep", role=Role.ADMIN)


def stranded_query(cutoff: datetime, shift_id: int | None = None) -> Select[int, datetime]:
    """Pending sales whose last payment expired before ``cutoff`` (none still payable) and no
    open exception about any of their payments: (id, last expiry)."""
    per_sale = (
        select(SalePayment.sale_id, func.max(Payment.expires_at).label("latest"))
        .join(Payment, Payment.id == SalePayment.payment_id)
        .group_by(SalePayment.sale_id)
        .subquery()
    )
    excepted = (
        select(SalePayment.sale_id)
        .join(PaymentException, PaymentException.payment_id == SalePayment.payment_id)
        .where(PaymentException.resolved_at.is_(None))
    )
    query = (
        select(Sale.id, per_sale.c.latest)
        .join(per_sale, per_sale.c.sale_id == Sale.id)
        .where(
            Sale.status == SaleStatus.PENDING_PAYMENT.value,
            per_sale.c.latest < cutoff,
            Sale.id.not_in(excepted),
        )
        .order_by(Sale.id)
    )
    return query if shift_id is None else query.where(Sale.shift_id == shift_id)


def void_stranded(conn: Connection, now: datetime, *, shift_id: int | None = None) -> list[int]:
    """Void the stranded sales with nothing confirmed (of one shift, or all); their ids."""
    rows = conn.execute(stranded_query(now - STRANDED_GRACE, shift_id)).all()
    voided = []
    for sale_id, _ in rows:
        confirmed = conn.execute(
            select(func.count())
            .select_from(SalePayment)
            .join(Payment, Payment.id == SalePayment.payment_id)
            .where(SalePayment.sale_id == sale_id, Payment.status == PaymentStatus.CONFIRMED.value)
        ).scalar_one()
        if not confirmed:
            void_sale(conn, SWEEP_ACTOR, now, sale_id)
            voided.append(sale_id)
    return voided
