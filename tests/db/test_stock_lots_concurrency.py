"""Stock by intake under concurrent writers (PostgreSQL's real case; SQLite's one writer
runs them in turn): selling, receiving and transferring the same product at once leaves lots
that hold exactly the on-hand, whichever transaction went first."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from integrity.consignment import lots_match_movements
from inventory.models import StockLot
from inventory.stock.document_rules import LineIn
from inventory.stock.documents import transfer_stock
from inventory.stock.intakes import receive_intake
from inventory.stock.rules import MovementKind
from inventory.stock.service import StockTake, check_takes, on_hand, record_takes
from kernel.access import Actor, Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests import factories as f
from tests.db.test_stock_concurrency import _run_together

CASHIER = Actor(user_id=None, username="till", role=Role.CASHIER)
MANAGER = Actor(user_id=None, username="manager", role=Role.MANAGER)
HOLD = 0.2  # seconds each writer keeps its transaction open: the other must meet it


def _setup(db: Database, units: int) -> tuple[int, int, int, int]:
    with db.write() as conn:
        district = f.district(conn)
        home = f.location(conn)
        fair = f.location(conn, code="TPR", is_default=False)
        maker = f.entrepreneur(conn, district)
        product = f.product(conn, maker, f.category(conn))
        if units:
            f.stock(conn, product, home, units)
    return home, fair, maker, product


def _sell(db: Database, clock: FixedClock, home: int, product: int, units: int, forced: bool):  # type: ignore[no-untyped-def]
    def work() -> None:
        take = StockTake(home, {product: units}, forced)
        with db.write() as conn:
            [short] = check_takes(conn, [take])
            if short is not None and not forced:
                raise short
            record_takes(
                conn, [(take, CASHIER, clock.now(), None)], kind=MovementKind.SALE, reason="sale"
            )
            time.sleep(HOLD)

    return work


def _receive(db: Database, clock: FixedClock, home: int, maker: int, product: int, units: int):  # type: ignore[no-untyped-def]
    def work() -> None:
        with db.write() as conn:
            receive_intake(
                conn,
                MANAGER,
                clock.now() + timedelta(days=1),
                entrepreneur_id=maker,
                location_id=home,
                lines=[LineIn(units, product)],
            )
            time.sleep(HOLD)

    return work


def _together(db: Database, *works: Callable[[], None]) -> list[object]:
    """Run each work on its own thread, all starting at once."""
    queue = list(works)
    pick = threading.Lock()

    def next_work() -> None:
        with pick:
            work = queue.pop()
        work()

    return _run_together(db, next_work, threads=len(works))


def _lots_hold_the_on_hand(db: Database, product: int, *places: int) -> list[int]:
    with db.read() as conn:
        assert list(lots_match_movements(conn)) == []
        levels = [on_hand(conn, [product], place)[product] for place in places]
        held = [
            sum(
                conn.execute(
                    select(StockLot.remaining).where(
                        StockLot.product_id == product, StockLot.location_id == place
                    )
                ).scalars()
            )
            for place in places
        ]
    assert held == [max(level, 0) for level in levels]
    return levels


def test_a_sale_and_an_intake_at_once_leave_the_lots_holding_the_on_hand(
    db: Database, clock: FixedClock
) -> None:
    home, _, maker, product = _setup(db, 10)
    for _ in range(3):
        clock.advance(days=1)
        outcomes = _together(
            db,
            _sell(db, clock, home, product, 3, forced=False),
            _receive(db, clock, home, maker, product, 2),
        )
        assert outcomes == [None, None]
    assert _lots_hold_the_on_hand(db, product, home) == [10 + 3 * (2 - 3)]
    with db.read() as conn:
        lots = conn.execute(
            select(StockLot.quantity, StockLot.remaining)
            .where(StockLot.product_id == product)
            .order_by(StockLot.received_at, StockLot.id)
        ).all()
    # Whichever went first, the sales took the opening lot (the oldest) and no intake's goods.
    assert [tuple(lot) for lot in lots] == [(10, 1), (2, 2), (2, 2), (2, 2)]


def test_an_offline_sale_below_zero_and_an_intake_at_once_fill_the_hole_either_way(
    db: Database, clock: FixedClock
) -> None:
    home, _, maker, product = _setup(db, 2)
    outcomes = _together(
        db,
        _sell(db, clock, home, product, 5, forced=True),
        _receive(db, clock, home, maker, product, 4),
    )
    assert outcomes == [None, None]
    # Sale first: -3, then 4 in fill the hole and leave 1. Intake first: 6, then 5 out leave 1.
    assert _lots_hold_the_on_hand(db, product, home) == [1]


def test_two_intakes_of_a_product_new_to_a_location_both_make_their_lots(
    db: Database, clock: FixedClock
) -> None:
    home, _, maker, product = _setup(db, 0)  # no stock level row yet: both must create it
    outcomes = _together(
        db,
        _receive(db, clock, home, maker, product, 3),
        _receive(db, clock, home, maker, product, 5),
    )
    assert outcomes == [None, None]
    assert _lots_hold_the_on_hand(db, product, home) == [8]
    with db.read() as conn:
        quantities = sorted(
            conn.execute(select(StockLot.quantity).where(StockLot.product_id == product)).scalars()
        )
    assert quantities == [3, 5]


def test_a_transfer_and_a_sale_of_the_same_goods_at_once_never_move_goods_twice(
    db: Database, clock: FixedClock
) -> None:
    home, fair, _, product = _setup(db, 5)

    def transfer() -> None:
        with db.write() as conn:
            transfer_stock(
                conn,
                MANAGER,
                clock.now(),
                from_location_id=home,
                to_location_id=fair,
                lines=[LineIn(4, product)],
            )
            time.sleep(HOLD)

    outcomes = _together(db, transfer, _sell(db, clock, home, product, 3, forced=False))
    # Only one of them fits in the 5 units: the other is refused as short.
    assert sorted(type(o).__name__ for o in outcomes) == ["InsufficientStockError", "NoneType"]
    home_left, at_fair = _lots_hold_the_on_hand(db, product, home, fair)
    assert (home_left, at_fair) in {(1, 4), (2, 0)}
