"""Stock by intake: the lots that follow every movement (see lot_rules for the rules).

Every writer of stock holds the rows of ``stock_levels`` it changes (inventory.stock.service),
and lots change only beside them, so a lot is never written by two transactions at once.

Oldest is by ``received_at``, the moment the goods came in, then the lot's id: a transfer writes
a lot for goods received earlier than the lots already at its target, so the order of the rows
(or the day alone) would let later goods of the same day leave first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from inventory.models import Product, StockLot
from inventory.stock.lot_rules import (
    LotLeft,
    LotPiece,
    drop_oldest,
    filling_units,
    put_back_newest,
    take_oldest,
)
from inventory.terms.service import current_versions
from kernel.clock import business_date

_WITH_GOODS = (
    select(StockLot.id, StockLot.product_id, StockLot.remaining, StockLot.quantity)
    .where(
        StockLot.location_id == bindparam("location_id"),
        StockLot.product_id.in_(bindparam("product_ids", expanding=True)),
        StockLot.remaining > 0,
    )
    .order_by(StockLot.product_id, StockLot.received_at, StockLot.id)
)
_WITH_ROOM = (
    select(StockLot.id, StockLot.product_id, StockLot.remaining, StockLot.quantity)
    .where(
        StockLot.location_id == bindparam("location_id"),
        StockLot.product_id.in_(bindparam("product_ids", expanding=True)),
        StockLot.remaining < StockLot.quantity,
    )
    .order_by(StockLot.product_id, StockLot.received_at, StockLot.id)
)
_CHANGE_REMAINING = (
    update(StockLot)
    .where(StockLot.id == bindparam("lot_id"))
    .values(remaining=StockLot.remaining + bindparam("delta"))
)


def _lots(
    conn: Connection, query: object, location_id: int, product_ids: Sequence[int]
) -> dict[int, list[LotLeft]]:
    found: dict[int, list[LotLeft]] = {pid: [] for pid in product_ids}
    if product_ids:
        rows = conn.execute(query, {"location_id": location_id, "product_ids": list(product_ids)})  # type: ignore[call-overload]
        for lot_id, pid, remaining, quantity in rows:
            found[pid].append(LotLeft(lot_id, remaining, quantity - remaining))
    return found


def take_from_lots(conn: Connection, location_id: int, units: Mapping[int, int]) -> None:
    """Goods leaving a location (product id -> units above zero): from the oldest lots."""
    held = _lots(conn, _WITH_GOODS, location_id, sorted(units))
    changes = [
        {"lot_id": lot_id, "delta": -part}
        for pid, wanted in sorted(units.items())
        for lot_id, part in take_oldest(held[pid], wanted)
    ]
    if changes:
        conn.execute(_CHANGE_REMAINING, changes)


def pieces_leaving(
    conn: Connection, location_id: int, units: Mapping[int, int]
) -> dict[int, list[LotPiece]]:
    """The lots goods would leave (oldest first), as pieces another location can take in with
    their intake date and terms; call before the movement that takes them."""
    pieces: dict[int, list[LotPiece]] = {pid: [] for pid in units}
    if not units:
        return pieces
    held = _lots(conn, _WITH_GOODS, location_id, sorted(units))
    taken = {
        lot_id: (pid, part)
        for pid, wanted in units.items()
        for lot_id, part in take_oldest(held[pid], wanted)
    }
    if not taken:
        return pieces
    rows = conn.execute(
        select(
            StockLot.id,
            StockLot.terms_id,
            StockLot.received_at,
            StockLot.intake_id,
            StockLot.extensions,
        ).where(StockLot.id.in_(sorted(taken)))
    )
    for lot_id, terms_id, received_at, intake_id, extensions in rows:
        pid, part = taken[lot_id]
        pieces[pid].append(LotPiece(terms_id, received_at, part, intake_id, extensions))
    return pieces


def add_to_lots(
    conn: Connection,
    now: datetime,
    location_id: int,
    before: Mapping[int, int],
    units: Mapping[int, int],
    incoming: Mapping[int, Sequence[LotPiece]] | None,
) -> None:
    """Goods arriving (product id -> units above zero; ``before``: the on-hand they arrive
    to): as the given pieces (an intake, a transfer in), else back into the newest lots with
    room (a refund, a count), the rest a new lot under the entrepreneur's terms of today."""
    new_lots: list[LotPiece] = []
    new_lot_products: list[int] = []
    put_back: dict[int, int] = {}
    for pid, delta in sorted(units.items()):
        filling = filling_units(before.get(pid, 0), delta)
        if filling <= 0:
            continue
        if incoming is not None and pid in incoming:
            for piece in drop_oldest(incoming[pid], delta - filling):
                new_lots.append(piece)
                new_lot_products.append(pid)
        else:
            put_back[pid] = filling
    if put_back:
        with_room = _lots(conn, _WITH_ROOM, location_id, sorted(put_back))
        changes = []
        leftover: dict[int, int] = {}
        for pid, wanted in put_back.items():
            placed, left = put_back_newest(with_room[pid], wanted)
            changes += [{"lot_id": lot_id, "delta": part} for lot_id, part in placed]
            if left:
                leftover[pid] = left
        if changes:
            conn.execute(_CHANGE_REMAINING, changes)
        for pid, piece in pieces_of_today(conn, now, leftover).items():
            new_lots.append(piece)
            new_lot_products.append(pid)
    if new_lots:
        conn.execute(
            insert(StockLot),
            [
                {
                    "product_id": pid,
                    "location_id": location_id,
                    "intake_id": piece.intake_id,
                    "terms_id": piece.terms_id,
                    "received_at": piece.received_at,
                    "received_on": business_date(piece.received_at),
                    "quantity": piece.units,
                    "remaining": piece.units,
                    "extensions": piece.extensions,
                }
                for pid, piece in zip(new_lot_products, new_lots, strict=True)
            ],
        )


def pieces_of_today(
    conn: Connection, now: datetime, units: Mapping[int, int]
) -> dict[int, LotPiece]:
    """Goods arriving as a lot received now, under their entrepreneur's terms in force (goods
    received without an intake note; goods coming back that no lot had room for)."""
    if not units:
        return {}
    makers = dict(
        conn.execute(
            select(Product.id, Product.entrepreneur_id).where(Product.id.in_(sorted(units)))
        ).all()
    )
    versions = current_versions(conn, makers.values(), now)
    return {pid: LotPiece(versions[makers[pid]].id, now, count) for pid, count in units.items()}
