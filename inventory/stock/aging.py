"""How long goods have been at the centre, from stock by intake (the lots): each unit ages
from the Bangkok day its intake came in, wherever it has been moved since."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from inventory.models import Product, StockLot


def units_aged(
    conn: Connection, today: date, days: int, *, location_id: int | None = None
) -> dict[tuple[int, int], int]:
    """Units on hand that came in ``days`` or more Bangkok days before ``today``, per
    (entrepreneur id, location id); pairs with none are left out."""
    received_by = today - timedelta(days=days)
    query = (
        select(Product.entrepreneur_id, StockLot.location_id, func.sum(StockLot.remaining))
        .join(Product, Product.id == StockLot.product_id)
        .where(StockLot.received_on <= received_by, StockLot.remaining > 0)
        .group_by(Product.entrepreneur_id, StockLot.location_id)
    )
    if location_id is not None:
        query = query.where(StockLot.location_id == location_id)
    return {(maker, place): int(units) for maker, place, units in conn.execute(query)}
