"""Tables of the double-entry ledger: accounts, journal entries and their postings.

Entries and postings are append-only: inserted, never updated or deleted. The running totals
of entrepreneurs' accounts are derived from them, in the same transaction. See
payments.ledger.rules for the sign convention (debit positive, credit negative).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db.engine import Base


class LedgerAccount(Base):
    __tablename__ = "ledger_accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "cash:SKP-01", "promptpay_clearing", "commission_income", "entrepreneur_payable:123"
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # asset | liability | income
    entrepreneur_id: Mapped[int | None] = mapped_column(ForeignKey("entrepreneurs.id"), index=True)


class JournalEntryRow(Base):
    __tablename__ = "journal_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))  # sale | refund | payout | reversal | ...
    document: Mapped[str] = mapped_column(String(40), index=True)  # e.g. the receipt number
    reverses_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PostingRow(Base):
    __tablename__ = "postings"
    __table_args__ = (
        # Balances and statements read an account's postings in order (an entrepreneur's too:
        # payments.ledger.postings.on_entrepreneurs_accounts).
        Index("ix_postings_account_entry", "account_id", "entry_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"))
    amount_satang: Mapped[int] = mapped_column(Integer)  # debit positive, credit negative
    # Denormalised from the account: the sums of every entrepreneur's postings need no join.
    entrepreneur_id: Mapped[int | None] = mapped_column(Integer)
    # Why the money moved (payments.ledger.rules.PostingRole): an entrepreneur's gross sales,
    # discounts, commission, refunds and payouts are sums of their postings by role.
    role: Mapped[str] = mapped_column(String(16), default="other", server_default="other")


class AccountTotal(Base):
    """The running sum of an entrepreneur's account's postings of one role, written in the
    transaction that posts them: a balance is read from a few of these rows, whatever the
    length of the history. ``otop-pos check`` proves every total equals its postings' sum
    (integrity.books); the postings stay the record."""

    __tablename__ = "ledger_account_totals"
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    total_satang: Mapped[int] = mapped_column(BigInteger)
    postings: Mapped[int] = mapped_column(Integer)


__all__ = ["AccountTotal", "JournalEntryRow", "LedgerAccount", "PostingRow"]
