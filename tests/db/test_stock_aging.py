"""Aging by intake at scale, on SQLite and PostgreSQL: a year of daily intakes, weekly sales
and monthly transfers for 240 products of 40 entrepreneurs at two locations, written through the
stock services, then "how much has been here N days or more, per entrepreneur and location"
must equal a unit-by-unit replay of the year in Python (each unit carries its intake day;
sales and transfers take the oldest units first). Prints how long the year and the queries
took (no timed assertion: the machine is shared)."""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from integrity.consignment import lots_match_movements
from inventory.models import StockLot
from inventory.stock.aging import units_aged
from inventory.stock.document_rules import LineIn
from inventory.stock.documents import transfer_stock
from inventory.stock.lot_rules import LotPiece
from inventory.stock.rules import MovementKind
from inventory.stock.service import StockTake, apply_movements, check_takes, record_takes
from kernel.access import Actor, Role
from kernel.clock import business_date
from kernel.db.engine import Database
from tests import factories as f

DAYS = 365
MAKERS = 40
PRODUCTS_EACH = 6
START = datetime(2025, 11, 21, 2, 0, tzinfo=UTC)  # 09:00 in Bangkok
STAFF = Actor(None, "staff", Role.MANAGER)
AGES = (0, 1, 30, 60, 90, 180, 364, 400)


@dataclass
class Replay:
    """Every unit on hand by its intake day, oldest first, per (product, location)."""

    units: dict[tuple[int, int], list[date]] = field(default_factory=dict)

    def on_hand(self, product: int, place: int) -> int:
        return len(self.units.get((product, place), []))

    def receive(self, product: int, place: int, day: date, count: int) -> None:
        here = self.units.setdefault((product, place), [])
        here.extend([day] * count)
        here.sort()

    def take(self, product: int, place: int, count: int) -> list[date]:
        here = self.units[(product, place)]
        taken, here[:] = here[:count], here[count:]
        return taken

    def aged(self, maker_of: dict[int, int], today: date, days: int) -> dict[tuple[int, int], int]:
        found: Counter[tuple[int, int]] = Counter()
        for (product, place), days_in in self.units.items():
            old = sum(1 for day in days_in if (today - day).days >= days)
            if old:
                found[(maker_of[product], place)] += old
        return dict(found)


def _world(db: Database) -> tuple[tuple[int, int], dict[int, int]]:
    with db.write() as conn:
        district = f.district(conn)
        places = (f.location(conn), f.location(conn, code="TPR", is_default=False))
        category = f.category(conn)
        maker_of = {}
        for _ in range(MAKERS):
            maker = f.entrepreneur(conn, district)
            for _ in range(PRODUCTS_EACH):
                maker_of[f.product(conn, maker, category)] = maker
    return places, maker_of


@dataclass
class Year:
    """The year being written: the database, the dice, and the replay it must match."""

    db: Database
    rng: random.Random
    replay: Replay
    places: tuple[int, int]
    products: list[int]

    def day(self, at: datetime, *, sales: bool) -> None:
        """A day's intakes (each product and place: about one a week); then, on ``sales``
        days, what sold since the last (one movement a product and place, to write fast)."""
        with self.db.write() as conn:
            for place in self.places:
                arriving = {p: self.rng.randint(1, 8) for p in self.products if self._weekly()}
                if arriving:
                    apply_movements(
                        conn,
                        STAFF,
                        at,
                        location_id=place,
                        deltas=arriving,
                        kind=MovementKind.INTAKE,
                        reason="intake",
                        document=None,
                        incoming={p: [LotPiece(None, at, q)] for p, q in arriving.items()},
                    )
                    for p, q in arriving.items():
                        self.replay.receive(p, place, business_date(at), q)
            if not sales:
                return
            takes = [take for take in map(self._sales, self.places) if take.quantities]
            assert check_takes(conn, takes) == [None] * len(takes)
            sold_at = at + timedelta(hours=4)
            record_takes(
                conn,
                [(take, STAFF, sold_at, None) for take in takes],
                kind=MovementKind.SALE,
                reason="sale",
            )

    def _weekly(self) -> bool:
        return self.rng.random() < 1 / 7

    def _sales(self, place: int) -> StockTake:
        wanted = {}
        for p in self.products:
            units = min(self.rng.randint(0, 7), self.replay.on_hand(p, place))
            if units:
                wanted[p] = units
                self.replay.take(p, place, units)
        return StockTake(place, wanted)

    def transfer(self, at: datetime) -> None:
        """Goods for the fair: a few products' stock half moved from home (they keep their
        days)."""
        home, fair = self.places
        lines = {}
        for p in self.rng.sample(self.products, 12):
            units = self.replay.on_hand(p, home) // 2
            if units:
                lines[p] = units
        if not lines:
            return
        with self.db.write() as conn:
            transfer_stock(
                conn,
                STAFF,
                at,
                from_location_id=home,
                to_location_id=fair,
                lines=[LineIn(q, p) for p, q in lines.items()],
            )
        for p, q in lines.items():
            for day in self.replay.take(p, home, q):
                self.replay.receive(p, fair, day, 1)


def test_a_year_of_intakes_ages_exactly_per_entrepreneur_and_location(db: Database) -> None:
    places, maker_of = _world(db)
    products = sorted(maker_of)
    replay = Replay()
    year = Year(db, random.Random(21), replay, places, products)
    began = time.perf_counter()
    for n in range(DAYS):
        at = START + timedelta(days=n)
        year.day(at, sales=n % 7 == 6)
        if n % 30 == 29:
            year.transfer(at + timedelta(hours=6))
    built = time.perf_counter() - began
    today = business_date(START + timedelta(days=DAYS - 1))
    with db.read() as conn:
        lots, units = conn.execute(
            select(func.count(), func.sum(StockLot.remaining)).select_from(StockLot)
        ).one()
        assert list(lots_match_movements(conn)) == []
        timings = []
        for days in AGES:
            began = time.perf_counter()
            answer = units_aged(conn, today, days)
            timings.append((days, time.perf_counter() - began))
            assert answer == replay.aged(maker_of, today, days), days
        fair_only = units_aged(conn, today, 90, location_id=places[1])
    assert fair_only == {
        k: v for k, v in replay.aged(maker_of, today, 90).items() if k[1] == places[1]
    }
    assert units == sum(len(u) for u in replay.units.values()) > 0
    assert replay.aged(maker_of, today, 90)  # the year left goods older than 90 days
    print(
        f"\n[{db.dialect}] a year ({DAYS} days, {len(products)} products, 2 locations): "
        f"{lots:,} lots, {units:,} units on hand, built in {built:.1f} s; aging queries: "
        + ", ".join(f"{d} days {t * 1000:.1f} ms" for d, t in timings)
    )
