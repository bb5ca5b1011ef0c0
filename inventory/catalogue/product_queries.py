"""Reading products: one product, a barcode lookup, and search (the till's hot path).

Search runs on ``products.search_text`` (names, SKU, barcode, entrepreneur code, normalised)
with a contains-match, because Thai writes no spaces between words. Exact barcode/SKU hits
come first, then products by their own names, then the rest (a SKU, a barcode, the maker's
code never rank above a product's name); on-hand is read for the page's products only.
Where the search index can rank (inventory.catalogue.search_index.tier_hits), the page is read
from it tier by tier instead of ranking every match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.engine import Connection

from inventory.catalogue.search import EXACT_CODE, NAME, NAME_START, OTHER, normalize
from inventory.catalogue.search_index import exact_code, matches, tier_hits
from inventory.models import Category, Entrepreneur, Location, Product, StockLevel
from kernel.access import STAFF, Actor, Role
from kernel.errors import InvalidInputError, NotFoundError

MAX_PAGE = 500
# A query that could be a barcode or SKU (Thai names never are) is looked up exactly too.
_LOOKS_LIKE_CODE = re.compile(r"^[A-Za-z0-9._\-]{1,32}$")


def _tier(conn: Connection, query: str, needle: str) -> Any:
    """search.rank's tier as SQL: the product's own name before the rest. A position search
    (instr / strpos) rather than LIKE: it runs on every match of a broad query."""
    code = query.strip()
    find = func.instr if conn.dialect.name == "sqlite" else func.strpos
    # Both names lower-cased, as search.rank and the SQLite index fold them (a Thai name may
    # hold Latin letters: "เสื้อ OTOP").
    at_th, at_en = (find(func.lower(name), needle) for name in (Product.name_th, Product.name_en))
    whens: list[tuple[Any, int]] = []
    if _LOOKS_LIKE_CODE.match(code):
        whens.append((exact_code(conn, code), EXACT_CODE))
    whens.append(((at_th == 1) | (at_en == 1), NAME_START))
    whens.append(((at_th > 0) | (at_en > 0), NAME))
    return case(*whens, else_=OTHER)


@dataclass(frozen=True, slots=True)
class ProductView:
    id: int
    sku: str
    barcode: str
    name_th: str
    name_en: str
    category_id: int
    category_code: str
    category_name_th: str
    category_name_en: str
    entrepreneur_id: int
    entrepreneur_code: str
    entrepreneur_name_th: str
    entrepreneur_name_en: str
    price_satang: int
    vat_applicable: bool
    active: bool
    version: int
    location_id: int | None
    on_hand: int
    on_hand_total: int


_make = cast(Any, ProductView)  # built from a row of _COLUMNS plus the stock figures

_COLUMNS = (
    Product.id,
    Product.sku,
    Product.barcode,
    Product.name_th,
    Product.name_en,
    Product.category_id,
    Category.code,
    Category.name_th,
    Category.name_en,
    Product.entrepreneur_id,
    Entrepreneur.code,
    Entrepreneur.name_th,
    Entrepreneur.name_en,
    Product.price_satang,
    Product.vat_applicable,
    Product.active,
    Product.version,
)


_BASE: Select[*tuple[Any, ...]] = (
    select(*_COLUMNS)
    .join(Category, Category.id == Product.category_id)
    .join(Entrepreneur, Entrepreneur.id == Product.entrepreneur_id)
)


def _visible(actor: Actor, entrepreneur_id: int | None) -> int | None:
    """The entrepreneur filter a reader gets: an entrepreneur user is forced to their own."""
    if actor.role == Role.ENTREPRENEUR:
        return actor.entrepreneur_id if actor.entrepreneur_id is not None else -1
    actor.require(STAFF, "read the catalogue")
    return entrepreneur_id


def _check_location(conn: Connection, location_id: int | None) -> None:
    if location_id is None:
        return
    if conn.execute(select(Location.id).where(Location.id == location_id)).first() is None:
        raise InvalidInputError(
            "location.unknown",
            "ไม่พบสถานที่ id {location_id}",
            field="location_id",
            location_id=location_id,
        )


_DEFAULT_LOCATION = (
    select(Location.id)
    .where(Location.is_default.is_(True))
    .order_by(Location.id)
    .limit(1)
    .scalar_subquery()
)


def _with_stock(query: Select[Any], location_id: int | None) -> Select[Any]:
    """Add on-hand at the location (default: the default one) and in total, per output row."""
    at: Any = _DEFAULT_LOCATION if location_id is None else literal(location_id)
    here = func.coalesce(
        select(StockLevel.on_hand)
        .where(StockLevel.product_id == Product.id, StockLevel.location_id == at)
        .scalar_subquery(),
        0,
    )
    total = func.coalesce(
        select(func.sum(StockLevel.on_hand))
        .where(StockLevel.product_id == Product.id)
        .scalar_subquery(),
        0,
    )
    return query.add_columns(at, here, total)


def _views(conn: Connection, query: Select[Any]) -> list[ProductView]:
    return [_make(*row) for row in conn.execute(query)]


def get_product(
    conn: Connection, actor: Actor, product_id: int, location_id: int | None = None
) -> ProductView:
    """One product; another entrepreneur's product is "not found" to an entrepreneur user."""
    visible = _visible(actor, None)
    _check_location(conn, location_id)
    query = _BASE.where(Product.id == product_id)
    if visible is not None:
        query = query.where(Product.entrepreneur_id == visible)
    found = _views(conn, _with_stock(query, location_id))
    if not found:
        raise NotFoundError(
            "product.not_found",
            "ไม่พบสินค้า id {product_id}",
            field="product_id",
            product_id=product_id,
        )
    return found[0]


