"""Issuing full tax invoices and their credit notes; the buyers remembered for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from kernel import audit
from kernel.access import STAFF, Actor
from kernel.clock import business_date
from kernel.db.engine import next_in_sequence
from kernel.errors import ConflictError, NotFoundError
from pos.models import Refund, RefundLine, Sale, SaleLine, SaleStatus, Till
from pos.tax_invoices.events import TaxDocumentEvent
from pos.tax_invoices.models import TaxBuyer, TaxCreditNote, TaxInvoice
from pos.tax_invoices.rules import Party, check_within_tax_month, credit_figures

SEQ_DIGITS = 6
BUYERS_FOUND = 10


def invoice_number(till_code: str, seq: int) -> str:
    """``SKP-01``, 12 -> ``TI-SKP-01-000012``: the till's own series of full tax invoices."""
    return f"TI-{till_code}-{seq:0{SEQ_DIGITS}d}"


def credit_note_number(till_code: str, seq: int) -> str:
    return f"TCN-{till_code}-{seq:0{SEQ_DIGITS}d}"


@dataclass(frozen=True, slots=True)
class Issued:
    """A tax document just issued: its id and number."""

    id: int
    number: str


def issue_tax_invoice(
    conn: Connection, actor: Actor, now: datetime, sale_id: int, buyer: Party, seller: Party
) -> Issued:
    """Replace a completed sale's receipt with a full tax invoice for ``buyer``.

    One per sale: asking again is refused, naming the invoice already issued (reprint it).
    The number is taken in a savepoint with the row, so a refused or raced invoice gives its
    number back and the series stays gapless."""
    actor.require(STAFF, "issue a full tax invoice")
    sale = conn.execute(
        select(
            Sale.id,
            Sale.status,
            Sale.receipt_number,
            Sale.business_date,
            Sale.total_satang,
            Sale.vat_included_satang,
            Sale.till_id,
            Till.code,
        )
        .join(Till, Till.id == Sale.till_id)
        .where(Sale.id == sale_id)
    ).first()
    if sale is None:
        raise NotFoundError(
            "tax_invoice.sale_not_found",
            "ไม่พบรายการขาย {sale_id}",
            field="sale_id",
            sale_id=sale_id,
        )
    if sale.status != SaleStatus.COMPLETED or sale.receipt_number is None:
        raise ConflictError(
            "tax_invoice.sale_not_completed",
            "รายการขาย {sale_id} ยังไม่เสร็จสมบูรณ์ จึงยังไม่มีใบเสร็จให้ออกใบกำกับภาษีเต็มรูปแทน",
            field="sale_id",
            sale_id=sale_id,
        )
    _refuse_a_second(conn, sale_id, sale.receipt_number)
    refunded = conn.execute(select(func.count()).where(Refund.sale_id == sale_id)).scalar_one()
    if refunded:
        raise ConflictError(
            "tax_invoice.sale_refunded",
            "ใบเสร็จ {receipt_number} มีการคืนสินค้าไปแล้ว: ออกใบกำกับภาษีเต็มรูปแทนไม่ได้"
            " ให้ขายรายการที่ลูกค้าซื้อจริงใหม่แล้วออกใบกำกับภาษีจากใบเสร็จใหม่",
            field="sale_id",
            receipt_number=sale.receipt_number,
        )
    check_within_tax_month(sale.business_date, business_date(now), sale.receipt_number)
    buyer_id = remember_buyer(conn, buyer, now)
    try:
        with conn.begin_nested():
            seq = next_in_sequence(conn, f"tax_invoice:{sale.till_id}")
            number = invoice_number(sale.code, seq)
            invoice_id = conn.execute(
                insert(TaxInvoice).returning(TaxInvoice.id),
                {
                    "sale_id": sale_id,
                    "till_id": sale.till_id,
                    "seq": seq,
                    "number": number,
                    "replaces_receipt": sale.receipt_number,
                    "buyer_id": buyer_id,
                    "buyer_name": buyer.name,
                    "buyer_address": buyer.address,
                    "buyer_tax_id": buyer.tax_id,
                    "buyer_branch": buyer.branch,
                    "seller_name": seller.name,
                    "seller_address": seller.address,
                    "seller_tax_id": seller.tax_id,
                    "seller_branch": seller.branch,
                    "total_satang": sale.total_satang,
                    "vat_satang": sale.vat_included_satang,
                    "issued_at": now,
                    "issued_by": actor.user_id,
                },
            ).scalar_one()
    except IntegrityError:
        _refuse_a_second(conn, sale_id, sale.receipt_number)  # another request issued it
        raise
    audit.record(
        conn,
        actor,
        TaxDocumentEvent.TAX_INVOICE_ISSUED,
        "tax_invoice",
        invoice_id,
        now,
        number=number,
        sale_id=sale_id,
        replaces=sale.receipt_number,
        buyer_tax_id=buyer.tax_id,
    )
    return Issued(invoice_id, number)


