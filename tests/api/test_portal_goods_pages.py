"""The portal's goods, week and notices pages: what an entrepreneur reads there, the count of
new notices dropping once they are opened, and nobody reaching another's through them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from inventory.models import Product
from inventory.stock.document_rules import LineIn
from inventory.stock.intakes import receive_intake
from kernel.access import SYSTEM, Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from pos.consignment.notice_models import NoticesSeen
from tests.api.conftest import LoginAs
from tests.api.test_portal_pages import OTHER_NAME, _sold

pytestmark = pytest.mark.anyio

PAGES = ("/portal/goods", "/portal/week", "/portal/notices")


def _delivered(
    db: Database, clock: FixedClock, maker: int, products: list[int], days_ago: int = 3
) -> None:
    """A delivery received ``days_ago``: 4 more of the first product."""
    with db.write() as conn:
        receive_intake(
            conn,
            SYSTEM,
            clock.now() - timedelta(days=days_ago),
            entrepreneur_id=maker,
            location_id=None,
            lines=[LineIn(4, product_id=products[0])],
        )


async def test_goods_show_units_age_dates_and_prices_and_the_deliveries(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    client, maker, _ = await _sold(login_as, db)
    with db.read() as conn:
        products = list(
            conn.execute(
                select(Product.id).where(Product.entrepreneur_id == maker).order_by(Product.id)
            ).scalars()
        )
    _delivered(db, clock, maker, products)
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    page = await client.get("/portal/goods")
    assert page.status_code == 200, page.text
    text = page.text
    goods = text[text.index('id="goods"') : text.index('id="deliveries"')]
    # 5 - 2 sold + 4 delivered of the first; 5 - 1 of the second; opening stock is today's.
    assert goods.count('class="goods') == 2
    assert "อยู่ที่ศูนย์ 3 วัน (รับเข้าวันที่ 18 พ.ย. 2569)" in goods
    assert "อยู่ที่ศูนย์ 0 วัน (รับเข้าวันที่ 21 พ.ย. 2569)" in goods
    # The built-in terms: 90 days, then back to the maker; no markdowns.
    assert "ครบกำหนดฝากขาย มารับคืนได้ตั้งแต่วันที่ 16 ก.พ. 2570" in goods
    assert (
        "ครบกำหนดฝากขาย มารับคืนได้ตั้งแต่วันที่ 19 ก.พ. 2570" in goods and "data-next-markdown" not in goods
    )
    assert "ราคาขาย <strong>฿100.00</strong>" in goods
    assert re.search(r"7 <small>ชิ้น</small>", goods) and "ศูนย์ OTOP สันกำแพง" in goods
    deliveries = text[text.index('id="deliveries"') :]
    assert "GRN-2026-" in deliveries and "18/11/2569" in deliveries and "ของ 0" in deliveries
    english = await client.get("/portal/goods", params={"lang": "en"})
    assert "At the centre 3 days (received 18 Nov 2026)" in english.text
    assert "Consignment ends: collect them from 16 Feb 2027" in english.text


async def test_a_bad_page_number_is_422_and_the_page_still_shows(
    login_as: LoginAs, db: Database
) -> None:
    client, maker, _ = await _sold(login_as, db)
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    for bad in ("0", "abc", "-1", "99999999", "๒"):
        response = await client.get("/portal/goods", params={"page": bad, "lang": "en"})
        assert response.status_code == 422, bad
        assert "page must be a number from 1 to 10000" in response.text
        assert 'role="alert"' in response.text and 'id="goods"' in response.text
    beyond = await client.get("/portal/goods", params={"page": "7", "lang": "th"})
    assert beyond.status_code == 200 and "ยังไม่มีการส่งสินค้า" in beyond.text


async def test_the_week_shows_units_sales_and_their_share_with_the_statement(
    login_as: LoginAs, db: Database
) -> None:
    client, maker, _ = await _sold(login_as, db)  # Saturday 21 Nov 2026
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    page = await client.get("/portal/week")
    assert page.status_code == 200, page.text
    text = page.text
    assert "วันจันทร์ที่ 16 พ.ย. 2569 ถึงวันอาทิตย์ที่ 22 พ.ย. 2569" in text
    assert re.search(r"data-week-units>3<", text)
    assert re.search(r"data-week-sales>325\.50<", text)
    assert re.search(r"data-week-net>260\.40<", text)  # 20% commission
    assert "ส่วนของคุณ (หลังหักค่าคอมมิชชั่น)" in text
    assert 'href="/portal/statement?month=2026-11"' in text


async def test_notices_are_new_until_opened_then_the_count_drops(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    client, maker, _ = await _sold(login_as, db)
    with db.read() as conn:
        first = (
            conn.execute(
                select(Product.id).where(Product.entrepreneur_id == maker).order_by(Product.id)
            )
            .scalars()
            .first()
        )
    assert first is not None
    _delivered(db, clock, maker, [first])
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker, username="maker1")
    home = await client.get("/portal")
    assert re.search(r"data-unread>ใหม่ 2<", home.text)
    assert "ขายได้ 3 ชิ้น ฿325.50 เมื่อวันที่ 21 พ.ย. 2569" in home.text
    assert "ศูนย์รับสินค้าของคุณ 4 ชิ้น (GRN-2026-" in home.text
    notices = await client.get("/portal/notices")
    assert notices.status_code == 200
    assert notices.text.count('class="notice ') == 2 and notices.text.count("is-new") == 2
    assert 'href="/portal/statement?month=2026-11"' in notices.text
    assert 'href="/portal/goods#deliveries"' in notices.text
    again = await client.get("/portal")
    assert "data-unread" not in again.text and "ขายได้ 3 ชิ้น" in again.text
    assert (await client.get("/portal/notices")).text.count("is-new") == 0
    clock.advance(hours=1)  # a delivery after: one new notice
    _delivered(db, clock, maker, [first], days_ago=0)
    later = await client.get("/portal")
    assert re.search(r"data-unread>ใหม่ 1<", later.text)
    english = await client.get("/portal/notices", params={"lang": "en"})
    assert "Sold 3 pcs for ฿325.50 on 21 Nov 2026" in english.text
    assert "The centre received 4 pcs of your goods (GRN-2026-" in english.text


async def test_another_entrepreneurs_id_on_the_new_pages_is_not_found(
    login_as: LoginAs, db: Database
) -> None:
    client, maker, other = await _sold(login_as, db)
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    for path in PAGES:
        mine = await client.get(path, params={"entrepreneur_id": str(maker)})
        assert mine.status_code == 200, (path, mine.text)
        refused = await client.get(path, params={"entrepreneur_id": str(other)})
        assert refused.status_code == 404, path
        assert OTHER_NAME not in refused.text and "ของคนอื่นเท่านั้น" not in refused.text
        mine_again = await client.get(path)
        assert OTHER_NAME not in mine_again.text and "ของคนอื่นเท่านั้น" not in mine_again.text


async def test_a_cashier_gets_403_and_a_managers_looking_reads_nothing_for_them(
    login_as: LoginAs, db: Database
) -> None:
    client, maker, _ = await _sold(login_as, db)  # signed in as the cashier
    for path in PAGES:
        assert (await client.get(path, params={"entrepreneur_id": str(maker)})).status_code == 403
    await login_as(Role.MANAGER, username="manager2")
    for path in PAGES:
        chooser = await client.get(path)
        assert chooser.status_code == 200 and 'name="entrepreneur_id"' in chooser.text
        theirs = await client.get(path, params={"entrepreneur_id": str(maker)})
        assert theirs.status_code == 200 and "คุณกำลังดูหน้านี้เหมือนที่ผู้ประกอบการเห็น" in theirs.text
        assert f"/portal?entrepreneur_id={maker}" in theirs.text  # links keep the choice
    notices = await client.get("/portal/notices", params={"entrepreneur_id": str(maker)})
    assert "ขายได้ 3 ชิ้น" in notices.text and "is-new" not in notices.text
    assert f"/portal/statement?month=2026-11&amp;entrepreneur_id={maker}" in notices.text
    with db.read() as conn:
        assert conn.execute(select(NoticesSeen)).first() is None
    account = await client.get(f"/admin/entrepreneurs/{maker}/account")
    for path in PAGES:  # the manager's page of one entrepreneur links to these
        assert f'href="{path}?entrepreneur_id={maker}"' in account.text
    missing = await client.get("/portal/goods", params={"entrepreneur_id": "999999"})
    assert missing.status_code == 404
