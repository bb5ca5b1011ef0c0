"""Queries a person waits for start from the rows they are about (a shift's sales, a period's
sales), not from an index that grows with the whole history. SQLite plans without statistics,
so its plan on a small database is the plan it keeps at ten years (bench/scale.py prints them
at scale)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, update

from bench.bulk_history import build
from bench.plans import explain, full_scans
from integrity.books import stock_matches_movements
from integrity.consignment import lots_match_movements
from kernel.access import Actor, Role
from kernel.db.engine import Database
from pos.models import Sale, Shift, Till
from pos.reports.periods import Period
from pos.reports.queries import payments_by_day
from pos.tills.catalogue import till_catalogue
from pos.tills.shifts import shift_report

MANAGER = Actor(None, "test", Role.ADMIN)
LAST_DAY = date(2026, 11, 20)


def test_a_z_report_and_the_reports_payments_start_from_the_sales(sqlite_db: Database) -> None:
    build(sqlite_db, scale=0.01, days=3, last_day=LAST_DAY)
    with sqlite_db.write() as conn:
        shift_id = conn.execute(select(func.max(Sale.shift_id))).scalar_one()
        conn.execute(update(Shift).values(z_report=None))  # computed, as at the close
    plans = explain(sqlite_db, lambda conn: shift_report(conn, MANAGER, shift_id))
    plans += explain(sqlite_db, lambda conn: payments_by_day(conn, Period(LAST_DAY, LAST_DAY)))
    with_payments = [plan for plan in plans if "SEARCH payments" in plan]
    assert len(with_payments) == 3
    for plan in with_payments:
        assert "ix_payments_status_expires_at" not in plan, plan
        assert "SEARCH payments USING INTEGER PRIMARY KEY" in plan, plan
    assert full_scans(plans) == []


def test_the_checks_stock_sums_read_the_movements_index_alone(sqlite_db: Database) -> None:
    """``otop-pos check`` sums every product's movements twice (levels, lots): from the index
    that carries the quantity, not by visiting each movement's row."""
    plans = explain(sqlite_db, lambda conn: list(stock_matches_movements(conn)))
    plans += explain(sqlite_db, lambda conn: list(lots_match_movements(conn)))
    covering = "USING COVERING INDEX ix_stock_movements_product_location_quantity"
    assert all(covering in plan for plan in plans), plans


def test_a_tills_catalogue_refresh_reads_only_the_movements_since(sqlite_db: Database) -> None:
    """Every till asks every half-minute what moved since its version: by the movement id and
    the time index, never a walk through every movement of the history (7 s at ten years)."""
    build(sqlite_db, scale=0.01, days=3, last_day=LAST_DAY)
    with sqlite_db.read() as conn:
        till_id = conn.execute(select(func.min(Till.id))).scalar_one()
        now = datetime.now(UTC)
        version = till_catalogue(conn, MANAGER, till_id, now).version
    later = now + timedelta(seconds=30)
    plans = explain(sqlite_db, lambda conn: till_catalogue(conn, MANAGER, till_id, later, version))
    moved = [plan for plan in plans if "stock_movements.id >" in plan]
    assert len(moved) == 1, plans
    assert "SEARCH stock_movements USING INTEGER PRIMARY KEY (rowid>?)" in moved[0], moved
    assert "SEARCH stock_movements USING INDEX ix_stock_movements_created_at" in moved[0], moved
    assert all("SCAN stock_movements" not in plan for plan in plans), plans
