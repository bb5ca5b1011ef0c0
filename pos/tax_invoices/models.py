"""Tables of full tax invoices, their credit notes, and the buyers remembered for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db.engine import Base


class TaxBuyer(Base):
    """A buyer who asked for a full tax invoice: found again by tax ID (and branch) or name.
    The invoice keeps its own copy of the details, so a later change here never alters it."""

    __tablename__ = "tax_buyers"
    __table_args__ = (UniqueConstraint("tax_id", "branch", name="uq_tax_buyers_tax_id_branch"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tax_id: Mapped[str] = mapped_column(String(13))
    branch: Mapped[str] = mapped_column(String(5))
    name: Mapped[str] = mapped_column(String(200), index=True)
    address: Mapped[str] = mapped_column(String(500))
    updated_at: Mapped[datetime]


class TaxInvoice(Base):
    """A full tax invoice: replaces one sale's receipt (at most one per sale), numbered per till
    (the sequence ``tax_invoice:<till id>``) without gaps."""

    __tablename__ = "tax_invoices"
    __table_args__ = (
        UniqueConstraint("till_id", "seq", name="uq_tax_invoices_till_seq"),
        CheckConstraint("seq > 0", name="seq_positive"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), unique=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    replaces_receipt: Mapped[str] = mapped_column(String(32))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("tax_buyers.id"), index=True)
    buyer_name: Mapped[str] = mapped_column(String(200))
    buyer_address: Mapped[str] = mapped_column(String(500))
    buyer_tax_id: Mapped[str] = mapped_column(String(13))
    buyer_branch: Mapped[str] = mapped_column(String(5))
    seller_name: Mapped[str] = mapped_column(String(200))
    seller_address: Mapped[str] = mapped_column(String(500))
    seller_tax_id: Mapped[str] = mapped_column(String(13))
    seller_branch: Mapped[str] = mapped_column(String(5))
    total_satang: Mapped[int] = mapped_column(Integer)
    vat_satang: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(index=True)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class TaxCreditNote(Base):
    """The credit note (ใบลดหนี้) of a refund against a sale with a full tax invoice, numbered
    per till (``tax_credit_note:<till id>``) without gaps."""

    __tablename__ = "tax_credit_notes"
    __table_args__ = (
        UniqueConstraint("till_id", "seq", name="uq_tax_credit_notes_till_seq"),
        CheckConstraint("seq > 0", name="seq_positive"),
        CheckConstraint("difference_satang > 0", name="difference_positive"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id"), unique=True)
    tax_invoice_id: Mapped[int] = mapped_column(ForeignKey("tax_invoices.id"), index=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    original_satang: Mapped[int] = mapped_column(Integer)
    corrected_satang: Mapped[int] = mapped_column(Integer)
    difference_satang: Mapped[int] = mapped_column(Integer)
    vat_difference_satang: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(index=True)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
