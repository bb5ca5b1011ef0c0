"""Tables of the payment lifecycle: payments, their append-only events, and the exceptions
a manager must resolve (money that arrived but could not confirm a payment)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db.engine import Base


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_satang > 0", name="amount_positive"),
        CheckConstraint("method IN ('cash', 'promptpay', 'card', 'other')", name="method_known"),
        # A card is recorded by its approval code and last four digits, never more of its
        # number; any other tender by its name and reference.
        CheckConstraint(
            "method <> 'card' OR (card_last4 IS NOT NULL AND length(card_last4) = 4"
            " AND approval_code IS NOT NULL)",
            name="card_recorded",
        ),
        CheckConstraint(
            "method <> 'other' OR (tender_name IS NOT NULL AND tender_ref IS NOT NULL)",
            name="other_recorded",
        ),
        CheckConstraint(
            "status IN ('pending', 'confirmed', 'expired', 'cancelled', 'failed')",
            name="status_known",
        ),
        Index("ix_payments_status_expires_at", "status", "expires_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    # The sale this pays for (none for a payment taken on its own): it must exist.
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))
    amount_satang: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str | None] = mapped_column(String(512))  # the QR text; None for cash
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmation: Mapped[str | None] = mapped_column(String(16))  # webhook|manual|slip|cash
    # A bank transaction confirms one payment only; a slip is accepted only once, ever.
    transaction_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    slip_ref: Mapped[str | None] = mapped_column(String(80), unique=True)  # as the slip spells it
    # The slip's identity normalised as the banks write it (promptpay.slip_key): the same
    # transfer spelled otherwise is the same slip, refused by the index even in a race.
    slip_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # card: the EDC slip's approval code and the card's last four digits (nothing more of it).
    card_last4: Mapped[str | None] = mapped_column(String(4))
    approval_code: Mapped[str | None] = mapped_column(String(6))
    # other: the tender's name (เป๋าตัง, a voucher) and its reference.
    tender_name: Mapped[str | None] = mapped_column(String(40))
    tender_ref: Mapped[str | None] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer, default=1)


class PaymentEventRow(Base):
    """Append-only: every change of a payment and every callback, with who or what caused it."""

    __tablename__ = "payment_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None for a callback whose reference matched no payment.
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), index=True)
    event: Mapped[str] = mapped_column(String(40), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(16))  # webhook | user | system
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PaymentException(Base):
    """Money a callback reported that did not confirm a payment; open until a manager resolves."""

    __tablename__ = "payment_exceptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    # One exception per bank transaction: a retried callback does not open a second one.
    transaction_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    amount_satang: Mapped[int | None] = mapped_column(Integer)  # what the bank says was paid
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(index=True)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(Text)


def confirmed_payment() -> ColumnElement[bool]:
    """``payments.status = 'confirmed'``, compared as a value (``status || ''``) and never
    through the index on status: joined from a shift's or a period's sales, SQLite (which plans
    without statistics) otherwise drives the query from every confirmed payment there ever was
    (bench/scale.py's plans: a Z report of 121 sales took 0.8 s at a year of bulk history)."""
    return (Payment.status + "") == "confirmed"


__all__ = ["Payment", "PaymentEventRow", "PaymentException", "confirmed_payment"]
