"""Ten years of history at ten times the catalogue, for benchmarks: written straight to the
tables with set-based inserts, not rung through the till (``seed --history`` does that, at
minutes a year). Separate from the demo seed; the numbers come from the same pure rules.

At ``--scale 1``: 73,240 products of 2,475 entrepreneurs (a few big producers, most with a
handful of products, and a long tail of sales over the products: busy and quiet entrepreneurs),
about 1.3 million sales over 3,652 days with their lines, payments, refunds, shifts and Z
reports, monthly payout runs, the journal (about 9 million postings) and its running totals,
and stock (levels, movements, lots) that ``otop-pos check`` passes. A smaller ``--scale``
shrinks the catalogue and the daily sales alike; ``--days`` shortens the history.

The database is cached under ``var/bench/``, keyed by scale, days and database, with a marker
written after a complete build (as bench/reports.py does):

    python -m bench.bulk_history --scale 0.01          # SQLite, var/bench/bulk-...db
    python -m bench.bulk_history --scale 0.1 --postgresql postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, text
from sqlalchemy.engine import Connection, make_url

from bench import bulk_shapes as shapes
from bench.bulk_copy import copy_sqlite_to_postgresql
from bench.bulk_days import Days
from bench.bulk_payouts import at
from bench.bulk_rows import Rows, advance_id_sequences
from bench.bulk_world import World
from demo.catalogue import seed_demo
from demo.plan import (
    ENTREPRENEURS,
    PRODUCTS_COUNT,
    THA_PHAE_PRODUCTS,
    DemoPlan,
    choose_tha_phae,
    plan_entrepreneurs,
    plan_products,
    scaled,
)
from kernel.db.engine import Database, Sequence
from pos.models import Sale
from web.commands.seed import create_demo_tills, create_demo_users
from web.migrate import upgrade
from web.payments.api import receiving_account
from web.settings import Settings

CACHE = Path(__file__).resolve().parents[1] / "var" / "bench"
CATALOGUE_FACTOR = 10  # ten times the province's products; the same entrepreneurs
FLUSH_SALES = 20_000


@dataclass(frozen=True, slots=True)
class Built:
    url: str
    scale: float
    days: int
    build_seconds: float
    sales: int
    reused: bool
    last_day: date
    copied: bool = False  # PostgreSQL: copied from the SQLite build (bench/bulk_copy.py)


def bulk_plan(scale: float, seed: int) -> DemoPlan:
    """The catalogue: 2,475 entrepreneurs and 73,240 products at scale 1."""
    rng = random.Random(seed)
    entrepreneurs = plan_entrepreneurs(rng, scaled(ENTREPRENEURS, scale, minimum=3))
    count = max(scaled(PRODUCTS_COUNT * CATALOGUE_FACTOR, scale), len(entrepreneurs))
    products = plan_products(rng, entrepreneurs, count)
    choose_tha_phae(rng, products, scaled(THA_PHAE_PRODUCTS * CATALOGUE_FACTOR, scale))
    return DemoPlan(tuple(entrepreneurs), tuple(products))


def build(
    db: Database,
    *,
    scale: float,
    days: int = shapes.DAYS,
    last_day: date,
    seed: int = 2026,
    progress: Callable[[int, int, int], None] = lambda done, of, sales: None,
) -> dict[str, int]:
    """Write the catalogue and ``days`` days of history ending ``last_day`` into the empty,
    migrated database; returns what was written, counted."""
    first_day = last_day - timedelta(days=days - 1)
    opened = at(first_day, 7)
    with db.write() as conn:
        seed_demo(conn, opened, scale=1.0, seed=seed, plan=bulk_plan(scale, seed))
        create_demo_tills(conn, opened)
        create_demo_users(conn, opened)
    rng = random.Random(seed)
    with db.engine.connect() as conn:
        _build_pragmas(conn)
        world = World(conn, rng, receiving_account(Settings(demo=True)))
        rows = Rows(conn)
        history = Days(world, rows, rng)
        conn.commit()
        for index in range(days):
            day = first_day + timedelta(days=index)
            count = shapes.sales_on(day, index, days, rng, scale)
            history.day(day, count, shapes.promptpay_share(index, days))
            if rows.count(Sale) >= FLUSH_SALES or index == days - 1:
                if index == days - 1:
                    history.finish()
                history.stock.before_flush()
                rows.flush()
                conn.commit()
            progress(index + 1, days, history.sales)
        history.stock.write()
        history.ledger.write_totals()
        _write_sequences(conn, history)
        advance_id_sequences(conn)
        conn.commit()
    db.analyze()
    return {
        "sales": history.sales,
        "refunds": history.refunds,
        "payouts": history.runs.paid,
        "postings": history.ledger.postings,
        "entries": history.ledger.entries,
        "products": len(world.products),
    }


def _build_pragmas(conn: Connection) -> None:
    """SQLite: a large page cache (1 GB) for the indexes the rows go into."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA cache_size = -1000000")


