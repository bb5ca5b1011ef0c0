"""The till's catalogue in one compact answer, so that the browser scans and searches from
memory: every active product as a row of plain values, its on-hand at the till's location,
and the categories and entrepreneurs the rows point to (names sent once, not per product).

Prices here are for display only: checkout prices every line from the database again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Connection

from inventory.models import Category, Entrepreneur, Product, StockLevel
from kernel.access import STAFF, Actor
from kernel.errors import InvalidInputError, NotFoundError
from pos.models import Till

# The order of the values in each product row (the browser reads them by position).
PRODUCT_COLUMNS = (
    "id",
    "barcode",
    "sku",
    "name_th",
    "name_en",
    "price_satang",
    "vat",
    "category_id",
    "entrepreneur_id",
    "on_hand",
)
ProductRow = tuple[int, str, str, str, str, int, bool, int, int, int]


@dataclass(frozen=True, slots=True)
class TillCatalogue:
    till_id: int
    till_code: str
    location_id: int
    columns: tuple[str, ...]
    products: list[ProductRow]
    categories: list[tuple[int, str, str]]  # id, name_th, name_en
    entrepreneurs: list[tuple[int, str, str]]  # id, name_th, name_en


# Built once (SQLAlchemy's compiled cache then hits); the location is a parameter.
_PRODUCTS = (
    select(
        Product.id,
        Product.barcode,
        Product.sku,
        Product.name_th,
        Product.name_en,
        Product.price_satang,
        Product.vat_applicable,
        Product.category_id,
        Product.entrepreneur_id,
        StockLevel.on_hand,
    )
    .outerjoin(
        StockLevel,
        and_(
            StockLevel.product_id == Product.id,
            StockLevel.location_id == bindparam("location_id"),
        ),
    )
    .where(Product.active)
    .order_by(Product.name_th, Product.id)
)
_TILL = select(Till.code, Till.location_id).where(Till.id == bindparam("till_id"))
_ENTREPRENEURS = select(Entrepreneur.id, Entrepreneur.name_th, Entrepreneur.name_en).order_by(
    Entrepreneur.id
)
_CATEGORIES = select(Category.id, Category.name_th, Category.name_en).order_by(Category.name_th)


def till_catalogue(conn: Connection, actor: Actor, till_id: int) -> TillCatalogue:
    """Every active product with its on-hand where the till stands (0 when none is there)."""
    actor.require(STAFF, "use a till")
    if isinstance(till_id, bool) or not isinstance(till_id, int) or till_id <= 0:
        raise InvalidInputError("till.id_invalid", "รหัสเครื่องขายต้องเป็นจำนวนเต็มบวก", field="till_id")
    till = conn.execute(_TILL, {"till_id": till_id}).first()
    if till is None:
        raise NotFoundError(
            "till.not_found", "ไม่พบเครื่องขาย {till_id}", field="till_id", till_id=till_id
        )
    code, location_id = till
    rows: list[ProductRow] = [
        (r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7], r[8], r[9] or 0)
        for r in conn.execute(_PRODUCTS, {"location_id": location_id})
    ]
    makers = {row[8] for row in rows}
    entrepreneurs = [(r[0], r[1], r[2]) for r in conn.execute(_ENTREPRENEURS) if r[0] in makers]
    categories = [(r[0], r[1], r[2]) for r in conn.execute(_CATEGORIES)]
    return TillCatalogue(
        till_id=till_id,
        till_code=code,
        location_id=location_id,
        columns=PRODUCT_COLUMNS,
        products=rows,
        categories=categories,
        entrepreneurs=entrepreneurs,
    )
