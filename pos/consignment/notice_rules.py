"""Notices: what changed for an entrepreneur, each a short sentence with a date and a link,
so that nobody has to read tables to know what to do. Pure: no database.

A notice is derived from the data each time it is read (nothing to keep in step): its ``at`` is
when it became news (it orders the list and counts as new after the reader's "seen up to"),
its ``on`` the day its sentence names (a markdown coming next week became news a week before).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from inventory.terms.rules import EndAction
from kernel.clock import BANGKOK
from pos.consignment.goods_rules import Lot, oldest

NOTICE_DAYS = 60  # how far back the list reaches
AHEAD_DAYS = 7  # a markdown or an end of period becomes news this many days before its day


class NoticeKind(StrEnum):
    SALES = "sales"  # a day's sales
    MARKDOWN_COMING = "markdown_coming"  # a step of the agreed markdowns within a week
    MARKDOWN_APPLIED = "markdown_applied"  # a product's price on the tills changed by one
    DUE_BACK = "due_back"  # goods at the end of their period, to collect, within a week
    PAYOUT_SENT = "payout_sent"  # the centre transferred money
    DELIVERY_RECEIVED = "delivery_received"  # the centre received goods (an intake)
    DELIVERY_DIFFERS = "delivery_differs"  # an announced delivery came with differences
    PRODUCT_APPROVED = "product_approved"  # a new product proposed is for sale
    PRODUCT_REJECTED = "product_rejected"  # a new product proposed was not accepted
    RETURN_NOTE_READY = "return_note_ready"  # goods set aside on a return note, to collect


@dataclass(frozen=True, slots=True)
class Notice:
    kind: NoticeKind
    at: datetime  # aware UTC: when it became news
    on: date  # the Bangkok day its sentence names
    path: str  # the portal page it links to
    anchor: str = ""  # a place on that page
    month: str = ""  # YYYY-MM, for a statement link
    units: int = 0
    amount_satang: int = 0
    before_satang: int = 0  # a price before it changed
    percent_bp: int = 0
    products: int = 0
    document: str = ""
    name: str = ""  # a product's name, or why a proposal was rejected
    reason: str = ""

    def is_new(self, seen_up_to: datetime | None) -> bool:
        return seen_up_to is None or self.at > seen_up_to


def start_of(day: date) -> datetime:
    """Midnight in Bangkok at the start of ``day``, as an aware instant."""
    return datetime.combine(day, time(0), tzinfo=BANGKOK)


def news_from(day: date, received_on: date) -> datetime:
    """When a dated event becomes news: ``AHEAD_DAYS`` before its day, but never before the
    goods arrived."""
    return start_of(max(day - timedelta(days=AHEAD_DAYS), received_on))


def newest_first(notices: Iterable[Notice], now: datetime) -> list[Notice]:
    """The notices of the last ``NOTICE_DAYS`` that are news by ``now``, newest first."""
    since = now - timedelta(days=NOTICE_DAYS)
    shown = [n for n in notices if since <= n.at <= now]
    return sorted(shown, key=lambda n: (n.at, n.on, n.kind.value, n.document), reverse=True)


def unread(notices: Iterable[Notice], seen_up_to: datetime | None) -> int:
    return sum(1 for n in notices if n.is_new(seen_up_to))


@dataclass
class _Group:
    at: datetime
    units: int = 0
    products: int = 0

    def add(self, at: datetime, units: int) -> None:
        self.at = max(self.at, at)
        self.units += units
        self.products += 1


def _by_product(lots: Iterable[Lot]) -> dict[int, list[Lot]]:
    found: dict[int, list[Lot]] = {}
    for lot in lots:
        if lot.remaining > 0:
            found.setdefault(lot.product_id, []).append(lot)
    return found


def _add(found: dict[date, _Group], on: date, received_on: date, units: int) -> None:
    at = news_from(on, received_on)
    found.setdefault(on, _Group(at)).add(at, units)


def lot_notices(lots: Iterable[Lot], today: date) -> list[Notice]:
    """From the lots with goods left: each product's next markdown within ``AHEAD_DAYS`` (its
    oldest lot's step, for all its units; one notice a day and step), and the goods due back by
    then, overdue ones included (one notice a day)."""
    horizon = today + timedelta(days=AHEAD_DAYS)
    markdowns: dict[tuple[date, int], _Group] = {}
    due: dict[date, _Group] = {}
    for product_lots in _by_product(lots).values():
        first = oldest(product_lots)
        if first.next_markdown is not None and first.next_markdown[0] <= horizon:
            on, bp = first.next_markdown
            at = news_from(on, first.received_on)
            units = sum(lot.remaining for lot in product_lots)
            markdowns.setdefault((on, bp), _Group(at)).add(at, units)
        ending: dict[date, _Group] = {}
        for lot in product_lots:
            if lot.end_action == EndAction.RETURN and lot.ends_on <= horizon:
                _add(ending, lot.ends_on, lot.received_on, lot.remaining)
        for on, group in ending.items():
            due.setdefault(on, _Group(group.at)).add(group.at, group.units)
    return [
        Notice(
            NoticeKind.MARKDOWN_COMING,
            g.at,
            on,
            "/portal/goods",
            units=g.units,
            percent_bp=bp,
            products=g.products,
        )
        for (on, bp), g in markdowns.items()
    ] + [
        Notice(NoticeKind.DUE_BACK, g.at, on, "/portal/goods", units=g.units, products=g.products)
        for on, g in due.items()
    ]
