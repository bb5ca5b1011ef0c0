"""A cashier shows a PromptPay QR; the demo "customer phone" pays it; the till turns paid by
itself (server-sent events), without reloading."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, shot, sign_in

pytestmark = pytest.mark.browser


def test_the_till_learns_of_the_payment_without_reloading(
    page: Any, live_server: LiveServer
) -> None:
    sign_in(page, live_server, "cashier")
    page.goto(f"{live_server.url}/admin/payments/new")
    page.fill("input[name=amount]", "150.25")
    page.click("form[action='/admin/payments/new'] button[type=submit]")
    page.wait_for_url("**/admin/payments/*")
    panel = page.locator("[data-payment]")
    assert panel.get_attribute("data-status") == "pending"
    assert page.locator("[data-qr] svg").is_visible()
    assert "150.25" in panel.inner_text()
    shot(page, "payment-qr-pending")

    phone = page.context.new_page()
    phone.set_viewport_size({"width": 390, "height": 800})
    payer = page.locator("a[href^='/demo/pay/']").get_attribute("href")
    phone.goto(live_server.url + payer)
    assert "ยืนยันการโอนเงิน" in phone.content()
    assert "150.25" in phone.inner_text("body")
    shot(phone, "payment-demo-payer")
    phone.click("button.phone-pay")
    phone.wait_for_selector("text=โอนเงินสำเร็จ")

    page.wait_for_function(
        "() => document.querySelector('[data-payment]').dataset.status === 'confirmed'",
        timeout=3000,
    )
    assert "ชำระแล้ว" in panel.inner_text()
    assert not page.locator("[data-qr]").is_visible()
    shot(page, "payment-paid")
