"""Reading stock: levels with filters, the low-stock list, movement history, a barcode lookup.

Staff read everything; an entrepreneur user reads only their own products (the filter is
forced, never trusted from the request).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection

from inventory.models import Entrepreneur, Location, Product, StockLevel, StockMovement
from inventory.stock.refs import location, product_by_code, visible_entrepreneur
from inventory.stock.service import on_hand
from kernel.access import Actor
from kernel.errors import NotFoundError

MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class StockRow:
    product_id: int
    sku: str
    barcode: str
    name_th: str
    name_en: str
    price_satang: int
    entrepreneur_id: int
    entrepreneur_code: str
    entrepreneur_name_th: str
    entrepreneur_name_en: str
    location_id: int
    location_code: str
    location_name_th: str
    location_name_en: str
    on_hand: int


@dataclass(frozen=True, slots=True)
class StockPage:
    items: list[StockRow]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class MovementRow:
    id: int
    product_id: int
    sku: str
    name_th: str
    location_id: int
    location_code: str
    quantity: int
    kind: str
    reason: str
    document: str | None
    actor_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LookupResult:
    product_id: int
    sku: str
    barcode: str
    name_th: str
    name_en: str
    entrepreneur_id: int
    price_satang: int
    active: bool
    location_id: int
    on_hand: int


def _rows_query() -> Select[*tuple[Any, ...]]:
    return (
        select(
            Product.id,
            Product.sku,
            Product.barcode,
            Product.name_th,
            Product.name_en,
            Product.price_satang,
            Product.entrepreneur_id,
            Entrepreneur.code,
            Entrepreneur.name_th,
            Entrepreneur.name_en,
            Location.id,
            Location.code,
            Location.name_th,
            Location.name_en,
            StockLevel.on_hand,
        )
        .select_from(StockLevel)
        .join(Product, Product.id == StockLevel.product_id)
        .join(Entrepreneur, Entrepreneur.id == Product.entrepreneur_id)
        .join(Location, Location.id == StockLevel.location_id)
    )


def list_stock(
    conn: Connection,
    actor: Actor,
    *,
    location_id: int | None = None,
    entrepreneur_id: int | None = None,
    product_id: int | None = None,
    low_threshold: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> StockPage:
    """On-hand per product and location where stock was ever kept; ``low_threshold`` keeps
    only rows at or below it. Ordered by entrepreneur code, then SKU."""
    entrepreneur_id = visible_entrepreneur(actor, entrepreneur_id)
    limit, offset = min(max(limit, 1), MAX_PAGE), max(offset, 0)
    query = _rows_query().where(Product.active.is_(True))
    if location_id is not None:
        query = query.where(StockLevel.location_id == location_id)
    if entrepreneur_id is not None:
        query = query.where(Product.entrepreneur_id == entrepreneur_id)
    if product_id is not None:
        query = query.where(StockLevel.product_id == product_id)
    if low_threshold is not None:
        query = query.where(StockLevel.on_hand <= low_threshold)
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = query.order_by(Entrepreneur.code, Product.sku, Location.id).limit(limit).offset(offset)
    return StockPage([StockRow(*row) for row in conn.execute(page)], total, limit, offset)


def low_stock(
    conn: Connection,
    actor: Actor,
    *,
    threshold: int,
    location_id: int | None = None,
    entrepreneur_id: int | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[StockRow]:
    """Active products at or below ``threshold`` units, the emptiest first."""
    entrepreneur_id = visible_entrepreneur(actor, entrepreneur_id)
    query = _rows_query().where(Product.active.is_(True), StockLevel.on_hand <= threshold)
    if location_id is not None:
        query = query.where(StockLevel.location_id == location_id)
    if entrepreneur_id is not None:
        query = query.where(Product.entrepreneur_id == entrepreneur_id)
    query = query.order_by(StockLevel.on_hand, Entrepreneur.code, Product.sku)
    query = query.limit(min(max(limit, 1), MAX_PAGE)).offset(max(offset, 0))
    return [StockRow(*row) for row in conn.execute(query)]


def movements(
    conn: Connection,
    actor: Actor,
    *,
    product_id: int | None = None,
    location_id: int | None = None,
    document: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[MovementRow]:
    """Movement history, newest first."""
    entrepreneur_id = visible_entrepreneur(actor, None)
    query = (
        select(
            StockMovement.id,
            StockMovement.product_id,
            Product.sku,
            Product.name_th,
            StockMovement.location_id,
            Location.code,
            StockMovement.quantity,
            StockMovement.kind,
            StockMovement.reason,
            StockMovement.document,
            StockMovement.actor_id,
            StockMovement.created_at,
        )
        .join(Product, Product.id == StockMovement.product_id)
        .join(Location, Location.id == StockMovement.location_id)
        .order_by(StockMovement.id.desc())
        .limit(min(max(limit, 1), MAX_PAGE))
        .offset(max(offset, 0))
    )
    if entrepreneur_id is not None:
        query = query.where(Product.entrepreneur_id == entrepreneur_id)
    if product_id is not None:
        query = query.where(StockMovement.product_id == product_id)
    if location_id is not None:
        query = query.where(StockMovement.location_id == location_id)
    if document is not None:
        query = query.where(StockMovement.document == document)
    return [MovementRow(*tuple(row)) for row in conn.execute(query)]


def lookup_product(
    conn: Connection, actor: Actor, code: str, location_id: int | None = None
) -> LookupResult:
    """A product by barcode (or SKU) with its on-hand at a location (default: the default)."""
    product = product_by_code(conn, code)
    if product is None or not actor.may_see_entrepreneur(product.entrepreneur_id):
        raise NotFoundError(
            "barcode.no_product", "ไม่พบสินค้าที่มีบาร์โค้ด {barcode}", field="barcode", barcode=code
        )
    place = location(conn, location_id)
    level = on_hand(conn, [product.id], place.id)[product.id]
    return LookupResult(
        product.id,
        product.sku,
        product.barcode,
        product.name_th,
        product.name_en,
        product.entrepreneur_id,
        product.price_satang,
        product.active,
        place.id,
        level,
    )


def count_sheet(
    conn: Connection,
    actor: Actor,
    *,
    location_id: int,
    entrepreneur_id: int | None = None,
    limit: int = 2000,
) -> list[StockRow]:
    """What a count expects: with an entrepreneur, all their active products (0 where never
    stocked here); without, every product with stock kept at the location."""
    place = location(conn, location_id)
    entrepreneur_id = visible_entrepreneur(actor, entrepreneur_id)
    if entrepreneur_id is None:
        kept = _rows_query().where(StockLevel.location_id == place.id, Product.active.is_(True))
        kept = kept.order_by(Entrepreneur.code, Product.sku).limit(limit)
        return [StockRow(*row) for row in conn.execute(kept)]
    level = (
        select(StockLevel.product_id, StockLevel.on_hand)
        .where(StockLevel.location_id == place.id)
        .subquery()
    )
    query = (
        select(
            Product.id,
            Product.sku,
            Product.barcode,
            Product.name_th,
            Product.name_en,
            Product.price_satang,
            Product.entrepreneur_id,
            Entrepreneur.code,
            Entrepreneur.name_th,
            Entrepreneur.name_en,
            func.coalesce(level.c.on_hand, 0),
        )
        .join(Entrepreneur, Entrepreneur.id == Product.entrepreneur_id)
        .outerjoin(level, level.c.product_id == Product.id)
        .where(Product.entrepreneur_id == entrepreneur_id, Product.active.is_(True))
        .order_by(Product.sku)
        .limit(limit)
    )
    return [
        StockRow(*row[:10], place.id, place.code, place.name_th, place.name_en, row[10])
        for row in conn.execute(query)
    ]


@dataclass(frozen=True, slots=True)
class Choice:
    """An option of a location or entrepreneur picker."""

    id: int
    code: str
    name_th: str
    name_en: str
    is_default: bool = False


def location_choices(conn: Connection) -> list[Choice]:
    """Active locations, the default first."""
    rows = conn.execute(
        select(Location.id, Location.code, Location.name_th, Location.name_en, Location.is_default)
        .where(Location.active.is_(True))
        .order_by(Location.is_default.desc(), Location.code)
    )
    return [Choice(*row) for row in rows]


def entrepreneur_choices(conn: Connection, actor: Actor) -> list[Choice]:
    """Active entrepreneurs by code (an entrepreneur user gets only themself)."""
    query = (
        select(Entrepreneur.id, Entrepreneur.code, Entrepreneur.name_th, Entrepreneur.name_en)
        .where(Entrepreneur.active.is_(True))
        .order_by(Entrepreneur.code)
    )
    own = visible_entrepreneur(actor, None)
    if own is not None:
        query = query.where(Entrepreneur.id == own)
    return [Choice(*row) for row in conn.execute(query)]
