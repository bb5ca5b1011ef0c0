"""Lots whose terms say "extend" stay another ``extend_days`` when their period ends.

Not automatic: a manager extends the lots due (all, or one entrepreneur's or location's) from
the returns page, so that a person saw them and the audit log names who did. Each lot is
extended by as many periods as bring its end past today (return_rules.extensions_needed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection

from inventory.models import StockLot
from inventory.stock.aging import aged_lots
from inventory.stock.events import StockEvent
from inventory.stock.return_rules import extensions_needed
from inventory.stock.service import on_hand
from inventory.terms.rules import EndAction
from kernel.access import MANAGERS, Actor
from kernel.audit import record
from kernel.clock import business_date


@dataclass(frozen=True, slots=True)
class ExtendedLot:
    lot_id: int
    product_id: int
    location_id: int
    sku: str
    extensions_before: int
    extensions_after: int
    ended_on: date  # the end it had passed
    ends_on: date  # its new end


@dataclass(frozen=True, slots=True)
class ExtensionResult:
    extended: list[ExtendedLot]

    @property
    def count(self) -> int:
        return len(self.extended)


_EXTEND = (
    update(StockLot)
    .where(StockLot.id == bindparam("lot_id"), StockLot.extensions == bindparam("before"))
    .values(extensions=bindparam("after"))
)


def extend_due_lots(
    conn: Connection,
    actor: Actor,
    now: datetime,
    *,
    entrepreneur_id: int | None = None,
    location_id: int | None = None,
) -> ExtensionResult:
    """Extend every lot past its period whose terms say extend (none due: an empty result)."""
    actor.require(MANAGERS, "extend goods past their consignment period")
    today = business_date(now)
    due = [
        lot
        for lot in aged_lots(conn, today, entrepreneur_id=entrepreneur_id, location_id=location_id)
        if lot.past_its_period and lot.end_action == EndAction.EXTEND
    ]
    by_place: dict[int, set[int]] = {}
    for lot in due:
        by_place.setdefault(lot.location_id, set()).add(lot.product_id)
    for place_id in sorted(by_place):  # the order every writer of stock locks in
        on_hand(conn, by_place[place_id], place_id, for_update=True)
    extended: list[ExtendedLot] = []
    for lot in due:
        terms = lot.terms.terms
        before = lot.extensions
        more = extensions_needed(
            lot.received_on, terms.period_days, terms.extend_days, before, today
        )
        if more <= 0:
            continue
        changed = conn.execute(
            _EXTEND, {"lot_id": lot.lot_id, "before": before, "after": before + more}
        ).rowcount
        if changed != 1:  # another manager extended it meanwhile: theirs stands
            continue
        extended.append(
            ExtendedLot(
                lot.lot_id,
                lot.product_id,
                lot.location_id,
                lot.sku,
                before,
                before + more,
                lot.ends_on,
                terms.period_ends_on(lot.received_on, before + more),
            )
        )
    if extended:
        record(
            conn,
            actor,
            StockEvent.LOTS_EXTENDED,
            "stock_lots",
            None,
            now,
            entrepreneur_id=entrepreneur_id,
            location_id=location_id,
            lots={
                str(x.lot_id): {"from": x.extensions_before, "to": x.extensions_after}
                for x in extended
            },
        )
    return ExtensionResult(extended)