def _refuse_a_second(conn: Connection, sale_id: int, receipt_number: str) -> None:
    issued = conn.execute(select(TaxInvoice.number).where(TaxInvoice.sale_id == sale_id)).scalar()
    if issued is not None:
        raise ConflictError(
            "tax_invoice.already_issued",
            "ใบเสร็จ {receipt_number} ออกใบกำกับภาษีเต็มรูปไปแล้ว เลขที่ {number}: พิมพ์สำเนาจากฉบับนั้น",
            field="sale_id",
            receipt_number=receipt_number,
            number=issued,
        )


def remember_buyer(conn: Connection, buyer: Party, now: datetime) -> int:
    """The buyer's row (by tax ID and branch), its name and address brought up to date."""
    found = conn.execute(
        select(TaxBuyer.id, TaxBuyer.name, TaxBuyer.address).where(
            TaxBuyer.tax_id == buyer.tax_id, TaxBuyer.branch == buyer.branch
        )
    ).first()
    if found is None:
        try:
            with conn.begin_nested():
                return int(
                    conn.execute(
                        insert(TaxBuyer).returning(TaxBuyer.id),
                        {
                            "tax_id": buyer.tax_id,
                            "branch": buyer.branch,
                            "name": buyer.name,
                            "address": buyer.address,
                            "updated_at": now,
                        },
                    ).scalar_one()
                )
        except IntegrityError:  # the same buyer, remembered by another till just now
            return remember_buyer(conn, buyer, now)
    if (found.name, found.address) != (buyer.name, buyer.address):
        conn.execute(
            update(TaxBuyer)
            .where(TaxBuyer.id == found.id)
            .values(name=buyer.name, address=buyer.address, updated_at=now)
        )
    return int(found.id)


def find_buyers(conn: Connection, actor: Actor, text: str) -> list[Party]:
    """Buyers whose tax ID starts with ``text`` (digits, dashes ignored) or whose name holds it."""
    actor.require(STAFF, "find buyers")
    wanted = " ".join(text.split())
    if not wanted:
        return []
    digits = wanted.replace("-", "").replace(" ", "")
    name_like = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    matches: list[ColumnElement[bool]] = [TaxBuyer.name.ilike(name_like, escape="\\")]
    if digits.isdigit():
        matches.append(TaxBuyer.tax_id.startswith(digits))
    rows = conn.execute(
        select(TaxBuyer.name, TaxBuyer.address, TaxBuyer.tax_id, TaxBuyer.branch)
        .where(or_(*matches))
        .order_by(TaxBuyer.updated_at.desc())
        .limit(BUYERS_FOUND)
    )
    return [Party(name, address, tax_id, branch) for name, address, tax_id, branch in rows]


def credit_invoice_for_refund(
    conn: Connection, actor: Actor, now: datetime, refund_id: int
) -> Issued | None:
    """The credit note of a refund whose sale has a full tax invoice (None when it has none),
    in the refund's transaction, numbered on the refunding till's series."""
    refund = conn.execute(
        select(Refund.sale_id, Refund.till_id, Refund.total_satang, Refund.reason, Till.code)
        .join(Till, Till.id == Refund.till_id)
        .where(Refund.id == refund_id)
    ).one()
    invoice = conn.execute(
        select(TaxInvoice.id, TaxInvoice.number, TaxInvoice.total_satang).where(
            TaxInvoice.sale_id == refund.sale_id
        )
    ).first()
    if invoice is None:
        return None
    credited = conn.execute(
        select(func.coalesce(func.sum(TaxCreditNote.difference_satang), 0)).where(
            TaxCreditNote.tax_invoice_id == invoice.id
        )
    ).scalar_one()
    vatable = conn.execute(
        select(func.coalesce(func.sum(RefundLine.amount_satang), 0))
        .join(
            SaleLine,
            (SaleLine.sale_id == refund.sale_id) & (SaleLine.line_no == RefundLine.line_no),
        )
        .where(RefundLine.refund_id == refund_id, SaleLine.vat_applicable.is_(True))
    ).scalar_one()
    figures = credit_figures(invoice.total_satang, int(credited), refund.total_satang, int(vatable))
    seq = next_in_sequence(conn, f"tax_credit_note:{refund.till_id}")
    number = credit_note_number(refund.code, seq)
    note_id = conn.execute(
        insert(TaxCreditNote).returning(TaxCreditNote.id),
        {
            "refund_id": refund_id,
            "tax_invoice_id": invoice.id,
            "till_id": refund.till_id,
            "seq": seq,
            "number": number,
            "original_satang": figures.original_satang,
            "corrected_satang": figures.corrected_satang,
            "difference_satang": figures.difference_satang,
            "vat_difference_satang": figures.vat_difference_satang,
            "reason": refund.reason,
            "issued_at": now,
            "issued_by": actor.user_id,
        },
    ).scalar_one()
    audit.record(
        conn,
        actor,
        TaxDocumentEvent.TAX_CREDIT_NOTE_ISSUED,
        "tax_credit_note",
        note_id,
        now,
        number=number,
        refund_id=refund_id,
        invoice=invoice.number,
        difference_satang=figures.difference_satang,
    )
    return Issued(note_id, number)
