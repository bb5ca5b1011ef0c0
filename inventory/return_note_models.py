"""The tables of return notes (ใบคืนสินค้า): goods set aside for their entrepreneur at the end
of their consignment period, and what was collected (inventory.stock.return_notes)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db.engine import Base


class ReturnNote(Base):
    """One note: an entrepreneur's goods at one location, waiting for pickup, collected (the
    stock left by a ``return`` movement carrying ``number``) or cancelled."""

    __tablename__ = "return_notes"
    __table_args__ = (
        CheckConstraint(
            "status IN ('waiting_pickup', 'collected', 'cancelled')", name="status_known"
        ),
        Index("ix_return_notes_entrepreneur_status", "entrepreneur_id", "status"),
        Index("ix_return_notes_status_location", "status", "location_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # RTN-YYYY-NNNNNN
    entrepreneur_id: Mapped[int] = mapped_column(ForeignKey("entrepreneurs.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    status: Mapped[str] = mapped_column(String(16))  # return_rules.ReturnNoteStatus
    note: Mapped[str] = mapped_column(String(500), default="")
    prepared_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    prepared_at: Mapped[datetime]
    collected_by_name: Mapped[str] = mapped_column(String(100), default="")  # who signed
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # collect or cancel
    closed_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")


class ReturnNoteLine(Base):
    """Units of one lot on a note; ``collected`` is set at pickup (less when goods were sold
    before it)."""

    __tablename__ = "return_note_lines"
    __table_args__ = (
        CheckConstraint("units > 0", name="units_positive"),
        CheckConstraint(
            "collected IS NULL OR collected BETWEEN 0 AND units", name="collected_range"
        ),
        Index("ix_return_note_lines_lot", "lot_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("return_notes.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("stock_lots.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    received_on: Mapped[date] = mapped_column(Date)  # the lot's intake day, as printed
    ends_on: Mapped[date] = mapped_column(Date)  # the end of its period when prepared
    units: Mapped[int] = mapped_column(Integer)
    collected: Mapped[int | None] = mapped_column(Integer)
