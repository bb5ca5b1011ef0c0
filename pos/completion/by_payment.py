"""A confirmed payment completes its sale, in the same transaction that confirms it.

Whatever confirms a payment (the bank's signed callback, a cashier who saw the transfer, a
slip scanned), these use cases confirm it through :mod:`payments.confirmations` and then
complete its sale (:func:`complete_if_paid`: receipt number and ledger entry) on the same
connection: the confirmation and the completion commit together or not at all, and no client
has to call anything afterwards. ``POST /api/v1/sales/{id}/complete`` stays, idempotent, for
clients that still call it.

Locks are taken sale first, then payment (as voids and the remainder's payments do), so two
workers cannot wait on each other in a cycle.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from kernel import audit
from kernel.access import Actor
from payments.confirmations import (
    Outcome,
    OutcomeKind,
    confirm_by_webhook,
    confirm_manually,
)
from payments.lifecycle import cancel_payment
from payments.models import Payment
from payments.records import PaymentView, row_by
from payments.status import Acceptance, PaymentStatus
from payments.webhook import WebhookEvent
from pos.checkout.completion import COMPLETION_ACTOR, Completing, complete_sales
from pos.checkout.events import SaleEvent
from pos.checkout.ledger_shares import line_share
from pos.checkout.queries import SaleView, load_sale
from pos.models import Sale, SaleStatus

CONFIRMED = PaymentStatus.CONFIRMED.value


def confirmed_satang(sale: SaleView) -> int:
    """What the sale's confirmed payments add up to."""
    return sum(p.amount_satang for p in sale.payments if p.status == CONFIRMED)


def complete_if_paid(
    conn: Connection, now: datetime, sale_id: int, *, actor: Actor | None = None
) -> SaleView:
    """Complete a pending sale whose confirmed payments add up to its total (receipt number and
    ledger entry; a payment still pending for it is withdrawn, so nobody pays twice); otherwise
    leave it as it is. Idempotent: a completed or voided sale is returned unchanged."""
    actor = actor or COMPLETION_ACTOR
    sale = load_sale(conn, sale_id, lock=True)
    if sale.status != SaleStatus.PENDING_PAYMENT or confirmed_satang(sale) != sale.total_satang:
        return sale
    for payment in sale.payments:
        if payment.status == PaymentStatus.PENDING:
            cancel_payment(conn, actor, now, payment.payment_id)
    paid = [
        (p.method, p.amount_satang, p.tender_name) for p in sale.payments if p.status == CONFIRMED
    ]
    shares = [line_share(line) for line in sale.lines]
    completing = Completing(actor, now, sale.till_id, sale.till_code, shares, paid)
    [values] = complete_sales(conn, [completing])
    conn.execute(
        update(Sale)
        .where(Sale.id == sale_id, Sale.status == SaleStatus.PENDING_PAYMENT.value)
        .values(**values)
    )
    audit.record(
        conn,
        actor,
        SaleEvent.SALE_COMPLETED,
        "sale",
        sale_id,
        now,
        receipt_number=values["receipt_number"],
    )
    return load_sale(conn, sale_id)


def _sale_of(conn: Connection, sale_id: int | None) -> SaleView | None:
    """The payment's sale, its row locked (none for a payment of no sale)."""
    if sale_id is None:
        return None
    found = conn.execute(select(Sale.id).where(Sale.id == sale_id)).scalar()
    return None if found is None else load_sale(conn, sale_id, lock=True)


def acceptance(sale: SaleView | None, payment_id: int, amount_satang: int) -> Acceptance:
    """Whether the sale can take a payment's money: voided, no; pending, when the amount fits
    what its other confirmed payments leave of its total; completed, no (it is paid)."""
    if sale is None or all(p.payment_id != payment_id for p in sale.payments):
        return Acceptance.ACCEPT  # a payment of no sale stands on its own
    if sale.status == SaleStatus.VOIDED:
        return Acceptance.SALE_VOIDED
    if sale.status == SaleStatus.COMPLETED:
        return Acceptance.SALE_SETTLED
    others = sum(
        p.amount_satang
        for p in sale.payments
        if p.status == CONFIRMED and p.payment_id != payment_id
    )
    fits = others + amount_satang <= sale.total_satang
    return Acceptance.ACCEPT if fits else Acceptance.SALE_SETTLED


def confirm_webhook(conn: Connection, now: datetime, event: WebhookEvent) -> Outcome:
    """The bank's verified callback: confirm its payment (judged by ``paid_at``) and complete
    the payment's sale when that pays it in full, in the caller's transaction. Whatever the
    outcome, it is recorded: the caller commits in every case."""
    row = row_by(conn, Payment.reference, event.reference)
    sale = None if row is None else _sale_of(conn, row["sale_id"])
    accepts = (
        Acceptance.ACCEPT if row is None else acceptance(sale, row["id"], row["amount_satang"])
    )
    outcome = confirm_by_webhook(conn, now, event, acceptance=accepts)
    if sale is not None and outcome.kind in (
        OutcomeKind.CONFIRMED,
        OutcomeKind.MATCHED,
        OutcomeKind.DUPLICATE,
    ):
        complete_if_paid(conn, now, sale.id)
    return outcome


def confirm_by_cashier(
    conn: Connection,
    actor: Actor,
    now: datetime,
    payment_id: int,
    slip_payload: str | None = None,
) -> PaymentView:
    """A cashier confirms a transfer they checked (with the slip's QR, if scanned), and the
    payment's sale completes when that pays it in full, in the caller's transaction."""
    row = row_by(conn, Payment.id, payment_id)
    sale = None if row is None else _sale_of(conn, row["sale_id"])
    confirmed = confirm_manually(conn, actor, now, payment_id, slip_payload)
    if sale is not None:
        complete_if_paid(conn, now, sale.id, actor=actor)
    return confirmed
