"""What an entrepreneur's portal shows: their balance, sales by day, items sold, payouts and
the statement of a month, each read for one entrepreneur after one access check.

What counts, as in the centre's reports (pos.reports.centre): completed sales on their business
date (Asia/Bangkok); a refund lowers the day it was made on. Sales are what customers paid
for the goods (price x quantity less discounts); "net" is what the entrepreneur is owed for
them (less the centre's commission).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from inventory.models import Product
from kernel.access import Actor
from kernel.clock import business_date
from kernel.errors import InvalidInputError
from payments.ledger.balance_rules import EntrepreneurBalance, StatementLine
from payments.ledger.balances import Statement, read_balance, read_statement
from pos.consignment.access import check_access
from pos.consignment.payouts import PayoutView, payouts_of
from pos.models import Refund, RefundLine, Sale, SaleLine, SaleStatus

CHART_DAYS = 30
FIRST_YEAR = 2000
COMPLETED = Sale.status == SaleStatus.COMPLETED.value
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


@dataclass(frozen=True, slots=True)
class Month:
    year: int
    month: int

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        """The month's last day."""
        return self.following().start - timedelta(days=1)

    def following(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)


def month_of(day: date) -> Month:
    return Month(day.year, day.month)


def parse_month(text: str | None, today: date) -> Month:
    """``YYYY-MM`` (this month when empty); a month that has not begun is refused."""
    value = (text or "").strip()
    if not value:
        return month_of(today)
    found = _MONTH.match(value)
    if found is None or not 1 <= int(found[2]) <= 12:
        raise InvalidInputError(
            "portal.month_invalid",
            "เดือนต้องเขียนในรูปแบบ YYYY-MM (ปี ค.ศ.) เช่น {example} (ได้รับ {value!r})",
            field="month",
            example=f"{today:%Y-%m}",
            value=value[:20],
        )
    month = Month(int(found[1]), int(found[2]))
    if month.year < FIRST_YEAR:
        raise InvalidInputError(
            "portal.month_too_early",
            "เดือนต้องเป็น {first_year}-01 หรือหลังจากนั้น",
            field="month",
            first_year=FIRST_YEAR,
        )
    if month.start > today:
        raise InvalidInputError(
            "portal.month_not_begun", "เดือน {month} ยังไม่เริ่ม", field="month", month=month.key
        )
    return month


@dataclass(frozen=True, slots=True)
class DaySales:
    day: date
    sales_satang: int  # less the refunds made that day
    quantity: int  # units sold less units refunded


@dataclass(frozen=True, slots=True)
class ItemSold:
    product_id: int
    sku: str
    name_th: str
    name_en: str
    quantity: int  # units sold less units refunded
    sales_satang: int
    net_satang: int  # owed to the entrepreneur for them


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """A period's money from the statement's lines (satang; refunds and payouts positive)."""

    gross_satang: int = 0
    discounts_satang: int = 0  # borne by the entrepreneur
    commission_satang: int = 0
    refunds_satang: int = 0
    payouts_satang: int = 0
    change_satang: int = 0  # what the balance moved by


def period_figures(lines: Iterable[StatementLine]) -> PeriodFigures:
    gross = discounts = commission = refunds = payouts = change = 0
    for line in lines:
        gross += line.gross_satang
        discounts += line.discount_satang
        commission += line.commission_satang
        change += line.amount_satang
        if line.kind == "refund":
            refunds -= line.amount_satang
        elif line.kind == "payout":
            payouts -= line.amount_satang
    return PeriodFigures(gross, discounts, commission, refunds, payouts, change)


def sales_by_day(conn: Connection, entrepreneur_id: int, start: date, end: date) -> list[DaySales]:
    """Every day of ``start``..``end`` (zeros included), for one entrepreneur."""
    sold = conn.execute(
        select(
            Sale.business_date, func.sum(SaleLine.line_total_satang), func.sum(SaleLine.quantity)
        )
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(
            SaleLine.entrepreneur_id == entrepreneur_id,
            COMPLETED,
            Sale.business_date >= start,
            Sale.business_date <= end,
        )
        .group_by(Sale.business_date)
    )
    refunded = conn.execute(
        select(
            Refund.business_date, func.sum(RefundLine.amount_satang), func.sum(RefundLine.quantity)
        )
        .join(SaleLine, SaleLine.id == RefundLine.sale_line_id)
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(
            SaleLine.entrepreneur_id == entrepreneur_id,
            Refund.business_date >= start,
            Refund.business_date <= end,
        )
        .group_by(Refund.business_date)
    )
    money: dict[date, int] = {}
    units: dict[date, int] = {}
    for sign, rows in ((1, sold), (-1, refunded)):
        for day, amount, quantity in rows:
            money[day] = money.get(day, 0) + sign * int(amount)
            units[day] = units.get(day, 0) + sign * int(quantity)
    days = (end - start).days + 1
    return [
        DaySales(day, money.get(day, 0), units.get(day, 0))
        for day in (start + timedelta(days=n) for n in range(days))
    ]


