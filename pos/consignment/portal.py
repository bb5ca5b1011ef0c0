"""What an entrepreneur's portal shows: their balance, sales by day, items sold, payouts and
the statement of a month, each read for one entrepreneur after one access check.

One figure of sales everywhere (the balance's arithmetic, the chart, the items, the statement):
**sales are what customers paid for the entrepreneur's goods** (price x quantity less every
discount), on completed sales, by business date (Asia/Bangkok). Refunds are shown apart, never
netted into sales. The money owed then adds up on screen, every figure a sum of the ledger's
lines (payments.ledger) and each sale's own discounts:

    owed before + sales + discounts the centre bore - commission - refunds - paid out
        (+ reversals and adjustments, when there are any) = owed now

A discount the entrepreneur bore is already out of sales (the customer paid less), shown
beside them as such; a discount the centre bore lowered the price the customer paid but not
what the entrepreneur is owed, so it is added back. The manager's screens of one entrepreneur
(web.catalogue.entrepreneur_account) read these same functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from inventory.models import Product
from kernel.access import Actor
from kernel.clock import business_date
from kernel.errors import InvalidInputError
from payments.ledger.balance_rules import EntrepreneurBalance
from payments.ledger.balances import Statement, read_balance, read_statement
from pos.checkout.pricing import DiscountBearer
from pos.consignment.access import check_access
from pos.consignment.payouts import PayoutView, payouts_of
from pos.consignment.sold_lines import SoldLine, sold_lines
from pos.models import Sale, SaleLine, SaleStatus

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
    sales_satang: int  # what customers paid for the goods (refunds apart)
    quantity: int  # units sold


@dataclass(frozen=True, slots=True)
class ItemSold:
    product_id: int
    sku: str
    name_th: str
    name_en: str
    quantity: int  # units sold
    sales_satang: int  # what customers paid for them
    net_satang: int  # the entrepreneur's share: sales less commission


@dataclass(frozen=True, slots=True)
class AccountLine:
    """A statement line as the entrepreneur reads it (satang; ``amount`` owed: positive)."""

    entry_id: int
    at: datetime
    kind: str  # sale | refund | payout | reversal | adjustment
    document: str
    list_price_satang: int  # price x quantity, before discounts
    own_discount_satang: int  # the discounts the entrepreneur bore (already out of sales)
    centre_discount_satang: int  # the discounts the centre bore (added back)
    sales_satang: int  # what customers paid: list price less every discount
    commission_satang: int
    amount_satang: int  # what it changed the balance by
    balance_satang: int  # owed after it
    goods: tuple[SoldLine, ...] = ()  # a sale's lines, labelled with their terms (statements)


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """A period's money, from its account lines (satang; refunds and payouts positive).

    ``opening + sales + centre_discounts - commission - refunds - payouts + other == closing``.
    """

    opening_satang: int = 0
    list_price_satang: int = 0
    own_discounts_satang: int = 0  # borne by the entrepreneur: already out of sales
    centre_discounts_satang: int = 0  # borne by the centre: added back
    sales_satang: int = 0
    commission_satang: int = 0
    refunds_satang: int = 0
    payouts_satang: int = 0
    other_satang: int = 0  # reversals and adjustments
    change_satang: int = 0  # what the balance moved by
    closing_satang: int = 0


def _centre_borne() -> Any:
    centre = DiscountBearer.CENTRE.value
    return case(
        (SaleLine.line_discount_bearer == centre, SaleLine.discount_satang), else_=0
    ) + case((SaleLine.cart_discount_bearer == centre, SaleLine.cart_discount_satang), else_=0)


def centre_discounts(conn: Connection, entrepreneur_id: int, receipts: list[str]) -> dict[str, int]:
    """The discounts the centre bore on the entrepreneur's lines of each sale (by receipt)."""
    found: dict[str, int] = {}
    for chunk in range(0, len(receipts), 500):
        rows = conn.execute(
            select(Sale.receipt_number, func.sum(_centre_borne()))
            .join(SaleLine, SaleLine.sale_id == Sale.id)
            .where(
                SaleLine.entrepreneur_id == entrepreneur_id,
                Sale.receipt_number.in_(receipts[chunk : chunk + 500]),
            )
            .group_by(Sale.receipt_number)
        )
        found.update({receipt: int(total or 0) for receipt, total in rows})
    return found


