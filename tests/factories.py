"""Rows for tests, written straight to the tables (the services under test are elsewhere)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import count

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from inventory.catalogue.barcodes import in_store_code
from inventory.catalogue.search import search_text
from inventory.models import (
    Category,
    ConsignmentTermsVersion,
    District,
    Entrepreneur,
    Location,
    Product,
    StockLevel,
    StockLot,
    StockMovement,
)
from kernel.clock import business_date

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
_serial = count(1)


def district(
    conn: Connection, code: str = "SKP", name_th: str = "สันกำแพง", name_en: str = "San Kamphaeng"
) -> int:
    return conn.execute(
        insert(District).values(code=code, name_th=name_th, name_en=name_en).returning(District.id)
    ).scalar_one()


def location(
    conn: Connection,
    code: str = "SKP",
    name_th: str = "ศูนย์ OTOP สันกำแพง",
    name_en: str = "San Kamphaeng centre",
    is_default: bool = True,
) -> int:
    return conn.execute(
        insert(Location)
        .values(code=code, name_th=name_th, name_en=name_en, is_default=is_default, active=True)
        .returning(Location.id)
    ).scalar_one()


def category(
    conn: Connection,
    code: str = "textile",
    name_th: str = "ผ้าและเครื่องแต่งกาย",
    name_en: str = "Textiles and clothing",
) -> int:
    return conn.execute(
        insert(Category).values(code=code, name_th=name_th, name_en=name_en).returning(Category.id)
    ).scalar_one()


def entrepreneur(
    conn: Connection,
    district_id: int,
    code: str | None = None,
    name_th: str = "กลุ่มทอผ้าบ้านสันกำแพง",
    name_en: str = "San Kamphaeng Weavers",
    commission_bp: int = 2000,
) -> int:
    code = code or f"E{next(_serial):05d}"
    return conn.execute(
        insert(Entrepreneur)
        .values(
            code=code,
            name_th=name_th,
            name_en=name_en,
            district_id=district_id,
            tambon="",
            phone="",
            promptpay_id=None,
            commission_bp=commission_bp,
            star_rating=4,
            active=True,
            created_at=NOW,
            updated_at=NOW,
        )
        .returning(Entrepreneur.id)
    ).scalar_one()


def product(
    conn: Connection,
    entrepreneur_id: int,
    category_id: int,
    *,
    name_th: str = "ผ้าซิ่นตีนจก",
    name_en: str = "Teen jok sarong",
    price_satang: int = 45000,
    sku: str | None = None,
    barcode: str | None = None,
    entrepreneur_code: str = "",
) -> int:
    serial = next(_serial)
    sku = sku or f"SKU{serial:06d}"
    barcode = barcode or in_store_code(serial)
    return conn.execute(
        insert(Product)
        .values(
            sku=sku,
            barcode=barcode,
            name_th=name_th,
            name_en=name_en,
            category_id=category_id,
            entrepreneur_id=entrepreneur_id,
            price_satang=price_satang,
            vat_applicable=True,
            active=True,
            version=1,
            created_at=NOW,
            updated_at=NOW,
            search_text=search_text(
                name_th=name_th,
                name_en=name_en,
                sku=sku,
                barcode=barcode,
                entrepreneur_code=entrepreneur_code,
            ),
        )
        .returning(Product.id)
    ).scalar_one()


def stock(conn: Connection, product_id: int, location_id: int, quantity: int) -> None:
    """Opening stock, as one intake movement and its level."""
    conn.execute(
        insert(StockMovement).values(
            product_id=product_id,
            location_id=location_id,
            quantity=quantity,
            kind="intake",
            reason="opening stock",
            document=None,
            actor_id=None,
            created_at=NOW,
        )
    )
    conn.execute(
        insert(StockLevel).values(
            product_id=product_id, location_id=location_id, on_hand=quantity, version=1
        )
    )
    if quantity > 0:  # its lot by intake, under the built-in terms
        conn.execute(
            insert(StockLot).values(
                product_id=product_id,
                location_id=location_id,
                intake_id=None,
                terms_id=None,
                received_at=NOW,
                received_on=business_date(NOW),
                quantity=quantity,
                remaining=quantity,
                extensions=0,
            )
        )


# --- catalogue (added by the catalogue area) -------------------------------------------


def aged_under_markdowns(
    conn: Connection,
    product_id: int,
    received_on: date,
    markdowns: list[list[int]] | None = None,
) -> int:
    """The product's goods (every lot of it) received on ``received_on`` under a new version
    of its entrepreneur's terms with ``markdowns`` ([[after_days, bp], ...]; default -10 %
    after 60 days of 90): goods that came in under agreed markdowns and have aged since. The
    movements stay as they are (the lots still hold what they add up to). The terms' id."""
    maker = conn.execute(
        select(Product.entrepreneur_id).where(Product.id == product_id)
    ).scalar_one()
    received_at = datetime.combine(received_on, time(3, 0), tzinfo=UTC)  # 10:00 in Bangkok
    terms_id = conn.execute(
        insert(ConsignmentTermsVersion)
        .values(
            entrepreneur_id=maker,
            commission_kind="standard",
            commission_bp=0,
            category_bp={},
            tiers=[],
            markdowns=markdowns if markdowns is not None else [[60, 1000]],
            period_days=90,
            end_action="return",
            extend_days=0,
            note="",
            valid_from=received_at - timedelta(days=1),
        )
        .returning(ConsignmentTermsVersion.id)
    ).scalar_one()
    conn.execute(
        update(StockLot)
        .where(StockLot.product_id == product_id)
        .values(terms_id=terms_id, received_at=received_at, received_on=received_on)
    )
    return int(terms_id)


def reference_places(conn: Connection) -> None:
    """The 25 districts and the two outlets (San Kamphaeng the default), as set-up makes them."""
    from inventory.catalogue.places import ensure_reference_places
    from kernel.access import SYSTEM

    ensure_reference_places(conn, SYSTEM, NOW)


def district_id_by_code(conn: Connection, code: str) -> int:
    from sqlalchemy import select

    return conn.execute(select(District.id).where(District.code == code)).scalar_one()
