"""The writes of checked sales, several at once: a statement per table for a whole batch.

:mod:`pos.checkout.service` checks each sale (key, till and shift, products, prices, payments)
into a
:class:`SalePlan` without writing anything; :func:`write_sales` then writes a batch of them in
the caller's transaction. Stock comes first, for all of them together: the rows are locked in
(location, product) order and each sale is checked against what the sales before it left, so
a short sale is refused with its every short line and nothing of it is written, while the
others go on. Then, for the accepted sales: receipt numbers (per till, in order, gapless: the
sequence rows stay locked until the transaction ends), ledger entries, the sale rows (which
claim their idempotency keys under the UNIQUE constraint), stock levels and movements, lines,
payments with their events, the links between them and the audit entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from inventory.stock.rules import MovementKind
from inventory.stock.service import StockTake, check_takes, record_takes
from kernel import audit
from kernel.access import Actor
from kernel.audit import AuditRow
from kernel.clock import business_date
from kernel.db.bulk import insert_rows, sent_together
from payments.confirmations import confirm_by_webhook, early_confirmations, hold_references
from payments.lifecycle import NewPayment, ReceivingAccount, create_payments
from payments.status import Confirmation
from pos.approvals import ApprovalGrant, record_uses
from pos.checkout.completion import Completing, complete_sales
from pos.checkout.events import SaleEvent
from pos.checkout.ledger_shares import line_share
from pos.checkout.pricing import CashTender, PricedSale
from pos.checkout.queries import SaleView, payment_view, sale_view
from pos.checkout.requests import PaymentRequest, Rung
from pos.checkout.sale_exceptions import Difference, below_zero, record_differences
from pos.models import Sale, SaleLine, SalePayment, SaleStatus

# Taken and confirmed in one step: no bank callback to wait for.
CONFIRMED_AT_ONCE = frozenset({"cash", "card", "other"})


@dataclass(frozen=True, slots=True)
class SalePlan:
    """A sale checked and priced, ready to be written."""

    actor: Actor
    now: datetime
    key: str
    digest: str
    till_id: int
    till_code: str
    location_id: int
    shift_id: int
    priced: PricedSale
    lines: list[dict[str, Any]]  # the sale_lines rows, but for sale_id
    payments: list[tuple[PaymentRequest, CashTender | None]]
    account: ReceivingAccount
    expiry: timedelta
    approved_by_id: int | None = None
    # A sale rung at the till: what it says of itself (``now`` is then when it happened, by
    # the server's clock as the till knew it), what differs from the books, the identities of
    # its payments' slips, and when it arrived.
    rung: Rung | None = None
    differences: list[Difference] = field(default_factory=list)
    slips: list[str | None] = field(default_factory=list)
    received_at: datetime | None = None
    approval: ApprovalGrant | None = None  # a manager's approval, used up with the sale
    # A short sale a manager allowed (the goods are in the customer's hand): who allowed it.
    short_approved_by_id: int | None = None

    @property
    def completes(self) -> bool:
        """Paid without PromptPay (cash, a card the terminal approved, another tender the
        cashier saw paid), or rung at the till (paid already): complete at once, with a
        receipt number and a ledger entry."""
        return self.rung is not None or all(
            request.method in CONFIRMED_AT_ONCE for request, _ in self.payments
        )


def write_sales(conn: Connection, plans: Sequence[SalePlan]) -> list[SaleView | Exception]:
    """Write the sales, in the caller's transaction: each one's view, or the error that
    refused it (short stock) having written nothing of it."""
    checked = check_takes(conn, [_take(plan) for plan in plans])
    refusals: list[Exception | None] = []
    for plan, short in zip(plans, checked, strict=True):
        # Taken already (rung at the till), or allowed by a manager: count it.
        if short is not None and (plan.rung is not None or plan.short_approved_by_id is not None):
            plan.differences.extend(below_zero(short.shortages, plan.short_approved_by_id))
            short = None
        refusals.append(short)
    accepted = [plan for plan, refused in zip(plans, refusals, strict=True) if refused is None]
    with sent_together(conn):  # PostgreSQL: the writes that return nothing, in one round trip
        written = iter(_write_accepted(conn, accepted) if accepted else [])
    return [next(written) if refused is None else refused for refused in refusals]


def _take(plan: SalePlan) -> StockTake:
    quantities = {ln["product_id"]: ln["quantity"] for ln in plan.lines}
    forced = plan.rung is not None or plan.short_approved_by_id is not None
    return StockTake(plan.location_id, quantities, forced=forced)


def _write_accepted(conn: Connection, plans: list[SalePlan]) -> list[SaleView]:
    rows = [_sale_row(plan) for plan in plans]
    # First: on PostgreSQL an approval used meanwhile by another worker fails the batch's
    # savepoint before anything else is written (see checkout_many).
    record_uses(conn, [(plan.approval, plan.now) for plan in plans if plan.approval is not None])
    _complete(conn, [(plan, row) for plan, row in zip(plans, rows, strict=True) if plan.completes])
    # Rows come back matched by their (unique) idempotency keys.
    ids = dict(insert_rows(conn, Sale, rows, ("idempotency_key", "id")))
    for row in rows:
        row["id"] = ids[row["idempotency_key"]]
    sales = list(zip(plans, rows, strict=True))
    record_takes(
        conn,
        [(_take(plan), plan.actor, plan.now, f"SALE-{row['id']}") for plan, row in sales],
        kind=MovementKind.SALE,
        reason="sale",
    )
    lines = [[{**line, "sale_id": row["id"]} for line in plan.lines] for plan, row in sales]
    insert_rows(conn, SaleLine, [line for sale_lines in lines for line in sale_lines])
    audits: list[AuditRow] = []
    # A till's own QR: its bank callback may be arriving right now (see hold_references).
    hold_references(
        conn,
        [
            request.reference
            for plan in plans
            if plan.rung is not None
            for request, _ in plan.payments
            if request.reference is not None
        ],
    )
    made = iter(
        create_payments(
            conn,
            [
                NewPayment(
                    plan.actor,
                    plan.now,
                    request.amount_satang,
                    request.method,
                    plan.account,
                    plan.expiry,
                    row["id"],
                    *_till_qr(plan, index),
                    card=request.card,
                    other=request.other,
                )
                for plan, row in sales
                for index, (request, _) in enumerate(plan.payments)
            ],
            audit_entries=audits,
        )
    )
    views = []
    links = []
    for (plan, row), sale_lines in zip(sales, lines, strict=True):
        payments = [
            payment_view(
                {name: getattr(payment, name) for name in payment.__slots__},  # type: ignore[attr-defined]
                tender.tendered_satang if tender else None,
                tender.change_satang if tender else None,
            )
            for payment, (_, tender) in ((next(made), paid) for paid in plan.payments)
        ]
        links += [
            {
                "sale_id": row["id"],
                "payment_id": p.payment_id,
                "method": p.method,
                "amount_satang": p.amount_satang,
                "tendered_satang": p.tendered_satang,
                "change_satang": p.change_satang,
            }
            for p in payments
        ]
        audits.append(
            audit.entry(
                plan.actor,
                SaleEvent.SALE_COMPLETED if plan.completes else SaleEvent.SALE_CREATED,
                "sale",
                row["id"],
                plan.now,
                total_satang=plan.priced.total_satang,
                receipt_number=row["receipt_number"],
            )
        )
        views.append(sale_view(row, plan.till_code, sale_lines, payments))
    insert_rows(conn, SalePayment, links)
    audit.record_many(conn, audits)
    record_differences(
        conn,
        max(plan.received_at or plan.now for plan in plans),
        [(row["id"], plan.actor, d) for plan, row in sales for d in plan.differences],
    )
    _replay_early_confirmations(conn, plans)
    return views


def _till_qr(plan: SalePlan, index: int) -> tuple[str | None, Confirmation | None, str | None]:
    """A rung sale's PromptPay payment: the till's reference, confirmed by the cashier (by eye,
    or by the slip); nothing for any other payment."""
    request = plan.payments[index][0]
    if plan.rung is None or request.method != "promptpay":
        return None, None, None
    slip = plan.slips[index] if index < len(plan.slips) else None
    return request.reference, Confirmation.MANUAL if slip is None else Confirmation.SLIP, slip


def _replay_early_confirmations(conn: Connection, plans: Sequence[SalePlan]) -> None:
    """The bank may have confirmed a till's QR before its sale arrived: match it now."""
    for plan in plans:
        if plan.rung is None:
            continue
        for request, _ in plan.payments:
            if request.reference is None:
                continue
            for event in early_confirmations(conn, request.reference):
                confirm_by_webhook(conn, plan.received_at or plan.now, event)