def items_sold(conn: Connection, entrepreneur_id: int, start: date, end: date) -> list[ItemSold]:
    """The entrepreneur's products sold in ``start``..``end`` less refunds, best-selling first."""
    sold = conn.execute(
        select(
            SaleLine.product_id,
            func.sum(SaleLine.quantity),
            func.sum(SaleLine.line_total_satang),
            func.sum(SaleLine.net_satang),
        )
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(
            SaleLine.entrepreneur_id == entrepreneur_id,
            COMPLETED,
            Sale.business_date >= start,
            Sale.business_date <= end,
        )
        .group_by(SaleLine.product_id)
    )
    refunded = conn.execute(
        select(
            SaleLine.product_id,
            func.sum(RefundLine.quantity),
            func.sum(RefundLine.amount_satang),
            func.sum(RefundLine.net_satang),
        )
        .join(SaleLine, SaleLine.id == RefundLine.sale_line_id)
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(
            SaleLine.entrepreneur_id == entrepreneur_id,
            Refund.business_date >= start,
            Refund.business_date <= end,
        )
        .group_by(SaleLine.product_id)
    )
    totals: dict[int, list[int]] = {}
    for sign, rows in ((1, sold), (-1, refunded)):
        for product_id, quantity, amount, net in rows:
            row = totals.setdefault(product_id, [0, 0, 0])
            row[0] += sign * int(quantity)
            row[1] += sign * int(amount)
            row[2] += sign * int(net)
    if not totals:
        return []
    names = conn.execute(
        select(Product.id, Product.sku, Product.name_th, Product.name_en).where(
            Product.id.in_(list(totals))
        )
    )
    items = [ItemSold(pid, sku, th, en, *totals[pid]) for pid, sku, th, en in names]
    return sorted(items, key=lambda i: (-i.sales_satang, -i.quantity, i.sku))


@dataclass(frozen=True, slots=True)
class PortalHome:
    entrepreneur_id: int
    balance: EntrepreneurBalance
    month: Month
    month_figures: PeriodFigures
    days: list[DaySales]  # the last CHART_DAYS business days, today included
    items: list[ItemSold]  # this month
    payouts: list[PayoutView]  # newest first


def portal_home(
    conn: Connection, actor: Actor, entrepreneur_id: int, now: datetime, refund_window: timedelta
) -> PortalHome:
    """Everything the portal's first page shows (404 for someone else's, 403 for a cashier)."""
    check_access(conn, actor, entrepreneur_id)
    today = business_date(now)
    month = month_of(today)
    statement = read_statement(conn, entrepreneur_id, month.start, today)
    return PortalHome(
        entrepreneur_id=entrepreneur_id,
        balance=read_balance(conn, entrepreneur_id, now, refund_window),
        month=month,
        month_figures=period_figures(statement.lines),
        days=sales_by_day(conn, entrepreneur_id, today - timedelta(days=CHART_DAYS - 1), today),
        items=items_sold(conn, entrepreneur_id, month.start, today),
        payouts=payouts_of(conn, entrepreneur_id),
    )


@dataclass(frozen=True, slots=True)
class MonthlyStatement:
    month: Month
    start: date
    end: date  # the month's last day, or today in the current month
    statement: Statement
    figures: PeriodFigures
    items: list[ItemSold]


def monthly_statement(
    conn: Connection, actor: Actor, entrepreneur_id: int, month: Month, today: date
) -> MonthlyStatement:
    """A month's statement lines with the running balance, its figures and the items sold."""
    check_access(conn, actor, entrepreneur_id)
    end = min(month.end, today)
    statement = read_statement(conn, entrepreneur_id, month.start, end)
    return MonthlyStatement(
        month=month,
        start=month.start,
        end=end,
        statement=statement,
        figures=period_figures(statement.lines),
        items=items_sold(conn, entrepreneur_id, month.start, end),
    )
