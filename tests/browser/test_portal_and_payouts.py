"""A payout run on a desktop, and the entrepreneur's portal on a phone (390 x 844).

This module serves its own demo with three weeks of history (``seed --history``), so that
sales are past the refund window and a payout run has people to pay; the shared live server
stays small and fast for the other modules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, LiveServer, demo_server, shot, sign_in

HISTORY_DAYS = "21"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def history_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[LiveServer]:
    with demo_server(tmp_path_factory.mktemp("live-history"), "--history", HISTORY_DAYS) as server:
        yield server


def _api_sale_today(browser: Any, server: LiveServer, entrepreneur_code: str) -> int:
    """A cashier rings one of the entrepreneur's products through the API (shift opened and
    closed around it); the sale's total in satang."""
    context = browser.new_context()
    api = context.request
    api.get(f"{server.url}/login")
    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    headers = {"x-csrftoken": token}
    username, password = server.logins["cashier"]
    login = api.post(
        f"{server.url}/api/v1/auth/login",
        headers=headers,
        data={"username": username, "password": password},
    )
    assert login.ok, login.text()
    # Signed in, the session has its own CSRF token (the cookie the pages read it from).
    headers["x-csrftoken"] = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    till = next(t for t in api.get(f"{server.url}/api/v1/tills").json() if t["code"] == "SKP-01")
    query = {"q": entrepreneur_code, "location_id": till["location_id"]}
    found = api.get(f"{server.url}/api/v1/products", params=query).json()
    product = next(
        p for p in found if p["entrepreneur_code"] == entrepreneur_code and p["on_hand"] > 0
    )
    shift = api.post(
        f"{server.url}/api/v1/shifts",
        headers=headers,
        data={"till_id": till["id"], "opening_float_satang": 0},
    )
    assert shift.status == 201, shift.text()
    total = product["price_satang"]
    sale = api.post(
        f"{server.url}/api/v1/sales",
        headers={**headers, "Idempotency-Key": "browser-portal-sale-1"},
        data={
            "till_id": till["id"],
            "lines": [{"product_id": product["id"], "quantity": 1}],
            "payments": [{"method": "cash", "amount_satang": total}],
        },
    )
    assert sale.status == 201, sale.text()
    closed = api.post(
        f"{server.url}/api/v1/shifts/{shift.json()['id']}/close",
        headers=headers,
        data={"counted_satang": total},
    )
    assert closed.ok, closed.text()
    context.close()
    return int(total)


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def _fits_the_phone(page: Any) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"


def test_a_payout_run_on_a_desktop(page: Any, history_server: LiveServer) -> None:
    server = history_server
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, server, "manager")
    page.click("nav >> text=จ่ายเงินผู้ประกอบการ")
    page.wait_for_load_state("networkidle")
    shot(page, "payouts-index")
    page.click("text=ดูรายชื่อที่จะโอน")
    page.wait_for_load_state("networkidle")
    boxes = page.locator("input[name=pay]")
    count = boxes.count()
    assert count >= 2, "the history should leave several entrepreneurs owed the minimum"
    total_before = page.inner_text("[data-total]")
    boxes.nth(count - 1).uncheck()
    assert page.inner_text("[data-count]") == str(count - 1)
    assert page.inner_text("[data-total]") != total_before
    shot(page, "payouts-preview")
    page.click("button:has-text('สร้างรอบจ่ายเงิน')")
    page.wait_for_url(re.compile(r"/admin/payouts/\d+"))
    assert "สร้างรอบจ่ายเงินแล้ว" in page.inner_text("[role=status]")
    run_url = page.url.split("?")[0]
    rows = page.locator("table.payout-list tr[data-payout]")
    assert rows.count() == min(count - 1, 50)  # one page of the run at a time
    assert page.locator("img[src*='qr.svg']").count() == 0  # no QR until asked for
    with_qr = page.locator("table.payout-list tr[data-payout]:has([data-qr-link])").first
    first_id = with_qr.get_attribute("data-payout")
    with_qr.locator("[data-qr-link]").click()
    page.wait_for_load_state("networkidle")
    qr = page.locator("tr.qr-row img")
    assert qr.count() == 1
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    shot(page, "payouts-run")

    row = page.locator(f"#payout-{first_id}")
    row.locator("input[name=bank_reference]").fill("KTB-20261122-0001")
    row.locator("button:has-text('บันทึกว่าโอนแล้ว')").click()
    page.wait_for_load_state("networkidle")
    assert "บันทึกการโอนแล้ว" in page.inner_text("[role=status]")
    assert page.locator(f"tr#payout-{first_id}").count() == 0  # no longer waiting
    second = page.locator("table.payout-list tr[data-payout]").first
    second_id = second.get_attribute("data-payout")
    second.locator("input[name=bank_reference]").fill("KTB-20261122-0001")  # used already
    second.locator("button:has-text('บันทึกว่าโอนแล้ว')").click()
    page.wait_for_load_state("networkidle")
    assert "ถูกใช้กับรายการโอนเงินอื่นแล้ว" in page.inner_text("[role=alert]")
    refused = page.locator(f"#payout-{second_id}")
    assert "ถูกใช้กับรายการโอนเงินอื่นแล้ว" in refused.locator(".error").inner_text()
    assert refused.locator("input[name=bank_reference]").input_value() == "KTB-20261122-0001"
    refused.scroll_into_view_if_needed()
    shot(page, "payouts-run-refused")
    page.goto(f"{run_url}?show=paid")
    assert page.locator(f"tr#payout-{first_id}").count() == 1  # under the paid tab


