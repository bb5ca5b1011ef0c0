"""A manager sets an entrepreneur's consignment terms at the till's size (1366 x 768), and the
entrepreneur reads them in plain Thai on a phone (390 x 844), with the goods still under the
terms they came in under."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, demo_server, shot, sign_in
from tests.browser.test_portal_and_payouts import _api_sale_today

DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def terms_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[LiveServer]:
    """Its own demo: the test sets terms and rings a sale, which the shared server's other
    tests must not find."""
    with demo_server(tmp_path_factory.mktemp("live-terms")) as server:
        yield server


def _entrepreneur(browser: Any, server: LiveServer) -> tuple[int, str]:
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server, "entrepreneur")
    me = page.request.get(f"{server.url}/api/v1/auth/me").json()
    found = page.request.get(f"{server.url}/api/v1/entrepreneurs/{me['entrepreneur_id']}").json()
    context.close()
    return int(me["entrepreneur_id"]), str(found["code"])


def test_a_manager_sets_terms_and_the_entrepreneur_reads_them_on_a_phone(
    browser: Any, terms_server: LiveServer
) -> None:
    server = terms_server
    maker, code = _entrepreneur(browser, server)

    desk = browser.new_context(viewport=DESK, locale="th-TH")
    page = desk.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, server, "manager")
    page.goto(f"{server.url}/admin/entrepreneurs/{maker}/account")
    page.get_by_role("link", name="เงื่อนไขฝากขาย", exact=True).last.click()
    page.wait_for_url(f"**/admin/entrepreneurs/{maker}/terms")
    assert page.locator("[data-terms-notice]").is_visible()
    # The tiers and category rates show only for their kinds (no script: CSS :has).
    form = page.locator("form.terms-form")
    form.locator("input[name=commission_kind][value=flat]").check()
    assert not form.locator(".only-tiered").is_visible()
    form.locator("input[name=commission_kind][value=tiered]").check()
    assert form.locator(".only-tiered").is_visible()
    form.locator("input[name=commission_kind][value=flat]").check()
    form.locator("input[name=commission_percent]").fill("18")
    form.locator("input[name=markdown_days]").nth(0).fill("60")
    form.locator("input[name=markdown_percent]").nth(0).fill("10")
    form.locator("input[name=markdown_days]").nth(1).fill("120")  # past the period: refused
    form.locator("input[name=markdown_percent]").nth(1).fill("20")
    form.locator("input[name=period_days]").fill("90")
    form.locator("input[name=end_action][value=extend]").check()
    form.locator("input[name=extend_days]").fill("30")
    form.locator("input[name=note]").fill("ตกลงกันวันส่งของ")
    form.get_by_role("button", name="บันทึกเงื่อนไขฉบับใหม่").click()
    page.wait_for_load_state("networkidle")
    error = page.locator("[data-terms-error]")
    assert "วันลดราคาต้องอยู่ในระยะฝากขาย (90 วัน)" in error.inner_text()
    shot(page, "terms-manager-refused-1366")

    form.locator("input[name=markdown_days]").nth(1).fill("80")
    form.get_by_role("button", name="บันทึกเงื่อนไขฉบับใหม่").click()
    page.wait_for_url("**/terms?saved=1")
    in_force = page.locator("#in-force")
    assert "ศูนย์ได้ 18% ของราคาขาย" in in_force.inner_text()
    assert "หลัง 80 วัน ลด 20%" in in_force.inner_text()
    history = page.locator(".terms-history tbody tr")
    assert history.count() == 1 and "manager" in history.first.inner_text()
    assert "2569" in history.first.inner_text()  # valid from, in the Buddhist era
    assert page.evaluate("document.documentElement.scrollWidth") <= DESK["width"]
    shot(page, "terms-manager-1366")
    desk.close()

    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="th-TH"
    )
    page = phone.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, server, "entrepreneur")
    page.goto(f"{server.url}/portal")
    page.locator("[data-terms-link]").click()
    page.wait_for_url("**/portal/terms")
    terms = page.locator("#terms")
    assert terms.get_by_role("heading", name="เงื่อนไขฝากขายของคุณ").is_visible()
    words = terms.inner_text()
    assert "ศูนย์ได้ 18% ของราคาขาย" in words
    assert "หลัง 60 วัน ลด 10%" in words and "ต่ออายุครั้งละ 30 วัน" in words
    # The goods already here came in under the terms before: they keep them.
    older = page.locator("#older")
    assert older.locator(".delivery").count() >= 1, older.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "terms-portal-phone")

    # A sale of the goods here: the statement names the rate it was sold at, per line.
    _api_sale_today(browser, server, code)
    page.goto(f"{server.url}/portal/statement")
    sold = page.locator("[data-sold-lines]").first
    assert sold.is_visible() and "คอม" in sold.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "terms-statement-phone")
    phone.close()
