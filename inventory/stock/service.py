"""The one way stock changes: lock the levels, refuse any shortage, update, append movements.

The till calls ``apply_movements`` inside its sale transaction, so it is written for the hot
path: one locking read of the involved rows (product order, so that two transactions never
wait on each other in a cycle), names looked up only when something is short, and one
executemany each for the level updates and the movements.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from inventory.models import Product, StockLevel, StockMovement
from inventory.stock.lot_rules import LotPiece
from inventory.stock.lots import add_to_lots, pieces_of_today, take_from_lots
from inventory.stock.rules import (
    InsufficientStockError,
    MovementKind,
    find_shortages,
    require_available,
)
from kernel.access import Actor
from kernel.db.bulk import insert_rows, write
from kernel.errors import InvalidInputError

MAX_REASON = 200
MAX_DOCUMENT = 32

# The hot path's statements are built once; SQLAlchemy caches their compiled forms.
_LEVELS_QUERY = (
    select(StockLevel.product_id, StockLevel.on_hand)
    .where(
        StockLevel.location_id == bindparam("location_id"),
        StockLevel.product_id.in_(bindparam("product_ids", expanding=True)),
    )
    .order_by(StockLevel.product_id)
)
_LEVELS = _LEVELS_QUERY
_LEVELS_FOR_UPDATE = _LEVELS_QUERY.with_for_update()
_UPDATE_LEVEL = (
    update(StockLevel)
    .where(
        StockLevel.product_id == bindparam("p_id"),
        StockLevel.location_id == bindparam("l_id"),
    )
    .values(on_hand=StockLevel.on_hand + bindparam("delta"), version=StockLevel.version + 1)
)
_INSERT_MOVEMENTS = insert(StockMovement)
# PostgreSQL: a batch's level updates in one statement, one array per column (see kernel.db.bulk);
# the rows are locked already, in order, by check_takes.
_TAKE_LEVELS = (
    "UPDATE stock_levels AS s SET on_hand = s.on_hand - t.units, version = s.version + 1"
    " FROM unnest(%s::integer[], %s::integer[], %s::integer[]) AS t(location_id, product_id, units)"
    " WHERE s.location_id = t.location_id AND s.product_id = t.product_id"
)


def on_hand(
    conn: Connection, product_ids: Iterable[int], location_id: int, *, for_update: bool = False
) -> dict[int, int]:
    """On-hand per product at a location (0 where stock was never kept).

    ``for_update`` locks the existing rows until the transaction ends (PostgreSQL; SQLite's
    write transaction already holds the database's write lock).
    """
    ids = sorted(set(product_ids))
    levels = _read_levels(conn, location_id, ids, for_update=for_update)
    return {product_id: levels.get(product_id, 0) for product_id in ids}


def check_reason_length(reason: str) -> None:
    if len(reason) > MAX_REASON:
        raise InvalidInputError(
            "stock.reason_too_long",
            "เหตุผลยาวได้ไม่เกิน {limit} ตัวอักษร",
            field="reason",
            limit=MAX_REASON,
        )


def apply_movements(
    conn: Connection,
    actor: Actor,
    now: datetime,
    *,
    location_id: int,
    deltas: Mapping[int, int],
    kind: MovementKind,
    reason: str,
    document: str | None,
    incoming: Mapping[int, Sequence[LotPiece]] | None = None,
) -> dict[int, int]:
    """Move stock at one location by ``deltas`` (product id -> signed units); new on-hand.

    The lots follow (inventory.stock.lots): goods leave the oldest; goods arrive as the
    ``incoming`` pieces where given (an intake, a transfer in), as a lot of today for any other
    intake, else back into the newest lots.

    Every shortage is collected first and raised as one ``InsufficientStockError`` (naming the
    products) before anything is written. Zero deltas are ignored. The caller has checked
    that the products and the location exist and that the actor may do this.
    """
    check_reason_length(reason)
    if document is not None and len(document) > MAX_DOCUMENT:
        raise InvalidInputError(
            "stock.document_too_long",
            "เลขที่เอกสารยาวเกินไป (ไม่เกิน {limit} ตัวอักษร)",
            field="document",
            limit=MAX_DOCUMENT,
        )
    changes = {pid: delta for pid, delta in sorted(deltas.items()) if delta != 0}
    if not changes:
        return {}
    levels = _read_levels(conn, location_id, list(changes), for_update=True)
    decrements = {pid: -delta for pid, delta in changes.items() if delta < 0}
    shortages = find_shortages(location_id, decrements, levels)
    if shortages:
        labels = product_labels(conn, [s.product_id for s in shortages])
        require_available(location_id, decrements, levels, labels)
    missing = [pid for pid in changes if pid not in levels]
    if missing:
        levels.update(_create_levels(conn, location_id, missing))
    conn.execute(
        _UPDATE_LEVEL,
        [{"p_id": pid, "l_id": location_id, "delta": delta} for pid, delta in changes.items()],
    )
    conn.execute(
        _INSERT_MOVEMENTS,
        [
            {
                "product_id": pid,
                "location_id": location_id,
                "quantity": delta,
                "kind": kind.value,
                "reason": reason,
                "document": document,
                "actor_id": actor.user_id,
                "created_at": now,
            }
            for pid, delta in changes.items()
        ],
    )
    if decrements:
        take_from_lots(conn, location_id, decrements)
    arriving = {pid: delta for pid, delta in changes.items() if delta > 0}
    if arriving:
        if incoming is None and kind is MovementKind.INTAKE:
            # Goods received without their pieces (no intake note: the demo's restocks, the
            # bench's stock) are still new goods: a lot of today, never a refill of an old one.
            incoming = {p: [piece] for p, piece in pieces_of_today(conn, now, arriving).items()}
        add_to_lots(conn, now, location_id, levels, arriving, incoming)
    return {pid: levels[pid] + delta for pid, delta in changes.items()}


def product_labels(conn: Connection, product_ids: Iterable[int]) -> dict[int, str]:
    """How an error names a product: its Thai name and SKU."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    rows = conn.execute(select(Product.id, Product.name_th, Product.sku).where(Product.id.in_(ids)))
    return {pid: f"{name} ({sku})" for pid, name, sku in rows}


def _read_levels(
    conn: Connection, location_id: int, product_ids: list[int], *, for_update: bool
) -> dict[int, int]:
    if not product_ids:
        return {}
    query = _LEVELS_FOR_UPDATE if for_update else _LEVELS
    rows = conn.execute(query, {"location_id": location_id, "product_ids": product_ids})
    return {pid: qty for pid, qty in rows}


def _create_levels(conn: Connection, location_id: int, product_ids: list[int]) -> dict[int, int]:
    """Rows for products first stocked here; a row another transaction just made is kept.

    On PostgreSQL a concurrent insert of the same row makes this wait for that transaction,
    then do nothing; the locking read after it sees (and locks) the committed row.
    """
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(StockLevel)
        .values(
            [
                {"product_id": pid, "location_id": location_id, "on_hand": 0, "version": 0}
                for pid in product_ids
            ]
        )
        .on_conflict_do_nothing(index_elements=["product_id", "location_id"])
    )
    return _read_levels(conn, location_id, product_ids, for_update=True)


