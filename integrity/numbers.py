"""Rules of ``otop-pos check`` over the numbers people read: receipts, credit notes and Z
reports run per till from 1 without gaps or duplicates.

What "gapless" means follows from how the numbers are given (see pos.tills.receipts): a sale
the server completes takes its receipt number in that transaction, from the till's sequence;
a sale rung at the till carries a number from a block of that sequence leased to the till's
device (pos.tills.leases); a pending or voided sale never has one (a void is only of a
pending sale). So the completed sales of a till hold the numbers 1..N, each once, N is where
the till's sequence stands, and a number no sale holds lies in a leased block (not issued
yet, on its way from an offline till, or void since its block closed; no sale holds a void
one); no other sale has a number. Credit notes alike (every refund has one) and Z numbers (every
closed shift, and no open one). The printed number agrees with the till's code and the seq.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.engine import Connection

from integrity.violations import Rule, Violation
from kernel.db.engine import Sequence
from pos.models import ReceiptLease, Refund, Sale, SaleStatus, Shift, ShiftStatus, Till
from pos.tax_invoices.models import TaxCreditNote, TaxInvoice
from pos.tills.leases import unexplained_by_leases
from pos.tills.receipts import SEQ_DIGITS, receipt_number


@dataclass(frozen=True)
class Numbering:
    rule: str
    noun: str  # "receipt"
    owner: str  # what holds a number: "sale"
    model: Any  # the table of the numbered rows
    seq: Any  # their per-till number
    number: Any  # the number as printed
    prefix: str  # before the till's code in the printed number
    sequence: str  # the sequence's name before the till's id ("receipt:")
    numbered: ColumnElement[bool]  # which rows must have a number (the others must not)
    # Receipts: numbers a till's devices hold in leased blocks (pos.tills.leases) may be
    # missing from the sales: not issued yet, void, or on their way from an offline till.
    leased: bool = False


def _padded(seq: Any) -> Any:
    """``f"{seq:06d}"`` in SQL, alike on SQLite and PostgreSQL."""
    digits = cast(seq, String)
    zeros = literal("0" * SEQ_DIGITS, String)
    return case(
        (seq >= 10**SEQ_DIGITS, digits),
        else_=func.substr(zeros + digits, func.length(digits) + 1),
    )


def _gaps(conn: Connection, n: Numbering) -> Iterator[Violation]:
    """Each number against the one before it on its till: one more, or a gap or a repeat."""
    before = func.lag(n.seq).over(partition_by=n.model.till_id, order_by=(n.seq, n.model.id))
    ordered = (
        select(
            n.model.till_id,
            n.model.id,
            n.seq.label("seq"),
            n.number.label("number"),
            before.label("before"),
        )
        .where(n.seq.is_not(None))
        .subquery()
    )
    rows = conn.execute(
        select(Till.code, ordered.c.id, ordered.c.seq, ordered.c.number, ordered.c.before)
        .join(Till, Till.id == ordered.c.till_id)
        .where(ordered.c.seq - func.coalesce(ordered.c.before, 0) != 1)
        .order_by(Till.code, ordered.c.seq, ordered.c.id)
    )
    for code, row_id, seq, number, before in rows:
        where = f"till {code}, {n.noun} {number} ({n.owner} {row_id})"
        if before != seq and n.leased:
            till_id = conn.execute(select(Till.id).where(Till.code == code)).scalar_one()
            missing = [((before or 0) + 1, seq - 1)]
            if not unexplained_by_leases(conn, till_id, missing):
                continue
        if before is None:
            detail = f"the first number is {seq}, not 1"
        elif before == seq:
            detail = f"number {seq} is used twice"
        else:
            detail = f"number {seq} follows number {before}: {seq - before - 1:,} missing"
        yield Violation(n.rule, where, detail)


def _printed(conn: Connection, n: Numbering) -> Iterator[Violation]:
    expected = literal(n.prefix, String) + Till.code + literal("-", String) + _padded(n.seq)
    should = case((n.numbered, True), else_=False)
    has = and_(n.seq.is_not(None), n.number.is_not(None))
    rows = conn.execute(
        select(Till.code, n.model.id, n.seq, n.number, should)
        .join(Till, Till.id == n.model.till_id)
        .where(
            or_(
                and_(n.numbered, ~has),
                and_(~n.numbered, or_(n.seq.is_not(None), n.number.is_not(None))),
                and_(n.seq.is_not(None), n.number.is_distinct_from(expected)),
            )
        )
        .order_by(n.model.id)
    )
    for code, row_id, seq, number, numbered in rows:
        where = f"till {code}, {n.owner} {row_id}"
        if numbered and (seq is None or number is None):
            detail = f"it has no {n.noun} number (seq {seq}, printed {number})"
        elif not numbered:
            detail = f"it should have no {n.noun} number but has {number} (seq {seq})"
        else:
            detail = f"its {n.noun} number {number} does not read as seq {seq} of till {code}"
        yield Violation(n.rule, where, detail)


def _sequence_ends(conn: Connection, n: Numbering) -> Iterator[Violation]:
    """The till's sequence stands at its last number (nothing taken and lost at the end)."""
    used = (
        select(n.model.till_id, func.max(n.seq).label("last"))
        .where(n.seq.is_not(None))
        .group_by(n.model.till_id)
        .subquery()
    )
    name = literal(n.sequence, String) + cast(Till.id, String)
    stands = func.coalesce(Sequence.last_value, 0)
    last = func.coalesce(used.c.last, 0)
    rows = conn.execute(
        select(Till.code, cast(stands, Integer), cast(last, Integer))
        .outerjoin(used, used.c.till_id == Till.id)
        .outerjoin(Sequence, Sequence.name == name)
        .where(stands != last)
        .order_by(Till.code)
    )
    for code, stands_at, last_seq in rows:
        if n.leased and stands_at > last_seq:
            till_id = conn.execute(select(Till.id).where(Till.code == code)).scalar_one()
            if not unexplained_by_leases(conn, till_id, [(last_seq + 1, stands_at)]):
                continue
        yield Violation(
            n.rule,
            f"till {code}, {n.noun} sequence",
            f"the sequence stands at {stands_at}, but the last {n.noun} number used is {last_seq}",
        )


