"""The till's catalogue in one compact answer, so that the browser scans and searches from
memory: every active product as a row of plain values, its on-hand at the till's location,
and the categories and entrepreneurs the rows point to (names sent once, not per product).
The till keeps it on the device (IndexedDB) and asks every half minute for what changed since.

Prices here are for display only: checkout prices every line from the database again.

**The version token and deltas.** Every answer carries ``version``, an opaque token
``1.<read_at µs since the epoch>.<highest stock movement id seen>``; given back as ``since``,
the answer holds only what changed: products changed (a full row each: price, names, barcode,
…), products withdrawn (``removed``: ids) and on-hand at the till's location for products
that moved (``on_hand``). What changed is what carries a time at or after the token's
``read_at`` less :data:`OVERLAP` (products' ``updated_at``, movements' ``created_at``), or a
movement id above the token's. ``read_at`` is taken *before* the read, from the same clock
that stamps the writes.

Why an overlap: on PostgreSQL with several workers, a write stamped at ``t`` may commit after
a read at ``r > t`` (commit order is not time or id order), so neither a time nor an id
watermark alone is safe. Re-reading a window of :data:`OVERLAP` catches every write whose
transaction commits within that long of its stamp (and clocks of workers that far apart):
checkouts and edits take milliseconds. The cost is that a change is sent again in each
delta for the length of the window, so the client applies a delta idempotently: a product
row replaces the one it holds, an on-hand value replaces its on-hand (values, never
increments). A slower writer than the window (a huge spreadsheet import) or an entrepreneur
renamed (which does not touch the products) is caught by a full answer: the till reloads
the whole catalogue when a cashier asks, every few minutes when idle, and when its token is
older than :data:`MAX_TOKEN_AGE` (or from a clock ahead of this one): the server answers
``full`` instead of a delta then, rather than an error. A token that is not one of these is
refused (422, ``till.catalogue_version_invalid``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, select, union
from sqlalchemy.engine import Connection

from inventory.catalogue.photo_store import photo_key
from inventory.models import (
    Category,
    Entrepreneur,
    Product,
    ProductPhoto,
    StockLevel,
    StockMovement,
)
from inventory.terms.rules import BP_SCALE
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
    "photo",  # the photo's key (its URL: /photos/products/{id}/{photo}/thumb.webp) or null
    "markdown_bp",  # the agreed markdown in price_satang (off the list price), 0 for none
    "list_price_satang",  # the price before that markdown (what the till strikes through)
)
ProductRow = tuple[int, str, str, str, str, int, bool, int, int, int, str | None, int, int]


# A write whose transaction commits later than this after its stamp may be missed by deltas.
OVERLAP = timedelta(minutes=2)
# An older token gets the full catalogue: a day's changes are about the whole of it anyway.
MAX_TOKEN_AGE = timedelta(hours=24)
_TOKEN = re.compile(r"(\d{1,9})\.(\d{1,18})\.(\d{1,18})")  # fits a 64-bit integer
TOKEN_FORMAT = 1


@dataclass(frozen=True, slots=True)
class TillCatalogue:
    till_id: int
    till_code: str
    location_id: int
    columns: tuple[str, ...]
    # Active products: every one in a full answer, those changed in a delta.
    products: list[ProductRow]
    categories: list[tuple[int, str, str]]  # id, name_th, name_en
    # The makers of the rows sent (of every row in a full answer).
    entrepreneurs: list[tuple[int, str, str]]  # id, name_th, name_en
    # Give it back as ``since`` to get only what changed after this answer.
    version: str = ""
    # True: the whole catalogue (replace what is held); False: a delta (apply it).
    full: bool = True
    # A delta's products withdrawn (or gone): drop them.
    removed: list[int] = field(default_factory=list)
    # A delta's on-hand at the till's location, [product id, on-hand], for products moved.
    on_hand: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Since:
    """A version token, read: what the previous answer had seen."""

    read_at: datetime
    movement_id: int

    @classmethod
    def parse(cls, token: str) -> Since | None:
        """The token, or None for one of an older format (the caller answers in full)."""
        match = _TOKEN.fullmatch(token.strip())
        if match is None:
            raise InvalidInputError(
                "till.catalogue_version_invalid",
                "รุ่นของรายการสินค้า (since) ไม่ถูกต้อง: ให้โหลดรายการสินค้าทั้งหมดใหม่",
                field="since",
            )
        form, micros, movement_id = (int(g) for g in match.groups())
        if form != TOKEN_FORMAT:
            return None
        try:
            read_at = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)
        except OverflowError:
            return None
        return cls(read_at, movement_id)

    def token(self) -> str:
        micros = (self.read_at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
        return f"{TOKEN_FORMAT}.{micros}.{self.movement_id}"


# Built once (SQLAlchemy's compiled cache then hits); the location is a parameter.
_ROW = (
    select(
        Product.id,
        Product.barcode,
        Product.sku,
        Product.name_th,
        Product.name_en,
        # The list price less the markdown in force, half up (inventory.terms.rules).
        (
            Product.price_satang
            - (Product.price_satang * Product.markdown_bp * 2 + BP_SCALE) // (2 * BP_SCALE)
        ).label("price_satang"),
        Product.vat_applicable,
        Product.category_id,
        Product.entrepreneur_id,
        StockLevel.on_hand,
        ProductPhoto.content_hash,
        Product.markdown_bp,
        Product.price_satang.label("list_price_satang"),
    )
    .outerjoin(
        StockLevel,
        and_(
            StockLevel.product_id == Product.id,
            StockLevel.location_id == bindparam("location_id"),
        ),
    )
    .outerjoin(ProductPhoto, ProductPhoto.product_id == Product.id)
)
_PRODUCTS = _ROW.where(Product.active).order_by(Product.name_th, Product.id)
# A delta's products: every one changed since (the withdrawn ones too, to be removed).
_CHANGED = _ROW.add_columns(Product.active).where(Product.updated_at >= bindparam("since_at"))
# A delta's on-hand: the products that moved at the location since (a movement id above the
# token's, or stamped in the overlap), as two lookups each an index answers (the id is the
# key; created_at has its index) rather than one OR that walked every movement of the
# history: 7 s a refresh at ten years, on every till, every half-minute.
_MOVED_SINCE = union(
    select(StockMovement.product_id).where(
        StockMovement.id > bindparam("movement_id"),
        StockMovement.location_id == bindparam("location_id"),
    ),
    select(StockMovement.product_id).where(
        StockMovement.created_at >= bindparam("since_at"),
        StockMovement.location_id == bindparam("location_id"),
    ),
).subquery()
_MOVED = select(_MOVED_SINCE.c.product_id, func.coalesce(StockLevel.on_hand, 0)).outerjoin(
    StockLevel,
    and_(
        StockLevel.product_id == _MOVED_SINCE.c.product_id,
        StockLevel.location_id == bindparam("location_id"),
    ),
)
_LAST_MOVEMENT = select(func.coalesce(func.max(StockMovement.id), 0))
_TILL = select(Till.code, Till.location_id).where(Till.id == bindparam("till_id"))
_ENTREPRENEURS = select(Entrepreneur.id, Entrepreneur.name_th, Entrepreneur.name_en).order_by(
    Entrepreneur.id
)
_SOME_ENTREPRENEURS = _ENTREPRENEURS.where(Entrepreneur.id.in_(bindparam("ids", expanding=True)))
_CATEGORIES = select(Category.id, Category.name_th, Category.name_en).order_by(Category.name_th)


def till_catalogue(
    conn: Connection,
    actor: Actor,
    till_id: int,
    now: datetime | None = None,
    since: str | None = None,
) -> TillCatalogue:
    """Every active product with its on-hand where the till stands (0 when none is there);
    given ``since`` (a ``version`` an earlier answer carried), only what changed after it.
    ``now`` is the clock's time when the read starts (the new version); without it, no
    version is given (the answer can only be used whole)."""
    actor.require(STAFF, "use a till")
    if isinstance(till_id, bool) or not isinstance(till_id, int) or till_id <= 0:
        raise InvalidInputError("till.id_invalid", "รหัสเครื่องขายต้องเป็นจำนวนเต็มบวก", field="till_id")
    after = Since.parse(since) if since is not None else None
    till = conn.execute(_TILL, {"till_id": till_id}).first()
    if till is None:
        raise NotFoundError(
            "till.not_found", "ไม่พบเครื่องขาย {till_id}", field="till_id", till_id=till_id
        )
    code, location_id = till
    version = ""
    if now is not None:
        version = Since(now, conn.execute(_LAST_MOVEMENT).scalar_one()).token()
    if after is not None and now is not None and now - MAX_TOKEN_AGE <= after.read_at <= now:
        return _delta(conn, till_id, code, location_id, after, version)
    rows = [_row(r) for r in conn.execute(_PRODUCTS, {"location_id": location_id})]
    return TillCatalogue(
        till_id=till_id,
        till_code=code,
        location_id=location_id,
        columns=PRODUCT_COLUMNS,
        products=rows,
        categories=_categories(conn),
        entrepreneurs=_makers(conn, {row[8] for row in rows}),
        version=version,
    )


def _delta(
    conn: Connection, till_id: int, code: str, location_id: int, after: Since, version: str
) -> TillCatalogue:
    """What changed after ``after`` (and in the overlap before it): see the module's notes."""
    since_at = after.read_at - OVERLAP
    rows: list[ProductRow] = []
    removed: list[int] = []
    for r in conn.execute(_CHANGED, {"location_id": location_id, "since_at": since_at}):
        if r[13]:
            rows.append(_row(r))
        else:
            removed.append(r[0])
    moved = conn.execute(
        _MOVED,
        {"location_id": location_id, "since_at": since_at, "movement_id": after.movement_id},
    )
    return TillCatalogue(
        till_id=till_id,
        till_code=code,
        location_id=location_id,
        columns=PRODUCT_COLUMNS,
        products=rows,
        categories=_categories(conn),
        entrepreneurs=[
            (r[0], r[1], r[2])
            for r in conn.execute(_SOME_ENTREPRENEURS, {"ids": sorted({row[8] for row in rows})})
        ],
        version=version,
        full=False,
        removed=sorted(removed),
        on_hand=sorted((r[0], r[1]) for r in moved),
    )


def _row(r: Any) -> ProductRow:
    photo = photo_key(r[10]) if r[10] else None
    on_hand = r[9] or 0
    return (
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        bool(r[6]),
        r[7],
        r[8],
        on_hand,
        photo,
        r[11],
        r[12],
    )


def _categories(conn: Connection) -> list[tuple[int, str, str]]:
    return [(r[0], r[1], r[2]) for r in conn.execute(_CATEGORIES)]


def _makers(conn: Connection, ids: set[int]) -> list[tuple[int, str, str]]:
    return [(r[0], r[1], r[2]) for r in conn.execute(_ENTREPRENEURS) if r[0] in ids]
