"""Staff prepare a return note from the goods due back, print it, and confirm the
entrepreneur's pickup, at the till's screen size (1366x768)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from inventory.models import Location, Product, StockLot
from inventory.stock.return_note_queries import due_lots
from inventory.terms.rules import EndAction
from kernel.clock import business_date
from kernel.db.engine import Database
from tests.browser.conftest import LiveServer, demo_server, shot, sign_in

pytestmark = pytest.mark.browser
TILL = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[LiveServer]:
    with demo_server(tmp_path_factory.mktemp("returns")) as live:
        yield live


def _age_one_entrepreneurs_goods(server: LiveServer) -> tuple[int, int, int]:
    """Make one product's lots at the default location 100 days old (past the built-in 90-day
    period), the product of an entrepreneur with nothing else due (the demo's goods came in
    over four months): their entrepreneur, the location and the units due."""
    now = datetime.now(UTC)
    today = business_date(now)
    long_ago = now - timedelta(days=100)
    db = Database(server.database_url)
    try:
        with db.write() as conn:
            home = conn.execute(
                select(Location.id).where(Location.is_default.is_(True))
            ).scalar_one()
            already = {
                d.lot.entrepreneur_id
                for d in due_lots(conn, today, EndAction.RETURN, location_id=home)
            }
            lot = next(
                row
                for row in conn.execute(
                    select(StockLot.id, StockLot.product_id, Product.entrepreneur_id)
                    .join(Product, Product.id == StockLot.product_id)
                    .where(StockLot.location_id == home, StockLot.remaining > 1)
                    .order_by(StockLot.id)
                )
                if row.entrepreneur_id not in already
            )
            conn.execute(
                update(StockLot)
                .where(StockLot.product_id == lot.product_id, StockLot.location_id == home)
                .values(received_at=long_ago, received_on=business_date(long_ago))
            )
            due = [
                d
                for d in due_lots(conn, today, EndAction.RETURN, location_id=home)
                if d.lot.entrepreneur_id == lot.entrepreneur_id
            ]
        assert due and {d.lot.product_id for d in due} == {lot.product_id}
        return lot.entrepreneur_id, int(home), sum(d.free for d in due)
    finally:
        db.dispose()


def _json(page: Any, server: LiveServer, path: str) -> Any:
    response = page.request.get(f"{server.url}{path}")
    assert response.ok, response.text()
    return response.json()


def test_staff_prepare_print_and_hand_over_a_return_note(browser: Any, server: LiveServer) -> None:
    entrepreneur, home, units = _age_one_entrepreneurs_goods(server)
    context = browser.new_context(viewport=TILL, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, server, "manager")
        page.goto(
            f"{server.url}/admin/stock/returns?entrepreneur_id={entrepreneur}&location_id={home}"
        )
        group = page.locator("form.due-group")
        expect(group).to_have_count(1)
        expect(group.locator("tbody tr").first).to_be_visible()
        shot(page, "returns-due-1366")

        group.get_by_role("button", name="ออกใบคืนสินค้า").click()
        page.wait_for_url(re.compile(r"/admin/stock/returns/\d+$"))
        note_id = int(page.url.rsplit("/", 1)[1])
        expect(page.locator("h1")).to_contain_text("RTN-")
        expect(page.locator("h1")).to_contain_text("รอมารับ")
        shot(page, "return-note-waiting-1366")
        note = _json(page, server, f"/api/v1/stock/return-notes/{note_id}")
        assert note["total_units"] == units
        stock_before = _stock(page, server, note)

        printed = context.new_page()
        printed.goto(f"{server.url}/admin/stock/returns/{note_id}/print?paper=a4")
        expect(printed.locator("h1")).to_have_text("ใบคืนสินค้า")
        expect(printed.locator(".meta")).to_contain_text(note["number"])
        expect(printed.locator(".meta")).to_contain_text(str(datetime.now(UTC).year + 543))
        expect(printed.locator(".signatures p")).to_have_count(2)
        expect(printed.locator(".parties")).to_contain_text(note["entrepreneur_name_th"])
        shot(printed, "return-note-print-a4")
        printed.goto(f"{server.url}/admin/stock/returns/{note_id}/print?paper=80mm")
        expect(printed.locator("body")).to_have_class("paper-80mm")
        shot(printed, "return-note-print-80mm")
        printed.close()

        page.fill("input[name=collected_by]", "นางคำ ใจดี")
        page.get_by_role("button", name="ยืนยันรับสินค้า").click()
        expect(page.locator("h1")).to_contain_text("รับสินค้าแล้ว")
        expect(page.locator(".collector")).to_have_text("นางคำ ใจดี")
        shot(page, "return-note-collected-1366")

        moved = _json(page, server, f"/api/v1/stock/movements?document={note['number']}")
        assert sum(m["quantity"] for m in moved) == -units
        assert {m["reason"] for m in moved} == {"คืนผู้ประกอบการตามกำหนดฝากขาย"}
        assert _stock(page, server, note) == {p: q - units for p, q in stock_before.items()}

        page.set_viewport_size(PHONE)
        page.goto(f"{server.url}/admin/stock/returns?location_id={home}")
        expect(page.locator("table.note-history")).to_contain_text(note["number"])
        shot(page, "returns-history-phone")
    finally:
        context.close()


def _stock(page: Any, server: LiveServer, note: dict[str, Any]) -> dict[int, int]:
    product = note["lines"][0]["product_id"]
    rows = _json(
        page, server, f"/api/v1/stock?product_id={product}&location_id={note['location_id']}"
    )["items"]
    return {r["product_id"]: r["on_hand"] for r in rows}
