"""The receipt the till renders itself (web/static/receipt_render.js into the frame's srcdoc)
reads as the server's receipt of the same sale (GET /api/v1/sales/{id}/receipt): sales rung in
Chromium with change, a line discount, a cart discount, VAT and non-VAT lines and a product
whose Thai name carries HTML's special characters; the frame's styles load under the
Content-Security-Policy and nothing is refused. Screenshots of both at 80 mm land in
test-artifacts/ (receipt-local-*.png, receipt-server-*.png).
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, LiveServer
from tests.browser.test_content_security import Watch
from tests.browser.test_till import api_get, barcodes, scan, start_till

pytestmark = pytest.mark.browser

TILL = "SKP-02"
# HTML's special characters in a Thai name, as an entrepreneur might type it (or an attacker).
HOSTILE_NAME = "ผ้าไหม <b>\"ลาย\" & 'ทอง'</b> <script>alert(1)</script>"
RECEIPT_WIDTH_PX = 302  # 80 mm at 96 px per inch


def words(text: str) -> str:
    return " ".join(text.split())


def _manager_api(browser: Any, server: LiveServer) -> tuple[Any, dict[str, str]]:
    context = browser.new_context()
    context.request.get(f"{server.url}/login")
    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    headers = {"x-csrftoken": token}
    username, password = server.logins["manager"]
    login = context.request.post(
        f"{server.url}/api/v1/auth/login",
        headers=headers,
        data={"username": username, "password": password},
    )
    assert login.ok, login.text()
    # Signed in, the session has its own CSRF token (the cookie the pages read it from).
    headers["x-csrftoken"] = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    return context, headers


def _non_vat_product_with_a_hostile_name(browser: Any, server: LiveServer) -> str:
    """A manager adds the product and takes 20 into the till's location; its barcode."""
    context, headers = _manager_api(browser, server)
    api = context.request
    till = next(t for t in api.get(f"{server.url}/api/v1/tills").json() if t["code"] == TILL)
    category = api.get(f"{server.url}/api/v1/categories").json()[0]
    entrepreneur = api.get(f"{server.url}/api/v1/entrepreneurs").json()[0]
    made = api.post(
        f"{server.url}/api/v1/products",
        headers=headers,
        data={
            "sku": "HOSTILE-1",
            "name_th": HOSTILE_NAME,
            "name_en": "Silk <b>&</b>",
            "category_id": category["id"],
            "entrepreneur_id": entrepreneur["id"],
            "price_satang": 12_345,
            "vat_applicable": False,
        },
    )
    assert made.status == 201, made.text()
    product = made.json()
    intake = api.post(
        f"{server.url}/api/v1/stock/intakes",
        headers=headers,
        data={
            "entrepreneur_id": entrepreneur["id"],
            "location_id": till["location_id"],
            "lines": [{"product_id": product["id"], "quantity": 20}],
        },
    )
    assert intake.status == 201, intake.text()
    context.close()
    barcode: str = product["barcode"]
    return barcode


def _amount(page: Any, key: str, value: str) -> None:
    """A discount through the till's amount dialog (F4: the current line's, F6: the cart's)."""
    page.keyboard.press(key)
    page.wait_for_selector("#dlg-amount[open]")
    page.fill("#dlg-amount [name=value]", value)
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.querySelector('#dlg-amount').open")


def _pay_cash(page: Any, tendered_baht: str | None) -> str:
    """F8, the cash handed over (None: the exact total); the server's id of the sale, once the
    till's queue has delivered it (the receipt shows before that)."""
    page.keyboard.press("F8")
    page.wait_for_selector("#dlg-pay[open]")
    if tendered_baht is not None:
        page.fill("#dlg-pay [name=tendered]", tendered_baht)
    page.keyboard.press("Enter")
    page.locator("[data-done]").wait_for(state="visible")
    page.wait_for_selector("[data-receipt][data-printed]", state="attached")
    number = page.inner_text("[data-done-number]")
    deadline = time.monotonic() + 20
    while not (found := api_get(page, f"/api/v1/sales?receipt_number={number}")):
        assert time.monotonic() < deadline, f"sale {number} never reached the server"
        page.wait_for_timeout(200)
    return str(found[0]["id"])


def _local_receipt(page: Any) -> tuple[str, str]:
    """The text of the receipt the till rendered, and its HTML (the frame's srcdoc)."""
    frame = page.locator("[data-receipt]")
    assert frame.get_attribute("src") is None  # rendered here, not loaded from the server
    srcdoc: str = frame.get_attribute("srcdoc")
    body = page.frame_locator("[data-receipt]").locator("body")
    body.locator("main.receipt").wait_for()
    # The stylesheet linked from the srcdoc loaded under the page's policy and applies.
    styled = (
        page.frame_locator("[data-receipt]")
        .locator(".items")
        .evaluate("el => getComputedStyle(el).borderTopStyle")
    )
    assert styled == "dashed"
    text: str = body.inner_text()
    return text, srcdoc


def _server_receipt(context: Any, server: LiveServer, sale_id: str, name: str) -> str:
    """The server's receipt of the sale at 80 mm, screenshot taken; its text."""
    paper = context.new_page()
    paper.set_viewport_size({"width": RECEIPT_WIDTH_PX, "height": 600})
    paper.goto(f"{server.url}/api/v1/sales/{sale_id}/receipt")
    paper.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    paper.screenshot(path=str(ARTIFACTS / f"receipt-server-{name}.png"), full_page=True)
    text: str = paper.locator("body").inner_text()
    paper.close()
    return text