def _void_used(conn: Connection) -> Iterator[Violation]:
    """No sale holds a number its block voided at a close (above the last one issued)."""
    rows = conn.execute(
        select(Till.code, Sale.id, Sale.receipt_number, ReceiptLease.last_issued_seq)
        .join(
            ReceiptLease,
            and_(
                ReceiptLease.till_id == Sale.till_id,
                ReceiptLease.first_seq <= Sale.receipt_seq,
                ReceiptLease.last_seq >= Sale.receipt_seq,
            ),
        )
        .join(Till, Till.id == Sale.till_id)
        .where(
            ReceiptLease.closed_at.is_not(None),
            Sale.receipt_seq > ReceiptLease.last_issued_seq,
        )
        .order_by(Sale.id)
    )
    for code, sale_id, number, last in rows:
        yield Violation(
            RECEIPTS.rule,
            f"till {code}, receipt {number} (sale {sale_id})",
            f"its number was void when its block closed (the last issued was {last})",
        )


def _check(n: Numbering) -> Rule:
    def find(conn: Connection) -> Iterator[Violation]:
        yield from _gaps(conn, n)
        yield from _printed(conn, n)
        yield from _sequence_ends(conn, n)
        if n.leased:
            yield from _void_used(conn)

    return Rule(
        n.rule, f"{n.noun} numbers per till run 1..N without gaps or duplicates, as printed", find
    )


RECEIPTS = Numbering(
    "receipt-numbers",
    "receipt",
    "sale",
    Sale,
    Sale.receipt_seq,
    Sale.receipt_number,
    "",
    "receipt:",
    Sale.status == SaleStatus.COMPLETED.value,
    leased=True,
)
CREDIT_NOTES = Numbering(
    "credit-note-numbers",
    "credit note",
    "refund",
    Refund,
    Refund.credit_note_seq,
    Refund.credit_note_number,
    "CN-",
    "credit_note:",
    true(),
)
Z_REPORTS = Numbering(
    "z-numbers",
    "Z report",
    "shift",
    Shift,
    Shift.z_seq,
    Shift.z_number,
    "Z-",
    "z:",
    Shift.status == ShiftStatus.CLOSED.value,
)

TAX_INVOICES = Numbering(
    "tax-invoice-numbers",
    "full tax invoice",
    "tax invoice",
    TaxInvoice,
    TaxInvoice.seq,
    TaxInvoice.number,
    "TI-",
    "tax_invoice:",
    true(),
)
TAX_CREDIT_NOTES = Numbering(
    "tax-credit-note-numbers",
    "tax credit note",
    "tax credit note",
    TaxCreditNote,
    TaxCreditNote.seq,
    TaxCreditNote.number,
    "TCN-",
    "tax_credit_note:",
    true(),
)


