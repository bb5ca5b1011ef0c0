"""What the staff aging page lists: goods due (or coming due within some days) for a markdown
or for their return, from the lots' ages and their own terms (inventory.stock.aging).

A markdown changes a product's one price on the tills, and that price follows the product's
oldest goods anywhere (inventory.stock.markdown_rules): only those lots are listed for a
markdown. Every lot is listed for its return, since each lot's period is its own.
"""

from __future__ import annotations

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
    markdowns = [
        MarkdownDue(
            lot,
            pending,
            lot.next_markdown[0] if lot.next_markdown else None,
            lot.next_markdown[1] if lot.next_markdown else None,
        )
        for lot in here
        if lot.lot_id in setting_price
        and (
            (pending := lot.markdown_bp_due != lot.applied_markdown_bp)
            or (lot.next_markdown is not None and lot.next_markdown[0] <= horizon)
        )
    ]
    markdowns.sort(key=lambda m: (not m.pending, m.next_on or today, m.lot.lot_id))
    returns = [
        ReturnDue(lot, lot.past_its_period, lot.end_action == EndAction.EXTEND)
        for lot in here
        if lot.ends_on <= horizon
    ]
    returns.sort(key=lambda r: (r.lot.ends_on, r.lot.entrepreneur_code, r.lot.lot_id))
    return AgingReport(
        today,
        within,
        markdowns[:MAX_ROWS],
        returns[:MAX_ROWS],
        max(len(markdowns) - MAX_ROWS, 0),
        max(len(returns) - MAX_ROWS, 0),
    )
