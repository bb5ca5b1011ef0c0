"""The till never loses a scan: after every dialog of the till, closed every way it can be
(its buttons, Escape, its backdrop, its completion), after a sale paid with a quick-tender
button, the next barcode typed like a scanner (digits, then Enter) lands in the cart.

The dialogs are read from the page (every <dialog>), so a dialog added later is covered.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, shot
from tests.browser.test_till import api_get, scan, start_till, till_module

pytestmark = pytest.mark.browser

ITEMS = "m.cart.lines.reduce((a, l) => a + l.quantity, 0)"


def cheap_barcodes(page: Any, till_id: int, count: int, most_satang: int) -> list[str]:
    """Barcodes of well-stocked products priced at most ``most_satang``."""
    body = api_get(page, f"/api/v1/till/catalogue?till_id={till_id}")
    col = {name: i for i, name in enumerate(body["columns"])}
    rows = [
        r
        for r in body["products"]
        if r[col["on_hand"]] >= 8 and 0 < r[col["price_satang"]] <= most_satang
    ]
    assert len(rows) >= count, "the demo has cheap products"
    return [r[col["barcode"]] for r in rows[:count]]


def items_in_cart(page: Any) -> int:
    count: int = till_module(page, "till_cart.js", ITEMS)
    return count


def scan_lands(page: Any, barcode: str, why: str) -> None:
    before = items_in_cart(page)
    scan(page, barcode)
    assert items_in_cart(page) == before + 1, f"the scan after {why} was lost"
    assert page.locator("[data-message]").is_hidden(), why


def test_every_dialog_closed_every_way_then_a_scan_lands_in_the_cart(
    page: Any, live_server: LiveServer
) -> None:
    till_id = start_till(page, live_server, "SKP-02")
    (code,) = cheap_barcodes(page, till_id, 1, 100_000)
    scan_lands(page, code, "the start")
    names = page.evaluate(
        "() => Array.from(document.querySelectorAll('dialog')).map(d => d.id.replace(/^dlg-/, ''))"
    )
    assert {"pay", "amount", "approval", "menu", "refund", "close", "qr"} <= set(names)
    for name in names:
        box = f"#dlg-{name}"
        # Its own buttons that close it, Escape, the backdrop, and its completion (the code that
        # closes it when its work is done goes through closeDialog).
        buttons = page.locator(f"{box} [data-close]").count()
        ways = [f"button {i}" for i in range(buttons)] + ["Escape", "backdrop", "completion"]
        dismissable = page.evaluate(
            f"() => document.querySelector('{box}').dispatchEvent("
            "new Event('cancel', { cancelable: true }))"
        )
        for way in ways:
            till_module(page, "till.js", f"m.openDialog({name!r}) && null")
            assert page.locator(box).evaluate("d => d.open")
            if way.startswith("button"):
                page.locator(f"{box} [data-close]").nth(int(way.split()[1])).click()
            elif way == "Escape":
                page.keyboard.press("Escape")
            elif way == "backdrop":
                page.mouse.click(4, 760)
            else:
                till_module(page, "till.js", f"m.closeDialog({name!r})")
            still_open = page.locator(box).evaluate("d => d.open")
            if way in ("Escape", "backdrop"):
                # Only a dialog that refuses to be dismissed (a sale being confirmed) stays.
                assert still_open == (not dismissable), f"{name} by {way}"
                if still_open:
                    till_module(page, "till.js", f"m.closeDialog({name!r})")
            else:
                assert not still_open, f"{name} by {way}"
            scan_lands(page, code, f"closing the {name} dialog by {way}")
    # The till's own buttons outside the dialogs keep the scan too.
    for button in (
        "[data-categories] button >> nth=1",
        "[data-categories] button >> nth=0",
        "[data-more]",
        "[data-cart] [data-plus]",
    ):
        page.click(button)
        scan_lands(page, code, f"the button {button}")


def test_quick_tender_then_the_next_scan_lands_in_the_cart(
    page: Any, live_server: LiveServer
) -> None:
    till_id = start_till(page, live_server, "SKP-02")
    first, second = cheap_barcodes(page, till_id, 2, 10_000)
    # F8 from the scan input, then a quick-tender button: the dialog gives the focus back to
    # the scan input without a caret (how the cashier found the scan lost).
    for quick, open_with, confirm_with in (
        ("10000", "F8", "Enter"),
        ("50000", "F8", "click"),
        ("100000", "click", "Enter"),
        ("exact", "click", "click"),
    ):
        till_module(page, "till_cart.js", "m.clearCart()")
        scan_lands(page, first, "the start")
        if open_with == "F8":
            page.keyboard.press("F8")
        else:
            page.click("[data-pay=cash]")
        page.wait_for_selector("#dlg-pay[open]")
        page.click(f"#dlg-pay [data-quick='{quick}']")
        if confirm_with == "Enter":
            page.keyboard.press("Enter")
        else:
            page.click("#dlg-pay [data-pay-submit]")
        page.locator("[data-done]").wait_for(state="visible")
        if quick == "10000":
            shot(page, "till-quick-tender-done")
        assert items_in_cart(page) == 0
        scan_lands(page, second, f"paying with quick tender {quick}")
        assert page.locator("[data-done]").is_hidden()
