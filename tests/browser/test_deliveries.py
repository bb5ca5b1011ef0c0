"""A delivery through both sides: the entrepreneur announces it on a phone (390 x 844) with one
of their products and one new product with a photo; a manager approves the new product; a
cashier receives it by scanning at the till's 1366 x 768, one unit short; the difference shows
in the entrepreneur's portal."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import LiveServer, shot, sign_in
from tests.photo_samples import image_bytes

PHONE = {"width": 390, "height": 844}
TILL = {"width": 1366, "height": 768}
NEW_NAME = "ผ้าคลุมไหล่ลายดอกทดสอบ"


def _fits(page: Any, width: int) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the {width}px screen"


def _context(browser: Any, viewport: dict[str, int], phone: bool = False) -> Any:
    extra = {"device_scale_factor": 2, "is_mobile": True, "has_touch": True} if phone else {}
    context = browser.new_context(viewport=viewport, locale="th-TH", **extra)
    context.set_default_timeout(10_000)
    return context


def _announce_on_a_phone(browser: Any, server: LiveServer, photo: Path) -> tuple[Any, str]:
    """The entrepreneur's side; their phone's context (kept open) and the delivery's URL."""
    phone = _context(browser, PHONE, phone=True)
    page = phone.new_page()
    sign_in(page, server, "entrepreneur")
    page.click("[data-deliveries]")
    page.wait_for_load_state("networkidle")
    _fits(page, 390)
    page.click("[data-new-delivery]")
    page.wait_for_load_state("networkidle")
    first = page.locator("#own-products li").first
    name = first.locator(".name").inner_text().splitlines()[0]
    page.fill("#product-search", name[:4])
    shown = page.locator("#own-products li:visible")
    assert 1 <= shown.count() < page.locator("#own-products li").count()  # the search narrows
    for _ in range(3):
        first.locator("button[data-step='1']").click()
    assert first.locator(".own-qty").input_value() == "3"
    page.click("#add-new-product")
    box = page.locator("#new-products fieldset.new-product").first
    box.locator("input[name=name_th]").fill(NEW_NAME)
    box.locator("input[name=name_en]").fill("Flower shawl (test)")
    box.locator("input[name=price]").fill("350")
    box.locator("input[name=quantity]").fill("2")
    box.locator("input[name=photo]").set_input_files(str(photo))
    page.fill("textarea[name=note]", "นำมาช่วงบ่าย")
    assert "2 รายการ · 5 ชิ้น" in page.inner_text("#announce-summary")
    _fits(page, 390)
    shot(page, "delivery-phone-announce")
    page.click("#announce-form button[type=submit]")
    page.wait_for_url(re.compile(r"/portal/deliveries/\d+$"))
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-status=announced]").count() == 1
    assert page.locator("[data-review=proposed]").count() == 1
    assert page.locator("img.thumb").count() >= 1  # the new product's photo, from the store
    _fits(page, 390)
    shot(page, "delivery-phone-announced")
    return phone, page.url


def _approve(browser: Any, server: LiveServer) -> None:
    manager = _context(browser, TILL)
    page = manager.new_page()
    try:
        sign_in(page, server, "manager")
        page.goto(f"{server.url}/admin/product-proposals")
        row = page.locator("tr[data-proposal]", has_text=NEW_NAME)
        assert row.locator("img.thumb").count() == 1
        shot(page, "delivery-proposals-waiting")
        row.locator("[data-approve]").click()
        page.wait_for_load_state("networkidle")
        page.wait_for_function("name => !document.body.innerText.includes(name)", arg=NEW_NAME)
        page.goto(f"{server.url}/admin/product-proposals?status=approved")
        assert page.locator("tr[data-proposal]", has_text=NEW_NAME).count() == 1
    finally:
        manager.close()


def _receive_one_short(browser: Any, server: LiveServer, number: str) -> None:
    till = _context(browser, TILL)
    page = till.new_page()
    try:
        sign_in(page, server, "cashier")
        page.goto(f"{server.url}/admin/deliveries")
        page.click(f"tr[data-delivery='{number}'] a")
        page.wait_for_load_state("networkidle")
        rows = page.locator("tbody tr[data-product-id]")
        assert rows.count() == 2
        existing, new = rows.nth(0), rows.nth(1)
        scan = page.locator(".scan-input")
        for row, times in ((existing, 2), (new, 2)):  # three announced, two came
            code = row.get_attribute("data-barcode")
            for _ in range(times):
                scan.fill(code)
                scan.press("Enter")
        assert existing.locator(".line-qty").input_value() == "2"
        assert new.locator(".line-qty").input_value() == "2"
        assert existing.locator("[data-kind=short]").inner_text() == "ขาด 1"
        assert new.locator("[data-kind=match]").count() == 1
        _fits(page, 1366)
        shot(page, "delivery-till-scanning")
        page.click("#receive-form button[type=submit]")
        page.wait_for_selector("[data-status=received]")
        assert page.locator("[data-differences='1']").count() == 1
        assert "GRN-" in page.inner_text(".receive-head")
        _fits(page, 1366)
        shot(page, "delivery-till-received")
    finally:
        till.close()


def test_a_delivery_announced_on_a_phone_is_received_by_scanning(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    server = live_server
    photo = tmp_path / "shawl.jpg"
    photo.write_bytes(image_bytes("JPEG", (1200, 900)))
    phone, url = _announce_on_a_phone(browser, server, photo)
    try:
        page = phone.pages[0]
        number = page.locator("h1").inner_text().split()[0]
        assert re.fullmatch(r"DLV-\d{4}-\d{6}", number)
        _approve(browser, server)
        _receive_one_short(browser, server, number)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-status=received]").count() == 1
        assert page.locator("li[data-kind=short] [data-kind=short]").inner_text() == "ขาด 1"
        assert page.locator("[data-review=approved]").count() == 1
        assert "มีรายการไม่ตรงกับที่แจ้ง" in page.inner_text(".delivery-head")
        _fits(page, 390)
        shot(page, "delivery-phone-differences")
        page.goto(f"{server.url}/portal/deliveries")
        assert "ไม่ตรงกับที่แจ้ง 1" in page.inner_text(f"[data-delivery='{number}']")
        _fits(page, 390)
        shot(page, "delivery-phone-list")
        page.goto(f"{url}?lang=en")
        assert "Short 1" in page.inner_text("li[data-kind=short]")
        assert "Some lines differ from the announcement" in page.inner_text(".delivery-head")
        _fits(page, 390)
        shot(page, "delivery-phone-differences-en")
    finally:
        phone.close()
