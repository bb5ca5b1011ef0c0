"""Creating and editing products: barcodes checked or generated, prices in satang, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from inventory.catalogue.barcodes import in_store_code, validate_gtin
from inventory.catalogue.events import CatalogueEvent
from inventory.catalogue.places import vars_of
from inventory.catalogue.product_queries import ProductView, get_product
from inventory.catalogue.rules import (
    SKU_MAX,
    check_bool,
    check_price_satang,
    clean_code,
    clean_name,
)
from inventory.catalogue.search import search_text
from inventory.catalogue.store import changed, check_version, clean_changes, ensure_unique
from inventory.models import Category, Entrepreneur, Product
from kernel import audit
from kernel.access import MANAGERS, Actor
from kernel.db.engine import next_in_sequence
from kernel.errors import InvalidInputError, NotFoundError

IN_STORE_SEQUENCE = "in_store_code"


@dataclass(frozen=True, slots=True)
class ProductDraft:
    sku: str
    name_th: str
    name_en: str
    category_id: int
    entrepreneur_id: int
    price_satang: int
    barcode: str | None = None  # None or blank: the centre's own in-store code is generated
    vat_applicable: bool = True
    active: bool = True


def product_cleaners() -> dict[str, Any]:
    """Field -> validator, shared by the API and the CSV import."""
    return {
        "sku": lambda v: clean_code(v, "sku", limit=SKU_MAX),
        "barcode": clean_barcode,
        "name_th": lambda v: clean_name(v, "name_th"),
        "name_en": lambda v: clean_name(v, "name_en"),
        "category_id": lambda v: _id(v, "category_id"),
        "entrepreneur_id": lambda v: _id(v, "entrepreneur_id"),
        "price_satang": check_price_satang,
        "vat_applicable": lambda v: check_bool(v, "vat_applicable"),
        "active": lambda v: check_bool(v, "active"),
    }


def clean_barcode(value: object) -> str | None:
    """A GTIN with a valid check digit, or ``None`` (blank) to have one generated."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInputError("barcode.not_text", "บาร์โค้ดต้องเป็นข้อความที่เป็นตัวเลข", field="barcode")
    if not value.strip():
        return None
    return validate_gtin(value)


def _id(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError("field.not_whole_number", "ช่อง {field} ต้องเป็นจำนวนเต็ม", field=field)
    return value


def next_in_store_codes(conn: Connection, count: int) -> list[str]:
    """``count`` unused in-store codes; serials whose code a product already has are skipped."""
    codes: list[str] = []
    while len(codes) < count:
        wanted = count - len(codes)
        first = next_in_sequence(conn, IN_STORE_SEQUENCE, wanted)
        batch = [in_store_code(serial) for serial in range(first, first + wanted)]
        taken = set(
            conn.execute(select(Product.barcode).where(Product.barcode.in_(batch))).scalars()
        )
        codes.extend(code for code in batch if code not in taken)
    return codes


def _entrepreneur_code(conn: Connection, entrepreneur_id: int) -> str:
    code = conn.execute(
        select(Entrepreneur.code).where(Entrepreneur.id == entrepreneur_id)
    ).scalar()
    if code is None:
        raise InvalidInputError(
            "entrepreneur.unknown",
            "ไม่พบผู้ประกอบการ id {entrepreneur_id}",
            field="entrepreneur_id",
            entrepreneur_id=entrepreneur_id,
        )
    return str(code)


def _category_exists(conn: Connection, category_id: int) -> None:
    if conn.execute(select(Category.id).where(Category.id == category_id)).first() is None:
        raise InvalidInputError(
            "category.unknown",
            "ไม่พบหมวดหมู่ id {category_id}",
            field="category_id",
            category_id=category_id,
        )


def create_product(
    conn: Connection, actor: Actor, now: datetime, draft: ProductDraft
) -> ProductView:
    actor.require(MANAGERS, "add products")
    values = clean_changes(vars_of(draft), product_cleaners())
    _category_exists(conn, values["category_id"])
    owner_code = _entrepreneur_code(conn, values["entrepreneur_id"])
    ensure_unique(conn, Product.sku, Product.id, values["sku"], "sku")
    if values["barcode"] is None:
        values["barcode"] = next_in_store_codes(conn, 1)[0]
    else:
        ensure_unique(conn, Product.barcode, Product.id, values["barcode"], "barcode")
    new_id = conn.execute(
        insert(Product)
        .values(
            **values,
            search_text=_search_text(values, owner_code),
            version=1,
            created_at=now,
            updated_at=now,
        )
        .returning(Product.id)
    ).scalar_one()
    audit.record(
        conn,
        actor,
        CatalogueEvent.PRODUCT_CREATED,
        "product",
        new_id,
        now,
        sku=values["sku"],
        barcode=values["barcode"],
        name_th=values["name_th"],
        entrepreneur_id=values["entrepreneur_id"],
        price_satang=values["price_satang"],
    )
    return get_product(conn, actor, new_id)


def update_product(
    conn: Connection,
    actor: Actor,
    now: datetime,
    product_id: int,
    changes: dict[str, Any],
    version: int,
) -> ProductView:
    """Apply ``changes`` if ``version`` is the stored one (else 409 on ``version``)."""
    actor.require(MANAGERS, "edit products")
    current = get_product(conn, actor, product_id)
    check_version(current.version, version, f"product {current.sku}")
    values = clean_changes(changes, product_cleaners())
    if "barcode" in values and values["barcode"] is None:
        raise InvalidInputError(
            "barcode.cannot_remove",
            "ลบบาร์โค้ดของสินค้าไม่ได้ กรุณาใส่บาร์โค้ด (GTIN) ที่ถูกต้อง",
            field="barcode",
        )
    if "category_id" in values:
        _category_exists(conn, values["category_id"])
    owner_code = _entrepreneur_code(conn, values.get("entrepreneur_id", current.entrepreneur_id))
    for field in ("sku", "barcode"):
        if field in values:
            column = Product.sku if field == "sku" else Product.barcode
            ensure_unique(conn, column, Product.id, values[field], field, exclude_id=product_id)
    diff = changed(vars_of(current), values)
    if not diff:
        return current
    merged = {**vars_of(current), **values}
    bumped = conn.execute(
        update(Product)
        .where(Product.id == product_id, Product.version == version)
        .values(
            **{k: values[k] for k in diff},
            search_text=_search_text(merged, owner_code),
            version=Product.version + 1,
            updated_at=now,
        )
    )
    if bumped.rowcount != 1:  # changed between our read and our write
        raise NotFoundError(
            "product.not_found",
            "ไม่พบสินค้า id {product_id}",
            field="product_id",
            product_id=product_id,
        )
    audit.record(
        conn, actor, CatalogueEvent.PRODUCT_UPDATED, "product", product_id, now, changes=diff
    )
    return get_product(conn, actor, product_id)


def _search_text(values: dict[str, Any], entrepreneur_code: str) -> str:
    return search_text(
        name_th=values["name_th"],
        name_en=values["name_en"],
        sku=values["sku"],
        barcode=values["barcode"],
        entrepreneur_code=entrepreneur_code,
    )
