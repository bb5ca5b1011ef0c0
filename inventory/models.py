"""Tables of the catalogue and of stock. Stock changes only by appending movements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db.engine import Base


class District(Base):
    __tablename__ = "districts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name_th: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))


class Location(Base):
    __tablename__ = "locations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Category(Base):
    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # Basis points; when set, overrides the entrepreneur's rate for products of this category.
    commission_bp: Mapped[int | None] = mapped_column(Integer)


class Entrepreneur(Base):
    __tablename__ = "entrepreneurs"
    __table_args__ = (
        CheckConstraint("commission_bp BETWEEN 0 AND 10000", name="commission_range"),
        CheckConstraint("star_rating BETWEEN 1 AND 5", name="star_range"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    tambon: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    promptpay_id: Mapped[str | None] = mapped_column(String(20))
    commission_bp: Mapped[int] = mapped_column(Integer)
    star_rating: Mapped[int] = mapped_column(SmallInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (CheckConstraint("price_satang >= 0", name="price_not_negative"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    barcode: Mapped[str] = mapped_column(String(14), unique=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    entrepreneur_id: Mapped[int] = mapped_column(ForeignKey("entrepreneurs.id"), index=True)
    price_satang: Mapped[int] = mapped_column(Integer)  # the list price the entrepreneur set
    # The markdown in force (basis points off the list price), applied on its date under the
    # terms of the product's oldest goods here (inventory.stock.markdowns); tills sell at the
    # list price less it.
    markdown_bp: Mapped[int] = mapped_column(Integer, default=0)
    vat_applicable: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Lower-cased Thai and English names, SKU and entrepreneur code: one column to search in.
    search_text: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ProductPhoto(Base):
    """A product's one photo, re-encoded (see inventory/catalogue/photos.py), kept in the
    database itself so that ``otop-pos backup`` and pg_dump carry it with the catalogue.
    ``content_hash`` (SHA-256 of both encodings) versions its URL: a new photo, a new URL."""

    __tablename__ = "product_photos"
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    content_hash: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(32))
    display: Mapped[bytes] = mapped_column(LargeBinary)
    display_width: Mapped[int] = mapped_column(Integer)
    display_height: Mapped[int] = mapped_column(Integer)
    thumb: Mapped[bytes] = mapped_column(LargeBinary)
    thumb_width: Mapped[int] = mapped_column(Integer)
    thumb_height: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime]


class StockLevel(Base):
    """On-hand per product and location: a running total of the movements. Never below zero,
    but where a sale rung offline (or a short sale a manager allowed) already took the goods:
    then a stock exception asks for a count."""

    __tablename__ = "stock_levels"
    __table_args__ = (Index("ix_stock_levels_location_product", "location_id", "product_id"),)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    # Bumped by every movement: guards read-modify-write against a concurrent change.
    version: Mapped[int] = mapped_column(Integer, default=0)


class StockMovement(Base):
    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        # With the quantity: ``otop-pos check`` sums the movements from the index alone.
        Index(
            "ix_stock_movements_product_location_quantity", "product_id", "location_id", "quantity"
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(200), default="")
    document: Mapped[str | None] = mapped_column(String(32), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(index=True)


class Intake(Base):
    """A goods-received note: what an entrepreneur brought to a location."""

    __tablename__ = "intakes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    entrepreneur_id: Mapped[int] = mapped_column(ForeignKey("entrepreneurs.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime]


class IntakeLine(Base):
    __tablename__ = "intake_lines"
    __table_args__ = (
        UniqueConstraint("intake_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    # The terms the goods came in under, kept for as long as they stay (null: the built-in).
    terms_id: Mapped[int | None] = mapped_column(ForeignKey("consignment_terms.id"))


class ConsignmentTermsVersion(Base):
    """One version of an entrepreneur's consignment terms (``entrepreneur_id`` null: the
    centre's default). Versions are only added: the newest ``valid_from`` not after a moment is
    the one in force then; goods keep the version they came in under (``stock_lots``)."""

    __tablename__ = "consignment_terms"
    __table_args__ = (
        CheckConstraint("commission_bp BETWEEN 0 AND 10000", name="commission_range"),
        CheckConstraint("period_days > 0", name="period_positive"),
        Index("ix_consignment_terms_entrepreneur_valid", "entrepreneur_id", "valid_from"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entrepreneur_id: Mapped[int | None] = mapped_column(ForeignKey("entrepreneurs.id"))
    commission_kind: Mapped[str] = mapped_column(String(16))  # flat | category | tiered
    commission_bp: Mapped[int] = mapped_column(Integer)
    category_bp: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # "id" -> bp
    tiers: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[from_price, bp], ...]
    markdowns: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[after_days, bp], ...]
    period_days: Mapped[int] = mapped_column(Integer)
    end_action: Mapped[str] = mapped_column(String(16))  # return | extend
    extend_days: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(String(200), default="")
    valid_from: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class StockLot(Base):
    """Goods of one intake at one location, under the terms they came in under: how many came
    and how many are left. Sales and other takings empty the oldest first; the lots of a
    product and location always hold its on-hand (none while it is below zero)."""

    __tablename__ = "stock_lots"
    __table_args__ = (
        CheckConstraint("remaining >= 0", name="remaining_not_negative"),
        CheckConstraint("remaining <= quantity", name="remaining_within_quantity"),
        Index("ix_stock_lots_product_location", "product_id", "location_id", "received_on"),
        Index("ix_stock_lots_received_on", "received_on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id"))
    # Null: the built-in standard terms (no version was set when the goods came in).
    terms_id: Mapped[int | None] = mapped_column(ForeignKey("consignment_terms.id"))
    received_at: Mapped[datetime]
    received_on: Mapped[date] = mapped_column(Date)  # the Bangkok day: what aging counts from
    quantity: Mapped[int] = mapped_column(Integer)
    remaining: Mapped[int] = mapped_column(Integer)
    extensions: Mapped[int] = mapped_column(Integer, default=0)  # periods extended by terms


class Markdown(Base):
    """A change of a product's agreed markdown on the tills, made on its date
    (inventory.stock.markdowns): which lot's terms made it due, from what to what, the prices
    before and after, and who applied it. Only added; the product holds the one in force."""

    __tablename__ = "markdowns"
    __table_args__ = (
        CheckConstraint("from_bp <> to_bp", name="changes_something"),
        CheckConstraint("to_bp BETWEEN 0 AND 10000", name="to_bp_range"),
        Index("ix_markdowns_product_applied", "product_id", "applied_at"),
        Index("ix_markdowns_effective_on", "effective_on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    # The lot whose terms made it due (null: no goods left, back to the list price).
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("stock_lots.id"))
    terms_id: Mapped[int | None] = mapped_column(ForeignKey("consignment_terms.id"))
    from_bp: Mapped[int] = mapped_column(Integer)
    to_bp: Mapped[int] = mapped_column(Integer)
    list_price_satang: Mapped[int] = mapped_column(Integer)
    price_before_satang: Mapped[int] = mapped_column(Integer)
    price_after_satang: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date | None] = mapped_column(Date)  # the day the lot's step came in force
    effective_on: Mapped[date] = mapped_column(Date)  # the Bangkok day the tills changed price
    applied_at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64))


class StockCount(Base):
    """A count of a location: counted quantities against what the system expected."""

    __tablename__ = "stock_counts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    counted_at: Mapped[datetime]


class StockCountLine(Base):
    __tablename__ = "stock_count_lines"
    __table_args__ = (
        UniqueConstraint("count_id", "product_id"),
        CheckConstraint("counted >= 0", name="counted_not_negative"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count_id: Mapped[int] = mapped_column(ForeignKey("stock_counts.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    expected: Mapped[int] = mapped_column(Integer)
    counted: Mapped[int] = mapped_column(Integer)


class Transfer(Base):
    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint("from_location_id <> to_location_id", name="distinct_locations"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    from_location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    to_location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    transferred_at: Mapped[datetime]


class TransferLine(Base):
    __tablename__ = "transfer_lines"
    __table_args__ = (
        UniqueConstraint("transfer_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
