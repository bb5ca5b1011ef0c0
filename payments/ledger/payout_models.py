"""Tables of payouts to entrepreneurs: a run for a cut-off date, and one payout per
entrepreneur in it (pending, then paid with the bank's reference, or cancelled)."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db.engine import Base


class PayoutStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    CANCELLED = "cancelled"


PENDING_ONLY = text("status = 'pending'")
_SPACING = re.compile(r"[\s\-_.]+")


def bank_reference_key(reference: str) -> str:
    """A bank reference however it is spelled: upper-case, without spaces, dashes, dots or
    underscores (``tx 0001-a`` and ``TX0001A`` are one transfer). Unique among payouts."""
    return _SPACING.sub("", reference).upper()


class PayoutRun(Base):
    __tablename__ = "payout_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # PR-2026-000001
    cutoff_date: Mapped[date] = mapped_column(Date)
    minimum_satang: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]


class Payout(Base):
    __tablename__ = "payouts"
    __table_args__ = (
        CheckConstraint("amount_satang > 0", name="amount_positive"),
        CheckConstraint("status IN ('pending', 'paid', 'cancelled')", name="status_known"),
        # An entrepreneur has at most one payout waiting, so two runs can never promise the
        # same money twice.
        Index(
            "uq_payouts_pending_entrepreneur",
            "entrepreneur_id",
            unique=True,
            sqlite_where=PENDING_ONLY,
            postgresql_where=PENDING_ONLY,
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payout_runs.id"), index=True)
    entrepreneur_id: Mapped[int] = mapped_column(ForeignKey("entrepreneurs.id"), index=True)
    amount_satang: Mapped[int] = mapped_column(Integer)
    promptpay_id: Mapped[str | None] = mapped_column(String(20))  # as it was at the run
    status: Mapped[str] = mapped_column(String(16))
    bank_reference: Mapped[str | None] = mapped_column(String(64), unique=True)  # as typed
    # The reference however it is spelled (upper-case, no spaces or dashes): accepted once.
    bank_reference_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    paid_at: Mapped[datetime | None]
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    journal_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
