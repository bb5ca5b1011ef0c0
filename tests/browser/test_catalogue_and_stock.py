"""A manager signs in, finds products by Thai name, scans goods in and sees stock rise."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, shot, sign_in

pytestmark = pytest.mark.browser


def _api(page: Any, server: LiveServer, path: str) -> Any:
    response = page.request.get(f"{server.url}{path}")
    assert response.ok, response.text()
    return response.json()


def test_signing_in_lands_on_the_thai_product_list(page: Any, live_server: LiveServer) -> None:
    sign_in(page, live_server, "manager")
    assert page.url.endswith("/admin/products")
    assert page.locator("html").get_attribute("lang") == "th"
    assert page.get_by_role("link", name="สินค้า").first.is_visible()
    shot(page, "catalogue-products-thai")


def test_searching_in_thai_finds_products_without_spaces(
    page: Any, live_server: LiveServer
) -> None:
    sign_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/admin/products")
    box = page.locator("input[name=q]")
    box.fill("ผ้า")
    box.press("Enter")
    page.wait_for_load_state("networkidle")
    rows = page.locator("table tbody tr")
    assert rows.count() > 0
    assert "ผ้า" in rows.first.inner_text()
    shot(page, "catalogue-search-thai")


def test_scanning_a_barcode_into_an_intake_raises_stock(page: Any, live_server: LiveServer) -> None:
    sign_in(page, live_server, "manager")
    product = _api(page, live_server, "/api/v1/products?limit=1")[0]
    before = product["on_hand"]

    page.goto(f"{live_server.url}/admin/intakes/new")
    scan = page.locator(".scan-input")
    for _ in range(2):  # the scanner types the digits, then Enter
        scan.type(product["barcode"])
        scan.press("Enter")
    quantity = page.locator(".lines tbody .line-qty")
    # Each scan is looked up over the network: wait for the second to land on the same line.
    expect(quantity.first).to_have_value("2")
    assert quantity.count() == 1
    shot(page, "stock-intake-scanned")

    page.get_by_role("button", name="บันทึกใบรับสินค้า").click()
    page.wait_for_url(re.compile(r"/admin/intakes/\d+$"))
    assert "GRN-" in page.content()
    shot(page, "stock-intake-note")

    after = _api(page, live_server, f"/api/v1/products/{product['id']}")["on_hand"]
    assert after == before + 2