def _write_sequences(conn: Connection, history: Days) -> None:
    """Where each till's numbers stand (receipts, credit notes, Z), and the payout runs'."""
    values: dict[str, int] = {}
    for till in history.world.tills:
        values[f"receipt:{till.id}"] = history.receipt_seq[till.id]
        values[f"credit_note:{till.id}"] = history.credit_note_seq[till.id]
        values[f"z:{till.id}"] = history.z_seq[till.id]
    for year, seq in history.runs.run_seq.items():
        values[f"payout_run:{year}"] = seq
    conn.execute(delete(Sequence).where(Sequence.name.in_(list(values))))
    conn.execute(insert(Sequence), [{"name": n, "last_value": v} for n, v in values.items()])


def cached(scale: float, days: int = shapes.DAYS, postgresql: str | None = None) -> Built:
    """The cached bulk database for ``scale`` and ``days`` (built when missing): SQLite under
    var/bench/, or the PostgreSQL database ``postgresql`` names (its marker under var/bench/)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    name = f"bulk-{days}d-scale{scale:g}"
    if postgresql:
        name += f"-pg-{make_url(postgresql).database}"
    marker = CACHE / f"{name}.json"
    path = CACHE / f"{name}.db"
    url = postgresql or f"sqlite:///{path}"
    if marker.exists() and (postgresql or path.exists()):
        made = json.loads(marker.read_text())
        upgrade(url)
        return Built(
            url,
            scale,
            days,
            made["build_seconds"],
            made["sales"],
            True,
            date.fromisoformat(made["last_day"]),
            bool(made.get("copied_from_sqlite")),
        )
    if postgresql:
        _recreate_postgresql(postgresql)
    else:
        for stale in CACHE.glob(f"{name}.db*"):
            stale.unlink()
    started = time.perf_counter()
    upgrade(url)
    built_in_sqlite = CACHE / f"bulk-{days}d-scale{scale:g}.db"
    built_marker = CACHE / f"bulk-{days}d-scale{scale:g}.json"
    if postgresql and built_marker.exists() and built_in_sqlite.exists():
        # The same rows, copied from the SQLite build: minutes, not hours.
        made = json.loads(built_marker.read_text())
        upgrade(f"sqlite:///{built_in_sqlite}")
        copy_sqlite_to_postgresql(str(built_in_sqlite), postgresql)
        last_day = date.fromisoformat(made.pop("last_day"))
        counted = {**made, "copied_from_sqlite": True}
    else:
        last_day = datetime.now(UTC).date() - timedelta(days=1)
        counted = _build_into(url, scale, days, last_day)
    seconds = time.perf_counter() - started
    print(file=sys.stderr)
    counted["build_seconds"] = round(seconds, 1)
    marker.write_text(json.dumps({**counted, "last_day": last_day.isoformat()}))
    copied = bool(counted.get("copied_from_sqlite"))
    return Built(url, scale, days, seconds, counted["sales"], False, last_day, copied)


def _build_into(url: str, scale: float, days: int, last_day: date) -> dict[str, Any]:
    db = Database(url)
    try:
        counted: dict[str, Any] = dict(
            build(db, scale=scale, days=days, last_day=last_day, progress=progress_bar())
        )
        if db.dialect == "sqlite":
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.dispose()
    return counted


def _recreate_postgresql(url: str) -> None:
    """A fresh PostgreSQL database of the URL's name (dropped first if it exists)."""
    from sqlalchemy import create_engine

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def progress_bar() -> Callable[[int, int, int], None]:
    """A progress bar on stderr: days done, sales so far, seconds since it was made."""
    started = time.perf_counter()
    width = 40

    def bar(done: int, of: int, sales: int) -> None:
        filled = width * done // of
        if done != of and filled == width * (done - 1) // of:
            return  # a redraw only when the bar grows
        seconds = time.perf_counter() - started
        print(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{of:,} days, "
            f"{sales:,} sales, {seconds:.0f} s",
            end="",
            file=sys.stderr,
            flush=True,
        )

    return bar


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bulk_history", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1: the 10x data set")
    parser.add_argument("--days", type=int, default=shapes.DAYS)
    parser.add_argument("--postgresql", help="a PostgreSQL URL to build into instead")
    args = parser.parse_args(argv)
    built = cached(args.scale, args.days, args.postgresql)
    how = "reused" if built.reused else "built"
    print(f"{how}: {built.url} ({built.sales:,} sales, {built.build_seconds:.0f} s to build)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
