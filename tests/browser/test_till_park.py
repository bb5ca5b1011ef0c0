"""Parking a sale and recalling it (พักบิล / เรียกบิล): the cart, its discount included, waits
on the device (a reload keeps it) while the next customer is served; it takes no receipt
number until it is recalled and paid; closing the shift warns of sales still parked."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, shot
from tests.browser.test_till import TILL_READY, scan, start_till, till_module
from tests.browser.test_till_scan_focus import cheap_barcodes

pytestmark = pytest.mark.browser


def receipt_seq(page: Any) -> int:
    number = page.inner_text("[data-done-number]")
    match = re.fullmatch(r"SKP-01-(\d{6})", number)
    assert match, number
    return int(match[1])


def pay_cash_exact(page: Any) -> int:
    page.keyboard.press("F8")
    page.wait_for_selector("#dlg-pay[open]")
    page.keyboard.press("Enter")
    page.locator("[data-done]").wait_for(state="visible")
    return receipt_seq(page)


def total(page: Any) -> str:
    text: str = page.inner_text("[data-total]")
    return text


def test_park_serve_another_reload_recall_and_pay(page: Any, live_server: LiveServer) -> None:
    till_id = start_till(page, live_server, "SKP-01")
    first, second, third = cheap_barcodes(page, till_id, 3, 100_000)
    till_module(page, "till_park.js", "m.parkedSales().then(s => s.length)")
    # A customer's cart, with a cart discount, is parked.
    scan(page, first)
    scan(page, first)
    scan(page, second)
    page.keyboard.press("F6")
    page.fill("#dlg-amount [name=value]", "5")
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.querySelector('#dlg-amount').open")
    parked_total = total(page)
    assert page.locator("[data-discount-row]").first.is_visible()
    page.click("[data-park]")
    page.wait_for_selector("[data-parked-count]:has-text('(1)')")
    assert page.locator("[data-cart] li.line").count() == 0
    assert "พักบิลแล้ว" in page.inner_text("[data-message]")
    # The next customer is served and pays; the scan still lands after the park button.
    scan(page, third)
    assert page.locator("[data-cart] li.line").count() == 1
    seq = pay_cash_exact(page)
    # Another customer's cart is parked too: several wait.
    scan(page, second)
    page.click("[data-park]")
    page.wait_for_selector("[data-parked-count]:has-text('(2)')")

    # A reload: the parked sales are still on the device.
    page.reload()
    page.wait_for_selector(TILL_READY)
    page.wait_for_selector("[data-parked-count]:has-text('(2)')")
    page.click("[data-recall-open]")
    page.wait_for_selector("#dlg-parked[open]")  # the list is read from the device first
    rows = page.locator("#dlg-parked [data-parked]")
    assert rows.count() == 2
    for i in range(2):
        assert re.search(r"\d{2}:\d{2}", rows.nth(i).locator(".parked-time").inner_text())
        assert rows.nth(i).locator(".parked-total").inner_text().startswith("฿")
    shot(page, "till-parked-list")
    row = rows.filter(has_text=parked_total)
    assert row.count() == 1
    row.locator("[data-recall]").click()
    page.wait_for_function("() => !document.querySelector('#dlg-parked').open")
    # The cart is back as it was: its lines, its quantities and its discount.
    assert total(page) == parked_total
    assert page.locator("[data-cart] li.line").count() == 2
    assert page.locator("[data-cart] li.line").first.locator("[data-qty]").input_value() == "2"
    page.wait_for_selector("[data-parked-count]:has-text('(1)')")
    # Paid now: the next receipt number; parking took none.
    assert pay_cash_exact(page) == seq + 1

    # Closing the shift with a sale still parked warns.
    page.keyboard.press("F3")
    page.click("#dlg-menu [data-menu=close]")
    warning = page.locator("#dlg-close [data-parked-warning]")
    warning.wait_for(state="visible")
    assert "บิลพักไว้ 1 บิล" in warning.inner_text()
    shot(page, "till-close-with-parked")
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")  # the "sale done" panel goes: the cart and its buttons show
    # The last parked sale is discarded: nothing waits any more.
    page.on("dialog", lambda d: d.accept())
    page.click("[data-recall-open]")
    page.wait_for_selector("#dlg-parked[open]")
    page.click("#dlg-parked [data-discard]")
    page.wait_for_selector("#dlg-parked [data-parked-empty]:not([hidden])")
    page.wait_for_function("() => document.querySelector('[data-parked-count]').textContent === ''")
    page.keyboard.press("Escape")
    shot(page, "till-park-buttons")
