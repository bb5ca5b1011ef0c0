"""Resolving what a stock request names: locations, entrepreneurs, products (by id or barcode).

Reads the catalogue tables directly, so stock does not depend on the catalogue's services.
A reference in a request body that does not exist is a 422 naming the field; a document
asked for by its id in the path is a 404 (raised by the callers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.engine import Connection

from inventory.models import Entrepreneur, Location, Product
from inventory.stock.document_rules import (
    LineIn,
    check_line_count,
    check_quantity,
    document_number,
    line_field,
    sequence_name,
)
from kernel.access import Actor, Role
from kernel.db.engine import next_in_sequence
from kernel.errors import ForbiddenError, InvalidInputError


@dataclass(frozen=True, slots=True)
class ProductRef:
    id: int
    sku: str
    barcode: str
    name_th: str
    name_en: str
    entrepreneur_id: int
    price_satang: int
    active: bool


@dataclass(frozen=True, slots=True)
class LocationRef:
    id: int
    code: str
    name_th: str
    name_en: str


_PRODUCT_COLUMNS = (
    Product.id,
    Product.sku,
    Product.barcode,
    Product.name_th,
    Product.name_en,
    Product.entrepreneur_id,
    Product.price_satang,
    Product.active,
)


def next_document_number(conn: Connection, prefix: str, now: datetime) -> str:
    """The next number of a kind of document this (Bangkok) year, e.g. ``GRN-2026-000123``."""
    return document_number(prefix, now, next_in_sequence(conn, sequence_name(prefix, now)))


def location(conn: Connection, location_id: int | None, field: str = "location_id") -> LocationRef:
    """An active location; ``None`` means the default one (San Kamphaeng)."""
    query = select(Location.id, Location.code, Location.name_th, Location.name_en, Location.active)
    if location_id is None:
        query = query.where(Location.is_default.is_(True)).order_by(Location.id).limit(1)
    else:
        query = query.where(Location.id == location_id)
    row = conn.execute(query).first()
    if row is None and location_id is None:
        raise InvalidInputError("location.no_default", "ยังไม่ได้ตั้งสถานที่หลัก", field=field)
    if row is None:
        raise InvalidInputError(
            "location.unknown",
            "ไม่พบสถานที่ id {location_id}",
            field=field,
            location_id=location_id,
        )
    if not row.active:
        raise InvalidInputError(
            "location.closed",
            "สถานที่ {location_code} ปิดใช้งานแล้ว",
            field=field,
            location_code=row.code,
        )
    return LocationRef(row.id, row.code, row.name_th, row.name_en)


def entrepreneur_exists(
    conn: Connection, entrepreneur_id: int, field: str = "entrepreneur_id"
) -> str:
    """The entrepreneur's code; refuses an unknown or inactive one."""
    row = conn.execute(
        select(Entrepreneur.code, Entrepreneur.active).where(Entrepreneur.id == entrepreneur_id)
    ).first()
    if row is None:
        raise InvalidInputError(
            "entrepreneur.unknown",
            "ไม่พบผู้ประกอบการ id {entrepreneur_id}",
            field=field,
            entrepreneur_id=entrepreneur_id,
        )
    if not row.active:
        raise InvalidInputError(
            "entrepreneur.inactive",
            "ผู้ประกอบการ {entrepreneur_code} ปิดการใช้งานอยู่",
            field=field,
            entrepreneur_code=row.code,
        )
    return str(row.code)


def products_by_id(conn: Connection, product_ids: Sequence[int]) -> dict[int, ProductRef]:
    if not product_ids:
        return {}
    rows = conn.execute(select(*_PRODUCT_COLUMNS).where(Product.id.in_(sorted(set(product_ids)))))
    return {row.id: ProductRef(*row) for row in rows}


def product_by_code(conn: Connection, code: str) -> ProductRef | None:
    """A product by its barcode, or by its SKU (a scanner reading a printed SKU label)."""
    code = code.strip()
    row = conn.execute(
        select(*_PRODUCT_COLUMNS)
        .where(or_(Product.barcode == code, Product.sku == code))
        .order_by(Product.barcode != code)  # a barcode match wins over an SKU match
        .limit(1)
    ).first()
    return ProductRef(*row) if row else None


