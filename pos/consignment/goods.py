"""The entrepreneur's goods at the centre, their deliveries and what sold this week, each read
for one entrepreneur after one access check (pos.consignment.access: someone else's is "not
found", a cashier's 403).

Goods come from the lots (inventory.stock.aging), so the ages and dates are the ones staff act
on; deliveries are the goods-received notes (``intakes``); the week's sales reuse the portal's
one figure of sales (pos.consignment.portal.items_sold).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from inventory.models import Intake, IntakeLine, Location, Product
from inventory.stock.aging import aged_lots
from kernel.access import Actor
from kernel.errors import InvalidInputError
from kernel.text import ascii_digits
from pos.consignment.access import check_access
from pos.consignment.goods_rules import ProductGoods, Week, goods_by_product, week_of
from pos.consignment.portal import ItemSold, items_sold

DELIVERIES_PER_PAGE = 10
MAX_PAGE = 10_000


@dataclass(frozen=True, slots=True)
class Place:
    id: int
    name_th: str
    name_en: str


@dataclass(frozen=True, slots=True)
class GoodsAtCentre:
    today: date
    goods: list[ProductGoods]  # what needs attention first
    places: dict[int, Place]  # the locations the goods are at

    @property
    def units(self) -> int:
        return sum(g.units for g in self.goods)


def _places(conn: Connection, ids: set[int]) -> dict[int, Place]:
    if not ids:
        return {}
    rows = conn.execute(
        select(Location.id, Location.name_th, Location.name_en).where(Location.id.in_(sorted(ids)))
    )
    return {row.id: Place(row.id, row.name_th, row.name_en) for row in rows}


def goods_at_centre(
    conn: Connection, actor: Actor, entrepreneur_id: int, today: date
) -> GoodsAtCentre:
    """Each of the entrepreneur's products with goods here, aged by its lots on ``today``."""
    check_access(conn, actor, entrepreneur_id)
    goods = goods_by_product(aged_lots(conn, today, entrepreneur_id=entrepreneur_id))
    places = _places(conn, {place for g in goods for place, _ in g.by_location})
    return GoodsAtCentre(today, goods, places)


def parse_page(text: str | None) -> int:
    """``?page=N`` (1 when empty): a whole number from 1."""
    value = (text or "").strip()
    if not value:
        return 1
    if not ascii_digits(value) or len(value) > 5 or not 1 <= int(value) <= MAX_PAGE:
        raise InvalidInputError(
            "portal.page_invalid",
            "หน้าต้องเป็นเลข 1 ถึง {last} (ได้รับ {value!r})",
            field="page",
            last=MAX_PAGE,
            value=value[:20],
        )
    return int(value)


@dataclass(frozen=True, slots=True)
class DeliveryLine:
    product_id: int
    sku: str
    name_th: str
    name_en: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Delivery:
    """A delivery the centre received: one goods-received note."""

    id: int
    number: str
    received_at: datetime
    location: Place
    lines: list[DeliveryLine]

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True, slots=True)
class DeliveryPage:
    deliveries: list[Delivery]  # newest first
    page: int
    pages: int  # at least 1
    total: int


def _lines_of(conn: Connection, intake_ids: list[int]) -> dict[int, list[DeliveryLine]]:
    found: dict[int, list[DeliveryLine]] = {i: [] for i in intake_ids}
    if not intake_ids:
        return found
    rows = conn.execute(
        select(
            IntakeLine.intake_id,
            Product.id,
            Product.sku,
            Product.name_th,
            Product.name_en,
            IntakeLine.quantity,
        )
        .join(Product, Product.id == IntakeLine.product_id)
        .where(IntakeLine.intake_id.in_(intake_ids))
        .order_by(IntakeLine.intake_id, IntakeLine.id)
    )
    for row in rows:
        found[row.intake_id].append(
            DeliveryLine(row.id, row.sku, row.name_th, row.name_en, row.quantity)
        )
    return found


def delivery_history(
    conn: Connection, actor: Actor, entrepreneur_id: int, page: int = 1
) -> DeliveryPage:
    """One page of the deliveries received from the entrepreneur, newest first, with lines."""
    check_access(conn, actor, entrepreneur_id)
    mine = Intake.entrepreneur_id == entrepreneur_id
    total = int(conn.execute(select(func.count()).select_from(Intake).where(mine)).scalar_one())
    pages = max(1, -(-total // DELIVERIES_PER_PAGE))
    heads = conn.execute(
        select(Intake.id, Intake.number, Intake.received_at, Location.id.label("place"))
        .add_columns(Location.name_th, Location.name_en)
        .join(Location, Location.id == Intake.location_id)
        .where(mine)
        .order_by(Intake.received_at.desc(), Intake.id.desc())
        .limit(DELIVERIES_PER_PAGE)
        .offset((page - 1) * DELIVERIES_PER_PAGE)
    ).all()
    lines = _lines_of(conn, [h.id for h in heads])
    deliveries = [
        Delivery(h.id, h.number, h.received_at, Place(h.place, h.name_th, h.name_en), lines[h.id])
        for h in heads
    ]
    return DeliveryPage(deliveries, page, pages, total)


@dataclass(frozen=True, slots=True)
class WeekSales:
    week: Week
    end: date  # the week's last day so far (today, in the current week)
    items: list[ItemSold]  # best-selling first

    @property
    def quantity(self) -> int:
        return sum(i.quantity for i in self.items)

    @property
    def sales_satang(self) -> int:
        return sum(i.sales_satang for i in self.items)

    @property
    def net_satang(self) -> int:
        return sum(i.net_satang for i in self.items)


def week_sales(conn: Connection, actor: Actor, entrepreneur_id: int, today: date) -> WeekSales:
    """What sold in the current Monday-to-Sunday week (Bangkok days), by product: units, what
    customers paid and the entrepreneur's share, the way the month's items are read."""
    check_access(conn, actor, entrepreneur_id)
    week = week_of(today)
    return WeekSales(week, today, items_sold(conn, entrepreneur_id, week.start, today))
