"""Rules of ``otop-pos check`` over sales, refunds and payments: a completed sale is paid in
full by confirmed payments and posted for its total, its lines add up; a refund gives back
no more than was sold and is posted; a payment, a bank transaction and a slip are each
confirmed once; an Idempotency-Key made one sale (one refund) only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, case, func, or_, select
from sqlalchemy.engine import Connection

from integrity.violations import Rule, Violation, baht
from payments.ledger.models import JournalEntryRow, PostingRow
from payments.ledger.rules import EntryKind, PostingRole
from payments.models import Payment, PaymentEventRow, PaymentException
from payments.status import PaymentEvent, PaymentMethod, PaymentStatus
from pos.completion.stranded import STRANDED_GRACE, stranded_query
from pos.models import Refund, RefundLine, Sale, SaleLine, SalePayment, SaleStatus

CONFIRMED = PaymentStatus.CONFIRMED.value
COMPLETED = SaleStatus.COMPLETED.value


def _ids(n: int, first: int, last: int) -> str:
    return f"ids {first} and {last}" if n == 2 else f"ids {first} to {last}"


def _sale_label(sale_id: int, receipt_number: str | None) -> str:
    return f"sale {sale_id} ({receipt_number or 'no receipt number'})"


def _count_if(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def sale_payments(conn: Connection) -> Iterator[Violation]:
    paid = (
        select(
            SalePayment.sale_id,
            func.sum(case((Payment.status == CONFIRMED, Payment.amount_satang), else_=0)).label(
                "confirmed"
            ),
            # An expired or withdrawn QR whose amount was then taken another way paid nothing
            # and stays linked; a payment still pending on a completed sale is wrong.
            _count_if(Payment.status == PaymentStatus.PENDING.value).label("unconfirmed"),
            _count_if(
                or_(
                    SalePayment.amount_satang != Payment.amount_satang,
                    Payment.sale_id.is_distinct_from(SalePayment.sale_id),
                )
            ).label("mismatched"),
        )
        .join(Payment, Payment.id == SalePayment.payment_id)
        .group_by(SalePayment.sale_id)
        .subquery()
    )
    rows = conn.execute(
        select(
            Sale.id,
            Sale.receipt_number,
            Sale.total_satang,
            paid.c.sale_id,
            paid.c.confirmed,
            paid.c.unconfirmed,
            paid.c.mismatched,
        )
        .outerjoin(paid, paid.c.sale_id == Sale.id)
        .where(
            Sale.status == COMPLETED,
            or_(
                paid.c.sale_id.is_(None),
                paid.c.confirmed != Sale.total_satang,
                paid.c.unconfirmed > 0,
                paid.c.mismatched > 0,
            ),
        )
        .order_by(Sale.id)
    )
    for sale_id, number, total, linked, confirmed, unconfirmed, mismatched in rows:
        where = _sale_label(sale_id, number)
        if linked is None:
            yield Violation(
                "sale-payments", where, f"it is completed ({baht(total)}) but has no payments"
            )
            continue
        if confirmed != total:
            yield Violation(
                "sale-payments",
                where,
                f"its confirmed payments add up to "
                f"{baht(confirmed)}, but its total is {baht(total)}",
            )
        if unconfirmed:
            yield Violation(
                "sale-payments",
                where,
                f"it is completed but {unconfirmed} of its payments are still pending",
            )
        if mismatched:
            yield Violation(
                "sale-payments",
                where,
                f"{mismatched} of its payment links disagree with the payment's own amount or sale",
            )


def _confirmations() -> Any:
    """Per payment: its confirmation events, and what the (single) one recorded; the bank's
    transaction may come later, matched to a cashier's confirmation (its own event)."""
    detail = PaymentEventRow.detail
    confirmed = PaymentEventRow.event == PaymentEvent.PAYMENT_CONFIRMED.value
    return (
        select(
            PaymentEventRow.payment_id,
            func.count().filter(confirmed).label("n"),
            func.max(detail["confirmation"].as_string()).filter(confirmed).label("how"),
            func.max(detail["transaction_id"].as_string()).label("transaction_id"),
            func.max(detail["slip_ref"].as_string()).filter(confirmed).label("slip_ref"),
        )
        .where(PaymentEventRow.event.in_(_CONFIRMING))
        .group_by(PaymentEventRow.payment_id)
        .subquery()
    )


