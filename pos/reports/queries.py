"""The three grouped reads the centre's reports are rolled up from (see pos.reports.centre).

Only completed sales count, on their business date; refunds on theirs. Money in satang.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import BigInteger, cast, func, select
from sqlalchemy.engine import Connection

from inventory.models import Product
from payments.models import Payment, confirmed_payment
from pos.models import Refund, RefundLine, Sale, SaleLine, SalePayment, SaleStatus
from pos.reports.periods import Period

COMPLETED = Sale.status == SaleStatus.COMPLETED.value


@dataclass(slots=True)
class Figures:
    """Money of a group of sales and refunds in a period, in satang."""

    sales: int = 0  # completed sales (0 where a group is of lines: a sale spans groups)
    quantity: int = 0  # units sold less units refunded
    gross_satang: int = 0
    discount_satang: int = 0
    refunds: int = 0  # refunds (0 where a group is of lines)
    refunds_satang: int = 0
    commission_satang: int = 0  # net of the commission refunds gave back

    @property
    def sales_satang(self) -> int:
        return self.gross_satang - self.discount_satang

    @property
    def net_sales_satang(self) -> int:
        return self.gross_satang - self.discount_satang - self.refunds_satang

    def add(self, other: Figures) -> None:
        self.sales += other.sales
        self.quantity += other.quantity
        self.gross_satang += other.gross_satang
        self.discount_satang += other.discount_satang
        self.refunds += other.refunds
        self.refunds_satang += other.refunds_satang
        self.commission_satang += other.commission_satang

    def as_dict(self) -> dict[str, int]:
        return {
            "sales": self.sales,
            "quantity": self.quantity,
            "gross_satang": self.gross_satang,
            "discount_satang": self.discount_satang,
            "sales_satang": self.sales_satang,
            "refunds": self.refunds,
            "refunds_satang": self.refunds_satang,
            "net_sales_satang": self.net_sales_satang,
            "commission_satang": self.commission_satang,
        }


LineKey = tuple[int, int, int]  # product, entrepreneur, till
PaymentItem = tuple[tuple[date, str], tuple[int, int]]  # (date, method), (count, amount)
DayKey = tuple[date, int]  # business date, till


def sales_by_day_and_till(conn: Connection, period: Period) -> dict[DayKey, Figures]:
    """Sales, units, commission and refunds per business date and till."""
    found: dict[DayKey, Figures] = {}

    def at(day: date, till: int) -> Figures:
        return found.setdefault((day, till), Figures())

    in_period = Sale.business_date.between(period.start, period.end)
    for day, till, count, gross, discount in conn.execute(
        select(
            Sale.business_date,
            Sale.till_id,
            func.count(),
            func.sum(Sale.subtotal_satang),
            func.sum(Sale.discount_satang),
        )
        .where(COMPLETED, in_period)
        .group_by(Sale.business_date, Sale.till_id)
    ):
        row = at(day, till)
        row.sales, row.gross_satang, row.discount_satang = count, int(gross), int(discount)
    for day, till, quantity, commission in conn.execute(
        select(
            Sale.business_date,
            Sale.till_id,
            func.sum(SaleLine.quantity),
            func.sum(SaleLine.commission_satang),
        )
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(COMPLETED, in_period)
        .group_by(Sale.business_date, Sale.till_id)
    ):
        row = at(day, till)
        row.quantity, row.commission_satang = int(quantity), int(commission)
    refunded = Refund.business_date.between(period.start, period.end)
    for day, till, count, amount in conn.execute(
        select(Refund.business_date, Refund.till_id, func.count(), func.sum(Refund.total_satang))
        .where(refunded)
        .group_by(Refund.business_date, Refund.till_id)
    ):
        row = at(day, till)
        row.refunds, row.refunds_satang = count, int(amount)
    for day, till, quantity, commission in conn.execute(
        select(
            Refund.business_date,
            Refund.till_id,
            func.sum(RefundLine.quantity),
            func.sum(RefundLine.commission_satang),
        )
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(refunded)
        .group_by(Refund.business_date, Refund.till_id)
    ):
        row = at(day, till)
        row.quantity -= int(quantity)
        row.commission_satang -= int(commission)
    return found


def lines_by_product(conn: Connection, period: Period) -> dict[LineKey, Figures]:
    """Sale lines less refund lines per product, entrepreneur and till.

    Categories are looked up afterwards (``CentreReport``): joining the products here cost
    about 40% more on a year of lines (measured)."""
    found: dict[LineKey, Figures] = {}
    gross = func.sum(cast(SaleLine.unit_price_satang, BigInteger) * SaleLine.quantity)
    discount = func.sum(SaleLine.discount_satang + SaleLine.cart_discount_satang)
    keys = (SaleLine.product_id, SaleLine.entrepreneur_id)
    for product, maker, till, quantity, money, off, commission in conn.execute(
        select(
            *keys,
            Sale.till_id,
            func.sum(SaleLine.quantity),
            gross,
            discount,
            func.sum(SaleLine.commission_satang),
        )
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(COMPLETED, Sale.business_date.between(period.start, period.end))
        .group_by(*keys, Sale.till_id)
    ):
        found[(product, maker, till)] = Figures(
            quantity=int(quantity),
            gross_satang=int(money),
            discount_satang=int(off),
            commission_satang=int(commission),
        )
    for product, maker, till, quantity, amount, commission in conn.execute(
        select(
            *keys,
            Refund.till_id,
            func.sum(RefundLine.quantity),
            func.sum(RefundLine.amount_satang),
            func.sum(RefundLine.commission_satang),
        )
        .join(SaleLine, SaleLine.id == RefundLine.sale_line_id)
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(Refund.business_date.between(period.start, period.end))
        .group_by(*keys, Refund.till_id)
    ):
        row = found.setdefault((product, maker, till), Figures())
        row.quantity -= int(quantity)
        row.refunds_satang += int(amount)
        row.commission_satang -= int(commission)
    # Returns without a receipt name their product instead of a sale line.
    returned = (Product.id, Product.entrepreneur_id)
    for product, maker, till, quantity, amount, commission in conn.execute(
        select(
            *returned,
            Refund.till_id,
            func.sum(RefundLine.quantity),
            func.sum(RefundLine.amount_satang),
            func.sum(RefundLine.commission_satang),
        )
        .join(Product, Product.id == RefundLine.product_id)
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(Refund.business_date.between(period.start, period.end))
        .group_by(*returned, Refund.till_id)
    ):
        row = found.setdefault((product, maker, till), Figures())
        row.quantity -= int(quantity)
        row.refunds_satang += int(amount)
        row.commission_satang -= int(commission)
    return found


def payments_by_day(conn: Connection, period: Period) -> dict[tuple[date, str], tuple[int, int]]:
    """Payments of completed sales per business date and method: (count, amount). Other
    tenders by their name: the method ``other:เป๋าตัง``."""
    return {
        (day, method if not name else f"{method}:{name}"): (count, int(amount))
        for day, method, name, count, amount in conn.execute(
            select(
                Sale.business_date,
                SalePayment.method,
                Payment.tender_name,
                func.count(),
                func.sum(SalePayment.amount_satang),
            )
            .join(Sale, Sale.id == SalePayment.sale_id)
            # A QR that expired before the rest was taken another way paid nothing.
            .join(Payment, (Payment.id == SalePayment.payment_id) & confirmed_payment())
            .where(COMPLETED, Sale.business_date.between(period.start, period.end))
            .group_by(Sale.business_date, SalePayment.method, Payment.tender_name)
        )
    }
