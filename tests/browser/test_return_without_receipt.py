"""A return without a receipt at the till, in Chromium under the Content-Security-Policy: from
the shift menu (คืนสินค้าไม่มีใบเสร็จ) the cashier scans the products brought back, lowers one
price, gives a reason; a manager approves on the till; the credit note prints, naming no
receipt; the drawer's expected cash, the stock and `otop-pos check` agree with it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, LiveServer
from tests.browser.test_content_security import Watch
from tests.browser.test_till import api_get, baht, barcodes, printed, shift_report, start_till
from tests.servers import otop

pytestmark = pytest.mark.browser

TILL = "TPR-01"


def on_hand(page: Any, till_id: int, codes: list[str]) -> list[int]:
    body = api_get(page, f"/api/v1/till/catalogue?till_id={till_id}")
    col = {name: i for i, name in enumerate(body["columns"])}
    found = {r[col["barcode"]]: r[col["on_hand"]] for r in body["products"]}
    return [found[code] for code in codes]


def test_a_return_without_a_receipt_is_approved_paid_and_printed(
    browser: Any, live_server: LiveServer
) -> None:
    watch = Watch()
    context = watch.context(browser)
    page = context.new_page()
    till_id = start_till(page, live_server, TILL)
    (first, first_price), (second, second_price) = barcodes(page, till_id, 2)
    stock_before = on_hand(page, till_id, [first, second])
    cash_before = shift_report(page)["expected_cash_satang"]

    page.keyboard.press("F3")
    page.click("[data-menu=return]")
    box = page.locator("#dlg-return")
    box.wait_for(state="visible")
    code = page.locator("#dlg-return [name=code]")
    assert code.evaluate("el => el === document.activeElement")
    for scanned in (first, first, second, "0000000000000"):
        page.keyboard.type(scanned)
        page.keyboard.press("Enter")
    # The unknown code is refused in words; the two products are on their lines.
    assert "0000000000000" in page.inner_text("#dlg-return [data-error]")
    rows = page.locator("[data-return-lines] tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("[data-qty]").input_value() == "2"
    lower = second_price - 100  # bought marked down: one baht less back
    rows.nth(1).locator("[data-price]").fill(f"{lower // 100}.{lower % 100:02d}")
    total = 2 * first_price + lower
    assert page.inner_text("[data-return-total]") == baht(total)
    assert rows.nth(1).locator("[data-line-total]").inner_text() == baht(lower)
    # A price above today's is refused before a manager is asked.
    rows.nth(0).locator("[data-price]").fill(f"{(first_price + 100) // 100}.00")
    page.fill("#dlg-return [name=reason]", "ลูกค้าไม่มีใบเสร็จ สินค้ายังใหม่")
    page.click("#dlg-return [data-return-submit]")
    assert "ราคาต่อชิ้น" in page.inner_text("#dlg-return [data-error]")
    assert page.locator("#dlg-approval[open]").count() == 0
    rows.nth(0).locator("[data-price]").fill(f"{first_price // 100}.{first_price % 100:02d}")
    assert page.inner_text("[data-return-total]") == baht(total)
    assert page.locator("#dlg-return [data-error]").is_hidden()  # put right, the error goes
    for button in ("[data-close]", "[data-return-submit]"):
        edge = page.locator(f"#dlg-return .dialog-actions {button}").bounding_box()
        assert edge and edge["y"] + edge["height"] <= 768, button
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "till-return-without-receipt.png"))

    page.click("#dlg-return [data-return-submit]")
    page.wait_for_selector("#dlg-approval[open]")
    username, password = live_server.logins["manager"]
    page.fill("#dlg-approval [name=username]", username)
    page.fill("#dlg-approval [name=password]", password)
    page.keyboard.press("Enter")
    done = page.locator("[data-return-done]")
    done.wait_for(state="visible")
    assert re.search(r"CN-TPR-01-\d{6}", done.inner_text())
    assert baht(total) in done.inner_text()
    assert page.locator("#dlg-return [data-return-add]").is_hidden()
    printed(page, "credit-note")
    note = page.frame_locator("[data-print-frame]").locator("body").inner_text()
    assert "คืนสินค้าโดยไม่มีใบเสร็จ" in note and baht(total) in note
    page.screenshot(path=str(ARTIFACTS / "till-return-without-receipt-done.png"))
    page.keyboard.press("Escape")

    assert shift_report(page)["expected_cash_satang"] == cash_before - total
    assert on_hand(page, till_id, [first, second]) == [stock_before[0] + 2, stock_before[1] + 1]
    assert "check passed" in otop("check", database_url=live_server.database_url).stdout
    assert watch.problems == []
    context.close()