def account_lines(
    conn: Connection, statement: Statement, *, with_goods: bool = False
) -> list[AccountLine]:
    """The statement's ledger lines with sales as customers paid them (``with_goods``: and
    each sale's lines with the terms they were sold under)."""
    receipts = [line.document for line in statement.lines if line.kind == "sale"]
    borne = centre_discounts(conn, statement.entrepreneur_id, receipts) if receipts else {}
    goods = sold_lines(conn, statement.entrepreneur_id, receipts) if with_goods and receipts else {}
    lines = []
    for line in statement.lines:
        centre = borne.get(line.document, 0) if line.kind == "sale" else 0
        lines.append(
            AccountLine(
                entry_id=line.entry_id,
                at=line.at,
                kind=line.kind,
                document=line.document,
                list_price_satang=line.gross_satang,
                own_discount_satang=line.discount_satang,
                centre_discount_satang=centre,
                sales_satang=line.gross_satang - line.discount_satang - centre,
                commission_satang=line.commission_satang,
                amount_satang=line.amount_satang,
                balance_satang=line.balance_satang,
                goods=tuple(goods.get(line.document, ())) if line.kind == "sale" else (),
            )
        )
    return lines


def period_figures(opening_satang: int, lines: Iterable[AccountLine]) -> PeriodFigures:
    """The period's sums; ``other`` is whatever the named figures do not explain (reversals,
    adjustments), so that the sum shown always adds up to the ledger's closing balance."""
    listed = own = centre = sales = commission = refunds = payouts = change = 0
    for line in lines:
        listed += line.list_price_satang
        own += line.own_discount_satang
        centre += line.centre_discount_satang
        sales += line.sales_satang
        commission += line.commission_satang
        change += line.amount_satang
        if line.kind == "refund":
            refunds -= line.amount_satang
        elif line.kind == "payout":
            payouts -= line.amount_satang
    other = change - (sales + centre - commission - refunds - payouts)
    return PeriodFigures(
        opening_satang=opening_satang,
        list_price_satang=listed,
        own_discounts_satang=own,
        centre_discounts_satang=centre,
        sales_satang=sales,
        commission_satang=commission,
        refunds_satang=refunds,
        payouts_satang=payouts,
        other_satang=other,
        change_satang=change,
        closing_satang=opening_satang + change,
    )


@dataclass(frozen=True, slots=True)
class BalanceParts:
    """What is owed, split so that the parts shown add up to it: held for refunds, promised
    to a payout run, available for the next run."""

    owed_satang: int
    held_satang: int
    pending_payouts_satang: int  # promised to a run, not yet transferred
    available_satang: int


def balance_parts(balance: EntrepreneurBalance) -> BalanceParts:
    owed = balance.balance_satang
    held = max(0, min(balance.held_satang, owed))
    pending = max(0, min(balance.pending_payouts_satang, owed - held))
    return BalanceParts(owed, held, pending, owed - held - pending)


def sales_by_day(conn: Connection, entrepreneur_id: int, start: date, end: date) -> list[DaySales]:
    """Every day of ``start``..``end`` (zeros included), for one entrepreneur: what customers
    paid for their goods on the day's completed sales (refunds are shown apart)."""
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
    money: dict[date, int] = {}
    units: dict[date, int] = {}
    for day, amount, quantity in sold:
        money[day] = int(amount)
        units[day] = int(quantity)
    days = (end - start).days + 1
    return [
        DaySales(day, money.get(day, 0), units.get(day, 0))
        for day in (start + timedelta(days=n) for n in range(days))
    ]


def items_sold(conn: Connection, entrepreneur_id: int, start: date, end: date) -> list[ItemSold]:
    """The entrepreneur's products sold in ``start``..``end`` (what customers paid, and the
    entrepreneur's share of it), best-selling first; refunds are shown apart."""
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
    totals = {pid: (int(q), int(amount), int(net)) for pid, q, amount, net in sold}
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
    parts: BalanceParts
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
    balance = read_balance(conn, entrepreneur_id, now, refund_window)
    return PortalHome(
        entrepreneur_id=entrepreneur_id,
        balance=balance,
        parts=balance_parts(balance),
        month=month,
        month_figures=period_figures(
            statement.opening_balance_satang, account_lines(conn, statement)
        ),
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
    lines: list[AccountLine]
    figures: PeriodFigures
    items: list[ItemSold]


def monthly_statement(
    conn: Connection, actor: Actor, entrepreneur_id: int, month: Month, today: date
) -> MonthlyStatement:
    """A month's statement lines with the running balance, its figures and the items sold."""
    check_access(conn, actor, entrepreneur_id)
    end = min(month.end, today)
    statement = read_statement(conn, entrepreneur_id, month.start, end)
    lines = account_lines(conn, statement, with_goods=True)
    return MonthlyStatement(
        month=month,
        start=month.start,
        end=end,
        statement=statement,
        lines=lines,
        figures=period_figures(statement.opening_balance_satang, lines),
        items=items_sold(conn, entrepreneur_id, month.start, end),
    )
