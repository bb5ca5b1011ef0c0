"""The till's search: a product's own name before its maker's, and Enter adds only what the
cashier meant (an exact barcode or SKU, or an unambiguous match); otherwise it says to choose."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, shot
from tests.browser.test_till import start_till, till_module

pytestmark = pytest.mark.browser

CARDS = """() => Array.from(document.querySelectorAll('.card-product')).map(c =>
  [c.querySelector('.card-name').textContent, c.querySelector('.card-en').textContent,
   c.querySelector('.card-maker').textContent])"""
ITEMS = "m.cart.lines.reduce((a, l) => a + l.quantity, 0)"


def type_and_enter(page: Any, text: str) -> None:
    page.keyboard.type(text, delay=20)
    page.wait_for_timeout(150)  # the search runs as the cashier types
    page.keyboard.press("Enter")


def names_in_cart(page: Any) -> list[str]:
    names: list[str] = till_module(page, "till_cart.js", "m.cart.lines.map(l => l.product.name_en)")
    return names


def test_umbrella_lists_umbrellas_first_and_enter_asks_to_choose(
    page: Any, live_server: LiveServer
) -> None:
    start_till(page, live_server, "TPR-01")
    type_and_enter(page, "umbrella")
    cards = page.evaluate(CARDS)
    own_name = ["umbrella" in english.lower() for _, english, _ in cards]
    # The demo has makers called "… ทำร่ม" (umbrella making) who make other things: their
    # products match by the maker's name, after every product named so.
    assert True in own_name and False in own_name
    assert own_name == sorted(own_name, reverse=True), "a maker's name ranked above a product's"
    # Enter on several matches adds nothing and says to choose (in Thai).
    assert names_in_cart(page) == []
    notice = page.locator("[data-message]")
    assert notice.is_visible() and "เลือกสินค้าจากรายการ" in notice.inner_text()
    assert page.input_value("#scan") == "umbrella"
    assert page.locator(".card-product.selected").count() == 0  # nothing Enter would add
    shot(page, "till-search-umbrella")
    # The cashier chooses: the arrow keys, then Enter adds the chosen one.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert names_in_cart(page) == [cards[0][1]]
    assert notice.is_hidden()
    # A name typed whole is unambiguous: Enter adds it.
    type_and_enter(page, cards[2][1])
    assert names_in_cart(page) == [cards[0][1], cards[2][1]]
    # A maker's name alone is ambiguous too; a product's barcode is not.
    type_and_enter(page, "ทำร่ม")
    assert len(names_in_cart(page)) == 2
    page.keyboard.press("Escape")
    barcode = till_module(page, "till_cart.js", "m.cart.lines[0].product.barcode")
    type_and_enter(page, barcode)
    assert till_module(page, "till_cart.js", ITEMS) == 3