def _local_screenshot(context: Any, server: LiveServer, srcdoc: str, name: str) -> None:
    """The till's own receipt at 80 mm: its srcdoc in a frame as wide as the paper."""
    paper = context.new_page()
    paper.set_viewport_size({"width": RECEIPT_WIDTH_PX, "height": 600})
    paper.goto(f"{server.url}/api/v1/auth/me")  # any page of the origin, under its policy
    paper.evaluate(
        """html => new Promise(done => {
            document.documentElement.innerHTML = "<body></body>";
            const frame = document.createElement("iframe");
            frame.onload = () => {
                frame.height = frame.contentDocument.documentElement.scrollHeight;
                done();
            };
            frame.width = innerWidth;
            frame.setAttribute("frameborder", "0");
            frame.srcdoc = html;
            document.body.appendChild(frame);
        })""",
        srcdoc,
    )
    paper.locator("iframe").screenshot(path=str(ARTIFACTS / f"receipt-local-{name}.png"))
    paper.close()


def _same_receipt(page: Any, server: LiveServer, sale_id: str, name: str) -> str:
    local, srcdoc = _local_receipt(page)
    remote = _server_receipt(page.context, server, sale_id, name)
    _local_screenshot(page.context, server, srcdoc, name)
    assert words(local) == words(remote)
    return words(local)


def test_the_tills_own_receipt_reads_as_the_servers(browser: Any, live_server: LiveServer) -> None:
    hostile = _non_vat_product_with_a_hostile_name(browser, live_server)
    watch = Watch()
    context = watch.context(browser)
    page = context.new_page()
    till_id = start_till(page, live_server, TILL)
    (first, first_price), (second, second_price) = barcodes(page, till_id, 2)

    # A mixed cart: two of a VAT product with a line discount, a non-VAT product with a
    # hostile name, a cart discount (both small enough to need no manager), cash with change.
    scan(page, first)
    scan(page, first)
    _amount(page, "F4", "1.50")
    scan(page, hostile)
    _amount(page, "F6", "2.25")
    total = 2 * first_price - 150 + 12_345 - 225
    tendered = (total // 100_000 + 1) * 100_000
    sale_id = _pay_cash(page, str(tendered // 100))
    text = _same_receipt(page, live_server, sale_id, "mixed")
    number = page.inner_text("[data-done-number]")
    sale = page.request.get(f"{live_server.url}/api/v1/sales/{sale_id}").json()
    assert sale["total_satang"] == total
    assert sale["receipt_number"] == number
    assert [line["vat_applicable"] for line in sale["lines"]] == [True, False]
    assert f"เลขที่ / No. {number}" in text
    assert HOSTILE_NAME in text  # shown as the letters typed, not as markup
    assert re.search(r"วันที่ / Date \d\d/\d\d/25\d\d \d\d:\d\d", text)
    assert "ส่วนลด / Discount -1.50" in text
    assert "ส่วนลด / Discount -3.75" in text  # the line's and the cart's together
    vat = sale["vat_included_satang"]
    assert 0 < vat < sale["lines"][0]["line_total_satang"]
    assert f"รวมภาษีมูลค่าเพิ่มแล้ว / VAT included {vat // 100:,}.{vat % 100:02d}" in text
    assert f"เงินสด / Cash {tendered // 100:,}.00" in text
    change = tendered - total
    assert f"เงินทอน / Change {change // 100:,}.{change % 100:02d}" in text
    srcdoc = page.get_attribute("[data-receipt]", "srcdoc")
    assert "<script>alert" not in srcdoc and "<b>" not in srcdoc

    # The next sale: one item, the exact cash, no discount, no change.
    page.keyboard.press("Escape")
    scan(page, second)
    sale_id = _pay_cash(page, None)
    text = _same_receipt(page, live_server, sale_id, "exact")
    assert "เงินทอน" not in text and "ส่วนลด" not in text
    assert f"{second_price // 100:,}.{second_price % 100:02d}" in text

    # The reprint from the day menu: the same sale rendered here, marked COPY.
    page.keyboard.press("F3")
    page.click("[data-menu=reprint]")
    page.wait_for_selector("[data-print-frame][data-printed$=':copy']", state="attached")
    copy = page.frame_locator("[data-print-frame]").locator("body").inner_text()
    assert words(copy) == "สำเนา / COPY " + text
    assert watch.problems == []
    context.close()


def test_the_receipt_prints_with_the_server_out_of_reach_once_the_sale_is_known(
    browser: Any, live_server: LiveServer
) -> None:
    """The server answers the sale, then the network goes: the receipt still shows, styled
    from the browser's memory of receipt.css, and the reprint is rendered without a request."""
    watch = Watch()
    context = watch.context(browser)
    page = context.new_page()
    till_id = start_till(page, live_server, TILL)
    (code, _), *_ = barcodes(page, till_id, 1)
    scan(page, code)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    sale_id = _pay_cash(page, None)
    assert not [u for u in requests if re.search(r"/sales/\d+/receipt", u)]  # rendered here
    text, _ = _local_receipt(page)
    context.set_offline(True)
    page.keyboard.press("F3")
    page.click("[data-menu=reprint]")
    page.wait_for_selector("[data-print-frame][data-printed$=':copy']", state="attached")
    copy = page.frame_locator("[data-print-frame]").locator("body").inner_text()
    assert words(copy) == "สำเนา / COPY " + words(text)
    styled = (
        page.frame_locator("[data-print-frame]")
        .locator(".items")
        .evaluate("el => getComputedStyle(el).borderTopStyle")
    )
    assert styled == "dashed"  # receipt.css as the browser held it, no request needed
    assert sale_id
    assert watch.problems == []
    context.set_offline(False)
    context.close()
