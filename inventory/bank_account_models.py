"""The table of entrepreneurs' bank accounts: at most one per entrepreneur, where the bank
file of a payout run sends their money (inventory.catalogue.bank_rules checks each)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db.engine import Base


class EntrepreneurBankAccount(Base):
    __tablename__ = "entrepreneur_bank_accounts"
    entrepreneur_id: Mapped[int] = mapped_column(ForeignKey("entrepreneurs.id"), primary_key=True)
    bank_code: Mapped[str] = mapped_column(String(3))  # the Bank of Thailand's code, "004"
    account_number: Mapped[str] = mapped_column(String(20))  # digits only
    account_name: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
