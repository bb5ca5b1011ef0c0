"""The back office's money and dates in Chromium (issue 19): Buddhist-era date fields with a
calendar, the audit log at 1366 x 768, the portal's sums on a phone (390 x 844) and a
manager's page of one entrepreneur.

The module serves its own demo with a week of history, so that there are sales, balances and
audit entries to show.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, LiveServer, demo_server, shot, sign_in

DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def week_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[LiveServer]:
    with demo_server(tmp_path_factory.mktemp("live-week"), "--history", "7") as server:
        yield server


def _screen(page: Any, name: str) -> Path:
    """What fits on the screen (not the whole page): what a person sees first."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def _satang(text: str) -> int:
    cleaned = text.replace("฿", "").replace(",", "").strip()
    sign = -1 if cleaned.startswith("−") else 1
    return sign * int(Decimal(cleaned.lstrip("−+")) * 100)


def test_a_report_period_is_typed_or_picked_in_the_buddhist_era(
    browser: Any, week_server: LiveServer
) -> None:
    context = browser.new_context(viewport=DESK, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, week_server, "manager")
        page.goto(f"{week_server.url}/admin/reports?preset=this_month")
        first = page.locator("input[name=from]")
        assert first.get_attribute("type") == "text"
        assert re.fullmatch(r"01/\d\d/25\d\d", first.input_value())  # shown in the BE
        # Typed as Thai staff write it: tidied to dd/mm/BBBB when the field is left.
        first.fill("1/11/69")
        page.locator("input[name=to]").focus()
        assert first.input_value() == "01/11/2569"
        # A date that does not exist is said at once, and the form is not sent.
        first.fill("31/02/2569")
        page.locator("input[name=to]").focus()
        assert first.get_attribute("aria-invalid") == "true"
        assert "วันที่ไม่ถูกต้อง" in page.locator(".be-date-error").first.inner_text()
        page.click("text=แสดงรายงาน")
        assert "from=31" not in page.url
        # The calendar: Thai month names and the Buddhist year; a click fills the field.
        first.fill("")
        page.locator(".be-date-open").first.click()
        calendar = page.locator(".be-calendar").first
        assert calendar.is_visible()
        assert re.search(r"25\d\d", calendar.locator(".be-calendar-title").inner_text())
        _screen(page, "dates-calendar-1366")
        calendar.locator("button[data-day='1']").click()
        assert re.fullmatch(r"01/\d\d/25\d\d", first.input_value())
        picked = first.input_value()
        thai_digits = picked.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
        page.locator("input[name=to]").fill(thai_digits)  # Thai digits too
        page.click("text=แสดงรายงาน")
        page.wait_for_load_state("networkidle")
        assert "to=" in page.url and page.locator(".error").count() == 0
        assert page.locator("input[name=to]").input_value() == picked
        shot(page, "dates-report-1366")
    finally:
        context.close()


def test_the_audit_log_reads_thai_in_bangkok_time_and_filters(
    browser: Any, week_server: LiveServer
) -> None:
    context = browser.new_context(viewport=DESK, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, week_server, "manager")
        page.goto(f"{week_server.url}/admin/audit")
        body = page.inner_text("main")
        assert "\\u0e" not in body and "UTC" not in body
        times = page.locator(".audit-table td.when").all_inner_texts()
        assert times and all(re.fullmatch(r"\d\d/\d\d/25\d\d \d\d:\d\d", t) for t in times)
        _screen(page, "audit-1366")
        page.select_option("select[name=kind]", "sign_in")
        page.select_option("select[name=user]", "manager")
        page.locator(".be-date-open").first.click()
        page.locator(".be-calendar .be-calendar-day.today").first.click()
        page.click("button:has-text('ค้นหา')")
        page.wait_for_load_state("networkidle")
        assert "kind=sign_in" in page.url and "user=manager" in page.url
        rows = page.locator(".audit-table tbody tr[data-entry]")
        assert rows.count() >= 1  # this sign-in, today
        assert set(page.locator(".audit-table tbody td:nth-child(2)").all_inner_texts()) == {
            "manager"
        }
        assert "เข้า/ออกจากระบบ" in page.inner_text(".audit-table tbody")
        _screen(page, "audit-filtered-1366")
        page.goto(f"{week_server.url}/admin/audit?kind=sales")
        if page.locator("a[rel=next]").count():
            page.click("a[rel=next]")
            page.wait_for_load_state("networkidle")
            assert "before=" in page.url and page.locator("a[rel=prev]").count() == 1
        page.goto(f"{week_server.url}/admin/audit?from=31/02/2569")
        assert "ไม่ถูกต้อง" in page.inner_text("[role=alert]")
    finally:
        context.close()


def test_the_portal_sum_adds_up_on_a_phone(browser: Any, week_server: LiveServer) -> None:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="th-TH"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, week_server, "entrepreneur")
        assert page.url.endswith("/portal")
        figure = {
            name: _satang(page.inner_text(f"[{name}]"))
            for name in (
                "data-opening",
                "data-month-sales",
                "data-centre-discounts",
                "data-commission",
                "data-refunds",
                "data-paid-out",
                "data-closing",
                "data-balance",
                "data-held",
                "data-pending",
                "data-available",
            )
        }
        other = (
            _satang(page.inner_text("[data-other]")) if page.locator("[data-other]").count() else 0
        )
        assert (
            figure["data-opening"]
            + figure["data-month-sales"]
            + figure["data-centre-discounts"]
            + figure["data-commission"]  # shown with its minus sign
            + figure["data-refunds"]
            + figure["data-paid-out"]
            + other
            == figure["data-closing"]
            == figure["data-balance"]
        )
        assert (
            figure["data-held"] + figure["data-pending"] + figure["data-available"]
            == (figure["data-balance"])
        )
        if page.locator("[data-items-total]").count():
            assert _satang(page.inner_text("[data-items-total]")) == figure["data-month-sales"]
        assert "ได้รับ" not in page.inner_text("main")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        _screen(page, "portal-sum-390")
        shot(page, "portal-sum-390-full")
        page.click("text=ใบแจ้งยอดรายเดือน")
        page.wait_for_load_state("networkidle")
        assert _satang(page.inner_text("[data-closing]")) == figure["data-closing"]
        shot(page, "portal-statement-390-full")
    finally:
        context.close()


def test_a_manager_opens_one_entrepreneurs_account_from_the_list(
    browser: Any, week_server: LiveServer
) -> None:
    context = browser.new_context(viewport=DESK, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, week_server, "manager")
        page.goto(f"{week_server.url}/admin/entrepreneurs?q=CM-0001")
        page.locator("a[data-account]").first.click()
        page.wait_for_load_state("networkidle")
        assert re.search(r"/admin/entrepreneurs/\d+/account$", page.url)
        assert "CM-0001" in page.inner_text("h1")
        balance = _satang(page.inner_text("[data-balance]"))
        assert balance == _satang(page.locator("#this-month [data-closing]").inner_text())
        assert page.locator(".statement-lines tbody tr").count() >= 1
        assert page.locator("[data-print]").count() == 1
        csv_href = page.get_attribute("[data-csv]", "href")
        assert csv_href
        download = page.request.get(week_server.url + csv_href)
        assert download.ok and download.text().lstrip("\ufeff").startswith("date,document")
        _screen(page, "entrepreneur-account-1366")
        shot(page, "entrepreneur-account-1366-full")
    finally:
        context.close()
