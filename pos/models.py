"""Tables of the till: tills, shifts, sales, their lines and how they were paid.

A sale's money is in integer satang. Receipt numbers run per till without gaps or
duplicates: a sale the server completes takes the next from the till's sequence in the same
transaction; a sale rung at the till (offline too) carries a number from a block of that
sequence leased to the till's device in advance (:class:`ReceiptLease`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db.engine import Base


class SaleStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"  # stock taken, a payment not yet confirmed, no receipt
    COMPLETED = "completed"  # every payment confirmed: receipt number and ledger entry given
    VOIDED = "voided"  # withdrawn while pending (stock returned; no receipt number)


class ShiftStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Till(Base):
    __tablename__ = "tills"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # "SKP-01", on every receipt
    name: Mapped[str] = mapped_column(String(100))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The Revenue Department's registration of this POS machine (หมายเลขเครื่อง), set by a
    # manager: printed on its abbreviated tax invoices and Z reports.
    pos_registration: Mapped[str | None] = mapped_column(String(20))


OPEN_SHIFT = text("status = 'open'")


class Shift(Base):
    __tablename__ = "shifts"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),
        CheckConstraint("opening_float_satang >= 0", name="float_not_negative"),
        # At most one open shift per till (a partial unique index: SQLite and PostgreSQL).
        Index(
            "uq_shifts_open_till",
            "till_id",
            unique=True,
            sqlite_where=OPEN_SHIFT,
            postgresql_where=OPEN_SHIFT,
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"), index=True)
    cashier_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    opening_float_satang: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    # Denominations counted, as JSON {"1000": 2, "0.50": 4} (baht value -> pieces), or null.
    opening_denominations: Mapped[str | None] = mapped_column(Text)
    # Set once, at close; never changed afterwards (the Z report is frozen in z_report).
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    z_seq: Mapped[int | None] = mapped_column(Integer)
    z_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    expected_cash_satang: Mapped[int | None] = mapped_column(Integer)
    counted_cash_satang: Mapped[int | None] = mapped_column(Integer)
    closing_denominations: Mapped[str | None] = mapped_column(Text)
    z_report: Mapped[str | None] = mapped_column(Text)  # the report as printed, JSON


class Sale(Base):
    __tablename__ = "sales"
    __table_args__ = (
        UniqueConstraint("till_id", "receipt_seq", name="uq_sales_till_receipt_seq"),
        CheckConstraint(
            "status IN ('pending_payment', 'completed', 'voided')", name="status_known"
        ),
        CheckConstraint("total_satang = subtotal_satang - discount_satang", name="total_adds_up"),
        CheckConstraint("total_satang > 0", name="total_positive"),
        Index("ix_sales_till_status", "till_id", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    cashier_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    receipt_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    receipt_seq: Mapped[int | None] = mapped_column(Integer)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    request_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the canonical body
    status: Mapped[str] = mapped_column(String(16))
    subtotal_satang: Mapped[int] = mapped_column(Integer)
    discount_satang: Mapped[int] = mapped_column(Integer)
    cart_discount_satang: Mapped[int] = mapped_column(Integer, default=0)
    total_satang: Mapped[int] = mapped_column(Integer)
    vat_included_satang: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    business_date: Mapped[date] = mapped_column(Date, index=True)  # Asia/Bangkok
    journal_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    # The manager who approved a discount above the limit (none when no approval was needed).
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A sale rung at the till (from its queue, maybe offline): the till's own clock when it
    # was rung, the till's known offset from the server's (created_at is the two added), the
    # device that rang it and when the server received it. None for a sale the server priced.
    rung_at: Mapped[datetime | None]
    clock_skew_ms: Mapped[int | None] = mapped_column(Integer)
    device_id: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime | None]


class SaleLine(Base):
    """A line, with the product as it was at the moment of sale (name, SKU, price, maker)."""

    __tablename__ = "sale_lines"
    __table_args__ = (
        UniqueConstraint("sale_id", "line_no", name="uq_sale_lines_sale_line_no"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("commission_satang + net_satang = line_total_satang", name="split_adds_up"),
        Index("ix_sale_lines_entrepreneur_sale", "entrepreneur_id", "sale_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    entrepreneur_id: Mapped[int] = mapped_column(ForeignKey("entrepreneurs.id"))
    sku: Mapped[str] = mapped_column(String(32))
    barcode: Mapped[str] = mapped_column(String(14))
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit_price_satang: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    discount_satang: Mapped[int] = mapped_column(Integer)  # the line's own discount
    cart_discount_satang: Mapped[int] = mapped_column(Integer)  # its share of the cart's
    line_total_satang: Mapped[int] = mapped_column(Integer)
    commission_bp: Mapped[int] = mapped_column(Integer)
    commission_satang: Mapped[int] = mapped_column(Integer)
    net_satang: Mapped[int] = mapped_column(Integer)  # owed to the entrepreneur
    vat_applicable: Mapped[bool] = mapped_column(Boolean)
    vat_included_satang: Mapped[int] = mapped_column(Integer)
    line_discount_bearer: Mapped[str] = mapped_column(String(16))  # centre | entrepreneur
    cart_discount_bearer: Mapped[str] = mapped_column(String(16))
    # A price changed at the till with a manager's approval (unit_price_satang is the charged
    # one): the catalogue's price, why, and who approved. Below the catalogue's, the centre
    # bears the difference (pos.checkout.pricing).
    list_price_satang: Mapped[int | None] = mapped_column(Integer)
    price_reason: Mapped[str | None] = mapped_column(String(200))
    price_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The consignment terms of the goods sold (their oldest lot's), and the agreed markdown the
    # unit price carries (basis points off the list price; borne by the entrepreneur).
    terms_id: Mapped[int | None] = mapped_column(ForeignKey("consignment_terms.id"))
    markdown_bp: Mapped[int] = mapped_column(Integer, default=0)


class SalePayment(Base):
    """How a sale was paid: one row per payment (split tender has several), with the cash
    tendered and the change given, so that a shift's close can count the drawer."""

    __tablename__ = "sale_payments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), unique=True)
    method: Mapped[str] = mapped_column(String(16))  # cash | promptpay | card | other
    amount_satang: Mapped[int] = mapped_column(Integer)
    tendered_satang: Mapped[int | None] = mapped_column(Integer)  # cash only
    change_satang: Mapped[int | None] = mapped_column(Integer)  # cash only


