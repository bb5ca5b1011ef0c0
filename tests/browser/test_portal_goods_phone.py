"""An entrepreneur on a phone (390 x 844): their goods with ages and next dates, this week's
sales, and the notices, whose count of new ones drops once they have been opened.

This module serves its own demo: it ages the entrepreneur's goods (lots received weeks ago,
under terms with a markdown) straight in the database, which the shared server must not see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from inventory.models import Entrepreneur, Product, StockLot
from inventory.stock.document_rules import LineIn
from inventory.stock.intakes import receive_intake
from inventory.terms.rules import CommissionKind, ConsignmentTerms, EndAction, MarkdownStep
from inventory.terms.service import add_version
from kernel.access import SYSTEM
from kernel.clock import SystemClock, business_date
from kernel.db.engine import Database
from tests.browser.conftest import LiveServer, demo_server, shot, sign_in
from tests.browser.test_portal_and_payouts import PHONE, _api_sale_today, _fits_the_phone

CODE = "CM-0001"  # the demo entrepreneur's


@pytest.fixture(scope="module")
def aged_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[LiveServer]:
    with demo_server(tmp_path_factory.mktemp("live-aged")) as server:
        _age_the_goods(server)
        yield server


def _age_the_goods(server: LiveServer) -> None:
    """Terms with 10% off after 30 days; one product's goods 88 days old (due back in 2 days),
    another's 27 days old (its markdown in 3 days); a delivery received today."""
    now = SystemClock().now()
    today = business_date(now)
    db = Database(server.database_url)
    try:
        with db.write() as conn:
            maker = conn.execute(
                select(Entrepreneur.id).where(Entrepreneur.code == CODE)
            ).scalar_one()
            terms = ConsignmentTerms(
                commission_kind=CommissionKind.STANDARD,
                commission_bp=0,
                period_days=90,
                end_action=EndAction.RETURN,
                markdowns=(MarkdownStep(30, 1000),),
            )
            terms_id = add_version(
                conn, SYSTEM, now - timedelta(days=120), entrepreneur_id=maker, terms=terms
            )
            lots = conn.execute(
                select(StockLot.id, StockLot.product_id)
                .join(Product, Product.id == StockLot.product_id)
                .where(Product.entrepreneur_id == maker, StockLot.remaining > 0)
                .order_by(StockLot.id)
            ).all()
            assert len({lot.product_id for lot in lots}) >= 2, "the demo maker has two products"
            products = sorted({lot.product_id for lot in lots})
            for lot in lots:
                days = 88 if lot.product_id == products[0] else 27
                conn.execute(
                    update(StockLot)
                    .where(StockLot.id == lot.id)
                    .values(
                        terms_id=terms_id,
                        received_at=now - timedelta(days=days),
                        received_on=today - timedelta(days=days),
                    )
                )
            receive_intake(
                conn,
                SYSTEM,
                now,
                entrepreneur_id=maker,
                location_id=None,
                lines=[LineIn(6, product_id=products[-1])],
            )
    finally:
        db.dispose()


def _unread(page: Any) -> int:
    badge = page.locator("#news [data-unread]")
    if badge.count() == 0:
        return 0
    return int(re.sub(r"\D", "", badge.inner_text()))


def test_an_entrepreneur_reads_goods_and_notices_on_a_phone(
    browser: Any, aged_server: LiveServer
) -> None:
    server = aged_server
    _api_sale_today(browser, server, CODE)
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="th-TH"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, server, "entrepreneur")
        assert page.url.endswith("/portal")
        news = page.inner_text("#news")
        assert "ขายได้ 1 ชิ้น" in news  # today's sale, the newest
        assert _unread(page) >= 4  # the sale, the delivery, a markdown coming, goods due back
        _fits_the_phone(page)
        shot(page, "portal-news-phone")

        page.click("#news >> text=สินค้าของฉันที่ศูนย์")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/portal/goods")
        first = page.locator(".portal-goods li.goods").first
        assert "อยู่ที่ศูนย์ 88 วัน" in first.inner_text()
        # The soonest first: its consignment ends in 2 days, shown in bold.
        assert "ครบกำหนดฝากขาย มารับคืนได้ตั้งแต่วันที่" in first.inner_text()
        assert "is-soon" in (first.get_attribute("class") or "")
        markdown = page.locator(".portal-goods [data-next-markdown]").first
        assert re.search(r"จะลดราคา 10% ตั้งแต่วันที่ \d+ \S+ 25\d\d", markdown.inner_text())
        assert page.locator(".portal-deliveries > li").count() == 1
        _fits_the_phone(page)
        shot(page, "portal-goods-phone")
        page.goto(f"{server.url}/portal/goods?lang=en")
        assert "Will be marked down 10% from" in page.inner_text("#goods")
        _fits_the_phone(page)
        shot(page, "portal-goods-phone-en")
        page.goto(f"{server.url}/portal/goods?lang=th")

        page.goto(f"{server.url}/portal/week")
        assert page.locator("[data-week-units]").inner_text() == "1"
        _fits_the_phone(page)
        shot(page, "portal-week-phone")

        page.goto(f"{server.url}/portal")
        before = _unread(page)
        page.click("#news h2 a")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/portal/notices")
        assert page.locator(".portal-notices li.is-new").count() == before
        kinds = {
            page.locator(".portal-notices li").nth(i).get_attribute("data-notice")
            for i in range(before)
        }
        assert {"sales", "delivery_received", "markdown_coming", "due_back"} <= kinds
        _fits_the_phone(page)
        shot(page, "portal-notices-phone")

        page.click("text=หน้าแรกของฉัน")
        page.wait_for_load_state("networkidle")
        assert _unread(page) == 0  # opened: nothing new
        assert page.locator("#news .portal-notices li").count() == 3
        shot(page, "portal-news-read-phone")
    finally:
        context.close()


def test_a_manager_opens_the_entrepreneurs_goods_from_their_account(
    page: Any, aged_server: LiveServer
) -> None:
    server = aged_server
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, server, "manager")
    db = Database(server.database_url)
    try:
        with db.read() as conn:
            maker = conn.execute(
                select(Entrepreneur.id).where(Entrepreneur.code == CODE)
            ).scalar_one()
    finally:
        db.dispose()
    page.goto(f"{server.url}/admin/entrepreneurs/{maker}/account")
    shot(page, "entrepreneur-account-links")
    page.click("text=สินค้าของผู้ประกอบการที่ศูนย์")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/portal/goods?entrepreneur_id={maker}")
    assert "คุณกำลังดูหน้านี้เหมือนที่ผู้ประกอบการเห็น" in page.inner_text("main")
    assert page.locator(".portal-goods li.goods").count() == 2
    page.go_back()
    page.click(f"a[href='/portal/notices?entrepreneur_id={maker}']")
    page.wait_for_load_state("networkidle")
    assert page.locator(".portal-notices li").count() >= 4
    assert page.locator(".portal-notices li.is-new").count() == 0  # nothing is new to him
    shot(page, "portal-notices-manager")
