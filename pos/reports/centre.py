"""The centre's sales reports: by time, place, category, maker, star rating and payment method.

What counts, documented once:

- Only completed sales, on their business date (Asia/Bangkok).
- A refund reduces the period it was made in (its own business date), not the sale's.
- Gross is price x quantity; discounts are the lines' own and their share of the cart's;
  net sales are gross - discounts - refunds. Commission is the centre's: the sale lines'
  commission less what refunds gave back.
- A sale line belongs to the entrepreneur it was sold for (the line's snapshot) and to its
  product's category; a sale or refund to the location of the till that rang it.
- The payment mix is of sales as paid (split tender counts each part); refunds do not
  change it.

The period's rows are read in three grouped queries (pos.reports.queries: sales by day and
till, lines by product, entrepreneur and till, payments by day and method); every table is
rolled up from them in Python, so a page that shows them all reads the lines once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.engine import Connection

from inventory.models import Category, District, Entrepreneur, Location, Product
from pos.models import Till
from pos.reports.periods import (
    Grain,
    Period,
    bucket_key,
    bucket_label,
    bucket_of,
    buckets,
    share_bp,
    short_label,
)
from pos.reports.queries import (
    DayKey,
    Figures,
    LineKey,
    PaymentItem,
    lines_by_product,
    payments_by_day,
    sales_by_day_and_till,
)

TOP_LIMIT = 20
STARS = (5, 4, 3, 2, 1)
METHODS = ("cash", "promptpay", "card")  # and "other:<name>", one per other tender seen


@dataclass(frozen=True, slots=True)
class ReportRow:
    key: str  # "2026-11-21", "2026-W47", "SKP", "CM-0001", "5"
    label_th: str
    label_en: str
    figures: Figures
    short_th: str = ""  # an axis label, where the row is charted
    short_en: str = ""
    detail_th: str = ""  # a product's maker (code), an entrepreneur's district
    detail_en: str = ""

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_th

    def detail(self, lang: str) -> str:
        return self.detail_en if lang == "en" else self.detail_th

    def short(self, lang: str) -> str:
        return (self.short_en if lang == "en" else self.short_th) or self.label(lang)


@dataclass(frozen=True, slots=True)
class MethodRow:
    method: str  # cash | promptpay | card | other:<the tender's name>
    payments: int
    amount_satang: int
    share_bp: int  # of the amount paid, in basis points


@dataclass(frozen=True, slots=True)
class PaymentMix:
    key: str  # "" for the whole period, "2026-11" for a month
    label_th: str
    label_en: str
    methods: list[MethodRow]
    payments: int
    amount_satang: int

    @property
    def promptpay_share_bp(self) -> int:
        return sum(row.share_bp for row in self.methods if row.method == "promptpay")

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_th


@dataclass(frozen=True, slots=True)
class Maker:
    code: str
    name_th: str
    name_en: str
    district_id: int
    stars: int


# --- the tables ------------------------------------------------------------------------


def _total(figures: Iterable[Figures]) -> Figures:
    total = Figures()
    for part in figures:
        total.add(part)
    return total


def _by_net(rows: list[ReportRow]) -> list[ReportRow]:
    return sorted(rows, key=lambda r: (-r.figures.net_sales_satang, r.label_en))


@dataclass
class CentreReport:
    """Every table of one period; each base read runs once, when a table first needs it."""

    conn: Connection
    period: Period

    @cached_property
    def _days(self) -> dict[DayKey, Figures]:
        return sales_by_day_and_till(self.conn, self.period)

    @cached_property
    def _lines(self) -> dict[LineKey, Figures]:
        return lines_by_product(self.conn, self.period)

    @cached_property
    def _payments(self) -> dict[tuple[date, str], tuple[int, int]]:
        return payments_by_day(self.conn, self.period)

    @cached_property
    def _makers(self) -> dict[int, Maker]:
        return {
            row[0]: Maker(*row[1:])
            for row in self.conn.execute(
                select(
                    Entrepreneur.id,
                    Entrepreneur.code,
                    Entrepreneur.name_th,
                    Entrepreneur.name_en,
                    Entrepreneur.district_id,
                    Entrepreneur.star_rating,
                )
            )
        }

    def summary(self) -> Figures:
        return _total(self._days.values())

    def over_time(self, grain: Grain) -> list[ReportRow]:
        """One row per day, ISO week or month of the period, empty ones included."""
        sums = {first: Figures() for first in buckets(self.period, grain)}
        for (day, _till), figures in self._days.items():
            sums[bucket_of(day, grain)].add(figures)
        return [
            ReportRow(
                bucket_key(first, grain),
                bucket_label(first, grain, "th", self.period),
                bucket_label(first, grain, "en", self.period),
                figures,
                short_label(first, grain, "th"),
                short_label(first, grain, "en"),
            )
            for first, figures in sums.items()
        ]

    def by_location(self) -> list[ReportRow]:
        tills = {
            till: place for till, place in self.conn.execute(select(Till.id, Till.location_id))
        }
        places = self.conn.execute(
            select(Location.id, Location.code, Location.name_th, Location.name_en)
        ).all()
        sums = {place.id: Figures() for place in places}
        for (_day, till), figures in self._days.items():
            sums[tills[till]].add(figures)
        rows = [ReportRow(p.code, p.name_th, p.name_en, sums[p.id]) for p in places]
        return _by_net(rows)

    def _roll_up(self, key: Callable[[LineKey], int]) -> dict[int, Figures]:
        sums: dict[int, Figures] = {}
        for line_key, figures in self._lines.items():
            sums.setdefault(key(line_key), Figures()).add(figures)
        return sums

    def by_category(self) -> list[ReportRow]:
        categories = {
            product: category
            for product, category in self.conn.execute(select(Product.id, Product.category_id))
        }
        sums = self._roll_up(lambda k: categories[k[0]])
        rows = [
            ReportRow(c.code, c.name_th, c.name_en, sums.get(c.id, Figures()))
            for c in self.conn.execute(
                select(Category.id, Category.code, Category.name_th, Category.name_en)
            )
        ]
        return _by_net(rows)

    def by_district(self) -> list[ReportRow]:
        """Every district of the province, those that sold nothing included."""
        makers = self._makers
        sums = self._roll_up(lambda k: makers[k[1]].district_id)
        rows = [
            ReportRow(d.code, d.name_th, d.name_en, sums.get(d.id, Figures()))
            for d in self.conn.execute(
                select(District.id, District.code, District.name_th, District.name_en)
            )
        ]
        return _by_net(rows)

    def by_stars(self) -> list[ReportRow]:
        """OTOP star ratings 5 to 1 (the entrepreneur's current rating)."""
        makers = self._makers
        sums = self._roll_up(lambda k: makers[k[1]].stars)
        return [
            ReportRow(
                str(s),
                f"{'★' * s} {s} ดาว",
                f"{'★' * s} {s} star{'s' * (s > 1)}",
                sums.get(s, Figures()),
            )
            for s in STARS
        ]

    def top_entrepreneurs(self, limit: int = TOP_LIMIT) -> list[ReportRow]:
        makers = self._makers
        sums = self._roll_up(lambda k: k[1])
        top = sorted(sums.items(), key=lambda kv: (-kv[1].net_sales_satang, kv[0]))[:limit]
        names = select(District.id, District.name_th, District.name_en)
        districts = {d.id: d for d in self.conn.execute(names)}
        rows = []
        for maker_id, figures in top:
            m = makers[maker_id]
            place = districts.get(m.district_id)
            rows.append(
                ReportRow(
                    m.code,
                    m.name_th,
                    m.name_en,
                    figures,
                    detail_th=place.name_th if place else "",
                    detail_en=place.name_en if place else "",
                )
            )
        return rows

    def top_products(self, limit: int = TOP_LIMIT) -> list[ReportRow]:
        sums = self._roll_up(lambda k: k[0])
        top = sorted(sums.items(), key=lambda kv: (-kv[1].net_sales_satang, kv[0]))[:limit]
        if not top:
            return []
        names = {
            r.id: r
            for r in self.conn.execute(
                select(
                    Product.id,
                    Product.sku,
                    Product.name_th,
                    Product.name_en,
                    Entrepreneur.code.label("maker"),
                    Entrepreneur.name_th.label("maker_th"),
                    Entrepreneur.name_en.label("maker_en"),
                )
                .join(Entrepreneur, Entrepreneur.id == Product.entrepreneur_id)
                .where(Product.id.in_([product_id for product_id, _ in top]))
            )
        }
        rows = []
        for pid, figures in top:
            p = names[pid]
            rows.append(
                ReportRow(
                    p.sku,
                    p.name_th,
                    p.name_en,
                    figures,
                    detail_th=f"{p.maker} {p.maker_th}",
                    detail_en=f"{p.maker} {p.maker_en}",
                )
            )
        return rows

    def payment_mix(self) -> PaymentMix:
        return _mix("", "", "", self._payments.items())

    def payment_mix_by_month(self) -> list[PaymentMix]:
        """The mix month by month: the centre's digital-payment adoption over time."""
        months: dict[date, list[PaymentItem]] = {
            first: [] for first in buckets(self.period, Grain.MONTH)
        }
        for item in self._payments.items():
            months[bucket_of(item[0][0], Grain.MONTH)].append(item)
        return [
            _mix(
                bucket_key(first, Grain.MONTH),
                bucket_label(first, Grain.MONTH, "th"),
                bucket_label(first, Grain.MONTH, "en"),
                items,
            )
            for first, items in months.items()
        ]


def _mix(key: str, label_th: str, label_en: str, items: Iterable[PaymentItem]) -> PaymentMix:
    counts = dict.fromkeys(METHODS, 0)
    amounts = dict.fromkeys(METHODS, 0)
    for (_day, method), (count, amount) in items:
        counts[method] = counts.get(method, 0) + count
        amounts[method] = amounts.get(method, 0) + amount
    whole = sum(amounts.values())
    order = [*METHODS, *sorted(set(counts) - set(METHODS))]
    methods = [MethodRow(m, counts[m], amounts[m], share_bp(amounts[m], whole)) for m in order]
    return PaymentMix(key, label_th, label_en, methods, sum(counts.values()), whole)


@dataclass(frozen=True, slots=True)
class CentreTables:
    """Every table of the report page, computed."""

    period: Period
    summary: Figures
    over_time: list[ReportRow]
    by_category: list[ReportRow]
    by_district: list[ReportRow]
    by_stars: list[ReportRow]
    by_location: list[ReportRow]
    top_products: list[ReportRow]
    top_entrepreneurs: list[ReportRow]
    payment_mix: PaymentMix
    payment_mix_by_month: list[PaymentMix]


def centre_report(conn: Connection, start: date, end: date) -> CentreTables:
    """The whole report of a period (what the bench times as "the monthly report")."""
    period = Period(start, end)
    report = CentreReport(conn, period)
    return CentreTables(
        period,
        report.summary(),
        report.over_time(period.natural_grain()),
        report.by_category(),
        report.by_district(),
        report.by_stars(),
        report.by_location(),
        report.top_products(),
        report.top_entrepreneurs(),
        report.payment_mix(),
        report.payment_mix_by_month(),
    )


SECTIONS: dict[str, Callable[[Connection, date, date], object]] = {
    "sales by day and till": lambda c, s, e: sales_by_day_and_till(c, Period(s, e)),
    "lines by product": lambda c, s, e: lines_by_product(c, Period(s, e)),
    "payments by day": lambda c, s, e: payments_by_day(c, Period(s, e)),
}