# The events that record how a payment was confirmed, and by which bank transaction.
_CONFIRMING = (PaymentEvent.PAYMENT_CONFIRMED.value, PaymentEvent.PAYMENT_BANK_MATCHED.value)


def payments_confirmed_once(conn: Connection) -> Iterator[Violation]:
    twice = (
        select(PaymentEventRow.payment_id, func.count().label("n"))
        .where(PaymentEventRow.event == PaymentEvent.PAYMENT_CONFIRMED.value)
        .group_by(PaymentEventRow.payment_id)
        .having(func.count() > 1)
        .subquery()
    )
    rows = conn.execute(
        select(Payment.id, Payment.reference, twice.c.n)
        .join(twice, twice.c.payment_id == Payment.id)
        .order_by(Payment.id)
    )
    for payment_id, reference, n in rows:
        yield Violation(
            "payment-confirmed-once",
            f"payment {payment_id} ({reference})",
            f"it was confirmed {n} times (payment_confirmed events)",
        )


def payment_confirmations(conn: Connection) -> Iterator[Violation]:
    """A confirmed payment has its one confirmation event, and the event and the row agree."""
    events = _confirmations()
    confirmed = Payment.status == CONFIRMED
    disagree = or_(
        Payment.confirmation.is_distinct_from(events.c.how),
        Payment.transaction_id.is_distinct_from(events.c.transaction_id),
        Payment.slip_ref.is_distinct_from(events.c.slip_ref),
    )
    rows = conn.execute(
        select(
            Payment.id,
            Payment.reference,
            Payment.status,
            Payment.confirmed_at,
            Payment.confirmation,
            Payment.transaction_id,
            Payment.slip_ref,
            events.c.n,
            events.c.how,
            events.c.transaction_id,
            events.c.slip_ref,
        )
        .outerjoin(events, events.c.payment_id == Payment.id)
        .where(
            or_(
                and_(confirmed, events.c.n.is_(None)),
                and_(~confirmed, events.c.n.is_not(None)),
                and_(
                    confirmed, or_(Payment.confirmed_at.is_(None), Payment.confirmation.is_(None))
                ),
                and_(events.c.n == 1, disagree),
            )
        )
        .order_by(Payment.id)
    )
    for payment_id, reference, status, at, how, tx, slip, n, e_how, e_tx, e_slip in rows:
        where = f"payment {payment_id} ({reference})"
        if status == CONFIRMED and n is None:
            detail = "it is confirmed but no confirmation event records it"
        elif status != CONFIRMED:
            detail = f"it is {status} but a confirmation event says it was confirmed"
        elif at is None or how is None:
            detail = "it is confirmed without a time or a way of confirmation"
        else:
            detail = (
                f"the payment says {how}, transaction {tx}, slip {slip}; its confirmation "
                f"event says {e_how}, transaction {e_tx}, slip {e_slip}"
            )
        yield Violation("payment-confirmation", where, detail)


def slips_confirmed_once(conn: Connection) -> Iterator[Violation]:
    """A bank transaction or a slip confirms one payment, ever (the events keep every one)."""
    for key, label in (("transaction_id", "bank transaction"), ("slip_ref", "slip")):
        value = PaymentEventRow.detail[key].as_string()
        rows = conn.execute(
            select(
                value,
                func.count(func.distinct(PaymentEventRow.payment_id)),
                func.min(PaymentEventRow.payment_id),
                func.max(PaymentEventRow.payment_id),
            )
            .where(PaymentEventRow.event.in_(_CONFIRMING), value.is_not(None))
            .group_by(value)
            .having(func.count(func.distinct(PaymentEventRow.payment_id)) > 1)
            .order_by(value)
        )
        for used, n, first, last in rows:
            yield Violation(
                "slip-confirmed-once",
                f"{label} {used}",
                f"it confirmed {n} payments ({_ids(n, first, last)})",
            )


