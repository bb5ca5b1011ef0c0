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
from dataclasses import dataclass
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
from payments.lifecycle import NewPayment, ReceivingAccount, create_payments
from pos.checkout.completion import Completing, complete_sales
from pos.checkout.events import SaleEvent
from pos.checkout.ledger_shares import line_share
from pos.checkout.pricing import CashTender, PricedSale
from pos.checkout.queries import SaleView, payment_view, sale_view
from pos.checkout.requests import PaymentRequest
from pos.models import Sale, SaleLine, SalePayment, SaleStatus


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

    @property
    def completes(self) -> bool:
        """Paid in cash only: complete at once, with a receipt number and a ledger entry."""
        return all(request.method == "cash" for request, _ in self.payments)


def write_sales(conn: Connection, plans: Sequence[SalePlan]) -> list[SaleView | Exception]:
    """Write the sales, in the caller's transaction: each one's view, or the error that
    refused it (short stock) having written nothing of it."""
    refusals = check_takes(conn, [_take(plan) for plan in plans])
    accepted = [plan for plan, refused in zip(plans, refusals, strict=True) if refused is None]
    with sent_together(conn):  # PostgreSQL: the writes that return nothing, in one round trip
        written = iter(_write_accepted(conn, accepted) if accepted else [])
    return [next(written) if refused is None else refused for refused in refusals]


def _take(plan: SalePlan) -> StockTake:
    return StockTake(plan.location_id, {ln["product_id"]: ln["quantity"] for ln in plan.lines})


def _write_accepted(conn: Connection, plans: list[SalePlan]) -> list[SaleView]:
    rows = [_sale_row(plan) for plan in plans]
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
                )
                for plan, row in sales
                for request, _ in plan.payments
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
    return views


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
    }


def _completing(plan: SalePlan) -> Completing:
    return Completing(
        plan.actor,
        plan.now,
        plan.till_id,
        plan.till_code,
        [line_share(line) for line in plan.lines],
        [(request.method, request.amount_satang) for request, _ in plan.payments],
    )
