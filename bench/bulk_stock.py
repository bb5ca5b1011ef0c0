"""Stock in the bulk history: what each sale takes (oldest lot first, as
inventory.stock.lot_rules.take_oldest), and an intake when a product runs low (a new lot), as
movements; the levels and the lots' remaining goods written at the end."""

from __future__ import annotations

import random
from bisect import bisect
from collections import Counter, deque
from datetime import datetime

from sqlalchemy import bindparam, select, update

from bench import bulk_shapes as shapes
from bench.bulk_rows import Rows
from bench.bulk_world import World
from demo.history import RESTOCK_BELOW, RESTOCK_TO
from inventory.models import StockLevel, StockLot, StockMovement
from inventory.stock.rules import MovementKind
from kernel.clock import business_date

Basket = list[tuple[int, int]]  # product id, quantity
Key = tuple[int, int]  # product id, location id
INTAKE, SALE = MovementKind.INTAKE.value, MovementKind.SALE.value


class Stock:
    def __init__(self, rows: Rows, world: World, rng: random.Random) -> None:
        self.rows, self.world = rows, world
        conn = rows.conn
        self.on_hand: dict[Key, int] = {
            (p, loc): n
            for p, loc, n in conn.execute(
                select(StockLevel.product_id, StockLevel.location_id, StockLevel.on_hand)
            )
        }
        self.moves: Counter[Key] = Counter()
        self.remaining: dict[int, int] = {}  # lot id -> goods left, every lot touched
        self.stored: dict[int, int] = {}  # lot id -> remaining as the database has it
        self.oldest_first: dict[Key, deque[int]] = {}
        for lot_id, p, loc, left in conn.execute(
            select(StockLot.id, StockLot.product_id, StockLot.location_id, StockLot.remaining)
            .where(StockLot.remaining > 0)
            .order_by(StockLot.received_at, StockLot.id)
        ):
            self.oldest_first.setdefault((p, loc), deque()).append(lot_id)
            self.remaining[lot_id] = self.stored[lot_id] = left

    def basket(self, location_id: int, rng: random.Random) -> Basket:
        """A customer's products (a long tail: a few sell often, most rarely) and quantities."""
        products, weights = self.world.shelves[location_id]
        picked: dict[int, int] = {}
        for _ in range(rng.choice(shapes.BASKET_SIZES)):
            pid = products[bisect(weights, rng.random() * weights[-1])]
            picked.setdefault(pid, rng.choice(shapes.QUANTITIES))
        return list(picked.items())

    def restock(self, location_id: int, basket: Basket, now: datetime) -> None:
        """An intake of what would run low (demo.history's rule): a movement and a new lot."""
        for pid, qty in basket:
            key = (pid, location_id)
            if self.on_hand.get(key, 0) - qty >= RESTOCK_BELOW:
                continue
            units = RESTOCK_TO + qty
            self._move(key, units, INTAKE, "history restock", None, None, now)
            lot_id = self.rows.add(
                StockLot,
                {
                    "product_id": pid,
                    "location_id": location_id,
                    "intake_id": None,
                    "terms_id": None,
                    "received_at": now,
                    "received_on": business_date(now),
                    "quantity": units,
                    "remaining": units,
                    "extensions": 0,
                },
            )
            self.remaining[lot_id] = units
            self.oldest_first.setdefault(key, deque()).append(lot_id)

    def take(
        self, location_id: int, basket: Basket, now: datetime, actor: int, document: str
    ) -> None:
        for pid, qty in basket:
            key = (pid, location_id)
            self._move(key, -qty, SALE, "sale", document, actor, now)
            lots = self.oldest_first[key]
            while qty > 0:
                lot_id = lots[0]
                part = min(qty, self.remaining[lot_id])
                self.remaining[lot_id] -= part
                qty -= part
                if self.remaining[lot_id] == 0:
                    lots.popleft()

    def _move(
        self,
        key: Key,
        quantity: int,
        kind: str,
        reason: str,
        document: str | None,
        actor: int | None,
        now: datetime,
    ) -> None:
        self.rows.add(
            StockMovement,
            {
                "product_id": key[0],
                "location_id": key[1],
                "quantity": quantity,
                "kind": kind,
                "reason": reason,
                "document": document,
                "actor_id": actor,
                "created_at": now,
            },
        )
        self.on_hand[key] = self.on_hand.get(key, 0) + quantity
        self.moves[key] += 1

    def before_flush(self) -> None:
        """New lots are written with what they hold now (later changes: :meth:`write`)."""
        for row in self.rows.waiting[StockLot]:
            row["remaining"] = self.stored[row["id"]] = self.remaining[row["id"]]

    def write(self) -> None:
        """The levels and the lots' remaining goods, as the movements left them."""
        conn = self.rows.conn
        changed = [
            {"lot": lot_id, "left": left}
            for lot_id, left in self.remaining.items()
            if self.stored.get(lot_id) != left
        ]
        if changed:
            conn.execute(
                update(StockLot)
                .where(StockLot.id == bindparam("lot"))
                .values(remaining=bindparam("left")),
                changed,
            )
        levels = [
            {"p": p, "loc": loc, "n": self.on_hand[(p, loc)], "moves": moves}
            for (p, loc), moves in sorted(self.moves.items())
        ]
        level = StockLevel.__table__.c
        conn.execute(
            update(StockLevel)
            .where(level.product_id == bindparam("p"), level.location_id == bindparam("loc"))
            .values(on_hand=bindparam("n"), version=level.version + bindparam("moves")),
            levels,
        )