__all__ = ["Sale", "SaleLine", "SalePayment", "SaleStatus", "Shift", "ShiftStatus", "Till"]


class CashMovementKind(StrEnum):
    PAY_IN = "pay_in"  # cash put into the drawer (change from the safe)
    PAY_OUT = "pay_out"  # cash taken out (to the safe, a small expense)


class ShiftCashMovement(Base):
    """Cash put into or taken out of a till's drawer during a shift, with a reason."""

    __tablename__ = "shift_cash_movements"
    __table_args__ = (
        CheckConstraint("kind IN ('pay_in', 'pay_out')", name="kind_known"),
        CheckConstraint("amount_satang > 0", name="amount_positive"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount_satang: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]


class RefundMethod(StrEnum):
    CASH = "cash"  # out of the till's drawer
    TRANSFER = "transfer"  # paid back by bank transfer from the centre's account
    CARD = "card"  # back to the card on the bank's terminal (the acquirer takes it back)
    OTHER = "other"  # back through the other tender the sale was paid with (its name)


class Refund(Base):
    """Goods given back against a receipt: a numbered credit note (per till, gapless). A return
    without a receipt (a manager approved it, product by product) has no sale."""

    __tablename__ = "refunds"
    __table_args__ = (
        UniqueConstraint("till_id", "credit_note_seq", name="uq_refunds_till_credit_note_seq"),
        CheckConstraint("method IN ('cash', 'transfer', 'card', 'other')", name="method_known"),
        CheckConstraint("total_satang > 0", name="total_positive"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id"), index=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    credit_note_seq: Mapped[int] = mapped_column(Integer)
    credit_note_number: Mapped[str] = mapped_column(String(32), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))
    tender_name: Mapped[str | None] = mapped_column(String(40))  # other: the tender's name
    restock: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(200))
    total_satang: Mapped[int] = mapped_column(Integer)
    vat_included_satang: Mapped[int] = mapped_column(Integer)
    cashier_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    business_date: Mapped[date] = mapped_column(Date, index=True)
    journal_entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"))


class RefundLine(Base):
    """A refunded part of a sale line: its share of the line's money, computed so that
    refunding a whole line, in any number of steps, gives back exactly what it cost."""

    __tablename__ = "refund_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("commission_satang + net_satang = amount_satang", name="split_adds_up"),
        CheckConstraint(
            "(sale_line_id IS NULL) = (product_id IS NOT NULL)", name="sale_line_or_product"
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id"), index=True)
    # A line of a sale given back; or, returned without a receipt, the product and its price.
    sale_line_id: Mapped[int | None] = mapped_column(ForeignKey("sale_lines.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    unit_price_satang: Mapped[int | None] = mapped_column(Integer)
    line_no: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    amount_satang: Mapped[int] = mapped_column(Integer)
    commission_satang: Mapped[int] = mapped_column(Integer)
    net_satang: Mapped[int] = mapped_column(Integer)
    vat_included_satang: Mapped[int] = mapped_column(Integer)


class ReceiptLease(Base):
    """A block of a till's receipt numbers leased to one device (a browser), so that it can
    number its sales itself, offline too: it issues only numbers it holds, in order.

    The block comes out of the till's receipt sequence, so no other device and no sale the
    server completes can take its numbers. When the device's shift closes, it says the last
    number it issued (``last_issued_seq``); the numbers above it are void from then on, and
    the Z report lists them, as it lists issued numbers not yet received (``outstanding``).
    """

    __tablename__ = "receipt_leases"
    __table_args__ = (
        UniqueConstraint("till_id", "first_seq", name="uq_receipt_leases_till_first_seq"),
        CheckConstraint("last_seq >= first_seq", name="block_not_empty"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(64))
    first_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)
    leased_at: Mapped[datetime]
    leased_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    # At close: the last number of this block the device issued (first_seq - 1: none).
    last_issued_seq: Mapped[int | None] = mapped_column(Integer)
    closed_shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"))


class SaleExceptionKind(StrEnum):
    """What a sale rung at the till found different on arrival: recorded, never refused."""

    PRICE_DIFFERS = "price_differs"  # the till charged another price than the catalogue's now
    STOCK_BELOW_ZERO = "stock_below_zero"  # the sale took stock the books did not have: count it
    SHIFT_CLOSED = "shift_closed"  # rung in a shift closed (its Z printed) before it arrived
    NOT_FOR_SALE = "not_for_sale"  # the product was withdrawn from sale meanwhile
    SLIP_REUSED = "slip_reused"  # the slip the cashier scanned had confirmed another payment
    # A cashier's discount above the limit with no valid approval (expired, for another cart,
    # used already): the sale happened; a manager looks at the discount.
    DISCOUNT_UNAPPROVED = "discount_unapproved"
    CHANGE_TOO_LARGE = "change_too_large"  # cash change of 1,000 baht or more (a typo, or worse)


class SaleException(Base):
    """A difference a manager reviews (``otop-pos check`` lists the open ones as warnings)."""

    __tablename__ = "sale_exceptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(index=True)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(Text)


class ApprovalUse(Base):
    """A manager's approval that has been used: its token's id, recorded in the same transaction
    as the sale or refund it approved. The primary key makes a second use fail, even racing."""

    __tablename__ = "approval_uses"
    approval_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    action: Mapped[str] = mapped_column(String(16))
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    used_at: Mapped[datetime]