def idempotency_keys(conn: Connection) -> Iterator[Violation]:
    for model, noun in ((Sale, "sales"), (Refund, "refunds")):
        rows = conn.execute(
            select(model.idempotency_key, func.count(), func.min(model.id), func.max(model.id))
            .group_by(model.idempotency_key)
            .having(func.count() > 1)
            .order_by(model.idempotency_key)
        )
        for key, n, first, last in rows:
            yield Violation(
                "idempotency-key",
                f"Idempotency-Key {key!r}",
                f"it made {n} {noun} ({_ids(n, first, last)})",
            )


def sale_lines(conn: Connection) -> Iterator[Violation]:
    lines = (
        select(
            SaleLine.sale_id,
            func.count().label("n"),
            func.sum(SaleLine.line_total_satang).label("total"),
            func.sum(SaleLine.unit_price_satang * SaleLine.quantity).label("gross"),
        )
        .group_by(SaleLine.sale_id)
        .subquery()
    )
    rows = conn.execute(
        select(
            Sale.id,
            Sale.receipt_number,
            Sale.total_satang,
            Sale.subtotal_satang,
            lines.c.n,
            lines.c.total,
            lines.c.gross,
        )
        .outerjoin(lines, lines.c.sale_id == Sale.id)
        .where(
            or_(
                lines.c.n.is_(None),
                lines.c.total != Sale.total_satang,
                lines.c.gross != Sale.subtotal_satang,
            )
        )
        .order_by(Sale.id)
    )
    for sale_id, number, total, subtotal, n, lines_total, gross in rows:
        if n is None:
            detail = "it has no lines"
        else:
            detail = (
                f"its {n} line(s) add up to {baht(lines_total)} ({baht(gross)} before "
                f"discounts), but the sale says {baht(total)} ({baht(subtotal)})"
            )
        yield Violation("sale-lines", _sale_label(sale_id, number), detail)


def _money_posted(entry_id: Any) -> Any:
    """The sum of an entry's postings where the money is (till, clearing, bank): looked up by
    the entry's index per row, cheaper than grouping every money posting (measured)."""
    return (
        select(func.sum(PostingRow.amount_satang))
        .where(PostingRow.entry_id == entry_id, PostingRow.role == PostingRole.MONEY.value)
        .scalar_subquery()
    )


def sale_ledger(conn: Connection) -> Iterator[Violation]:
    """A completed sale has its sale entry (under its receipt number) taking in its total;
    a pending or voided one has none."""
    e = _with_entry(Sale, Sale.receipt_number, Sale.status)
    rows = conn.execute(
        select(e)
        .where(
            or_(
                and_(e.c.status != COMPLETED, e.c.journal_entry_id.is_not(None)),
                and_(e.c.status == COMPLETED, _entry_differs(e, EntryKind.SALE, e.c.total_satang)),
            )
        )
        .order_by(e.c.id)
    )
    for sale_id, total, entry_id, kind, document, amount, number, status in rows:
        if status != COMPLETED:
            detail = f"it is {status} but has journal entry {entry_id}"
        elif kind is None:
            detail = "it is completed but has no journal entry"
        else:
            detail = f"its journal entry {entry_id} " + _disagreement(
                (kind, EntryKind.SALE.value, "is a {} entry, not a {} entry"),
                (document, number, "is for {}, not {}"),
                (amount, total, "takes in {}, not the sale's {}", baht),
            )
        yield Violation("sale-ledger", _sale_label(sale_id, number), detail)


