"""Rules of ``otop-pos check`` over the consignment cycle: stock by intake (the lots) holds
exactly the stock the movements leave, and goods are under terms of their own entrepreneur."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.engine import Connection

from integrity.violations import Rule, Violation
from inventory.models import ConsignmentTermsVersion, Location, Product, StockLot, StockMovement
from inventory.return_note_models import ReturnNote, ReturnNoteLine


def lots_match_movements(conn: Connection) -> Iterator[Violation]:
    """The lots of a product at a location hold what its movements add up to (nothing while
    that is below zero)."""
    moved = select(
        StockMovement.product_id,
        StockMovement.location_id,
        func.sum(StockMovement.quantity).label("moved"),
        literal(0).label("in_lots"),
    ).group_by(StockMovement.product_id, StockMovement.location_id)
    in_lots = select(
        StockLot.product_id,
        StockLot.location_id,
        literal(0),
        func.sum(StockLot.remaining),
    ).group_by(StockLot.product_id, StockLot.location_id)
    both = union_all(moved, in_lots).subquery()
    moved_sum = func.sum(both.c.moved)
    lots_sum = func.sum(both.c.in_lots)
    expected = case((moved_sum > 0, moved_sum), else_=0)
    differing = (
        select(both.c.product_id, both.c.location_id, moved_sum.label("m"), lots_sum.label("l"))
        .group_by(both.c.product_id, both.c.location_id)
        .having(lots_sum != expected)
        .subquery()
    )
    rows = conn.execute(
        select(differing.c.m, differing.c.l, Product.sku, Location.code)
        .join(Product, Product.id == differing.c.product_id)
        .join(Location, Location.id == differing.c.location_id)
        .order_by(differing.c.product_id, differing.c.location_id)
    )
    for moved_units, lot_units, sku, location in rows:
        yield Violation(
            "stock-lots",
            f"product {sku} at {location}",
            f"its movements add up to {moved_units}, but its lots by intake hold {lot_units}",
        )


def lots_under_own_terms(conn: Connection) -> Iterator[Violation]:
    """A lot's terms are its entrepreneur's (or the centre's default), while it holds goods: a
    sold-out lot is history, and a product put under another entrepreneur since (a data-entry
    correction) keeps it."""
    rows = conn.execute(
        select(StockLot.id, Product.sku, ConsignmentTermsVersion.id)
        .join(Product, Product.id == StockLot.product_id)
        .join(ConsignmentTermsVersion, ConsignmentTermsVersion.id == StockLot.terms_id)
        .where(
            StockLot.remaining > 0,
            ConsignmentTermsVersion.entrepreneur_id.is_not(None),
            ConsignmentTermsVersion.entrepreneur_id != Product.entrepreneur_id,
        )
        .order_by(StockLot.id)
    )
    for lot_id, sku, terms_id in rows:
        yield Violation(
            "lot-terms",
            f"lot {lot_id} of product {sku}",
            f"it is under terms {terms_id}, which are another entrepreneur's",
        )


def return_notes_match_movements(conn: Connection) -> Iterator[Violation]:
    """Goods leave on a return note only at its pickup: the ``return`` movements numbered as a
    note take exactly what it records as collected, per product (none for a note waiting or
    cancelled)."""
    noted = (
        select(
            ReturnNote.number.label("number"),
            ReturnNoteLine.product_id.label("product_id"),
            func.coalesce(func.sum(ReturnNoteLine.collected), 0).label("noted"),
            literal(0).label("moved"),
        )
        .join(ReturnNoteLine, ReturnNoteLine.note_id == ReturnNote.id)
        .group_by(ReturnNote.number, ReturnNoteLine.product_id)
    )
    moved = (
        select(
            StockMovement.document,
            StockMovement.product_id,
            literal(0),
            -func.sum(StockMovement.quantity),
        )
        .where(
            StockMovement.kind == "return", StockMovement.document.in_(select(ReturnNote.number))
        )
        .group_by(StockMovement.document, StockMovement.product_id)
    )
    both = union_all(noted, moved).subquery()
    rows = conn.execute(
        select(both.c.number, Product.sku, func.sum(both.c.noted), func.sum(both.c.moved))
        .join(Product, Product.id == both.c.product_id)
        .group_by(both.c.number, both.c.product_id, Product.sku)
        .having(func.sum(both.c.noted) != func.sum(both.c.moved))
        .order_by(both.c.number, both.c.product_id)
    )
    for number, sku, noted_units, moved_units in rows:
        yield Violation(
            "return-notes",
            f"return note {number}, product {sku}",
            f"it records {noted_units} collected, but its return movements took {moved_units}",
        )


CONSIGNMENT_RULES = (
    Rule(
        "stock-lots",
        "stock by intake (the lots) equals stock by movement, for every product and location",
        lots_match_movements,
    ),
    Rule(
        "lot-terms",
        "goods here are under their own entrepreneur's terms or the centre's default",
        lots_under_own_terms,
    ),
    Rule(
        "return-notes",
        "a return note's movements take exactly what it records as collected",
        return_notes_match_movements,
    ),
)
