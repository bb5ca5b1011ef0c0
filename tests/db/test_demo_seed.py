"""Seeding the demo catalogue: counts, stock that adds up, all or nothing, only once."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

import demo.catalogue
from demo.catalogue import catalogue_is_empty, seed_demo
from demo.plan import demo_plan
from inventory.catalogue.barcodes import is_in_store
from inventory.catalogue.products import next_in_store_codes
from inventory.catalogue.search import normalize
from inventory.models import (
    Category,
    District,
    Entrepreneur,
    Location,
    Product,
    StockLevel,
    StockMovement,
)
from kernel.audit import AuditEntry
from kernel.db.engine import Database, current_sequence
from kernel.errors import ConflictError, InvalidInputError
from web.accounts.users import User
from web.commands.seed import DEMO_LOGINS, seed_demo_database

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
SMALL = 0.02  # 50 entrepreneurs, 146 products


def count(conn: Connection, model: object) -> int:
    return int(conn.execute(select(func.count()).select_from(model)).scalar_one())  # type: ignore[arg-type]


def test_small_seed_has_proportional_counts(db: Database) -> None:
    with db.write() as conn:
        summary = seed_demo(conn, NOW, scale=SMALL)
    with db.read() as conn:
        assert count(conn, District) == summary.districts == 25
        assert count(conn, Location) == summary.locations == 2
        assert count(conn, Category) == summary.categories == 8
        assert count(conn, Entrepreneur) == summary.entrepreneurs == 50
        assert count(conn, Product) == summary.products == 146
        default = conn.execute(select(Location.code).where(Location.is_default.is_(True))).all()
        assert [row.code for row in default] == ["SKP"]


def test_products_match_the_plan_row_for_row(db: Database) -> None:
    plan = demo_plan(scale=SMALL)
    with db.write() as conn:
        seed_demo(conn, NOW, scale=SMALL)
    with db.read() as conn:
        stored = conn.execute(
            select(Product.sku, Product.name_th, Product.name_en, Product.price_satang).order_by(
                Product.sku
            )
        ).all()
    assert [tuple(row) for row in stored] == [
        (p.sku, p.name_th, p.name_en, p.price_satang) for p in plan.products
    ]


def test_stock_levels_equal_the_sum_of_their_movements(db: Database) -> None:
    with db.write() as conn:
        summary = seed_demo(conn, NOW, scale=SMALL)
    with db.read() as conn:
        sums = dict(
            ((row.product_id, row.location_id), row.total)
            for row in conn.execute(
                select(
                    StockMovement.product_id,
                    StockMovement.location_id,
                    func.sum(StockMovement.quantity).label("total"),
                ).group_by(StockMovement.product_id, StockMovement.location_id)
            )
        )
        levels = conn.execute(select(StockLevel)).all()
        kinds = conn.execute(select(StockMovement.kind, StockMovement.reason).distinct()).all()
        unstocked = conn.execute(
            select(func.count())
            .select_from(Product)
            .outerjoin(StockLevel, StockLevel.product_id == Product.id)
            .where(StockLevel.product_id.is_(None))
        ).scalar_one()
    assert len(levels) == summary.stock_levels
    assert {(lv.product_id, lv.location_id): lv.on_hand for lv in levels if lv.on_hand} == sums
    assert all(lv.on_hand >= 0 for lv in levels)
    assert any(lv.on_hand <= 3 for lv in levels), "the low-stock list should not be empty"
    assert [tuple(k) for k in kinds] == [("intake", "opening stock")]
    assert unstocked == 0
    assert summary.tha_phae_products >= 1


def test_every_product_is_searchable_and_barcoded(db: Database) -> None:
    with db.write() as conn:
        summary = seed_demo(conn, NOW, scale=SMALL)
    with db.read() as conn:
        rows = conn.execute(
            select(
                Product.sku,
                Product.barcode,
                Product.name_th,
                Product.name_en,
                Product.search_text,
                Entrepreneur.code,
            ).join(Entrepreneur, Entrepreneur.id == Product.entrepreneur_id)
        ).all()
        sequence = current_sequence(conn, "in_store_code")
    for sku, barcode, name_th, name_en, text, entrepreneur_code in rows:
        for part in (name_th, name_en, sku, barcode, entrepreneur_code):
            assert normalize(part) in text
    in_store = [row.barcode for row in rows if is_in_store(row.barcode)]
    assert len(in_store) == summary.in_store_products == sequence
    assert len({row.barcode for row in rows}) == len(rows)


def test_in_store_codes_made_later_do_not_clash_with_the_demo(db: Database) -> None:
    with db.write() as conn:
        seed_demo(conn, NOW, scale=SMALL)
        fresh = next_in_store_codes(conn, 5)
        taken = set(conn.execute(select(Product.barcode)).scalars())
    assert not taken & set(fresh)


def test_seeding_twice_is_refused_and_changes_nothing(db: Database) -> None:
    with db.write() as conn:
        seed_demo(conn, NOW, scale=SMALL)
    with pytest.raises(ConflictError, match="already has catalogue data"), db.write() as conn:
        seed_demo(conn, NOW, scale=SMALL)
    with db.read() as conn:
        assert count(conn, Product) == 146
        assert count(conn, District) == 25


def test_a_failure_half_way_leaves_the_database_empty(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo.catalogue, "_insert_opening_stock", broken)
    with pytest.raises(RuntimeError), db.write() as conn:
        seed_demo(conn, NOW, scale=SMALL)
    with db.read() as conn:
        assert catalogue_is_empty(conn)
        assert count(conn, AuditEntry) == 0
        assert current_sequence(conn, "in_store_code") == 0


@pytest.mark.parametrize("scale", [0, -1, 10.5])
def test_a_scale_out_of_range_is_refused_naming_the_field(db: Database, scale: float) -> None:
    with pytest.raises(InvalidInputError) as caught, db.write() as conn:
        seed_demo(conn, NOW, scale=scale)
    assert caught.value.field == "scale"


def test_demo_users_are_created_once_and_if_empty_leaves_data_alone(db: Database) -> None:
    first = seed_demo_database(db, NOW, scale=SMALL)
    again = seed_demo_database(db, NOW, scale=SMALL, if_empty=True)
    assert first.summary is not None and again.summary is None
    assert first.logins == again.logins == list(DEMO_LOGINS)
    with db.read() as conn:
        users = conn.execute(select(User.username, User.role, User.entrepreneur_id)).all()
        first_three = dict(
            conn.execute(
                select(Entrepreneur.id, Entrepreneur.code).order_by(Entrepreneur.code).limit(3)
            ).all()
        )
        assert count(conn, Product) == 146
    assert len(users) == len(DEMO_LOGINS)
    entrepreneur_users = {u.entrepreneur_id for u in users if u.role == "entrepreneur"}
    assert entrepreneur_users == set(first_three)
    with pytest.raises(ConflictError):
        seed_demo_database(db, NOW, scale=SMALL)


def test_full_scale_seed_on_sqlite_has_the_provinces_counts_within_30_seconds(
    sqlite_db: Database,
) -> None:
    started = time.perf_counter()
    with sqlite_db.write() as conn:
        summary = seed_demo(conn, NOW)
    seconds = time.perf_counter() - started
    with sqlite_db.read() as conn:
        counts = (count(conn, District), count(conn, Entrepreneur), count(conn, Product))
    assert counts == (25, 2475, 7324)
    assert summary.tha_phae_products == 52
    assert seconds < 30


def test_the_seeded_catalogue_has_planner_statistics(db: Database) -> None:
    """PostgreSQL: the seed ends with ANALYZE, so that the till's first statements (and the
    foreign-key checks of its inserts) are not planned as if the tables were empty."""
    seed_demo_database(db, NOW, scale=SMALL)
    with db.read() as conn:
        if db.dialect == "postgresql":
            estimated = conn.exec_driver_sql(
                "SELECT relname, reltuples FROM pg_class"
                " WHERE relname IN ('products', 'entrepreneurs')"
            ).all()
            assert dict(estimated) == {"products": 146, "entrepreneurs": 50}
        else:  # SQLite plans by its indexes; no statistics tables are made
            tables = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'"
            )
            assert tables.all() == []
