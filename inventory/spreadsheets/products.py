"""CSV import of products. A row whose SKU exists updates that product (its version bumps).

Columns: sku,barcode,name_th,name_en,category_code,entrepreneur_code,price_baht,
vat_applicable,active. A blank barcode gets a generated in-store code for a new product and
keeps the stored barcode for an existing one. Everything is checked in memory first (one
query per lookup table, in a read-only snapshot), then written in chunks of ``CHUNK`` rows,
each its own short transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from inventory.catalogue.events import CatalogueEvent
from inventory.catalogue.products import clean_barcode, next_in_store_codes, product_cleaners
from inventory.catalogue.rules import parse_bool
from inventory.catalogue.search import search_text
from inventory.models import Category, Entrepreneur, Product
from inventory.spreadsheets.parsing import (
    CsvRow,
    ImportJob,
    ImportPreview,
    ImportResult,
    RowChecker,
    audit_row,
    read_rows,
    refuse_if_bad,
)
from kernel import audit
from kernel.access import MANAGERS, Actor
from kernel.audit import AuditEntry
from kernel.money import parse_baht

REQUIRED = ("sku", "name_th", "name_en", "category_code", "entrepreneur_code", "price_baht")
FIELDS = (
    "sku",
    "barcode",
    "name_th",
    "name_en",
    "category_id",
    "entrepreneur_id",
    "price_satang",
    "vat_applicable",
    "active",
)
# SQLAlchemy reserves a column's own name for its bind parameter, hence the new_ prefix.
SET_ON_UPDATE = tuple(name for name in (*FIELDS, "search_text") if name != "sku")
# Rows written in one transaction: ~15 ms on the event loop, so that the tills' sales go in
# between the chunks of a large file (see kernel.db.writer; 500 rows a chunk held a sale up to
# ~75 ms: p95 137 ms beside a 50,000-row import, measured with the stalls bench).
CHUNK = 100


@dataclass(slots=True)
class _Lookups:
    categories: dict[str, int]
    entrepreneurs: dict[str, int]
    entrepreneur_codes: dict[int, str]
    by_sku: dict[str, dict[str, Any]]
    sku_of_barcode: dict[str, str]


@dataclass(frozen=True, slots=True)
class _Plan:
    preview: ImportPreview
    inserts: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    lookups: _Lookups


def _lookups(conn: Connection) -> _Lookups:
    categories = {c.lower(): i for c, i in conn.execute(select(Category.code, Category.id))}
    owners = [(code, i) for code, i in conn.execute(select(Entrepreneur.code, Entrepreneur.id))]
    columns = [getattr(Product, name) for name in FIELDS]
    by_sku = {row.sku: dict(row._mapping) for row in conn.execute(select(Product.id, *columns))}
    return _Lookups(
        categories=categories,
        entrepreneurs={code.lower(): i for code, i in owners},
        entrepreneur_codes={i: code for code, i in owners},
        by_sku=by_sku,
        sku_of_barcode={v["barcode"]: sku for sku, v in by_sku.items()},
    )


def _price(text: str) -> int:
    satang = parse_baht(text)
    return int(product_cleaners()["price_satang"](satang))


def _vat(text: str) -> bool:
    return parse_bool(text, "vat_applicable")


def _active(text: str) -> bool:
    return parse_bool(text, "active")


def _row_values(row: CsvRow, checker: RowChecker, found: _Lookups) -> dict[str, Any]:
    clean = product_cleaners()
    values: dict[str, Any] = {
        name: checker.check(name, clean[name]) for name in ("sku", "name_th", "name_en")
    }
    values["barcode"] = checker.check("barcode", clean_barcode)
    for column, table, key in (
        ("category_code", found.categories, "category_id"),
        ("entrepreneur_code", found.entrepreneurs, "entrepreneur_id"),
    ):
        values[key] = table.get(row.get(column).lower())
        if values[key] is None:
            what = column.removesuffix("_code")
            checker.fail(column, f"unknown {what} {row.get(column)!r}")
    values["price_satang"] = checker.check("price_baht", _price)
    values["vat_applicable"] = checker.check("vat_applicable", _vat)
    values["active"] = checker.check("active", _active)
    return values


def _check_unique(
    checker: RowChecker, values: dict[str, Any], found: _Lookups, seen: dict[str, dict[str, int]]
) -> None:
    """SKU and barcode once per file; a barcode may not be another stored product's."""
    for name in ("sku", "barcode"):
        value = values[name]
        if value is None:
            continue
        if value in seen[name]:
            checker.fail(name, f"{name} {value} is also on line {seen[name][value]}")
        else:
            seen[name][value] = checker.row.line
    barcode, sku = values["barcode"], values["sku"]
    holder = found.sku_of_barcode.get(barcode) if barcode else None
    if holder is not None and holder != sku:
        checker.fail("barcode", f"barcode {barcode} already belongs to product {holder}")


