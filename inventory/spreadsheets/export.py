"""CSV exports of the catalogue and of stock, in the columns the import reads back."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from inventory.models import Category, District, Entrepreneur, Location, Product, StockLevel
from inventory.spreadsheets.parsing import csv_text
from kernel.csv_cells import baht_cell

PRODUCT_COLUMNS = (
    "sku",
    "barcode",
    "name_th",
    "name_en",
    "category_code",
    "entrepreneur_code",
    "price_baht",
    "vat_applicable",
    "active",
)
ENTREPRENEUR_COLUMNS = (
    "code",
    "name_th",
    "name_en",
    "district_code",
    "tambon",
    "phone",
    "promptpay_id",
    "commission_bp",
    "star_rating",
    "active",
)
STOCK_COLUMNS = (
    "location_code",
    "sku",
    "barcode",
    "name_th",
    "name_en",
    "entrepreneur_code",
    "on_hand",
)


def _flag(value: bool) -> str:
    return "1" if value else "0"


def export_products_csv(conn: Connection) -> str:
    """Every product, one row each, in the import's columns (price in baht, two decimals)."""
    rows = conn.execute(
        select(
            Product.sku,
            Product.barcode,
            Product.name_th,
            Product.name_en,
            Category.code,
            Entrepreneur.code,
            Product.price_satang,
            Product.vat_applicable,
            Product.active,
        )
        .join(Category, Category.id == Product.category_id)
        .join(Entrepreneur, Entrepreneur.id == Product.entrepreneur_id)
        .order_by(Product.sku)
    )
    return csv_text(
        PRODUCT_COLUMNS,
        [(*r[:6], baht_cell(r[6]), _flag(r[7]), _flag(r[8])) for r in rows],
    )


def export_entrepreneurs_csv(conn: Connection) -> str:
    rows = conn.execute(
        select(
            Entrepreneur.code,
            Entrepreneur.name_th,
            Entrepreneur.name_en,
            District.code,
            Entrepreneur.tambon,
            Entrepreneur.phone,
            Entrepreneur.promptpay_id,
            Entrepreneur.commission_bp,
            Entrepreneur.star_rating,
            Entrepreneur.active,
        )
        .join(District, District.id == Entrepreneur.district_id)
        .order_by(Entrepreneur.code)
    )
    return csv_text(
        ENTREPRENEUR_COLUMNS, [(*r[:6], r[6] or "", r[7], r[8], _flag(r[9])) for r in rows]
    )


def export_stock_csv(conn: Connection) -> str:
    """On-hand per location and product (rows only where stock was ever kept)."""
    rows = conn.execute(
        select(
            Location.code,
            Product.sku,
            Product.barcode,
            Product.name_th,
            Product.name_en,
            Entrepreneur.code,
            StockLevel.on_hand,
        )
        .select_from(StockLevel)
        .join(Product, Product.id == StockLevel.product_id)
        .join(Location, Location.id == StockLevel.location_id)
        .join(Entrepreneur, Entrepreneur.id == Product.entrepreneur_id)
        .order_by(Location.code, Product.sku)
    )
    return csv_text(STOCK_COLUMNS, [tuple(r) for r in rows])
