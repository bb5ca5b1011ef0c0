"""Card and other tenders at the browser till (1366x768): pay by card on the bank's terminal
(F10) with the last four digits and the approval code, a card number refused and emptied at
once, a split of cash and card (F7), and the receipts that print each tender."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, shot, sign_in
from tests.browser.test_till import (
    RECEIPT_PRINTED,
    api_get,
    baht,
    barcodes,
    scan,
    shift_report,
    start_till,
    till_module,
)

pytestmark = pytest.mark.browser


def _queued_sale(page: Any, number: str) -> dict[str, Any]:
    """The sale the till rang under ``number``, once its queue has delivered it."""
    page.wait_for_function(
        "async () => { const m = await import('/static/till_queue.js');"
        " return (await m.status()).waiting === 0; }",
        timeout=15_000,
    )
    found = api_get(page, f"/api/v1/sales?receipt_number={number}")
    assert len(found) == 1, found
    sale: dict[str, Any] = found[0]
    return sale


def test_a_card_paid_on_the_terminal_refuses_a_card_number_and_prints_only_its_last_four(
    page: Any, live_server: LiveServer
) -> None:
    till_id = start_till(page, live_server, "SKP-01")
    before = shift_report(page)
    (code, price), *_ = barcodes(page, till_id, 1)
    scan(page, code)
    page.keyboard.press("F10")
    page.wait_for_selector("#dlg-pay[open]")
    assert page.locator("#dlg-pay [name=method][value=card]").is_checked()
    last4 = page.locator("#dlg-pay [name=card_last4]")
    assert last4.evaluate("el => el === document.activeElement")
    # A card number typed in: refused, and the field emptied at once (never sent or kept).
    page.keyboard.type("4111 1111 1111 1111")
    page.fill("#dlg-pay [name=approval_code]", "ab12cd")
    page.keyboard.press("Enter")
    error = page.locator("#dlg-pay [data-error]")
    error.wait_for(state="visible")
    assert "ห้ามกรอกเลขบัตรเต็ม" in error.inner_text()
    assert last4.input_value() == ""
    assert last4.evaluate("el => el === document.activeElement")
    shot(page, "till-card-number-refused")
    last4.fill("4242")
    shot(page, "till-pay-card")
    page.keyboard.press("Enter")
    page.locator("[data-done]").wait_for(state="visible")
    number = page.inner_text("[data-done-number]")
    receipt = page.frame_locator("[data-receipt]")
    receipt.locator("text=ใบกำกับภาษีอย่างย่อ").wait_for()
    text = receipt.locator("body").inner_text()
    assert "****4242" in text and "AB12CD" in text and "4111" not in text
    page.wait_for_selector(RECEIPT_PRINTED, state="attached")
    shot(page, "till-card-receipt")
    sale = _queued_sale(page, number)
    [card] = sale["payments"]
    assert (card["method"], card["card_last4"], card["approval_code"]) == ("card", "4242", "AB12CD")
    after = shift_report(page)
    assert after["card_satang"] - before["card_satang"] == price
    assert after["expected_cash_satang"] == before["expected_cash_satang"]  # not in the drawer
    page.keyboard.press("F3")
    page.click("#dlg-menu [data-menu=x]")
    page.wait_for_selector("#dlg-report[open]")
    page.locator("#dlg-report [data-report] dt", has_text="รับชำระบัตร").wait_for()
    assert baht(after["card_satang"]) in page.inner_text("#dlg-report [data-report]")
    shot(page, "till-x-report-tenders")
    printed_report = page.context.new_page()
    printed_report.set_viewport_size({"width": 1366, "height": 768})
    printed_report.goto(f"{live_server.url}/api/v1/shifts/{after['shift_id']}/report.html")
    text = printed_report.locator("body").inner_text()
    assert "บัตร (เครื่องรูดบัตรของธนาคาร) / Card (EDC)" in text and baht(after["card_satang"]) in text
    shot(printed_report, "shift-report-tenders")
    printed_report.close()


def test_a_split_of_cash_and_card_prints_each_tender(page: Any, live_server: LiveServer) -> None:
    till_id = start_till(page, live_server, "SKP-01")
    (code_a, price_a), (code_b, price_b) = barcodes(page, till_id, 2)
    scan(page, code_a)
    scan(page, code_b)
    total = price_a + price_b
    cash = total // 2 // 100 * 100 or 100
    page.keyboard.press("F7")
    page.wait_for_selector("#dlg-pay[open]")
    card_fields = page.locator("#dlg-pay [data-pay-part=card]")
    assert card_fields.is_hidden()
    page.fill("#dlg-pay [name=cash_part]", str(cash // 100))
    page.fill("#dlg-pay [name=card_part]", baht(total - cash).replace(",", ""))
    card_fields.wait_for(state="visible")
    assert page.inner_text("#dlg-pay [data-qr-part]") == "0.00"  # nothing left for PromptPay
    page.fill("#dlg-pay [name=card_last4]", "0007")
    page.fill("#dlg-pay [name=approval_code]", "Z9Y8X7")
    shot(page, "till-split-cash-card")
    page.keyboard.press("Enter")
    page.locator("[data-done]").wait_for(state="visible")
    assert page.locator("#dlg-qr").is_hidden()  # card and cash: no waiting for a bank
    number = page.inner_text("[data-done-number]")
    receipt = page.frame_locator("[data-receipt]")
    receipt.locator("text=ใบกำกับภาษีอย่างย่อ").wait_for()
    text = receipt.locator("body").inner_text()
    assert "เงินสด / Cash" in text and baht(cash) in text
    assert "****0007" in text and "Z9Y8X7" in text and baht(total - cash) in text
    page.wait_for_selector(RECEIPT_PRINTED, state="attached")
    shot(page, "till-split-receipt")
    sale = _queued_sale(page, number)
    assert [(p["method"], p["amount_satang"]) for p in sale["payments"]] == [
        ("cash", cash),
        ("card", total - cash),
    ]
    printed_by_server = page.request.get(f"{live_server.url}/api/v1/sales/{sale['id']}/receipt")
    assert "บัตร / Card ****0007 อนุมัติ / Appr. Z9Y8X7" in printed_by_server.text()
    assert till_module(page, "till_cart.js", "m.cart.lines.length") == 0


def test_another_tender_is_named_as_typed_and_the_reports_show_it_as_text(
    page: Any, live_server: LiveServer
) -> None:
    """F11: a voucher whose name someone typed with markup; the receipt and the back office's
    report by payment method show the name as text, never as markup."""
    till_id = start_till(page, live_server, "SKP-02")
    (code, _), *_ = barcodes(page, till_id, 1)
    scan(page, code)
    page.keyboard.press("F11")
    page.wait_for_selector("#dlg-pay[open]")
    page.keyboard.press("Enter")  # nothing typed: the name is asked for
    page.locator("#dlg-pay [data-error]", has_text="ใส่ชื่อช่องทางชำระ").wait_for()
    page.fill("#dlg-pay [name=tender_name]", "<b>บัตรกำนัล</b>")
    page.fill("#dlg-pay [name=tender_ref]", "V-0042")
    shot(page, "till-pay-other")
    page.keyboard.press("Enter")
    page.locator("[data-done]").wait_for(state="visible")
    receipt = page.frame_locator("[data-receipt]")
    receipt.locator("text=V-0042").wait_for()
    assert "<b>บัตรกำนัล</b> / Other อ้างอิง / Ref. V-0042" in receipt.locator("body").inner_text()
    assert receipt.locator("b").count() == 0
    page.wait_for_selector(RECEIPT_PRINTED, state="attached")
    _queued_sale(page, page.inner_text("[data-done-number]"))
    office = page.context.browser.new_page(viewport={"width": 1366, "height": 768})
    sign_in(office, live_server, "manager")
    office.goto(f"{live_server.url}/admin/reports")
    payments = office.locator("#payments")
    assert "อื่นๆ: <b>บัตรกำนัล</b>" in payments.inner_text()
    assert payments.locator("b").count() == 0
    page_shot = shot(office, "reports-tenders-page")
    payments.screenshot(path=str(page_shot.with_name("reports-tenders.png")))
    office.close()
