"""Two tills at once: the last unit is sold exactly once, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import func, select

from inventory.models import StockMovement
from inventory.stock.document_rules import LineIn
from inventory.stock.documents import transfer_stock
from inventory.stock.rules import InsufficientStockError, MovementKind
from inventory.stock.service import apply_movements, on_hand
from kernel.access import Actor, Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests import factories as f

CASHIER = Actor(user_id=None, username="till", role=Role.CASHIER)
MANAGER = Actor(user_id=None, username="manager", role=Role.MANAGER)


def _run_together(db: Database, work: Callable[[], None], threads: int = 2) -> list[object]:
    """Start the workers at the same moment; return what each raised (or None)."""
    barrier = threading.Barrier(threads)
    outcomes: list[object] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        try:
            work()
            result: object = None
        except Exception as error:
            result = error
        with lock:
            outcomes.append(result)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return outcomes


def _setup(db: Database, units: int) -> tuple[int, int, int]:
    with db.write() as conn:
        district = f.district(conn)
        home = f.location(conn)
        fair = f.location(conn, code="TPR", is_default=False)
        maker = f.entrepreneur(conn, district)
        product = f.product(conn, maker, f.category(conn))
        f.stock(conn, product, home, units)
    return home, fair, product


def test_two_tills_taking_the_last_unit_sell_it_exactly_once(
    db: Database, clock: FixedClock
) -> None:
    home, _, product = _setup(db, 1)

    def sell_last_unit() -> None:
        with db.write() as conn:
            apply_movements(
                conn,
                CASHIER,
                clock.now(),
                location_id=home,
                deltas={product: -1},
                kind=MovementKind.SALE,
                reason="sale",
                document=None,
            )
            time.sleep(0.2)  # hold the lock so that the other till must wait for it

    outcomes = _run_together(db, sell_last_unit)
    assert sorted(type(o).__name__ for o in outcomes) == ["InsufficientStockError", "NoneType"]
    with db.read() as conn:
        assert on_hand(conn, [product], home) == {product: 0}
        total = conn.execute(
            select(func.sum(StockMovement.quantity)).where(StockMovement.product_id == product)
        ).scalar_one()
    assert total == 0


def test_many_tills_never_oversell(db: Database, clock: FixedClock) -> None:
    home, _, product = _setup(db, 3)

    def sell_one() -> None:
        with db.write() as conn:
            apply_movements(
                conn,
                CASHIER,
                clock.now(),
                location_id=home,
                deltas={product: -1},
                kind=MovementKind.SALE,
                reason="sale",
                document=None,
            )

    outcomes = _run_together(db, sell_one, threads=6)
    assert sum(o is None for o in outcomes) == 3
    assert all(o is None or isinstance(o, InsufficientStockError) for o in outcomes)
    with db.read() as conn:
        assert on_hand(conn, [product], home) == {product: 0}


def test_opposite_transfers_at_once_do_not_deadlock(db: Database, clock: FixedClock) -> None:
    home, fair, product = _setup(db, 5)
    with db.write() as conn:
        f.stock(conn, product, fair, 5)
    directions = iter([(home, fair), (fair, home)])
    pick = threading.Lock()

    def transfer() -> None:
        with pick:
            source, target = next(directions)
        with db.write() as conn:
            transfer_stock(
                conn,
                MANAGER,
                clock.now(),
                from_location_id=source,
                to_location_id=target,
                lines=[LineIn(2, product)],
            )
            time.sleep(0.1)

    assert _run_together(db, transfer) == [None, None]
    with db.read() as conn:
        assert on_hand(conn, [product], home) == {product: 5}
        assert on_hand(conn, [product], fair) == {product: 5}
