"""The migration to stock by intake (a7d3e9c15b48) carries today's stock over into lots, on
SQLite and PostgreSQL: on-hand is split over the intakes at its location newest first (the
oldest goods were sold first), and what no intake explains (found goods, goods transferred
in) becomes one lot received at the migration; no lots where nothing is on hand."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

from integrity.check import find_violations
from kernel.clock import business_date
from kernel.db.engine import Database
from tests.servers import IN_CI, PG_ADMIN_URL, postgres_reason
from web.migrate import alembic_config, upgrade

BEFORE = "e5c7a1d94b20"
LOTS = "a7d3e9c15b48"
DAY = datetime(2026, 9, 1, 3, 0, tzinfo=UTC)
LATE = datetime(2026, 9, 20, 20, 0, tzinfo=UTC)  # 03:00 on 21 September in Bangkok


@pytest.fixture
def empty_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database of its own, with nothing in it yet (not even the schema)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    reason = postgres_reason()
    if reason:
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    name = f"otop_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class OldShop:
    """Rows written as the schema before the lots has them (reflected, not the models)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.tables = sa.MetaData()
        self.tables.reflect(conn)
        self.sqlite = conn.dialect.name == "sqlite"
        self.serial = 0

    def at(self, moment: datetime) -> datetime:
        return moment.replace(tzinfo=None) if self.sqlite else moment  # SQLite: naive UTC

    def add(self, table: str, **values: Any) -> int:
        row = self.conn.execute(self.tables.tables[table].insert().values(**values))
        return int(row.inserted_primary_key[0]) if row.inserted_primary_key else 0

    def product(self, maker: int, category: int) -> int:
        self.serial += 1
        now = self.at(DAY)
        return self.add(
            "products",
            sku=f"P{self.serial}",
            barcode=f"20000000000{self.serial}",
            name_th="ผ้า",
            name_en="Cloth",
            category_id=category,
            entrepreneur_id=maker,
            price_satang=10000,
            vat_applicable=True,
            active=True,
            search_text="cloth",
            version=1,
            created_at=now,
            updated_at=now,
        )

    def intake(self, maker: int, place: int, moment: datetime, lines: dict[int, int]) -> int:
        self.serial += 1
        intake = self.add(
            "intakes",
            number=f"GRN-2026-{self.serial:06d}",
            entrepreneur_id=maker,
            location_id=place,
            note="",
            received_at=self.at(moment),
        )
        for product, units in lines.items():
            self.add("intake_lines", intake_id=intake, product_id=product, quantity=units)
            self.move(product, place, units, "intake", moment)
        return intake

    def move(self, product: int, place: int, units: int, kind: str, moment: datetime) -> None:
        self.add(
            "stock_movements",
            product_id=product,
            location_id=place,
            quantity=units,
            kind=kind,
            reason=kind,
            created_at=self.at(moment),
        )
        updated = self.conn.execute(
            text(
                "UPDATE stock_levels SET on_hand = on_hand + :units"
                " WHERE product_id = :product AND location_id = :place"
            ),
            {"units": units, "product": product, "place": place},
        )
        if updated.rowcount == 0:
            self.add(
                "stock_levels", product_id=product, location_id=place, on_hand=units, version=1
            )


def _world(shop: OldShop) -> dict[str, int]:
    district = shop.add("districts", code="SKP", name_th="สันกำแพง", name_en="San Kamphaeng")
    home = shop.add(
        "locations", code="SKP", name_th="ศูนย์", name_en="Centre", is_default=True, active=True
    )
    fair = shop.add(
        "locations", code="TPR", name_th="ท่าแพ", name_en="Tha Phae", is_default=False, active=True
    )
    category = shop.add("categories", code="textile", name_th="ผ้า", name_en="Textiles")
    at = shop.at(DAY)
    maker = shop.add(
        "entrepreneurs",
        code="E00001",
        name_th="กลุ่มทอผ้า",
        name_en="Weavers",
        district_id=district,
        tambon="",
        phone="",
        commission_bp=2000,
        star_rating=4,
        active=True,
        created_at=at,
        updated_at=at,
    )
    return {"home": home, "fair": fair, "maker": maker, "category": category}