def test_the_portal_on_a_phone(browser: Any, history_server: LiveServer) -> None:
    server = history_server
    sold_today = _api_sale_today(browser, server, "CM-0001")
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="th-TH"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, server, "entrepreneur")
        assert page.url.endswith("/portal")
        balance = page.locator("[data-balance]")
        assert re.fullmatch(r"฿[\d,]+\.\d\d", balance.inner_text())
        assert page.locator("#sales svg.chart rect.bar").count() == 30
        assert page.locator("#items .portal-items li").count() >= 1
        assert "ศูนย์ค้างจ่ายคุณ" in page.inner_text("#balance")
        held = page.inner_text("#balance [data-held]")
        assert held != "0.00"  # today's sale is held inside the refund window
        _fits_the_phone(page)
        shot(page, "portal-phone-th")

        page.click(".lang-switch")
        page.wait_for_load_state("networkidle")
        assert "The centre owes you" in page.inner_text("#balance")
        _fits_the_phone(page)
        shot(page, "portal-phone-en")
        page.goto(f"{server.url}/portal?lang=th")

        page.click("text=ใบแจ้งยอดรายเดือน")
        page.wait_for_load_state("networkidle")
        assert "/portal/statement" in page.url
        assert page.locator(".statement-lines tbody tr").count() >= 2  # opening and today's sale
        _fits_the_phone(page)
        shot(page, "portal-statement-phone")
        csv_href = page.get_attribute("[data-csv]", "href")
        assert csv_href
        download = page.request.get(server.url + csv_href)
        assert download.ok and download.headers["content-type"].startswith("text/csv")
        assert download.text().lstrip("\ufeff").startswith("date,document,kind")
        page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        page.emulate_media(media="print")
        assert not page.locator(".month-nav").is_visible()
        assert page.locator(".statement-lines th.wide").first.is_visible()
        shot(page, "portal-statement-print")
        statement_pdf = page.pdf(prefer_css_page_size=True)
        (ARTIFACTS / "portal-statement.pdf").write_bytes(statement_pdf)
        assert _pages(statement_pdf) >= 1
        assert re.search(rb"/MediaBox \[0 0 59[45][.\d]* 84[12][.\d]*\]", statement_pdf)  # A4
        page.emulate_media(media="screen")
        page.set_viewport_size(PHONE)

        # Another month, picked from Thai month names with the Buddhist year.
        picker = page.locator("select[name=month]")
        last_month = picker.locator("option").nth(1)
        key, title = last_month.get_attribute("value"), last_month.inner_text()
        assert re.fullmatch(r"\S+ 25\d\d", title)
        picker.select_option(key)
        page.click(".month-form button[type=submit]")
        page.wait_for_url(f"**month={key}")
        assert title in page.inner_text("h1")

        page.goto(f"{server.url}/portal/statement?month=2026-13")
        assert "เดือนไม่ถูกต้อง" in page.inner_text("[role=alert]")

        page.goto(f"{server.url}/portal/qr-card")
        card = page.locator(".qr-card")
        assert "สแกนจ่าย" in card.inner_text()
        assert card.locator("svg[aria-label='PromptPay QR']").count() == 1
        _fits_the_phone(page)
        shot(page, "portal-qr-card-phone")
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 397, "height": 559})  # A6 at 96 dpi
        box = card.bounding_box()
        assert box and abs(box["width"] - 397) < 4 and abs(box["height"] - 559) < 4
        shot(page, "portal-qr-card-print")
        card_pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        (ARTIFACTS / "portal-qr-card.pdf").write_bytes(card_pdf)
        assert _pages(card_pdf) == 1  # the card fills one A6 sheet, nothing spills over
        assert re.search(rb"/MediaBox \[0 0 29[78][.\d]* (419|420)[.\d]*\]", card_pdf)  # A6
    finally:
        context.close()
    assert sold_today > 0
