"""Reading tax documents: one to print, and a month's register for the accountant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection, RowMapping

from kernel.access import MANAGERS, STAFF, Actor
from kernel.clock import BANGKOK
from kernel.errors import NotFoundError
from pos.checkout.queries import SaleLineView, load_sale
from pos.models import Refund, RefundLine
from pos.tax_invoices.models import TaxCreditNote, TaxInvoice
from pos.tax_invoices.rules import Party


@dataclass(frozen=True, slots=True)
class CreditNoteView:
    id: int
    number: str
    invoice_id: int
    invoice_number: str
    refund_number: str  # the refund's own credit-note number at the till
    original_satang: int
    corrected_satang: int
    difference_satang: int
    vat_difference_satang: int
    reason: str
    issued_at: datetime
    lines: list[tuple[SaleLineView, int, int]]  # the sale line, quantity and amount given back

    @property
    def difference_before_vat_satang(self) -> int:
        return self.difference_satang - self.vat_difference_satang


@dataclass(frozen=True, slots=True)
class TaxInvoiceView:
    id: int
    number: str
    sale_id: int
    till_code: str
    replaces_receipt: str
    buyer: Party
    seller: Party
    total_satang: int
    vat_satang: int
    issued_at: datetime
    lines: list[SaleLineView]
    subtotal_satang: int  # before discounts
    discount_satang: int
    credit_notes: list[CreditNoteView]

    @property
    def before_vat_satang(self) -> int:
        return self.total_satang - self.vat_satang


def get_tax_invoice(conn: Connection, actor: Actor, invoice_id: int) -> TaxInvoiceView:
    actor.require(STAFF, "see tax invoices")
    row = conn.execute(select(TaxInvoice).where(TaxInvoice.id == invoice_id)).mappings().first()
    if row is None:
        raise NotFoundError(
            "tax_invoice.not_found",
            "ไม่พบใบกำกับภาษีเต็มรูป {invoice_id}",
            field="invoice_id",
            invoice_id=invoice_id,
        )
    sale = load_sale(conn, row["sale_id"])
    notes = [
        _credit_note(conn, note, sale.lines, row["number"])
        for note in conn.execute(
            select(TaxCreditNote.__table__, Refund.credit_note_number)
            .join(Refund, Refund.id == TaxCreditNote.refund_id)
            .where(TaxCreditNote.tax_invoice_id == invoice_id)
            .order_by(TaxCreditNote.id)
        ).mappings()
    ]
    return TaxInvoiceView(
        id=row["id"],
        number=row["number"],
        sale_id=row["sale_id"],
        till_code=sale.till_code,
        replaces_receipt=row["replaces_receipt"],
        buyer=Party(
            row["buyer_name"], row["buyer_address"], row["buyer_tax_id"], row["buyer_branch"]
        ),
        seller=Party(
            row["seller_name"], row["seller_address"], row["seller_tax_id"], row["seller_branch"]
        ),
        total_satang=row["total_satang"],
        vat_satang=row["vat_satang"],
        issued_at=row["issued_at"],
        lines=sale.lines,
        subtotal_satang=sale.subtotal_satang,
        discount_satang=sale.discount_satang,
        credit_notes=notes,
    )


@dataclass(frozen=True, slots=True)
class Replacement:
    """The full tax invoice that replaced a sale's receipt."""

    id: int
    number: str


def invoice_of_sale(conn: Connection, actor: Actor, sale_id: int) -> Replacement | None:
    """The full tax invoice that replaced a sale's receipt, if one did."""
    actor.require(STAFF, "see tax invoices")
    found = conn.execute(
        select(TaxInvoice.id, TaxInvoice.number).where(TaxInvoice.sale_id == sale_id)
    ).first()
    return None if found is None else Replacement(int(found.id), str(found.number))


def credit_note_of_refund(conn: Connection, actor: Actor, refund_id: int) -> int | None:
    """The id of the tax credit note a refund issued (its sale had a full tax invoice)."""
    actor.require(STAFF, "see credit notes")
    found = conn.execute(
        select(TaxCreditNote.id).where(TaxCreditNote.refund_id == refund_id)
    ).scalar()
    return None if found is None else int(found)


