"""How an entrepreneur reads their goods at the centre: each product's lots summed up (units by
location, the oldest's age, the next markdown, the end of the period, the price on the shelf
now), what needs attention first, and the week a day falls in. Pure: no database.

A product has one price on the tills, so its markdown follows its oldest lot (whose goods sell
first; inventory.stock.aging.oldest_per_product): the next markdown is that lot's next step, for
every unit on the shelf. Ends of period are each lot's own: goods go back lot by lot.

Lots come from inventory.stock.aging (``AgedLot`` has every field ``Lot`` names).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from inventory.terms.rules import EndAction, marked_down_price


class Lot(Protocol):
    """What the summary needs of a lot with goods left (inventory.stock.aging.AgedLot)."""

    @property
    def product_id(self) -> int: ...
    @property
    def sku(self) -> str: ...
    @property
    def name_th(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def list_price_satang(self) -> int: ...
    @property
    def applied_markdown_bp(self) -> int: ...
    @property
    def location_id(self) -> int: ...
    @property
    def received_on(self) -> date: ...
    @property
    def remaining(self) -> int: ...
    @property
    def age_days(self) -> int: ...
    @property
    def next_markdown(self) -> tuple[date, int] | None: ...
    @property
    def ends_on(self) -> date: ...
    @property
    def end_action(self) -> EndAction: ...


@dataclass(frozen=True, slots=True)
class NextMarkdown:
    on: date
    percent_bp: int  # off the list price, from that day, for the whole product


@dataclass(frozen=True, slots=True)
class PeriodEnd:
    on: date  # the day goods are due back (or due another extension)
    action: EndAction
    units: int  # how many of the product's units end then


@dataclass(frozen=True, slots=True)
class ProductGoods:
    """One product's goods at the centre, as the portal shows them."""

    product_id: int
    sku: str
    name_th: str
    name_en: str
    units: int
    by_location: tuple[tuple[int, int], ...]  # (location id, units), most units first
    oldest_received_on: date
    oldest_age_days: int
    next_markdown: NextMarkdown | None  # its oldest lot's next step
    period_end: PeriodEnd  # the soonest end among its lots
    list_price_satang: int
    markdown_bp: int  # on the tills now
    shelf_price_satang: int  # what a customer pays now: list less the markdown

    @property
    def due_on(self) -> date:
        """The soonest thing that happens to these goods: what orders the list."""
        if self.next_markdown is not None and self.next_markdown.on < self.period_end.on:
            return self.next_markdown.on
        return self.period_end.on

    def overdue(self, today: date) -> bool:
        """Past its period and still here: to be collected (or extended) now."""
        return self.period_end.on <= today


def oldest(lots: Sequence[Lot]) -> Lot:
    """The lot whose goods sell first (the first of the oldest, as aging lists them)."""
    return min(lots, key=lambda lot: lot.received_on)


def _soonest_end(lots: Sequence[Lot]) -> PeriodEnd:
    first = min(lots, key=lambda lot: lot.ends_on)
    units = sum(
        lot.remaining
        for lot in lots
        if lot.ends_on == first.ends_on and lot.end_action == first.end_action
    )
    return PeriodEnd(first.ends_on, first.end_action, units)


def _one_product(lots: Sequence[Lot]) -> ProductGoods:
    first = oldest(lots)
    places: dict[int, int] = {}
    for lot in lots:
        places[lot.location_id] = places.get(lot.location_id, 0) + lot.remaining
    return ProductGoods(
        product_id=first.product_id,
        sku=first.sku,
        name_th=first.name_th,
        name_en=first.name_en,
        units=sum(places.values()),
        by_location=tuple(sorted(places.items(), key=lambda p: (-p[1], p[0]))),
        oldest_received_on=first.received_on,
        oldest_age_days=first.age_days,
        next_markdown=NextMarkdown(*first.next_markdown) if first.next_markdown else None,
        period_end=_soonest_end(lots),
        list_price_satang=first.list_price_satang,
        markdown_bp=first.applied_markdown_bp,
        shelf_price_satang=marked_down_price(first.list_price_satang, first.applied_markdown_bp),
    )


def goods_by_product(lots: Iterable[Lot]) -> list[ProductGoods]:
    """Each product with goods left, what needs attention first: the soonest markdown or end
    of period (overdue goods, already past it, come first), then by SKU."""
    grouped: dict[int, list[Lot]] = {}
    for lot in lots:
        if lot.remaining > 0:
            grouped.setdefault(lot.product_id, []).append(lot)
    goods = [_one_product(group) for group in grouped.values()]
    return sorted(goods, key=lambda g: (g.due_on, g.sku))


@dataclass(frozen=True, slots=True)
class Week:
    start: date  # Monday
    end: date  # Sunday


def week_of(day: date) -> Week:
    """The Monday-to-Sunday week ``day`` (a Bangkok business day) falls in."""
    monday = day - timedelta(days=day.weekday())
    return Week(monday, monday + timedelta(days=6))
