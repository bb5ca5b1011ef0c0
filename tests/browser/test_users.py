"""The admin's users page (1366 x 768): create a user, reset their password; the entrepreneurs'
accounts in bulk with the printable first-sign-in sheet (A4); an entrepreneur's first sign-in
with the code on a phone (390 x 844), setting their own password."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, shot, sign_in

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
A4 = {"width": 794, "height": 1123}  # at 96 dpi


def first_sign_in(page: Any, server: LiveServer, username: str, code: str, password: str) -> None:
    page.goto(f"{server.url}/welcome")
    page.fill("input[name=username]", username)
    page.fill("input[name=code]", code)
    page.fill("input[name=password]", password)
    page.fill("input[name=password_again]", password)
    page.click("form[action='/welcome'] button[type=submit]")  # not the header's sign-out
    page.wait_for_load_state("networkidle")


def test_an_admin_creates_a_user_and_resets_their_password(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    page.set_viewport_size(DESKTOP)
    page.on("dialog", lambda dialog: dialog.accept())  # the reset's "are you sure?"
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/admin/users")
    page.click("details.new-user summary")
    page.fill("input[name=username]", "noi.browser")
    page.fill("input[name=display_name]", "น้อย ทดสอบ")
    page.select_option("select[name=role]", "cashier")
    page.click("form.new-user-form button[type=submit]")
    first_code = page.text_content("[data-code]").strip()
    assert len(first_code.replace("-", "")) == 12
    shot(page, "users-code-1366")

    page.goto(f"{live_server.url}/admin/users?q=noi.browser")
    row = page.locator("tr[data-username='noi.browser']")
    assert "รอตั้งรหัสผ่าน" in row.inner_text()
    row.locator("form[action$='/reset-password'] button").click()
    page.wait_for_load_state("networkidle")
    second_code = page.text_content("[data-code]").strip()
    assert second_code != first_code

    page.goto(f"{live_server.url}/admin/users")
    shot(page, "users-page-1366x768")
    assert page.locator("tr[data-username='noi.browser'] .status-awaiting").count() == 1

    context = browser.new_context(viewport=DESKTOP, locale="th-TH")
    user_page = context.new_page()
    try:
        first_sign_in(user_page, live_server, "noi.browser", first_code, "ร้านผ้าฝ้ายริมน้ำ")
        assert "/welcome" in user_page.url
        assert "ไม่ถูกต้อง" in user_page.text_content("p.error")  # the reset voided it
        first_sign_in(user_page, live_server, "noi.browser", second_code, "ร้านผ้าฝ้ายริมน้ำ")
        assert user_page.url.endswith("/till")
    finally:
        context.close()
    page.goto(f"{live_server.url}/admin/users?q=noi.browser&status=active")
    assert page.locator("tr[data-username='noi.browser']").count() == 1


def test_entrepreneurs_get_a_sheet_and_sign_in_first_on_a_phone(
    page: Any, browser: Any, live_server: LiveServer
) -> None:
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, "admin")
    with_account = {
        u["entrepreneur_code"]
        for u in page.request.get(f"{live_server.url}/api/v1/users?role=entrepreneur").json()
    }
    everyone = page.request.get(f"{live_server.url}/api/v1/entrepreneurs?limit=200").json()
    chosen = [e["code"] for e in everyone if e["code"] not in with_account][:3]
    assert len(chosen) == 3
    page.goto(f"{live_server.url}/admin/users/entrepreneurs")
    shot(page, "users-enrol-1366")
    page.fill("textarea[name=codes]", "\n".join(chosen))
    page.click("form.enrol-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.text_content("[data-count]").strip() == "3"
    slips = page.locator("article.slip")
    assert slips.count() == 3
    username = slips.nth(0).locator(".slip-username").inner_text().strip()
    code = slips.nth(0).locator(".slip-code").inner_text().strip()
    name = slips.nth(0).locator(".slip-name").inner_text().strip()
    assert username == f"ent-{chosen[0].lower()}"
    page.set_viewport_size(A4)
    page.emulate_media(media="print")
    shot(page, "users-sheet-a4-print")
    page.emulate_media(media="screen")

    phone = browser.new_context(viewport=PHONE, locale="th-TH", is_mobile=True, has_touch=True)
    tab = phone.new_page()
    try:
        tab.goto(f"{live_server.url}/welcome")
        shot(tab, "welcome-390x844")
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]  # nothing sideways on the phone
        first_sign_in(tab, live_server, username, code, "12345678")
        assert "/welcome" in tab.url and tab.locator("p.error").count() == 1
        shot(tab, "welcome-refused-390x844")
        first_sign_in(tab, live_server, username, code, "มะม่วงสุกหวานมาก")
        assert tab.url.endswith("/portal"), tab.url
        assert name in tab.text_content("header .who")
        shot(tab, "welcome-portal-after-390x844")
    finally:
        phone.close()
    again = browser.new_context(viewport=PHONE, locale="th-TH", is_mobile=True, has_touch=True)
    tab = again.new_page()
    try:  # the code was used once: it signs no one in again
        first_sign_in(tab, live_server, username, code, "อีกรหัสหนึ่งยาวพอ")
        assert "ใช้ไปแล้ว" in tab.text_content("p.error")
    finally:
        again.close()