def product_by_barcode(
    conn: Connection, actor: Actor, barcode: str, location_id: int | None = None
) -> ProductView | None:
    """The product with this barcode (or, failing that, this SKU), or ``None``."""
    code = barcode.strip()
    if not code:
        return None
    visible = _visible(actor, None)
    _check_location(conn, location_id)
    query = _BASE.where((Product.barcode == code) | (Product.sku == code))
    if visible is not None:
        query = query.where(Product.entrepreneur_id == visible)
    found = _views(conn, _with_stock(query.order_by(Product.barcode != code).limit(1), location_id))
    return found[0] if found else None


def search_products(
    conn: Connection,
    actor: Actor,
    *,
    q: str | None = None,
    barcode: str | None = None,
    entrepreneur_id: int | None = None,
    category_id: int | None = None,
    location_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
    active_only: bool = False,
) -> list[ProductView]:
    """Products matching every filter given; exact barcode/SKU matches of ``q`` come first.

    With ``q`` the order is the tiers of inventory.catalogue.search.rank (exact barcode or
    SKU, a name that starts with it, a name that holds it, then the rest: SKU, barcode, the
    maker's code), catalogue order (id) within a tier; without ``q`` it is by Thai name.
    """
    entrepreneur_id = _visible(actor, entrepreneur_id)
    _check_location(conn, location_id)
    where = []
    if entrepreneur_id is not None:
        where.append(Product.entrepreneur_id == entrepreneur_id)
    if category_id is not None:
        where.append(Product.category_id == category_id)
    if barcode:
        where.append(Product.barcode == barcode.strip())
    if active_only:
        where.append(Product.active.is_(True))
    limit = min(max(limit, 1), MAX_PAGE)
    offset = max(offset, 0)
    needle = normalize(q or "")
    tiers = tier_hits(conn, needle)
    if tiers is not None:
        ids = _page_by_tiers(conn, (q or "").strip(), tiers, where, limit + offset)[offset:]
        if not ids:
            return []
        place = {product_id: i for i, product_id in enumerate(ids)}
        views = _views(conn, _with_stock(_BASE.where(Product.id.in_(ids)), location_id))
        return sorted(views, key=lambda view: place[view.id])
    if not needle:
        order: tuple[Any, ...] = (Product.name_th, Product.id)
    else:
        where.append(matches(conn, needle))
        order = (_tier(conn, q or "", needle), Product.id)
    # Pick the page's ids from the products table alone, then join and count stock for those.
    page = select(Product.id).where(*where).order_by(*order).limit(limit).offset(offset)
    query = _BASE.where(Product.id.in_(page.scalar_subquery())).order_by(*order)
    return _views(conn, _with_stock(query, location_id))


def _page_by_tiers(
    conn: Connection,
    code: str,
    tiers: list[Select[Any]],
    where: list[Any],
    wanted: int,
) -> list[int]:
    """The first ``wanted`` ids in search order, read tier by tier from the search index
    (each tier in catalogue order), stopping as soon as the page is full."""
    found: list[int] = []
    if _LOOKS_LIKE_CODE.match(code):
        query = select(Product.id).where(*where, exact_code(conn, code))
        found = list(conn.execute(query.order_by(Product.id)).scalars())
    codes = set(found)
    for tier in tiers:
        if len(found) >= wanted:
            break
        query = tier.where(*where).limit(wanted - len(found) + len(codes))
        found.extend(i for i in conn.execute(query).scalars() if i not in codes)
    return found[:wanted]