def _with_entry(document: Any, number: Any, *more: Any) -> Subquery:
    """A sale's or a refund's id, total and journal entry, with the entry's kind, document and
    money posted (an outer join: no entry, no kind), its printed number and ``more``."""
    return (
        select(
            document.id,
            document.total_satang,
            document.journal_entry_id,
            JournalEntryRow.kind,
            JournalEntryRow.document,
            _money_posted(document.journal_entry_id).label("amount"),
            number.label("number"),
            *more,
        )
        .outerjoin(JournalEntryRow, JournalEntryRow.id == document.journal_entry_id)
        .subquery()
    )


def _entry_differs(e: Subquery, kind: EntryKind, amount: Any) -> ColumnElement[bool]:
    """The entry is missing, of another kind, for another document or another amount."""
    return or_(
        e.c.kind.is_distinct_from(kind.value),
        e.c.document.is_distinct_from(e.c.number),
        e.c.amount.is_distinct_from(amount),
    )


def _disagreement(*pairs: tuple[Any, ...]) -> str:
    """What an entry says against what it should: the pairs that differ, in words."""
    said = []
    for found, expected, words, *shown in pairs:
        if found != expected:
            show = shown[0] if shown else str
            said.append(words.format(show(found), show(expected)))
    return " and ".join(said)


def refund_lines(conn: Connection) -> Iterator[Violation]:
    """A refund's lines add up to it; no sale line gives back more units than it sold."""
    lines = (
        select(RefundLine.refund_id, func.sum(RefundLine.amount_satang).label("amount"))
        .group_by(RefundLine.refund_id)
        .subquery()
    )
    rows = conn.execute(
        select(Refund.id, Refund.credit_note_number, Refund.total_satang, lines.c.amount)
        .outerjoin(lines, lines.c.refund_id == Refund.id)
        .where(lines.c.amount.is_distinct_from(Refund.total_satang))
        .order_by(Refund.id)
    )
    for refund_id, number, total, amount in rows:
        yield Violation(
            "refund-lines",
            f"refund {refund_id} ({number})",
            f"its lines add up to {baht(amount)}, but it is {baht(total)}",
        )
    returned = (
        select(RefundLine.sale_line_id, func.sum(RefundLine.quantity).label("quantity"))
        .group_by(RefundLine.sale_line_id)
        .subquery()
    )
    rows = conn.execute(
        select(
            Sale.id, Sale.receipt_number, SaleLine.line_no, SaleLine.quantity, returned.c.quantity
        )
        .join(SaleLine, SaleLine.id == returned.c.sale_line_id)
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(returned.c.quantity > SaleLine.quantity)
        .order_by(Sale.id, SaleLine.line_no)
    )
    for sale_id, number, line_no, sold, given_back in rows:
        yield Violation(
            "refund-lines",
            f"{_sale_label(sale_id, number)}, line {line_no}",
            f"{given_back} units were refunded but {sold} were sold",
        )


def refund_ledger(conn: Connection) -> Iterator[Violation]:
    """A refund has its refund entry (under its credit note's number) paying out its total."""
    e = _with_entry(Refund, Refund.credit_note_number)
    rows = conn.execute(
        select(e).where(_entry_differs(e, EntryKind.REFUND, -e.c.total_satang)).order_by(e.c.id)
    )
    for refund_id, total, entry_id, kind, document, amount, number in rows:
        if kind is None:
            detail = "it has no journal entry"
        else:
            detail = f"its journal entry {entry_id} " + _disagreement(
                (kind, EntryKind.REFUND.value, "is a {} entry, not a {} entry"),
                (document, number, "is for {}, not {}"),
                (-int(amount or 0), total, "pays out {}, not the refund's {}", baht),
            )
        yield Violation("refund-ledger", f"refund {refund_id} ({number})", detail)


