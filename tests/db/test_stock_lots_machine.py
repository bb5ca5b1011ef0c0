"""A hypothesis state machine over stock by intake: the lots follow every movement.

Random sequences of intakes, terms changes, sales (checked and forced, as a till rung offline),
refunds, transfers between two locations, counts, adjustments and returns to the entrepreneur
go through the real stock services (``receive_intake``, ``check_takes`` / ``record_takes`` as
checkout calls them, ``apply_movements`` as refunds call it, ``transfer_stock``,
``post_count``, ``adjust_stock``, ``return_to_entrepreneur``), with the clock moving on by
minutes to days between steps.

The model keeps, per product and location, the on-hand and the goods by origin (received at,
terms, intake): goods leave the oldest origin first, a transfer's goods keep their origin at
the other location, goods coming back go into the newest origin with room, and anything
arriving while the stock is below zero first fills the hole. After every step the lots in the
database, summed by origin, equal the model's, and ``otop-pos check`` finds nothing wrong with
them (``stock-lots``, ``lot-terms``, ``stock-movements``; ``stock-not-negative`` is expected
after a forced sale here, since no sale exception is written).

Runs on SQLite and PostgreSQL (``OTOP_STATEFUL=long``: 100 examples x 60 steps).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import count
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from integrity.check import RULES, find_violations
from inventory.models import StockLevel, StockLot
from inventory.stock.document_rules import LineIn
from inventory.stock.documents import (
    adjust_stock,
    post_count,
    return_to_entrepreneur,
    transfer_stock,
)
from inventory.stock.intakes import receive_intake
from inventory.stock.rules import InsufficientStockError, MovementKind
from inventory.stock.service import StockTake, apply_movements, check_takes, record_takes
from inventory.terms.rules import CommissionKind, ConsignmentTerms, EndAction
from inventory.terms.service import add_version, goods_terms
from kernel.access import Actor, Role
from kernel.db.engine import Database
from tests import factories as f
from tests.db.fresh import fresh_databases

LONG = os.environ.get("OTOP_STATEFUL", "").lower() == "long"
START = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
MANAGER = Actor(user_id=None, username="manager", role=Role.MANAGER)
CASHIER = Actor(user_id=None, username="till", role=Role.CASHIER)
# The rules about the lots; stock-not-negative fires after a forced sale (no sale exception
# is written here) and is not about them.
LOT_RULES = {"stock-lots", "lot-terms", "stock-movements"}


@dataclass(frozen=True, slots=True)
class World:
    locations: tuple[int, int]
    makers: tuple[int, int]
    products: tuple[int, int, int]
    maker_of: dict[int, int]


def seed(db: Database) -> World:
    with db.write() as conn:
        district = f.district(conn)
        home = f.location(conn)
        fair = f.location(conn, code="TPR", is_default=False)
        category = f.category(conn)
        makers = (f.entrepreneur(conn, district), f.entrepreneur(conn, district))
        owners = (makers[0], makers[0], makers[1])
        products = tuple(f.product(conn, owner, category) for owner in owners)
    return World(
        (home, fair),
        makers,
        products,  # type: ignore[arg-type]
        dict(zip(products, owners, strict=True)),
    )


Fresh = Callable[[], tuple[Database, World, Callable[[], None]]]


@pytest.fixture
def fresh_world(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Fresh]:
    """A maker of fresh seeded databases, one per example: cheap on both backends."""
    with fresh_databases(backend, request, tmp_path, seed) as fresh:
        yield fresh


# --- the model ----------------------------------------------------------------------------

Origin = tuple[datetime, int | None, int | None]  # received at, terms id, intake id


@dataclass(slots=True)
class Goods:
    """Goods of one origin at one location: how many came, how many are left."""

    origin: Origin
    quantity: int
    remaining: int


@dataclass(slots=True)
class Place:
    on_hand: int = 0
    goods: list[Goods] | None = None

    def oldest_first(self) -> list[Goods]:
        return sorted(self.goods or [], key=lambda g: g.origin[0])

    def take(self, units: int) -> list[tuple[Origin, int]]:
        """Goods leaving, oldest first; what no lot holds is taken from none."""
        self.on_hand -= units
        taken = []
        for goods in self.oldest_first():
            part = min(units, goods.remaining)
            if part > 0:
                goods.remaining -= part
                units -= part
                taken.append((goods.origin, part))
        return taken

    def arrive(self, units: int, pieces: list[tuple[Origin, int]] | None, fresh: Origin) -> None:
        """Goods arriving: first into the hole below zero; then as ``pieces`` (newest kept),
        else back into the newest goods with room, the rest new goods of ``fresh``."""
        hole = min(units, max(0, -self.on_hand))
        self.on_hand += units
        left = units - hole
        if pieces is not None:
            for origin, part in reversed(pieces):  # pieces come oldest first: keep the newest
                kept = min(part, left)
                if kept:
                    self._add(origin, kept)
                left -= kept
            return
        for goods in reversed(self.oldest_first()):
            part = min(left, goods.quantity - goods.remaining)
            goods.remaining += part
            left -= part
        if left:
            self._add(fresh, left)

    def _add(self, origin: Origin, units: int) -> None:
        self.goods = self.goods or []
        for goods in self.goods:
            if goods.origin == origin:
                goods.quantity += units
                goods.remaining += units
                return
        self.goods.append(Goods(origin, units, units))

    def by_origin(self) -> dict[Origin, tuple[int, int]]:
        return {g.origin: (g.quantity, g.remaining) for g in self.goods or []}


# --- the machine --------------------------------------------------------------------------

PRODUCT = st.integers(0, 2)
LOCATION = st.integers(0, 1)
UNITS = st.integers(1, 6)


class LotMachine(RuleBasedStateMachine):
    fresh: Fresh

    @initialize()
    def start(self) -> None:
        self.db, self.world, self.release = self.fresh()
        self.now = START
        self.places: dict[tuple[int, int], Place] = {}
        self.terms: dict[int, int | None] = dict.fromkeys(self.world.makers)
        self.serial = count(1)

    def teardown(self) -> None:
        if not hasattr(self, "release"):
            return
        try:  # the whole of otop-pos check, once per example (each step runs the lot rules)
            with self.db.read() as conn:
                found = [v for v in find_violations(conn) if v.rule != "stock-not-negative"]
            assert found == []
        finally:
            self.release()

    def _on_hand(self, key: tuple[int, int]) -> int:
        place = self.places.get(key)
        return 0 if place is None else place.on_hand

    # --- helpers

    def _tick(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now

    def _place(self, p: int, loc: int) -> Place:
        key = (self.world.products[p], self.world.locations[loc])
        return self.places.setdefault(key, Place())

    def _fresh_origin(self, p: int) -> Origin:
        return (self.now, self.terms[self.world.maker_of[self.world.products[p]]], None)

    # --- steps

    @rule(minutes=st.integers(1, 4 * 24 * 60))
    def time_passes(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @rule(maker=st.integers(0, 1), bp=st.integers(0, 5000))
    def terms_change(self, maker: int, bp: int) -> None:
        terms = ConsignmentTerms(CommissionKind.FLAT, bp, 60, EndAction.RETURN)
        with self.db.write() as conn:
            made = add_version(
                conn, MANAGER, self._tick(), entrepreneur_id=self.world.makers[maker], terms=terms
            )
        self.terms[self.world.makers[maker]] = made

    @rule(p=PRODUCT, loc=LOCATION, units=UNITS, also=st.booleans())
    def intake(self, p: int, loc: int, units: int, also: bool) -> None:
        """An intake of one product, or of both products of the first maker."""
        products = [p] if not also or p == 2 else [0, 1]
        maker = self.world.maker_of[self.world.products[p]]
        now = self._tick()
        with self.db.write() as conn:
            view = receive_intake(
                conn,
                MANAGER,
                now,
                entrepreneur_id=maker,
                location_id=self.world.locations[loc],
                lines=[LineIn(units, self.world.products[q]) for q in products],
            )
        for q in products:
            origin = (now, self.terms[maker], view.id)
            self._place(q, loc).arrive(units, [(origin, units)], origin)

    @rule(p=PRODUCT, loc=LOCATION, units=UNITS, forced=st.booleans())
    def sale(self, p: int, loc: int, units: int, forced: bool) -> None:
        """A sale as checkout makes it; ``forced``: rung offline, so never refused."""
        product = self.world.products[p]
        take = StockTake(self.world.locations[loc], {product: units}, forced)
        place = self._place(p, loc)
        now = self._tick()
        with self.db.write() as conn:
            # The sale line's terms (checkout asks before it takes): the oldest goods' here.
            maker = self.world.maker_of[product]
            sold_under = goods_terms(conn, [product], [maker], now)
            with_goods = [g for g in place.oldest_first() if g.remaining > 0]
            expected = with_goods[0].origin[1] if with_goods else self.terms[maker]
            assert sold_under.of(take.location_id, product, maker).id == expected
            [outcome] = check_takes(conn, [take])
            short = place.on_hand < units
            assert (outcome is not None) == short
            if outcome is None or forced:
                record_takes(
                    conn, [(take, CASHIER, now, "R-1")], kind=MovementKind.SALE, reason="sale"
                )
                place.take(units)

    @rule(p=PRODUCT, loc=LOCATION, units=UNITS)
    def refund(self, p: int, loc: int, units: int) -> None:
        """Goods a customer brought back, put back on the shelf as refunds do."""
        now = self._tick()
        with self.db.write() as conn:
            apply_movements(
                conn,
                CASHIER,
                now,
                location_id=self.world.locations[loc],
                deltas={self.world.products[p]: units},
                kind=MovementKind.REFUND,
                reason="refund",
                document="CN-1",
            )
        self._place(p, loc).arrive(units, None, self._fresh_origin(p))

    def _refused_when_short(self, short: bool, work: Callable[[Connection], object]) -> bool:
        """Write ``work``; when ``short`` it must be refused as short, with nothing written."""
        if short:
            with pytest.raises(InsufficientStockError), self.db.write() as conn:
                work(conn)
            return False
        with self.db.write() as conn:
            work(conn)
        return True

    @rule(p=PRODUCT, source=LOCATION, units=UNITS)
    def transfer(self, p: int, source: int, units: int) -> None:
        place, there = self._place(p, source), self._place(p, 1 - source)
        work = partial(
            transfer_stock,
            actor=MANAGER,
            now=self._tick(),
            from_location_id=self.world.locations[source],
            to_location_id=self.world.locations[1 - source],
            lines=[LineIn(units, self.world.products[p])],
        )
        if self._refused_when_short(place.on_hand < units, work):
            there.arrive(units, place.take(units), self._fresh_origin(p))

    @rule(p=PRODUCT, loc=LOCATION, counted=st.integers(0, 8))
    def stock_count(self, p: int, loc: int, counted: int) -> None:
        now = self._tick()
        with self.db.write() as conn:
            post_count(
                conn,
                MANAGER,
                now,
                location_id=self.world.locations[loc],
                lines=[LineIn(counted, self.world.products[p])],
            )
        self._moved(p, loc, counted - self._place(p, loc).on_hand)

    def _moved(self, p: int, loc: int, delta: int) -> None:
        """The model of a movement with no pieces of its own (a count, an adjustment)."""
        if delta < 0:
            self._place(p, loc).take(-delta)
        elif delta > 0:
            self._place(p, loc).arrive(delta, None, self._fresh_origin(p))

    @rule(p=PRODUCT, loc=LOCATION, delta=st.integers(-4, 4).filter(bool))
    def adjustment(self, p: int, loc: int, delta: int) -> None:
        work = partial(
            adjust_stock,
            actor=MANAGER,
            now=self._tick(),
            location_id=self.world.locations[loc],
            lines=[LineIn(delta, self.world.products[p])],
            reason="found on the shelf" if delta > 0 else "damaged",
        )
        short = delta < 0 and self._place(p, loc).on_hand < -delta  # adding is never short
        if self._refused_when_short(short, work):
            self._moved(p, loc, delta)

    @rule(p=PRODUCT, loc=LOCATION, units=UNITS)
    def back_to_maker(self, p: int, loc: int, units: int) -> None:
        product = self.world.products[p]
        work = partial(
            return_to_entrepreneur,
            actor=MANAGER,
            now=self._tick(),
            entrepreneur_id=self.world.maker_of[product],
            location_id=self.world.locations[loc],
            lines=[LineIn(units, product)],
        )
        if self._refused_when_short(self._place(p, loc).on_hand < units, work):
            self._place(p, loc).take(units)

    # --- what must hold after every step

    @invariant()
    def lots_equal_the_model_and_the_check_passes(self) -> None:
        with self.db.read() as conn:
            levels = dict(
                ((pid, loc), on_hand)
                for pid, loc, on_hand in conn.execute(
                    select(StockLevel.product_id, StockLevel.location_id, StockLevel.on_hand)
                )
            )
            lots: dict[tuple[int, int], dict[Origin, tuple[int, int]]] = {}
            for pid, loc, at, terms, intake, quantity, remaining in conn.execute(
                select(
                    StockLot.product_id,
                    StockLot.location_id,
                    StockLot.received_at,
                    StockLot.terms_id,
                    StockLot.intake_id,
                    func.sum(StockLot.quantity),
                    func.sum(StockLot.remaining),
                ).group_by(
                    StockLot.product_id,
                    StockLot.location_id,
                    StockLot.received_at,
                    StockLot.terms_id,
                    StockLot.intake_id,
                )
            ):
                lots.setdefault((pid, loc), {})[(at, terms, intake)] = (quantity, remaining)
            found = [v for rule in RULES if rule.slug in LOT_RULES for v in rule.find(conn)]  # type: ignore[misc]
        assert found == []
        for key in {*levels, *self.places}:
            assert levels.get(key, 0) == self._on_hand(key), key
        expected_lots = {k: p.by_origin() for k, p in self.places.items() if p.goods}
        assert lots == expected_lots
        for key, place in self.places.items():  # the invariant, spelled out
            held = sum(remaining for _, remaining in lots.get(key, {}).values())
            assert held == max(place.on_hand, 0)


SETTINGS = settings(
    max_examples=100 if LONG else 12,
    stateful_step_count=60 if LONG else 30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)


def test_the_lots_follow_every_movement(fresh_world: Fresh) -> None:
    class Machine(LotMachine):
        fresh = staticmethod(fresh_world)

    run_state_machine_as_test(Machine, settings=SETTINGS)
