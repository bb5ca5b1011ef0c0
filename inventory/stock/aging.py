"""Goods at the centre by age: each lot with goods left, how old it is by its intake, and what
its terms say comes next (a markdown, the end of its period). What staff act on (markdowns
and returns due) and what an entrepreneur reads in the portal both start here.

The dates come from the lot's own terms (inventory.terms.rules), so goods keep the schedule
they came in under. Lots with goods left are few (what is on the shelves), so the schedule is
worked out in Python over one indexed read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from inventory.models import Entrepreneur, Location, Product, StockLot
from inventory.terms.rules import EndAction
from inventory.terms.service import BUILT_IN, TermsVersion, versions_by_id


@dataclass(frozen=True, slots=True)
class AgedLot:
    lot_id: int
    product_id: int
    sku: str
    barcode: str
    name_th: str
    name_en: str
    list_price_satang: int
    applied_markdown_bp: int  # the product's markdown in force on the tills now
    entrepreneur_id: int
    entrepreneur_code: str
    entrepreneur_name: str
    location_id: int
    location_code: str
    intake_id: int | None
    received_on: date
    remaining: int
    terms: TermsVersion
    age_days: int
    markdown_bp_due: int  # what the lot's terms say is in force today
    next_markdown: tuple[date, int] | None  # the next step: its day and markdown
    ends_on: date  # the end of its period (after its extensions)
    end_action: EndAction
    extensions: int = 0  # periods its terms' extend_days have added

    @property
    def past_its_period(self) -> bool:
        """Due back to the entrepreneur (or due another extension) today."""
        return self.age_days >= (self.ends_on - self.received_on).days


def aged_lots(
    conn: Connection,
    today: date,
    *,
    entrepreneur_id: int | None = None,
    location_id: int | None = None,
    product_ids: Sequence[int] | None = None,
) -> list[AgedLot]:
    """Every lot with goods left (oldest first), with its age and schedule on ``today``."""
    query = (
        select(
            StockLot.id,
            StockLot.product_id,
            Product.sku,
            Product.barcode,
            Product.name_th,
            Product.name_en,
            Product.price_satang,
            Product.markdown_bp,
            Product.entrepreneur_id,
            Entrepreneur.code,
            Entrepreneur.name_th,
            StockLot.location_id,
            Location.code,
            StockLot.intake_id,
            StockLot.received_on,
            StockLot.remaining,
            StockLot.terms_id,
            StockLot.extensions,
        )
        .join(Product, Product.id == StockLot.product_id)
        .join(Entrepreneur, Entrepreneur.id == Product.entrepreneur_id)
        .join(Location, Location.id == StockLot.location_id)
        .where(StockLot.remaining > 0)
        .order_by(StockLot.received_at, StockLot.id)  # the order goods leave in
    )
    if entrepreneur_id is not None:
        query = query.where(Product.entrepreneur_id == entrepreneur_id)
    if location_id is not None:
        query = query.where(StockLot.location_id == location_id)
    if product_ids is not None:
        query = query.where(StockLot.product_id.in_(sorted(set(product_ids))))
    rows = conn.execute(query).all()
    versions = versions_by_id(conn, {r.terms_id for r in rows if r.terms_id is not None})
    # Lots of one day under one version share their schedule: worked out once (at ten times
    # the catalogue, 78,663 lots with goods came in on 3,771 days).
    schedules: dict[tuple[int | None, date, int], tuple[int, tuple[date, int] | None, date]] = {}
    out = []
    for (
        lot_id,
        product_id,
        sku,
        barcode,
        name_th,
        name_en,
        price_satang,
        markdown_bp,
        owner_id,
        owner_code,
        owner_name,
        lot_location_id,
        location_code,
        intake_id,
        received_on,
        remaining,
        terms_id,
        extensions,
    ) in rows:
        version = BUILT_IN if terms_id is None else versions[terms_id]
        key = (terms_id, received_on, extensions)
        schedule = schedules.get(key)
        if schedule is None:
            terms = version.terms
            schedule = schedules[key] = (
                terms.markdown_bp_on(received_on, today),
                terms.next_markdown(received_on, today),
                terms.period_ends_on(received_on, extensions),
            )
        out.append(
            AgedLot(
                lot_id=lot_id,
                product_id=product_id,
                sku=sku,
                barcode=barcode,
                name_th=name_th,
                name_en=name_en,
                list_price_satang=price_satang,
                applied_markdown_bp=markdown_bp,
                entrepreneur_id=owner_id,
                entrepreneur_code=owner_code,
                entrepreneur_name=owner_name,
                location_id=lot_location_id,
                location_code=location_code,
                intake_id=intake_id,
                received_on=received_on,
                remaining=remaining,
                terms=version,
                age_days=(today - received_on).days,
                markdown_bp_due=schedule[0],
                next_markdown=schedule[1],
                ends_on=schedule[2],
                end_action=version.terms.end_action,
                extensions=extensions,
            )
        )
    return out


def oldest_per_product(lots: Sequence[AgedLot]) -> dict[int, AgedLot]:
    """Each product's oldest lot anywhere (``lots`` oldest first): its goods sell first, so its
    schedule sets the product's markdown on the tills."""
    oldest: dict[int, AgedLot] = {}
    for lot in lots:
        oldest.setdefault(lot.product_id, lot)
    return oldest


def units_aged(
    conn: Connection, today: date, days: int, *, location_id: int | None = None
) -> dict[tuple[int, int], int]:
    """Units on hand that came in ``days`` or more Bangkok days before ``today``, per
    (entrepreneur id, location id); pairs with none are left out. One grouped read: what a
    count of old goods by maker and place needs, at any history's size."""
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