def _complete(conn: Connection, sales: list[tuple[SalePlan, dict[str, Any]]]) -> None:
    """Receipt numbers and ledger entries for the sales paid in full (their rows' columns)."""
    columns = complete_sales(conn, [_completing(plan) for plan, _ in sales])
    for (_, row), values in zip(sales, columns, strict=True):
        row.update(values)


def _sale_row(plan: SalePlan) -> dict[str, Any]:
    priced = plan.priced
    return {
        "till_id": plan.till_id,
        "shift_id": plan.shift_id,
        "cashier_id": plan.actor.user_id,
        "receipt_number": None,
        "receipt_seq": None,
        "idempotency_key": plan.key,
        "request_hash": plan.digest,
        "status": SaleStatus.PENDING_PAYMENT.value,
        "subtotal_satang": priced.subtotal_satang,
        "discount_satang": priced.discount_satang,
        "cart_discount_satang": sum(p.cart_discount_satang for p in priced.lines),
        "total_satang": priced.total_satang,
        "vat_included_satang": priced.vat_included_satang,
        "created_at": plan.now,
        "completed_at": None,
        "business_date": business_date(plan.now),
        "journal_entry_id": None,
        "approved_by_id": plan.approved_by_id,
        "rung_at": None if plan.rung is None else plan.rung.rung_at,
        "clock_skew_ms": None if plan.rung is None else plan.rung.clock_skew_ms,
        "device_id": None if plan.rung is None else plan.rung.device_id,
        "received_at": plan.received_at,
    }


def _completing(plan: SalePlan) -> Completing:
    return Completing(
        plan.actor,
        plan.now,
        plan.till_id,
        plan.till_code,
        [line_share(line) for line in plan.lines],
        [
            (request.method, request.amount_satang, request.tender_name)
            for request, _ in plan.payments
        ],
        None if plan.rung is None else plan.rung.receipt_seq,
    )
