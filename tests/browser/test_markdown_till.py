"""A markdown reaching an open till: goods of a product came in under terms with -10 % after
60 days and have aged past it; a manager presses "apply markdowns due today" on the aging page
(1366x768), and within the catalogue's refresh the till's card shows the marked-down price
with its tag and the list price struck through; a scan rings it at that price, the receipt the
till prints says "ลดราคาตามข้อตกลง 10%" and so does the server's receipt of the same sale.

A server of its own (the demo at 5 %), refreshing the till's catalogue every second. The goods
are aged by writing their lots' dates and terms while it runs (tests.factories): the server
applies due markdowns when it starts and when the aging page opens, so the manager opens the
page first, the goods age, then the button does it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest

from kernel.clock import SystemClock, business_date
from kernel.db.engine import Database
from tests import factories as f
from tests.browser.conftest import ARTIFACTS, LiveServer, demo_server, shot, sign_in
from tests.browser.test_till import (
    RECEIPT_PRINTED,
    api_get,
    baht,
    scan,
    start_till,
    till_module,
)

pytestmark = pytest.mark.browser

REFRESH_SECONDS = 1
LABEL = "ลดราคาตามข้อตกลง 10% / Agreed markdown 10%"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[LiveServer]:
    env = {"OTOP_CATALOGUE_REFRESH_SECONDS": str(REFRESH_SECONDS)}
    with mock.patch.dict(os.environ, env), demo_server(tmp_path_factory.mktemp("md")) as server:
        yield server


def _age_goods(database_url: str, ages: dict[int, tuple[int, list[list[int]]]]) -> None:
    """Each product's goods received ``days`` ago under terms with ``markdowns``."""
    today = business_date(SystemClock().now())
    db = Database(database_url)
    try:
        with db.write() as conn:
            for product_id, (days, markdowns) in ages.items():
                f.aged_under_markdowns(conn, product_id, today - timedelta(days=days), markdowns)
    finally:
        db.dispose()


def test_a_markdown_applied_by_a_manager_reaches_the_open_till_and_its_receipt(
    page: Any, served: LiveServer, browser: Any
) -> None:
    page.set_default_timeout(15_000)
    till_id = start_till(page, served, "SKP-01")
    body = api_get(page, f"/api/v1/till/catalogue?till_id={till_id}")
    col = {name: i for i, name in enumerate(body["columns"])}
    stocked = [r for r in body["products"][:40] if r[col["on_hand"]] >= 2]
    product, *others = stocked[:4]
    product_id, barcode, name = product[col["id"]], product[col["barcode"]], product[col["name_th"]]
    list_price = product[col["price_satang"]]
    assert product[col["markdown_bp"]] == 0 and product[col["list_price_satang"]] == list_price
    marked_down = list_price - (list_price * 1000 + 5000) // 10000
    card = page.locator(".card-product", has=page.locator(f".card-name:text-is('{name}')"))
    assert card.first.locator(".card-price").inner_text() == baht(list_price)
    assert card.first.locator(".card-markdown").count() == 0

    office = browser.new_context(viewport={"width": 1366, "height": 768}, locale="th-TH")
    try:
        manager = office.new_page()
        sign_in(manager, served, "manager")
        manager.goto(f"{served.url}/admin/stock/aging")
        # The goods age: past their 60-day step; others due back, one with a step in 3 days.
        _age_goods(
            served.database_url,
            {
                product_id: (61, [[60, 1000]]),
                others[0][col["id"]]: (95, []),
                others[1][col["id"]]: (88, []),
                others[2][col["id"]]: (57, [[60, 1000], [75, 2500]]),
            },
        )
        manager.click("[data-apply-markdowns]")
        manager.wait_for_selector("[data-apply-result]:not([hidden])")
        assert manager.inner_text("[data-apply-result]") == "ลดราคาแล้ว 1 รายการ"
        applied_at = time.monotonic()
        manager.wait_for_load_state("load")
        manager.wait_for_function(
            "(name) => document.querySelector('#applied-today').closest('section')"
            ".textContent.includes(name)",
            arg=name,
        )
        shot(manager, "aging-page")
        today = manager.locator("#applied-today").locator("xpath=..").inner_text()
        assert f"{baht(list_price)} {baht(marked_down)}" in today
        returns = manager.locator("#returns-due").locator("xpath=..").inner_text()
        assert others[0][col["name_th"]] in returns and "ถึงกำหนดคืน" in returns
        due = manager.locator("#markdowns-due").locator("xpath=../..").inner_text()
        assert others[2][col["name_th"]] in due  # its step comes in 3 days
    finally:
        office.close()

    page.wait_for_function(
        "([name, shown]) => [...document.querySelectorAll('.card-product')].some((c) =>"
        " c.querySelector('.card-name').textContent === name &&"
        " c.querySelector('.card-price').textContent === shown)",
        arg=[name, baht(marked_down)],
        timeout=(REFRESH_SECONDS + 5) * 1000,
    )
    assert time.monotonic() - applied_at < REFRESH_SECONDS + 5
    note = card.first.locator(".card-markdown")
    assert note.locator(".markdown-tag").inner_text() == "ลด 10%"
    assert note.locator("s").inner_text() == baht(list_price)
    assert till_module(page, "till_products.js", f"m.productById({product_id}).price") == (
        marked_down
    )
    card.first.scroll_into_view_if_needed()
    shot(page, "till-markdown-card")
    card.first.screenshot(path=str(ARTIFACTS / "till-markdown-card-only.png"))

    page.click("#scan")
    scan(page, barcode)
    line = page.locator("[data-cart] li.line")
    line.first.wait_for()
    assert line.first.locator("[data-unit]").inner_text() == f"@ {baht(marked_down)}"
    assert "ลด 10%" in line.first.locator("[data-markdown]").inner_text()
    assert page.inner_text("[data-total]") == f"฿{baht(marked_down)}"
    shot(page, "till-markdown-cart")

    page.keyboard.press("F8")
    page.wait_for_selector("#dlg-pay[open]")
    page.fill("#dlg-pay [name=tendered]", str(marked_down // 100 + 1))
    page.keyboard.press("Enter")
    page.locator("[data-done]").wait_for(state="visible")
    number = page.inner_text("[data-done-number]")
    receipt = page.frame_locator("[data-receipt]")
    receipt.locator("text=ใบกำกับภาษีอย่างย่อ").wait_for()
    assert LABEL in receipt.locator("body").inner_text()
    shot(page, "till-markdown-receipt")
    page.wait_for_selector(RECEIPT_PRINTED, state="attached")

    deadline = time.monotonic() + 15
    while not (found := api_get(page, f"/api/v1/sales?receipt_number={number}")):
        assert time.monotonic() < deadline, "the sale did not reach the server"
        time.sleep(0.2)
    (sale,) = found
    (sold,) = sale["lines"]
    assert (sold["unit_price_satang"], sold["markdown_bp"]) == (marked_down, 1000)
    answer = page.request.get(f"{served.url}/api/v1/sales/{sale['id']}/receipt")
    assert answer.ok and LABEL in answer.text()
