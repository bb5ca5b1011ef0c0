"""``otop-pos seed --demo``: the demo catalogue, written in one transaction with bulk inserts.

The rows go straight to the tables (the services would audit 20,000 single changes and
take minutes); one audit entry records the seeding itself. Users are the web layer's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.engine import Connection

from demo.names import CATEGORIES, DISTRICTS
from demo.plan import MAX_SCALE, DemoPlan, ProductSpec, demo_plan
from inventory.catalogue.barcodes import in_store_code
from inventory.catalogue.places import STANDARD_LOCATIONS, ensure_reference_places
from inventory.catalogue.search import search_text
from inventory.models import (
    Category,
    District,
    Entrepreneur,
    Location,
    Product,
    StockLevel,
    StockLot,
    StockMovement,
)
from inventory.stock.rules import MovementKind
from kernel.access import SYSTEM
from kernel.audit import record
from kernel.clock import business_date
from kernel.db.engine import next_in_sequence
from kernel.errors import ConflictError, InvalidInputError

BATCH = 1000
IN_STORE_SEQUENCE = "in_store_code"
OPENING_REASON = "opening stock"
SAN_KAMPHAENG, THA_PHAE = "SKP", "THAPHAE"  # keys of the location ids, not codes
CATALOGUE_TABLES = (District, Location, Category, Entrepreneur, Product)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    districts: int
    locations: int
    categories: int
    entrepreneurs: int
    products: int
    gtin_products: int
    in_store_products: int
    stock_levels: int
    stock_movements: int
    tha_phae_products: int

    def lines(self) -> list[str]:
        return [
            f"{self.districts} districts, {self.locations} locations, {self.categories} categories",
            f"{self.entrepreneurs:,} entrepreneurs, {self.products:,} products "
            f"({self.gtin_products:,} with a GTIN, {self.in_store_products:,} in-store codes)",
            f"{self.stock_levels:,} stock levels from {self.stock_movements:,} movements "
            f"({self.tha_phae_products} products at Tha Phae)",
        ]


class DemoEvent(StrEnum):
    DEMO_SEEDED = "demo_seeded"  # the demo catalogue was written (the audit log says by whom)


def catalogue_is_empty(conn: Connection) -> bool:
    """True when no district, location, category, entrepreneur or product exists yet."""
    return all(
        conn.execute(select(func.count()).select_from(model)).scalar_one() == 0
        for model in CATALOGUE_TABLES
    )


def seed_demo(
    conn: Connection,
    now: datetime,
    *,
    scale: float = 1.0,
    seed: int = 2026,
    plan: DemoPlan | None = None,
) -> DemoSummary:
    """Write the demo catalogue and opening stock into an empty database.

    Deterministic for a given ``seed`` and ``scale``; runs in the caller's transaction, so
    it is all or nothing. Refuses a database that already has catalogue data. ``plan``: a
    catalogue planned otherwise (the benchmarks' ten times the products), in place of the
    scale's.
    """
    if not 0 < scale <= MAX_SCALE:
        raise InvalidInputError(
            "demo.scale_out_of_range",
            "ขนาดข้อมูลตัวอย่าง (scale) ต้องมากกว่า 0 และไม่เกิน {max_scale}",
            field="scale",
            max_scale=MAX_SCALE,
        )
    if not catalogue_is_empty(conn):
        raise ConflictError(
            "demo.database_not_empty",
            "ฐานข้อมูลมีข้อมูลสินค้าอยู่แล้ว: ใส่ข้อมูลตัวอย่างได้เฉพาะในฐานข้อมูลที่ยังว่างอยู่",
            field="database",
        )
    if plan is None:
        plan = demo_plan(scale=scale, seed=seed)
    district_ids, location_ids, category_ids = _insert_reference_rows(conn, now)
    entrepreneur_ids = _insert_entrepreneurs(conn, plan, district_ids, now)
    barcodes = _barcodes(conn, plan.products)
    product_ids = _insert_products(conn, plan, barcodes, category_ids, entrepreneur_ids, now)
    levels, movements = _insert_opening_stock(conn, plan, product_ids, location_ids, now)
    summary = DemoSummary(
        districts=len(DISTRICTS),
        locations=len(location_ids),
        categories=len(category_ids),
        entrepreneurs=len(plan.entrepreneurs),
        products=len(plan.products),
        gtin_products=sum(1 for p in plan.products if p.gtin),
        in_store_products=sum(1 for p in plan.products if not p.gtin),
        stock_levels=levels,
        stock_movements=movements,
        tha_phae_products=sum(1 for p in plan.products if p.tha_phae_stock),
    )
    record(
        conn,
        SYSTEM,
        DemoEvent.DEMO_SEEDED,
        "catalogue",
        None,
        now,
        scale=scale,
        seed=seed,
        entrepreneurs=summary.entrepreneurs,
        products=summary.products,
    )
    return summary


def _batches(
    rows: Sequence[dict[str, Any]], size: int = BATCH
) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _bulk_insert(conn: Connection, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    for batch in _batches(rows):
        conn.execute(insert(table), list(batch))


def _ids(conn: Connection, table: Table, key: str) -> dict[str, int]:
    return {row[0]: row[1] for row in conn.execute(select(table.c[key], table.c.id))}


def _insert_reference_rows(
    conn: Connection, now: datetime
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """The 25 districts and the two outlets (as set-up makes them), and the categories.

    Returns district ids by code, location ids by ``SKP``/``THAPHAE``, category ids by code.
    """
    ensure_reference_places(conn, SYSTEM, now)
    _bulk_insert(
        conn,
        Category,
        [
            {"code": c.code, "name_th": c.name_th, "name_en": c.name_en, "commission_bp": None}
            for c in CATEGORIES
        ],
    )
    places = _ids(conn, Location.__table__, "code")  # type: ignore[arg-type]
    default = conn.execute(select(Location.id).where(Location.is_default.is_(True))).scalar_one()
    locations = {SAN_KAMPHAENG: default, THA_PHAE: places[STANDARD_LOCATIONS[1][0]]}
    return (
        _ids(conn, District.__table__, "code"),  # type: ignore[arg-type]
        locations,
        _ids(conn, Category.__table__, "code"),  # type: ignore[arg-type]
    )


def _insert_entrepreneurs(
    conn: Connection, plan: DemoPlan, district_ids: dict[str, int], now: datetime
) -> dict[str, int]:
    rows = [
        {
            "code": e.code,
            "name_th": e.name_th,
            "name_en": e.name_en,
            "district_id": district_ids[e.district_code],
            "tambon": e.tambon,
            "phone": e.phone,
            "promptpay_id": e.promptpay_id,
            "commission_bp": e.commission_bp,
            "star_rating": e.star_rating,
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for e in plan.entrepreneurs
    ]
    _bulk_insert(conn, Entrepreneur, rows)
    return _ids(conn, Entrepreneur.__table__, "code")  # type: ignore[arg-type]


def _barcodes(conn: Connection, products: Sequence[ProductSpec]) -> list[str]:
    """Each product's GTIN, or an in-store code reserved from the shared sequence."""
    wanted = sum(1 for p in products if not p.gtin)
    serial = next_in_sequence(conn, IN_STORE_SEQUENCE, count=wanted) if wanted else 0
    codes = []
    for product in products:
        if product.gtin:
            codes.append(product.gtin)
        else:
            codes.append(in_store_code(serial))
            serial += 1
    return codes


def _insert_products(
    conn: Connection,
    plan: DemoPlan,
    barcodes: Sequence[str],
    category_ids: dict[str, int],
    entrepreneur_ids: dict[str, int],
    now: datetime,
) -> dict[str, int]:
    rows = [
        {
            "sku": p.sku,
            "barcode": barcode,
            "name_th": p.name_th,
            "name_en": p.name_en,
            "category_id": category_ids[p.category_code],
            "entrepreneur_id": entrepreneur_ids[p.entrepreneur_code],
            "price_satang": p.price_satang,
            "vat_applicable": True,
            "active": True,
            "search_text": search_text(
                name_th=p.name_th,
                name_en=p.name_en,
                sku=p.sku,
                barcode=barcode,
                entrepreneur_code=p.entrepreneur_code,
            ),
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for p, barcode in zip(plan.products, barcodes, strict=True)
    ]
    _bulk_insert(conn, Product, rows)
    return _ids(conn, Product.__table__, "sku")  # type: ignore[arg-type]


def _opening(
    products: Iterable[ProductSpec], product_ids: dict[str, int], location_id: int, tha_phae: bool
) -> Iterator[tuple[int, int, int]]:
    for p in products:
        quantity = p.tha_phae_stock if tha_phae else p.opening_stock
        if tha_phae and not quantity:
            continue
        yield product_ids[p.sku], location_id, quantity


OPENING_AGES_DAYS = 120


def _came_in(product_id: int, now: datetime) -> datetime:
    """When a product's opening stock came in: a spread over the last four months, the same
    for every run."""
    return now - timedelta(days=(product_id * 7919) % OPENING_AGES_DAYS)


def _insert_opening_stock(
    conn: Connection,
    plan: DemoPlan,
    product_ids: dict[str, int],
    location_ids: dict[str, int],
    now: datetime,
) -> tuple[int, int]:
    """Every product at San Kamphaeng (a few at zero), the creative ones at Tha Phae too.

    A level is the sum of its movements: a product stocked at zero has a level and no
    movement (a movement is never zero). Each came in up to four months ago (a spread of ages,
    so that the aging page and the portal's goods show goods of every age, some past their
    consignment period), as one lot under the built-in terms.
    """
    stock = [
        *_opening(plan.products, product_ids, location_ids[SAN_KAMPHAENG], tha_phae=False),
        *_opening(plan.products, product_ids, location_ids[THA_PHAE], tha_phae=True),
    ]
    movements = [
        {
            "product_id": product,
            "location_id": location,
            "quantity": quantity,
            "kind": MovementKind.INTAKE.value,
            "reason": OPENING_REASON,
            "document": None,
            "actor_id": None,
            "created_at": _came_in(product, now),
        }
        for product, location, quantity in stock
        if quantity
    ]
    levels = [
        {
            "product_id": product,
            "location_id": location,
            "on_hand": quantity,
            "version": 1 if quantity else 0,
        }
        for product, location, quantity in stock
    ]
    lots = [  # each opening stock one lot by intake, under the built-in terms
        {
            "product_id": product,
            "location_id": location,
            "intake_id": None,
            "terms_id": None,
            "received_at": _came_in(product, now),
            "received_on": business_date(_came_in(product, now)),
            "quantity": quantity,
            "remaining": quantity,
            "extensions": 0,
        }
        for product, location, quantity in stock
        if quantity > 0
    ]
    _bulk_insert(conn, StockMovement, movements)
    _bulk_insert(conn, StockLevel, levels)
    _bulk_insert(conn, StockLot, lots)
    return len(levels), len(movements)