def get_credit_note(conn: Connection, actor: Actor, note_id: int) -> TaxCreditNoteDocument:
    actor.require(STAFF, "see credit notes")
    invoice_id = conn.execute(
        select(TaxCreditNote.tax_invoice_id).where(TaxCreditNote.id == note_id)
    ).scalar()
    if invoice_id is None:
        raise NotFoundError(
            "tax_credit_note.not_found",
            "ไม่พบใบลดหนี้ {note_id}",
            field="note_id",
            note_id=note_id,
        )
    invoice = get_tax_invoice(conn, actor, int(invoice_id))
    [note] = [n for n in invoice.credit_notes if n.id == note_id]
    return TaxCreditNoteDocument(invoice, note)


@dataclass(frozen=True, slots=True)
class TaxCreditNoteDocument:
    invoice: TaxInvoiceView
    note: CreditNoteView


def _credit_note(
    conn: Connection, note: RowMapping, lines: list[SaleLineView], invoice_number: str
) -> CreditNoteView:
    """``note``: a tax_credit_notes row with its refund's ``credit_note_number``."""
    by_no = {line.line_no: line for line in lines}
    given_back = [
        (by_no[line_no], quantity, amount)
        for line_no, quantity, amount in conn.execute(
            select(RefundLine.line_no, RefundLine.quantity, RefundLine.amount_satang)
            .where(RefundLine.refund_id == note["refund_id"])
            .order_by(RefundLine.line_no)
        )
    ]
    return CreditNoteView(
        id=note["id"],
        number=note["number"],
        invoice_id=note["tax_invoice_id"],
        invoice_number=invoice_number,
        refund_number=note["credit_note_number"],
        original_satang=note["original_satang"],
        corrected_satang=note["corrected_satang"],
        difference_satang=note["difference_satang"],
        vat_difference_satang=note["vat_difference_satang"],
        reason=note["reason"],
        issued_at=note["issued_at"],
        lines=given_back,
    )


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One document of a month's register: an invoice, or a credit note (amounts negative)."""

    kind: str  # "invoice" | "credit_note"
    number: str
    issued_at: datetime
    refers_to: str  # the receipt an invoice replaced; the invoice a credit note credits
    buyer_name: str
    buyer_tax_id: str
    buyer_branch: str
    before_vat_satang: int
    vat_satang: int
    total_satang: int


@dataclass(frozen=True, slots=True)
class TaxRegister:
    start: date
    rows: list[RegisterRow]

    @property
    def before_vat_satang(self) -> int:
        return sum(r.before_vat_satang for r in self.rows)

    @property
    def vat_satang(self) -> int:
        return sum(r.vat_satang for r in self.rows)

    @property
    def total_satang(self) -> int:
        return sum(r.total_satang for r in self.rows)


def month_register(conn: Connection, actor: Actor, start: date) -> TaxRegister:
    """The full tax invoices and credit notes issued in the month that begins on ``start``
    (Bangkok time), in the order they were issued: the VAT totals are the documents' sums."""
    actor.require(MANAGERS, "see the tax register")
    after = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    since = datetime.combine(start, time(), BANGKOK)
    until = datetime.combine(after, time(), BANGKOK)
    rows = [
        RegisterRow(
            "invoice",
            i.number,
            i.issued_at,
            i.replaces_receipt,
            i.buyer_name,
            i.buyer_tax_id,
            i.buyer_branch,
            i.total_satang - i.vat_satang,
            i.vat_satang,
            i.total_satang,
        )
        for i in conn.execute(
            select(TaxInvoice.__table__).where(
                TaxInvoice.issued_at >= since, TaxInvoice.issued_at < until
            )
        )
    ]
    rows += [
        RegisterRow(
            "credit_note",
            n.number,
            n.issued_at,
            n.invoice_number,
            n.buyer_name,
            n.buyer_tax_id,
            n.buyer_branch,
            -(n.difference_satang - n.vat_difference_satang),
            -n.vat_difference_satang,
            -n.difference_satang,
        )
        for n in conn.execute(
            select(
                TaxCreditNote.number,
                TaxCreditNote.issued_at,
                TaxCreditNote.difference_satang,
                TaxCreditNote.vat_difference_satang,
                TaxInvoice.number.label("invoice_number"),
                TaxInvoice.buyer_name,
                TaxInvoice.buyer_tax_id,
                TaxInvoice.buyer_branch,
            )
            .join(TaxInvoice, TaxInvoice.id == TaxCreditNote.tax_invoice_id)
            .where(TaxCreditNote.issued_at >= since, TaxCreditNote.issued_at < until)
        )
    ]
    rows.sort(key=lambda r: (r.issued_at, r.kind == "credit_note", r.number))
    return TaxRegister(start, rows)
