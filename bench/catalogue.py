"""The catalogue at the province's scale: demo seed, barcode lookup, search, CSV import.

Everything runs in-process on a fresh SQLite file in a temporary directory. Each lookup
and search opens its own read transaction, as a request handler does.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from bench.report import Report, Row, latency, time_each
from demo.catalogue import seed_demo
from inventory.models import Product, StockLevel, StockLot, StockMovement
from kernel.access import SYSTEM, Actor, Role
from kernel.db.engine import Database
from web.commands.seed import seed_demo_database
from web.migrate import upgrade

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
CASHIER = Actor(user_id=None, username="bench-cashier", role=Role.CASHIER)
THAI_QUERIES = ("ผ้า", "ทอมือ", "กาแฟ", "เซลาดอน", "ร่มบ่อสร้าง", "น้ำพริก", "สีคราม", "ฮฮฮฮ")
ENGLISH_QUERIES = ("cotton", "umbrella", "coffee", "silk", "celadon", "sai ua", "indigo", "zzqx")
LOOKUP_TARGET_MS = 5.0
SEED_TARGET_S = 30.0
IMPORT_TARGET_S = 10.0

Lookup = Callable[[Connection, Actor, str], object]
Search = Callable[[Connection, Actor, str], object]


def fresh_database(directory: Path, name: str) -> Database:
    url = f"sqlite:///{directory / name}"
    upgrade(url)
    return Database(url)


def _barcode_lookup(notes: list[str]) -> Lookup:
    try:
        from inventory.catalogue import product_by_barcode
    except ImportError:
        notes.append("inventory.catalogue.product_by_barcode missing: timed a Core select")
        return _core_lookup
    return lambda conn, actor, code: product_by_barcode(conn, actor, code)


def _core_lookup(conn: Connection, actor: Actor, code: str) -> object:
    return conn.execute(
        select(Product, StockLevel.on_hand)
        .outerjoin(StockLevel, StockLevel.product_id == Product.id)
        .where(Product.barcode == code)
    ).all()


def _product_search(notes: list[str]) -> Search:
    try:
        from inventory.catalogue import search_products
    except ImportError:
        notes.append("inventory.catalogue.search_products missing: timed a Core LIKE select")
        return _core_search
    return lambda conn, actor, q: search_products(conn, actor, q=q)


def _core_search(conn: Connection, actor: Actor, q: str) -> object:
    return conn.execute(
        select(Product).where(Product.search_text.contains(q.lower())).limit(50)
    ).all()


def _in_read(
    db: Database, call: Callable[[Connection, Actor, str], object]
) -> Callable[[str], Any]:
    def run(value: str) -> object:
        with db.read() as conn:
            return call(conn, CASHIER, value)

    return run


def measure_lookups(db: Database, samples: int, report: Report) -> None:
    with db.read() as conn:
        barcodes = list(conn.execute(select(Product.barcode).order_by(Product.id)).scalars())
    rng = random.Random(2026)
    lookup = _in_read(db, _barcode_lookup(report.notes))
    chosen = [rng.choice(barcodes) for _ in range(samples)]
    missing = sum(1 for code in chosen[:50] if not lookup(code))
    if missing:
        report.notes.append(f"{missing} of 50 barcode lookups found nothing: check the lookup")
    _latency_row(report, f"barcode lookup ({len(barcodes):,} products)", lookup, chosen, False)
    search = _in_read(db, _product_search(report.notes))
    for label, queries in (("Thai", THAI_QUERIES), ("English", ENGLISH_QUERIES)):
        picked = [rng.choice(queries) for _ in range(samples)]
        measure = f"{label} substring search ({', '.join(queries)})"
        _latency_row(report, measure, search, picked, True)


def _latency_row(
    report: Report, measure: str, call: Callable[[str], Any], inputs: list[str], per_input: bool
) -> None:
    for value in inputs[:20]:  # warm the statement cache and the page cache
        call(value)
    samples = time_each(call, inputs)
    result = latency(samples)
    ok = result.p99 < LOOKUP_TARGET_MS
    report.rows.append(Row(measure, f"p99 < {LOOKUP_TARGET_MS:g} ms", result.describe(), ok))
    if per_input and not ok:
        grouped: dict[str, list[float]] = {}
        for value, ms in zip(inputs, samples, strict=True):
            grouped.setdefault(value, []).append(ms)
        detail = ", ".join(
            f"{value!r} p50 {latency(ms).p50:.1f} / p99 {latency(ms).p99:.1f}"
            for value, ms in grouped.items()
        )
        report.notes.append(f"{measure.split(' (')[0]} by query (ms): {detail}")


def measure_csv_import(directory: Path, db: Database, scale: float, report: Report) -> None:
    measure = "CSV import of the demo catalogue"
    target = f"< {IMPORT_TARGET_S:g} s"
    try:
        from inventory.spreadsheets import export_products_csv, import_products
    except ImportError:
        report.rows.append(
            Row(measure, target, "not measured: inventory.spreadsheets missing", None)
        )
        return
    with db.read() as conn:
        exported: str | bytes = export_products_csv(conn)
        raw = exported.encode("utf-8") if isinstance(exported, str) else exported
        expected = conn.execute(select(func.count()).select_from(Product)).scalar_one()
    target_db = fresh_database(directory, "import.db")
    try:
        with target_db.write() as conn:  # entrepreneurs and categories, no products
            seed_demo(conn, NOW, scale=scale)
            for model in (StockLot, StockMovement, StockLevel, Product):
                conn.execute(delete(model))
        started = time.perf_counter()
        try:
            with target_db.write() as conn:
                import_products(conn, SYSTEM, NOW, raw)
        except Exception as error:  # a broken importer is a failed measure, not a crash
            report.rows.append(Row(measure, target, f"failed: {type(error).__name__}", False))
            report.notes.append(f"CSV import raised {type(error).__name__}: {error}")
            return
        seconds = time.perf_counter() - started
        with target_db.read() as conn:
            imported = conn.execute(select(func.count()).select_from(Product)).scalar_one()
    finally:
        target_db.dispose()
    result = f"{seconds:.2f} s ({imported:,} of {expected:,} products)"
    report.rows.append(
        Row(
            f"{measure} ({expected:,} products)",
            target,
            result,
            seconds < IMPORT_TARGET_S and imported == expected,
        )
    )


def run(directory: Path, *, quick: bool) -> Report:
    scale = 0.1 if quick else 1.0
    samples = 300 if quick else 2000
    report = Report(f"catalogue (SQLite, demo scale {scale:g})")
    db = fresh_database(directory, "bench.db")
    try:
        outcome = seed_demo_database(db, NOW, scale=scale)
        assert outcome.summary is not None
        report.rows.append(
            Row(
                f"demo seed `seed --demo` ({outcome.summary.entrepreneurs:,} entrepreneurs, "
                f"{outcome.summary.products:,} products, {len(outcome.logins)} users)",
                f"< {SEED_TARGET_S:g} s",
                f"{outcome.seconds:.2f} s",
                outcome.seconds < SEED_TARGET_S,
            )
        )
        measure_lookups(db, samples, report)
        measure_csv_import(directory, db, scale, report)
    finally:
        db.dispose()
    return report
