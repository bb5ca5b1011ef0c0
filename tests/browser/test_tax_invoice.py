"""A buyer asks for a full tax invoice at the till: from the sale's done panel, the form for
that receipt (a buyer found again by tax ID the second time), the A4 invoice naming the
receipt it replaces, and a copy on 80 mm; a refund of it prints the tax credit note."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, shot
from tests.browser.test_till import barcodes, scan, start_till

pytestmark = pytest.mark.browser

BUYER = {
    "tax_id": "0105558000014",
    "name": "บริษัท ล้านนาของฝาก จำกัด",
    "address": "1 ถนนท่าแพ ตำบลช้างคลาน อำเภอเมือง เชียงใหม่ 50100",
    "branch": "00003",
}


def sell_one(page: Any, barcode: str) -> str:
    scan(page, barcode)
    page.keyboard.press("F8")
    page.wait_for_selector("#dlg-pay[open]")
    page.keyboard.press("Enter")
    page.locator("[data-done]").wait_for(state="visible")
    page.wait_for_selector("[data-receipt][data-printed]", state="attached")
    number: str = page.inner_text("[data-done-number]")
    return number


def test_a_full_tax_invoice_from_the_till_prints_on_a4_and_80mm(
    page: Any, live_server: LiveServer
) -> None:
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    till_id = start_till(page, live_server, "SKP-01")
    [(first, _), (second, _)] = barcodes(page, till_id, 2)
    receipt = sell_one(page, first)
    link = page.locator("[data-done-tax-invoice]")
    assert link.is_visible() and link.get_attribute("target") == "_blank"
    href = link.get_attribute("href")
    assert href == f"/tax-invoices/new?receipt={receipt}"

    form = page.context.new_page()
    form.set_viewport_size({"width": 1366, "height": 768})
    form.goto(live_server.url + href)
    assert receipt in form.inner_text(".tax-sale")
    for name, value in BUYER.items():
        form.fill(f"[data-buyer-form] [name={name}]", value)
    form.fill("[data-buyer-form] [name=tax_id]", "0105558000019")  # one digit wrong
    form.click("[data-buyer-form] button[type=submit]")
    assert "หลักตรวจสอบไม่ตรง" in form.inner_text("[role=alert]")
    assert form.input_value("[name=address]") == BUYER["address"]  # nothing typed is lost
    shot(form, "tax-invoice-form-refused-1366")
    form.fill("[data-buyer-form] [name=tax_id]", BUYER["tax_id"])
    form.click("[data-buyer-form] button[type=submit]")
    form.wait_for_selector("text=TI-SKP-01-000001")
    text = form.inner_text("main")
    for must in ("ต้นฉบับ / ORIGINAL", receipt, BUYER["name"], "สาขาที่ 00003", "ภาษีมูลค่าเพิ่ม 7%"):
        assert must in text, must
    shot(form, "tax-invoice-a4")
    form.goto(form.url.replace("paper=a4", "paper=80mm&copy=1"))
    assert "สำเนา / COPY" in form.inner_text("main")
    form.set_viewport_size({"width": 390, "height": 844})
    shot(form, "tax-invoice-80mm-copy")

    # The next buyer of the same company: typing the tax ID offers the remembered details.
    page.bring_to_front()
    page.keyboard.press("Enter")  # the next sale
    receipt_two = sell_one(page, second)
    form.set_viewport_size({"width": 1366, "height": 768})
    form.goto(f"{live_server.url}/tax-invoices/new?receipt={receipt_two}")
    form.fill("[data-buyer-form] [name=tax_id]", "0105558")
    form.click("[data-buyer-found] button")
    assert form.input_value("[name=name]") == BUYER["name"]
    assert form.input_value("[name=branch]") == BUYER["branch"]
    shot(form, "tax-invoice-buyer-found-1366")
    form.click("[data-buyer-form] button[type=submit]")
    form.wait_for_selector("text=TI-SKP-01-000002")
    assert violations == []