@dataclass(frozen=True, slots=True)
class StockTake:
    """What one request takes out of a location's stock: product id -> units (above zero)."""

    location_id: int
    quantities: Mapping[int, int]
    # The goods left already (a sale rung offline): never refused; its shortages still come
    # back, so that the caller records them for a count, and the stock goes below zero.
    forced: bool = False


def check_takes(
    conn: Connection, takes: Sequence[StockTake]
) -> list[InsufficientStockError | None]:
    """Lock the stock rows of every location and product involved (location, then product
    order: the one order every writer uses) and check the takes in turn, each against what the
    accepted ones before it left. None accepts a take; a refused one gets the error naming its
    every short line and leaves the stock to the takes after it (a forced take's error comes
    back too, but the take stands and the stock goes below zero). Nothing is written here:
    :func:`record_takes` writes the accepted takes, in the same transaction. (The till's
    batches: a statement per location for all their sales.)
    """
    wanted: dict[int, set[int]] = {}
    for take in takes:
        wanted.setdefault(take.location_id, set()).update(take.quantities)
    forced: dict[int, set[int]] = {}
    for take in takes:
        if take.forced:
            forced.setdefault(take.location_id, set()).update(take.quantities)
    levels: dict[tuple[int, int], int] = {}
    for location_id in sorted(wanted):
        read = _read_levels(conn, location_id, sorted(wanted[location_id]), for_update=True)
        unstocked = sorted(forced.get(location_id, set()) - set(read))
        if unstocked:  # a forced take needs a row to go below zero on
            read.update(_create_levels(conn, location_id, unstocked))
        levels.update(((location_id, pid), units) for pid, units in read.items())
    outcomes: list[InsufficientStockError | None] = []
    for take in takes:
        here = {pid: levels.get((take.location_id, pid), 0) for pid in take.quantities}
        shortages = find_shortages(take.location_id, take.quantities, here)
        if shortages:
            labels = product_labels(conn, [s.product_id for s in shortages])
            shortages = find_shortages(take.location_id, take.quantities, here, labels)
            outcomes.append(InsufficientStockError(shortages))
            if not take.forced:
                continue
            for pid, units in take.quantities.items():
                levels[(take.location_id, pid)] = here[pid] - units
            continue
        for pid, units in take.quantities.items():
            levels[(take.location_id, pid)] = here[pid] - units
        outcomes.append(None)
    return outcomes


def record_takes(
    conn: Connection,
    takes: Sequence[tuple[StockTake, Actor, datetime, str | None]],
    *,
    kind: MovementKind,
    reason: str,
) -> None:
    """Write takes that :func:`check_takes` accepted in this transaction (each with who took
    it, when, and its document): one level update per location and product, in lock order,
    and a movement per product of each take."""
    totals: dict[tuple[int, int], int] = {}
    movements = []
    for take, actor, now, document in takes:
        for pid, units in sorted(take.quantities.items()):
            if units <= 0:
                raise InvalidInputError(
                    "stock.take_not_positive", "จำนวนที่ตัดสต็อกต้องมากกว่าศูนย์", field="quantity"
                )
            key = (take.location_id, pid)
            totals[key] = totals.get(key, 0) + units
            movements.append(
                {
                    "product_id": pid,
                    "location_id": take.location_id,
                    "quantity": -units,
                    "kind": kind.value,
                    "reason": reason,
                    "document": document,
                    "actor_id": actor.user_id,
                    "created_at": now,
                }
            )
    if not movements:
        return
    levels = sorted(totals.items())
    if conn.dialect.name == "postgresql":
        locations = [loc for (loc, _), _ in levels]
        products = [pid for (_, pid), _ in levels]
        write(conn, _TAKE_LEVELS, (locations, products, [units for _, units in levels]))
    else:
        conn.execute(
            _UPDATE_LEVEL,
            [{"p_id": pid, "l_id": loc, "delta": -units} for (loc, pid), units in levels],
        )
    insert_rows(conn, StockMovement, movements)
    by_location: dict[int, dict[int, int]] = {}
    for (loc, pid), units in levels:
        by_location.setdefault(loc, {})[pid] = units
    for loc, units_here in sorted(by_location.items()):
        take_from_lots(conn, loc, units_here)
