"""What the staff aging page lists: goods due (or coming due within some days) for a markdown
or for their return, from the lots' ages and their own terms (inventory.stock.aging).

A markdown changes a product's one price on the tills, and that price follows the product's
oldest goods anywhere (inventory.stock.markdown_rules): only those lots are listed for a
markdown. Every lot is listed for its return, since each lot's period is its own.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.engine import Connection

from inventory.stock.aging import AgedLot, aged_lots, oldest_per_product
from inventory.terms.rules import EndAction
from kernel.access import MANAGERS, Actor

MAX_WITHIN_DAYS = 90
MAX_ROWS = 300  # per list: a page people read, not an export


@dataclass(frozen=True, slots=True)
class MarkdownDue:
    lot: AgedLot
    pending: bool  # due now and not yet on the tills (apply to set it)
    next_on: date | None  # the day of the lot's next step
    next_bp: int | None


@dataclass(frozen=True, slots=True)
class ReturnDue:
    lot: AgedLot
    due: bool  # past its period today
    extends: bool  # its terms extend the period instead of returning the goods


@dataclass(frozen=True, slots=True)
class AgingReport:
    today: date
    within_days: int
    markdowns: list[MarkdownDue]
    returns: list[ReturnDue]
    more_markdowns: int  # rows past MAX_ROWS, not listed
    more_returns: int


def aging_report(
    conn: Connection,
    actor: Actor,
    today: date,
    *,
    entrepreneur_id: int | None = None,
    location_id: int | None = None,
    within_days: int = 7,
) -> AgingReport:
    """Lots due for a markdown or their return today or within ``within_days`` (0..90)."""
    actor.require(MANAGERS, "see goods due for markdown or return")
    within = min(max(within_days, 0), MAX_WITHIN_DAYS)
    horizon = today + timedelta(days=within)
    # The product's oldest lot anywhere sets its price: read every location, then filter.
    lots = aged_lots(conn, today, entrepreneur_id=entrepreneur_id)
    setting_price = {lot.lot_id for lot in oldest_per_product(lots).values()}
    here = [lot for lot in lots if location_id is None or lot.location_id == location_id]
    # Only the first MAX_ROWS of each list are shown (at ten times the catalogue 78,663 lots
    # are due back): pick them by their sort keys, and make rows of those only.
    due_marking = [
        lot
        for lot in here
        if lot.lot_id in setting_price
        and (
            lot.markdown_bp_due != lot.applied_markdown_bp
            or (lot.next_markdown is not None and lot.next_markdown[0] <= horizon)
        )
    ]
    first_marking = heapq.nsmallest(
        MAX_ROWS,
        due_marking,
        key=lambda lot: (
            lot.markdown_bp_due == lot.applied_markdown_bp,  # pending first
            lot.next_markdown[0] if lot.next_markdown else today,
            lot.lot_id,
        ),
    )
    markdowns = [
        MarkdownDue(
            lot,
            lot.markdown_bp_due != lot.applied_markdown_bp,
            lot.next_markdown[0] if lot.next_markdown else None,
            lot.next_markdown[1] if lot.next_markdown else None,
        )
        for lot in first_marking
    ]
    due_back = [lot for lot in here if lot.ends_on <= horizon]
    first_back = heapq.nsmallest(
        MAX_ROWS, due_back, key=lambda lot: (lot.ends_on, lot.entrepreneur_code, lot.lot_id)
    )
    returns = [
        ReturnDue(lot, lot.past_its_period, lot.end_action == EndAction.EXTEND)
        for lot in first_back
    ]
    return AgingReport(
        today,
        within,
        markdowns,
        returns,
        max(len(due_marking) - MAX_ROWS, 0),
        max(len(due_back) - MAX_ROWS, 0),
    )
