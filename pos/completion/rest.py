"""Taking the rest of a partly paid sale by another method.

A sale waits as ``pending_payment`` while its payments do not yet add up to its total. When a
PromptPay payment expires or is withdrawn after another was confirmed, the cashier takes what
is still due another way: cash (with change, as at checkout: the sale completes at once) or a
new PromptPay QR for exactly the rest (the sale completes when it is confirmed). A QR still
pending for the sale is withdrawn first: the customer pays the rest once, the new way. (Money
that still arrives for the withdrawn QR is an exception for a manager, never a second sale.)
The other way out, voiding with the confirmed part owed back, is
:func:`pos.checkout.voids.void_sale`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from kernel import audit
from kernel.access import STAFF, Actor, Role
from kernel.db.bulk import insert_rows
from kernel.errors import ConflictError, ForbiddenError, InvalidInputError
from payments.lifecycle import NewPayment, ReceivingAccount, cancel_payment, create_payments
from payments.records import expire_if_due
from payments.status import PaymentMethod, PaymentStatus
from pos.checkout.events import SaleEvent
from pos.checkout.pricing import cash_change
from pos.checkout.queries import SaleView, load_sale
from pos.completion.by_payment import complete_if_paid, confirmed_satang
from pos.models import SalePayment, SaleStatus


def take_rest(
    conn: Connection,
    actor: Actor,
    now: datetime,
    sale_id: int,
    *,
    method: str,
    tendered_satang: int | None = None,
    account: ReceivingAccount,
    expiry: timedelta,
) -> SaleView:
    """A payment for what is still due on a pending sale: cash completes it at once; PromptPay
    gives a new QR for the rest (the sale completes when that is confirmed)."""
    actor.require(STAFF, "take payments")
    sale = load_sale(conn, sale_id, lock=True)
    if actor.role == Role.CASHIER and sale.cashier_id != actor.user_id:
        raise ForbiddenError("sale.payment_not_own", "พนักงานขายรับชำระได้เฉพาะรายการขายของตนเอง")
    if sale.status != SaleStatus.PENDING_PAYMENT:
        raise ConflictError(
            "sale.not_pending",
            "รายการขาย {sale_id} ไม่ได้รอชำระเงินแล้ว",
            field="sale_id",
            sale_id=sale_id,
            sale_status=sale.status,
        )
    for payment in sale.payments:
        if payment.status == PaymentStatus.PENDING and not expire_if_due(
            conn, now, payment.payment_id
        ):
            cancel_payment(conn, actor, now, payment.payment_id)
    due = sale.total_satang - confirmed_satang(sale)
    if due <= 0:  # paid in full meanwhile (a late confirmation): nothing more to take
        return complete_if_paid(conn, now, sale_id, actor=actor)
    if tendered_satang is not None and method != PaymentMethod.CASH:  # no change on PromptPay
        raise InvalidInputError(
            "sale.tendered_cash_only",
            "ระบุเงินที่รับมาได้เฉพาะการชำระด้วยเงินสด",
            field="tendered_satang",
        )
    tender = cash_change(due, tendered_satang, "payment") if method == PaymentMethod.CASH else None
    [made] = create_payments(conn, [NewPayment(actor, now, due, method, account, expiry, sale_id)])
    insert_rows(
        conn,
        SalePayment,
        [
            {
                "sale_id": sale_id,
                "payment_id": made.id,
                "method": made.method,
                "amount_satang": due,
                "tendered_satang": tender.tendered_satang if tender else None,
                "change_satang": tender.change_satang if tender else None,
            }
        ],
    )
    audit.record(
        conn,
        actor,
        SaleEvent.SALE_REST_TAKEN,
        "sale",
        sale_id,
        now,
        method=made.method,
        amount_satang=due,
        payment_id=made.id,
    )
    return complete_if_paid(conn, now, sale_id, actor=actor)