def _replaced_receipts(conn: Connection) -> Iterator[Violation]:
    """A replaced abbreviated invoice has exactly one full invoice, which names it: the sale
    is completed and its receipt is the one the invoice says it replaces; a credit note
    credits the invoice of its refund's sale, and never more than the invoice's total."""
    wrong = conn.execute(
        select(TaxInvoice.number, TaxInvoice.replaces_receipt, Sale.id, Sale.receipt_number)
        .join(Sale, Sale.id == TaxInvoice.sale_id)
        .where(
            or_(
                Sale.status != SaleStatus.COMPLETED.value,
                Sale.receipt_number.is_distinct_from(TaxInvoice.replaces_receipt),
            )
        )
        .order_by(TaxInvoice.id)
    )
    for number, replaces, sale_id, receipt in wrong:
        yield Violation(
            "replaced-receipt-invoice",
            f"tax invoice {number} (sale {sale_id})",
            f"it says it replaces {replaces}, but the sale's receipt is {receipt}"
            " or the sale is not completed",
        )
    twice = conn.execute(
        select(TaxInvoice.replaces_receipt, func.count())
        .group_by(TaxInvoice.replaces_receipt)
        .having(func.count() > 1)
    )
    for receipt, count in twice:
        yield Violation(
            "replaced-receipt-invoice",
            f"receipt {receipt}",
            f"{count} full tax invoices replace it",
        )
    strays = conn.execute(
        select(TaxCreditNote.number, TaxInvoice.number)
        .join(TaxInvoice, TaxInvoice.id == TaxCreditNote.tax_invoice_id)
        .join(Refund, Refund.id == TaxCreditNote.refund_id)
        .where(Refund.sale_id != TaxInvoice.sale_id)
    )
    for note, invoice in strays:
        yield Violation(
            "replaced-receipt-invoice",
            f"tax credit note {note}",
            f"its refund is of another sale than invoice {invoice}'s",
        )
    credited = (
        select(TaxCreditNote.tax_invoice_id, func.sum(TaxCreditNote.difference_satang).label("sum"))
        .group_by(TaxCreditNote.tax_invoice_id)
        .subquery()
    )
    over = conn.execute(
        select(TaxInvoice.number, TaxInvoice.total_satang, credited.c.sum)
        .join(credited, credited.c.tax_invoice_id == TaxInvoice.id)
        .where(credited.c.sum > TaxInvoice.total_satang)
    )
    for number, total, credited_sum in over:
        yield Violation(
            "replaced-receipt-invoice",
            f"tax invoice {number}",
            f"its credit notes take off {credited_sum} satang of its {total}",
        )


NUMBER_RULES = (
    *(_check(n) for n in (RECEIPTS, CREDIT_NOTES, Z_REPORTS, TAX_INVOICES, TAX_CREDIT_NOTES)),
    Rule(
        "replaced-receipt-invoice",
        "a replaced receipt has exactly one full tax invoice, which names it; credit notes"
        " credit their own sale's invoice, never beyond its total",
        _replaced_receipts,
    ),
)


def outstanding_receipts(conn: Connection) -> Iterator[Violation]:
    """Warnings: numbers a device issued before its block closed whose sales have not arrived
    (still in a till's queue, or lost with it: ask the till)."""
    held = func.count(Sale.id)
    issued = ReceiptLease.last_issued_seq - ReceiptLease.first_seq + 1
    short = conn.execute(
        select(
            Till.code, ReceiptLease.till_id, ReceiptLease.first_seq, ReceiptLease.last_issued_seq
        )
        .join(Till, Till.id == ReceiptLease.till_id)
        .outerjoin(
            Sale,
            and_(
                Sale.till_id == ReceiptLease.till_id,
                Sale.receipt_seq.between(ReceiptLease.first_seq, ReceiptLease.last_issued_seq),
            ),
        )
        .where(
            ReceiptLease.closed_at.is_not(None),
            ReceiptLease.last_issued_seq >= ReceiptLease.first_seq,
        )
        .group_by(ReceiptLease.id, Till.code)
        .having(held < issued)
        .order_by(Till.code, ReceiptLease.first_seq)
    ).all()
    for code, till_id, first, last in short:
        assert last is not None  # the query keeps only blocks that issued numbers
        got = set(
            conn.execute(
                select(Sale.receipt_seq).where(
                    Sale.till_id == till_id, Sale.receipt_seq.between(first, last)
                )
            ).scalars()
        )
        missing = [receipt_number(code, n) for n in range(first, last + 1) if n not in got]
        shown = ", ".join(missing[:10]) + (
            f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        yield Violation(
            "receipt-numbers-outstanding",
            f"till {code}",
            f"issued before the shift closed, not yet received: {shown}",
        )


NUMBER_WARNINGS = (
    Rule(
        "receipt-numbers-outstanding",
        "numbers a till issued offline reach the server (those still on their way)",
        outstanding_receipts,
    ),
)
