"""One sales figure on the portal, and a balance whose arithmetic adds up on screen.

A sale with a discount the entrepreneur bore (a line discount) and one the centre bore (a
cart discount), then a refund: the month's sales, the items, the chart and the statement all
say what customers paid; owed before + sales + the centre's discounts - commission - refunds -
paid out = what the centre owes, which is the balance the ledger keeps.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from kernel.access import SYSTEM, Role
from kernel.clock import FixedClock, business_date
from kernel.db.engine import Database
from pos.consignment.portal import month_of, monthly_statement, portal_home
from tests.api.conftest import LoginAs
from tests.api.test_sales_api import _catalogue, _till_with_shift

pytestmark = pytest.mark.anyio

LINE_DISCOUNT = 1000  # on the first line, borne by the entrepreneur
CART_DISCOUNT = 1500  # over the sale, borne by the centre
SUBTOTAL = 32550  # 2 x 100.00 + 1 x 125.50


def _baht(html: str, attribute: str) -> int:
    """The satang shown in the element carrying ``attribute`` (a leading − is a deduction)."""
    found = re.search(attribute + r"[^>]*>([^<]*)<", html)
    assert found, attribute
    text = found[1].replace("฿", "").replace(",", "").strip()
    sign = -1 if text.startswith("−") else 1
    return sign * int(Decimal(text.lstrip("−+")) * 100)


async def _sold_with_discounts_and_a_refund(login_as: LoginAs, db: Database) -> int:
    location, products, maker = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    total = SUBTOTAL - LINE_DISCOUNT - CART_DISCOUNT
    sold = await client.post(
        "/api/v1/sales",
        headers={"Idempotency-Key": "figures-1"},
        json={
            "till_id": till,
            "lines": [
                {"product_id": products[0], "quantity": 2, "discount_satang": LINE_DISCOUNT},
                {"product_id": products[1], "quantity": 1},
            ],
            "cart_discount_satang": CART_DISCOUNT,
            "payments": [{"method": "cash", "amount_satang": total, "tendered_satang": total}],
        },
    )
    assert sold.status_code == 201, sold.text
    await login_as(Role.MANAGER, username="boss")
    refund = await client.post(
        "/api/v1/refunds",
        headers={"Idempotency-Key": "figures-refund-1"},
        json={
            "sale_id": sold.json()["id"],
            "till_id": till,
            "lines": [{"line_no": 2, "quantity": 1}],
            "reason": "ลูกค้าเปลี่ยนใจ",
        },
    )
    assert refund.status_code == 201, refund.text
    return maker


async def test_the_portal_says_one_sales_figure_and_its_sum_adds_up(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    maker = await _sold_with_discounts_and_a_refund(login_as, db)
    client = await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    html = (await client.get("/portal")).text

    sales = _baht(html, "data-month-sales")
    assert sales == SUBTOTAL - LINE_DISCOUNT - CART_DISCOUNT  # what the customer paid
    assert _baht(html, "data-items-total") == sales  # the items say the same
    assert f"฿{Decimal(sales) / 100:,.2f}" in html.split('id="sales"')[1]  # so does the chart
    centre = _baht(html, "data-centre-discounts")
    assert centre == CART_DISCOUNT
    assert "data-own-discounts" in html and "ส่วนลดที่คุณร่วมออก" in html
    opening = _baht(html, "data-opening")
    commission = -_baht(html, "data-commission")
    refunds = -_baht(html, "data-refunds")
    paid = -_baht(html, "data-paid-out")
    closing = _baht(html, "data-closing")
    assert refunds > 0 and commission > 0 and "data-other" not in html
    assert opening + sales + centre - commission - refunds - paid == closing
    assert closing == _baht(html, "data-balance")  # the big figure is the sum's end
    held, pending = _baht(html, "data-held"), _baht(html, "data-pending")
    assert held + pending + _baht(html, "data-available") == closing
    assert "ได้รับ" not in html  # nothing says "received" for money not yet transferred

    # The same figures from the functions every screen reads (the database's view).
    now = clock.now()
    with db.read() as conn:
        home = portal_home(conn, SYSTEM, maker, now, timedelta(days=7))
        today = business_date(now)
        month = monthly_statement(conn, SYSTEM, maker, month_of(today), today)
    figures = home.month_figures
    assert figures == month.figures
    assert figures.sales_satang == sum(item.sales_satang for item in home.items) == sales
    assert (
        figures.closing_satang
        == home.balance.balance_satang
        == month.statement.closing_balance_satang
    )
    assert figures.own_discounts_satang == LINE_DISCOUNT
    assert figures.list_price_satang == SUBTOTAL
    assert figures.other_satang == 0
    for line in month.lines:  # each line adds up the same way
        assert (
            line.sales_satang + line.centre_discount_satang - line.commission_satang
            == line.amount_satang
            or line.kind != "sale"
        )

    statement = (await client.get("/portal/statement")).text
    assert _baht(statement, "data-month-sales") == sales
    assert _baht(statement, "data-closing") == closing
    assert "ได้รับ" not in statement
    csv = (await client.get(f"/api/v1/entrepreneurs/{maker}/statement.csv")).content
    header = csv.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("date,document,kind,sales,own_discount,centre_discount")
