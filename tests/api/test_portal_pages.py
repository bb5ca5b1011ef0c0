"""The entrepreneur's portal pages: balance, sales by day, items sold, statement, QR card; and
that nobody reaches another entrepreneur's through them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import update

from inventory.models import Entrepreneur
from kernel.access import Role
from kernel.db.engine import Database
from tests import factories as f
from tests.api.conftest import LoginAs
from tests.api.test_sales_api import _body, _catalogue, _till_with_shift

pytestmark = pytest.mark.anyio

OTHER_NAME = "ร้านคนอื่นที่ต้องไม่เห็น"


async def _sold(login_as: LoginAs, db: Database) -> tuple[AsyncTestClient[Any], int, int]:
    """One sale of the maker's goods (2 x 100.00 + 1 x 125.50); the maker and another
    entrepreneur with a PromptPay ID and goods of their own."""
    location, products, maker = _catalogue(db)
    with db.write() as conn:
        other = f.entrepreneur(
            conn, f.district(conn, code="DSK"), name_th=OTHER_NAME, name_en="Someone Else"
        )
        conn.execute(
            update(Entrepreneur).where(Entrepreneur.id == other).values(promptpay_id="0899999999")
        )
        theirs = f.product(conn, other, f.category(conn, code="XX"), name_th="ของคนอื่นเท่านั้น")
        f.stock(conn, theirs, location, 1)
    client, till = await _till_with_shift(login_as, location)
    sold = await client.post(
        "/api/v1/sales", json=_body(till, products), headers={"Idempotency-Key": "portal-1"}
    )
    assert sold.status_code == 201, sold.text
    return client, maker, other


async def test_the_portal_shows_the_balance_the_sales_by_day_and_the_items_sold(
    login_as: LoginAs, db: Database
) -> None:
    client, maker, _ = await _sold(login_as, db)
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    home = await client.get("/portal")
    assert home.status_code == 200, home.text
    text = home.text
    # 325.50 sold at 20% commission: 260.40 owed, all of it held (inside the refund window).
    assert re.search(r"data-balance>฿260\.40<", text)
    assert re.search(r"data-available>0\.00<", text) and re.search(r"data-held>260\.40<", text)
    assert "325.50" in text  # this month's gross and the 30 days' sales
    assert "65.10" in text  # the commission
    assert '<svg class="chart columns"' in text and "ยอดขายรายวัน" in text
    items = text[text.index('id="items"') : text.index('id="stock"')]
    assert "ของ 0" in items and "ของ 1" in items and ">2 <small>" in items
    assert "ยังไม่มีการโอนเงิน" in text  # no payouts yet
    english = await client.get("/portal?lang=en")
    assert "The centre owes you" in english.text and "Sales by day" in english.text


async def test_another_entrepreneurs_id_in_any_query_never_shows_their_data(
    login_as: LoginAs, db: Database
) -> None:
    client, maker, other = await _sold(login_as, db)
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    for path in ("/portal", "/portal/statement", "/portal/qr-card"):
        mine = await client.get(path, params={"entrepreneur_id": str(maker)})
        assert mine.status_code == 200, (path, mine.text)
        refused = await client.get(path, params={"entrepreneur_id": str(other)})
        assert refused.status_code == 404, path
        assert OTHER_NAME not in refused.text
        for name in ("id", "entrepreneur", "e", "eid"):
            ignored = await client.get(path, params={name: str(other)})
            assert ignored.status_code == 200, (path, name)
            assert OTHER_NAME not in ignored.text and "0899999999" not in ignored.text
    csv_link = await client.get("/portal/statement", params={"month": "2026-11"})
    assert f"/api/v1/entrepreneurs/{maker}/statement.csv?from=2026-11-01&amp;to=2026-11-21" in (
        csv_link.text
    )
    not_a_number = await client.get("/portal", params={"entrepreneur_id": "1 OR 1=1"})
    assert not_a_number.status_code == 422 and not_a_number.json()["field"] == "entrepreneur_id"


async def test_a_cashier_gets_403_and_a_manager_sees_what_the_entrepreneur_sees(
    login_as: LoginAs, db: Database
) -> None:
    client, maker, other = await _sold(login_as, db)  # signed in as the cashier
    for path in ("/portal", "/portal/statement", "/portal/qr-card"):
        assert (await client.get(path, params={"entrepreneur_id": str(maker)})).status_code == 403
    await login_as(Role.MANAGER, username="manager2")
    chooser = await client.get("/portal")
    assert chooser.status_code == 200 and 'name="entrepreneur_id"' in chooser.text
    theirs = await client.get("/portal", params={"entrepreneur_id": str(other)})
    assert theirs.status_code == 200 and OTHER_NAME in theirs.text
    assert f"/portal/statement?entrepreneur_id={other}" in theirs.text  # links keep the choice
    missing = await client.get("/portal", params={"entrepreneur_id": "999999"})
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "month must be written YYYY-MM"),
        ("November", "month must be written YYYY-MM"),
        ("2026-1", "month must be written YYYY-MM"),
        ("๒๕๖๙-๐๑", "month must be written YYYY-MM"),  # Thai digits are not taken as 0-9
        ("2026-12", "month 2026-12 has not begun yet"),
        ("1999-12", "month must be 2000-01 or later"),
    ],
)
async def test_a_bad_statement_month_is_422_with_a_clear_message(
    login_as: LoginAs, db: Database, month: str, message: str
) -> None:
    with db.write() as conn:
        me = f.entrepreneur(conn, f.district(conn))
    client = await login_as(Role.ENTREPRENEUR, entrepreneur_id=me)
    response = await client.get("/portal/statement", params={"month": month, "lang": "en"})
    assert response.status_code == 422
    assert message in response.text and 'role="alert"' in response.text
    assert 'aria-invalid="true"' in response.text


async def test_the_monthly_statement_lists_the_lines_and_prints(
    login_as: LoginAs, db: Database
) -> None:
    client, maker, _ = await _sold(login_as, db)
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    this_month = await client.get("/portal/statement")
    assert this_month.status_code == 200
    text = this_month.text
    assert "พฤศจิกายน 2569" in text  # the Buddhist-era year
    assert "SKP-01-000001" in text and re.search(r"data-closing>260\.40<", text)
    assert "data-print" in text and "/static/page.js" in text  # page.js prints (no inline JS)
    assert "@media print" not in text  # print CSS is in the sheet
    assert "/portal/statement?month=2026-10" in text  # the previous month
    assert "month=2026-12" not in text  # no link to a month that has not begun
    # The month picker speaks Thai with the Buddhist year, this month chosen, none ahead.
    assert '<option value="2026-11" selected>พฤศจิกายน 2569</option>' in text
    assert '<option value="2026-10">ตุลาคม 2569</option>' in text
    assert 'value="2026-12"' not in text and 'type="month"' not in text
    october = await client.get("/portal/statement", params={"month": "2026-10"})
    assert october.status_code == 200 and "ไม่มีรายการในเดือนนี้" in october.text
    assert '<option value="2026-10" selected>' in october.text
    long_ago = await client.get("/portal/statement", params={"month": "2021-03"})
    assert '<option value="2021-03" selected>มีนาคม 2564</option>' in long_ago.text


async def test_the_qr_card_carries_the_static_promptpay_qr_or_says_whom_to_ask(
    login_as: LoginAs, db: Database
) -> None:
    with db.write() as conn:
        district = f.district(conn)
        with_id = f.entrepreneur(conn, district, name_th="ร้านผ้าฝ้ายแม่ออน")
        without = f.entrepreneur(conn, district)
        conn.execute(
            update(Entrepreneur).where(Entrepreneur.id == with_id).values(promptpay_id="0812345678")
        )
    client = await login_as(Role.ENTREPRENEUR, entrepreneur_id=with_id, username="ent-a")
    card = await client.get("/portal/qr-card")
    assert card.status_code == 200
    assert "สแกนจ่าย" in card.text and "ร้านผ้าฝ้ายแม่ออน" in card.text
    assert 'aria-label="PromptPay QR"' in card.text and "xxxxxx5678" in card.text
    assert "0812345678" not in card.text  # the card shows only the last digits
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=without, username="ent-b")
    missing = await client.get("/portal/qr-card")
    assert missing.status_code == 200
    assert "PromptPay QR" not in missing.text and "ผู้จัดการศูนย์" in missing.text