def test_the_migration_splits_stock_on_hand_into_lots_by_intake_newest_first(
    empty_url: str,
) -> None:
    upgrade(empty_url, BEFORE)
    db = Database(empty_url)
    with db.engine.begin() as conn:
        shop = OldShop(conn)
        w = _world(shop)
        home, fair, maker = w["home"], w["fair"], w["maker"]
        sold, found, moved, gone, short = (shop.product(maker, w["category"]) for _ in range(5))
        first = shop.intake(maker, home, DAY, {sold: 5, found: 2, moved: 6, gone: 1, short: 1})
        second = shop.intake(maker, home, DAY + timedelta(days=10), {sold: 4})
        third = shop.intake(maker, home, LATE, {sold: 3})
        shop.move(sold, home, -6, "sale", LATE + timedelta(days=1))  # 12 in, 6 sold: 6 left
        shop.move(found, home, 3, "adjustment", LATE)  # 2 in, 3 found: 5, one lot not explained
        shop.move(moved, home, -4, "transfer", LATE)  # 4 of the 6 went to the fair
        shop.move(moved, fair, 4, "transfer", LATE)
        shop.move(gone, home, -1, "sale", LATE)  # nothing left: no lot
        shop.move(short, home, -3, "sale", LATE)  # a sale rung offline: -2, no lot
    db.dispose()
    began = datetime.now(UTC)
    upgrade(empty_url, LOTS)
    ended = datetime.now(UTC)
    db = Database(empty_url)
    with db.read() as conn:
        rows = conn.execute(
            text(
                "SELECT product_id, location_id, intake_id, terms_id, received_at, received_on,"
                " quantity, remaining FROM stock_lots ORDER BY product_id, location_id, id"
            )
        ).all()
        lots = {
            (product, place, intake): (terms, _day(on), quantity, remaining)
            for product, place, intake, terms, _, on, quantity, remaining in rows
        }
        unexplained = {_aware(at) for _, _, intake, _, at, _, _, _ in rows if intake is None}
    db.dispose()
    upgrade(empty_url)  # the check reads every table of the head, return notes and all
    db = Database(empty_url)
    with db.read() as conn:
        found_wrong = find_violations(conn)
    today = {business_date(began), business_date(ended)}
    # The newest intake first: 3 of the third (its Bangkok day is the 21st), 3 of the second.
    assert lots[(sold, home, third)] == (None, date(2026, 9, 21), 3, 3)
    assert lots[(sold, home, second)] == (None, date(2026, 9, 11), 4, 3)
    assert (sold, home, first) not in lots
    assert lots[(found, home, first)] == (None, date(2026, 9, 1), 2, 2)
    assert lots[(found, home, None)][2:] == (3, 3) and lots[(found, home, None)][1] in today
    assert lots[(moved, home, first)] == (None, date(2026, 9, 1), 6, 2)
    assert lots[(moved, fair, None)][2:] == (4, 4)  # no intake at the fair explains them
    assert not any(key[0] in (gone, short) for key in lots)
    assert len(lots) == len(rows) == 6
    assert all(began - timedelta(seconds=1) <= at <= ended for at in unexplained)
    assert [v for v in found_wrong if v.rule != "stock-not-negative"] == []
    db.dispose()


def test_the_migration_to_lots_goes_back_down_and_up_again(empty_url: str) -> None:
    from alembic import command

    upgrade(empty_url, LOTS)
    command.downgrade(alembic_config(empty_url), BEFORE)
    upgrade(empty_url, LOTS)
    db = Database(empty_url)
    with db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM stock_lots")).scalar_one() == 0
    db.dispose()


def _day(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