def _plan(conn: Connection, raw: bytes) -> _Plan:
    rows, errors = read_rows(raw, REQUIRED)
    found = _lookups(conn)
    seen: dict[str, dict[str, int]] = {"sku": {}, "barcode": {}}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for row in rows:
        checker = RowChecker(row, errors)
        values = _row_values(row, checker, found)
        _check_unique(checker, values, found, seen)
        if checker.failed:
            continue
        stored = found.by_sku.get(values["sku"])
        if stored is None:
            inserts.append(values)
        else:
            if values["barcode"] is None:
                values["barcode"] = stored["barcode"]
            updates.append({**values, "product_id": stored["id"]})
    preview = ImportPreview("products", len(rows), len(inserts), len(updates), sorted(errors))
    return _Plan(preview, inserts, updates, found)


def preview_products(conn: Connection, raw: bytes) -> ImportPreview:
    """What importing ``raw`` would do; every bad row with its line, field and reason."""
    return _plan(conn, raw).preview


def plan_product_import(conn: Connection, actor: Actor, now: datetime, raw: bytes) -> ImportJob:
    """Check every row (``InvalidInputError`` listing every bad one: nothing is written) and
    plan the writes in chunks of ``CHUNK`` rows. Reads only."""
    actor.require(MANAGERS, "import products")
    plan = _plan(conn, raw)
    refuse_if_bad(plan.preview)
    rows = [*plan.inserts, *plan.updates]
    last = max(len(rows) - 1, 0) // CHUNK * CHUNK

    def chunk(start: int) -> Callable[[Connection], None]:
        return lambda c: _write(c, actor, now, plan, rows[start : start + CHUNK], start == last)

    result = ImportResult("products", plan.preview.rows_total, len(plan.inserts), len(plan.updates))
    return ImportJob(result, tuple(chunk(start) for start in range(0, last + 1, CHUNK)))


def import_products(conn: Connection, actor: Actor, now: datetime, raw: bytes) -> ImportResult:
    """Create or update every row in the caller's transaction, or nothing if any row is bad."""
    return plan_product_import(conn, actor, now, raw).run_in(conn)


def _write(
    conn: Connection,
    actor: Actor,
    now: datetime,
    plan: _Plan,
    rows: list[dict[str, Any]],
    last: bool,
) -> None:
    """One chunk: its new products (with in-store codes where the file had no barcode), its
    updates and their audit rows; the import's own audit entry with the last chunk."""
    inserts = [dict(v) for v in rows if "product_id" not in v]
    updates = [v for v in rows if "product_id" in v]
    codes = iter(next_in_store_codes(conn, sum(1 for v in inserts if v["barcode"] is None)))
    for values in inserts:
        values["barcode"] = values["barcode"] or next(codes)
    owners = plan.lookups.entrepreneur_codes
    for values in [*inserts, *updates]:
        values["search_text"] = search_text(
            name_th=values["name_th"],
            name_en=values["name_en"],
            sku=values["sku"],
            barcode=values["barcode"],
            entrepreneur_code=owners[values["entrepreneur_id"]],
        )
    fresh = {"version": 1, "created_at": now, "updated_at": now}
    if inserts:
        conn.execute(insert(Product), [{**v, **fresh} for v in inserts])
    if updates:
        conn.execute(
            update(Product)
            .where(Product.id == bindparam("product_id"))
            .values(
                {
                    **{name: bindparam(f"new_{name}") for name in SET_ON_UPDATE},
                    "version": Product.version + 1,
                    "updated_at": now,
                }
            ),
            [
                {"product_id": v["product_id"], **{f"new_{k}": v[k] for k in SET_ON_UPDATE}}
                for v in updates
            ],
        )
    _audit_rows(conn, actor, now, plan, inserts, updates)
    if last:
        audit.record(
            conn,
            actor,
            CatalogueEvent.PRODUCTS_IMPORTED,
            "product",
            None,
            now,
            created=len(plan.inserts),
            updated=len(plan.updates),
        )


def _audit_rows(
    conn: Connection,
    actor: Actor,
    now: datetime,
    plan: _Plan,
    inserts: list[dict[str, Any]],
    updates: list[dict[str, Any]],
) -> None:
    skus = [v["sku"] for v in inserts]
    ids = dict(conn.execute(select(Product.sku, Product.id).where(Product.sku.in_(skus))).all())
    entries = [
        audit_row(
            actor,
            now,
            "product_created",
            "product",
            ids.get(v["sku"]),
            {
                "source": "csv",
                "sku": v["sku"],
                "barcode": v["barcode"],
                "price_satang": v["price_satang"],
            },
        )
        for v in inserts
    ]
    for v in updates:
        old = plan.lookups.by_sku[v["sku"]]
        diff = {k: [old[k], v[k]] for k in FIELDS if old[k] != v[k]}
        if diff:
            detail = {"source": "csv", "changes": diff}
            entries.append(
                audit_row(actor, now, "product_updated", "product", v["product_id"], detail)
            )
    if entries:
        conn.execute(insert(AuditEntry), entries)
