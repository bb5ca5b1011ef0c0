"""Tables of announced deliveries and of proposed products' reviews.

A delivery's lines keep what was announced and, once received, what was counted: the
differences are computed from the two (inventory.deliveries.rules), never stored twice. A
proposed product is a real ``products`` row, inactive until a manager approves it; its review
(who proposed it, who decided, when and why) lives beside it in ``product_reviews``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db.engine import Base


class Delivery(Base):
    """Goods an entrepreneur said they will bring to a location on a date."""

    __tablename__ = "deliveries"
    __table_args__ = (
        CheckConstraint("status IN ('announced', 'received', 'cancelled')", name="status_known"),
        CheckConstraint(
            "status <> 'received' OR (intake_id IS NOT NULL AND received_at IS NOT NULL)",
            name="received_has_intake",
        ),
        Index("ix_deliveries_entrepreneur_id", "entrepreneur_id", "id"),
        Index("ix_deliveries_status_expected", "status", "expected_on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    entrepreneur_id: Mapped[int] = mapped_column(ForeignKey("entrepreneurs.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    expected_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16), default="announced")
    announced_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    announced_at: Mapped[datetime]
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]
    received_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime | None] = mapped_column(index=True)
    receive_note: Mapped[str] = mapped_column(String(500), default="")
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id"), unique=True)


class DeliveryLine(Base):
    """One product of a delivery: announced (0 for goods that came unannounced) and received
    (None until the delivery is received)."""

    __tablename__ = "delivery_lines"
    __table_args__ = (
        UniqueConstraint("delivery_id", "product_id"),
        CheckConstraint("announced >= 0", name="announced_not_negative"),
        CheckConstraint("received IS NULL OR received >= 0", name="received_not_negative"),
        CheckConstraint("announced > 0 OR received > 0", name="line_not_empty"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    announced: Mapped[int] = mapped_column(Integer)
    received: Mapped[int | None] = mapped_column(Integer)


class ProductReview(Base):
    """A product an entrepreneur proposed: waiting, approved or rejected, by whom and why."""

    __tablename__ = "product_reviews"
    __table_args__ = (
        CheckConstraint("status IN ('proposed', 'approved', 'rejected')", name="status_known"),
        CheckConstraint("status <> 'rejected' OR length(reason) > 0", name="rejection_has_reason"),
        Index("ix_product_reviews_status", "status", "product_id"),
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    entrepreneur_id: Mapped[int] = mapped_column(ForeignKey("entrepreneurs.id"), index=True)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    proposed_price_satang: Mapped[int] = mapped_column(Integer)
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(String(500), default="")