def resolve_lines(
    conn: Connection,
    lines: Sequence[LineIn],
    *,
    signed: bool = False,
    zero_ok: bool = False,
    allow_barcode: bool = False,
    quantity_field: str = "quantity",
) -> list[tuple[ProductRef, int]]:
    """Each line's product and quantity, in request order; errors name ``lines[i].<field>``."""
    check_line_count(lines)
    by_id = products_by_id(conn, [line.product_id for line in lines if line.product_id is not None])
    resolved: list[tuple[ProductRef, int]] = []
    for index, line in enumerate(lines):
        field = line_field(index, quantity_field)
        check_quantity(line.quantity, field, signed=signed, zero_ok=zero_ok)
        resolved.append((_line_product(conn, index, line, by_id, allow_barcode), line.quantity))
    return resolved


def _line_product(
    conn: Connection, index: int, line: LineIn, by_id: dict[int, ProductRef], allow_barcode: bool
) -> ProductRef:
    if line.product_id is not None:
        found = by_id.get(line.product_id)
        if found is None:
            raise InvalidInputError(
                "product.unknown",
                "ไม่พบสินค้า id {product_id}",
                field=line_field(index, "product_id"),
                product_id=line.product_id,
            )
        return found
    if allow_barcode and line.barcode:
        by_code = product_by_code(conn, line.barcode)
        if by_code is None:
            raise InvalidInputError(
                "barcode.no_product",
                "ไม่พบสินค้าที่มีบาร์โค้ด {barcode}",
                field=line_field(index, "barcode"),
                barcode=line.barcode,
            )
        return by_code
    if allow_barcode:
        raise InvalidInputError(
            "stock.line_needs_product_or_barcode",
            "กรุณาระบุสินค้า (product_id) หรือบาร์โค้ด",
            field=line_field(index, "product_id"),
        )
    raise InvalidInputError(
        "stock.line_needs_product",
        "กรุณาระบุสินค้า (product_id)",
        field=line_field(index, "product_id"),
    )


def require_own_products(
    resolved: Sequence[tuple[ProductRef, int]], entrepreneur_id: int, entrepreneur_code: str
) -> None:
    """Intakes and returns concern one entrepreneur's goods only."""
    for index, (product, _) in enumerate(resolved):
        if product.entrepreneur_id != entrepreneur_id:
            raise InvalidInputError(
                "stock.not_entrepreneurs_product",
                "บรรทัด {line}: {name} ({sku}) ไม่ใช่สินค้าของผู้ประกอบการ {entrepreneur_code}",
                field=line_field(index, "product_id"),
                line=index,
                name=product.name_th,
                sku=product.sku,
                entrepreneur_code=entrepreneur_code,
            )


def visible_entrepreneur(actor: Actor, entrepreneur_id: int | None) -> int | None:
    """The entrepreneur filter a reader gets: an entrepreneur user sees only their own."""
    if actor.role != Role.ENTREPRENEUR:
        return entrepreneur_id
    if actor.entrepreneur_id is None:
        raise ForbiddenError(
            "access.entrepreneur_unlinked",
            "บัญชีผู้ประกอบการนี้ยังไม่ได้ผูกกับผู้ประกอบการรายใด กรุณาติดต่อผู้จัดการศูนย์",
        )
    return actor.entrepreneur_id


def with_parties(document: Any) -> Select[Any]:
    """A document's row (an intake, a return note: a table with ``entrepreneur_id`` and
    ``location_id``) with its entrepreneur's code and names (``e_code``, ``e_th``, ``e_en``)
    and its location's (``l_code``, ``l_th``, ``l_en``)."""
    return (
        select(
            document,
            Entrepreneur.code.label("e_code"),
            Entrepreneur.name_th.label("e_th"),
            Entrepreneur.name_en.label("e_en"),
            Location.code.label("l_code"),
            Location.name_th.label("l_th"),
            Location.name_en.label("l_en"),
        )
        .join(Entrepreneur, Entrepreneur.id == document.entrepreneur_id)
        .join(Location, Location.id == document.location_id)
    )


def parties(head: Any) -> dict[str, Any]:
    """The entrepreneur's and the location's fields of a document's view, from a row that
    :func:`with_parties` read: ``entrepreneur_id``, ``…_code``, ``…_name_th``, ``…_name_en``
    and the same of ``location``."""
    return {
        "entrepreneur_id": head.entrepreneur_id,
        "entrepreneur_code": head.e_code,
        "entrepreneur_name_th": head.e_th,
        "entrepreneur_name_en": head.e_en,
        "location_id": head.location_id,
        "location_code": head.l_code,
        "location_name_th": head.l_th,
        "location_name_en": head.l_en,
    }
