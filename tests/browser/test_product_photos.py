"""A product photo from the manager's product page to the till's card and the portal.

A manager uploads a phone photo (a JPEG with EXIF orientation and GPS) on the product's
page; the cashier's till, loading its catalogue, shows the thumbnail on the product's card
(lazy, in a fixed 48 px box); the entrepreneur sees it beside the product in their stock on
a phone. Screenshots: the product page and the till at 1366 × 768, the portal at 390 × 844.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, shot, sign_in
from tests.browser.test_till import TILL_READY, api_get, start_till
from tests.photo_samples import jpeg_with_gps_turned

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
LOADED = "(img) => img.complete && img.naturalWidth > 0"


def _context(browser: Any, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport, locale="th-TH")
    context.set_default_timeout(10_000)
    return context


def _entrepreneurs_first_product(browser: Any, server: LiveServer) -> dict[str, Any]:
    """The first product of the entrepreneur's stock list that has no photo yet (the live
    server is shared: a delivery test may have added one with its photo)."""
    context = _context(browser, PHONE)
    page = context.new_page()
    sign_in(page, server, "entrepreneur")
    origin = server.url
    items = api_get(page, "/api/v1/stock?limit=20")["items"]
    item: dict[str, Any] = next(
        i
        for i in items
        if page.request.get(f"{origin}/api/v1/products/{i['product_id']}/photo").status == 404
    )
    context.close()
    return item


def test_a_photo_uploaded_on_the_product_page_shows_on_the_till_and_in_the_portal(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    item = _entrepreneurs_first_product(browser, live_server)
    product = item["product_id"]
    photo = tmp_path / "phone-photo.jpg"
    photo.write_bytes(jpeg_with_gps_turned())

    # The manager, on the product's page.
    context = _context(browser, DESKTOP)
    page = context.new_page()
    sign_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/admin/products/{product}")
    assert page.locator("#photo").inner_text().count("ยังไม่มีรูป") == 1
    page.set_input_files("[data-photo-file]", str(photo))
    with page.expect_navigation():
        page.click("#photo button.primary")
    page.wait_for_function(LOADED, arg=page.locator("[data-product-photo]").element_handle())
    assert "บันทึกรูปแล้ว" in page.locator("#photo").inner_text()
    size = page.evaluate(
        "() => { const i = document.querySelector('[data-product-photo]');"
        " return [i.naturalWidth, i.naturalHeight]; }"
    )
    assert size == [240, 480]  # the phone's landscape pixels turned upright, display size
    shot(page, "photo-product-page-1366x768")
    key = api_get(page, f"/api/v1/products/{product}/photo")["key"]
    context.close()

    # The cashier's till: search by SKU, the card carries the thumbnail.
    context = _context(browser, DESKTOP)
    page = context.new_page()
    start_till(page, live_server, "SKP-01")
    page.fill("#scan", item["sku"])
    card = page.locator(".card-product.has-photo").first
    card.wait_for()
    thumb = card.locator("img.card-photo")
    assert thumb.get_attribute("src") == f"/photos/products/{product}/{key}/thumb.webp"
    assert thumb.get_attribute("loading") == "lazy"
    page.wait_for_function(LOADED, arg=thumb.element_handle())
    box = thumb.bounding_box()
    assert box is not None and (round(box["width"]), round(box["height"])) == (48, 48)
    name = card.locator(".card-name").bounding_box()
    assert name is not None and name["x"] + name["width"] <= box["x"]  # the name keeps clear
    shot(page, "photo-till-card-1366x768")

    # Offline: a thumbnail the till has shown comes from the service worker's photo cache.
    url = f"/photos/products/{product}/{key}/thumb.webp"
    page.wait_for_function(
        "() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)"
    )
    page.reload()  # now under the worker: the card's thumbnail goes through it, and is kept
    page.wait_for_selector(TILL_READY)
    page.fill("#scan", item["sku"])
    page.wait_for_function(LOADED, arg=page.locator("img.card-photo").first.element_handle())
    page.wait_for_function(
        "async (url) => !!(await (await caches.open('otop-photos')).match(url))", arg=url
    )
    context.set_offline(True)
    try:
        page.reload()
        page.wait_for_selector(TILL_READY)
        page.fill("#scan", item["sku"])
        offline = page.locator(".card-product.has-photo img.card-photo").first
        offline.wait_for()
        page.wait_for_function(LOADED, arg=offline.element_handle())
    finally:
        context.set_offline(False)
    context.close()

    # The entrepreneur, on a phone: the thumbnail beside the product in their stock.
    context = _context(browser, PHONE)
    page = context.new_page()
    sign_in(page, live_server, "entrepreneur")
    page.goto(f"{live_server.url}/portal#stock")
    # Its own row (another product of theirs may have a photo too: the server is shared).
    src = f"/photos/products/{product}/{key}/thumb.webp"
    row = page.locator(f'.portal-stock li:has(img.thumb[src="{src}"])')
    row.wait_for()
    img = row.locator("img.thumb")
    img.scroll_into_view_if_needed()
    page.wait_for_function(LOADED, arg=img.element_handle())
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    row.screenshot(path=str(shot(page, "photo-portal-390x844").with_name("photo-portal-row.png")))
    context.close()