def payment_sales(conn: Connection) -> Iterator[Violation]:
    """A payment names no sale, or one that exists (the foreign key holds it; this rule says
    so on data restored or written past it)."""
    rows = conn.execute(
        select(Payment.id, Payment.reference, Payment.sale_id)
        .outerjoin(Sale, Sale.id == Payment.sale_id)
        .where(Payment.sale_id.is_not(None), Sale.id.is_(None))
        .order_by(Payment.id)
    )
    for payment_id, reference, sale_id in rows:
        yield Violation(
            "payment-sale",
            f"payment {payment_id} ({reference})",
            f"it belongs to sale {sale_id}, which does not exist",
        )


def voided_sale_money(conn: Connection) -> Iterator[Violation]:
    """Money confirmed by PromptPay (or card, or another tender) for a sale that was voided
    is owed back: an exception
    (open, or resolved with the return) records it, so it cannot be forgotten."""
    recorded = select(PaymentException.payment_id).where(PaymentException.payment_id.is_not(None))
    rows = conn.execute(
        select(Sale.id, Payment.id, Payment.amount_satang)
        .join(SalePayment, SalePayment.sale_id == Sale.id)
        .join(Payment, Payment.id == SalePayment.payment_id)
        .where(
            Sale.status == SaleStatus.VOIDED.value,
            Payment.status == CONFIRMED,
            Payment.method != PaymentMethod.CASH.value,
            Payment.id.not_in(recorded),
        )
        .order_by(Sale.id, Payment.id)
    )
    for sale_id, payment_id, amount in rows:
        yield Violation(
            "voided-sale-money",
            _sale_label(sale_id, None),
            f"it is voided but its non-cash payment {payment_id} of {baht(amount)} "
            "was confirmed and no exception records the money owed back",
        )


def stranded_sales(conn: Connection, now: datetime) -> Iterator[Violation]:
    """No sale waits for payment past its last QR's expiry plus the grace, unless an open
    exception covers it (the sweep voids the unpaid ones; a partly paid one is the cashier's)."""
    minutes = int(STRANDED_GRACE.total_seconds() // 60)
    for sale_id, latest in conn.execute(stranded_query(now - STRANDED_GRACE)):
        yield Violation(
            "sale-not-stranded",
            _sale_label(sale_id, None),
            f"it still waits for payment, but its last QR expired at "
            f"{latest:%Y-%m-%d %H:%M} UTC, over {minutes} minutes ago",
        )


SALE_RULES = (
    Rule("sale-lines", "a sale's lines add up to its subtotal and total", sale_lines),
    Rule(
        "sale-payments", "a completed sale's confirmed payments add up to its total", sale_payments
    ),
    Rule(
        "sale-ledger",
        "a completed sale, and only a completed one, is posted for its total",
        sale_ledger,
    ),
    Rule(
        "refund-lines", "a refund's lines add up to it and never exceed what was sold", refund_lines
    ),
    Rule("refund-ledger", "a refund is posted for its total", refund_ledger),
    Rule("payment-confirmed-once", "no payment is confirmed twice", payments_confirmed_once),
    Rule(
        "payment-confirmation",
        "a payment is confirmed exactly when an event records it, and they agree",
        payment_confirmations,
    ),
    Rule(
        "slip-confirmed-once",
        "a bank transaction or a slip confirms one payment only",
        slips_confirmed_once,
    ),
    Rule("idempotency-key", "an Idempotency-Key made one sale (one refund) only", idempotency_keys),
    Rule("payment-sale", "a payment belongs to no sale or to one that exists", payment_sales),
    Rule(
        "voided-sale-money",
        "PromptPay money confirmed for a voided sale is recorded as owed back",
        voided_sale_money,
    ),
    Rule(
        "sale-not-stranded",
        "no sale waits for payment past its last QR's expiry plus "
        f"{int(STRANDED_GRACE.total_seconds() // 60)} minutes unless an exception covers it",
        timed=stranded_sales,
    ),
)
