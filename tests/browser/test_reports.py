"""The centre's reports in Chromium, on a demo with two weeks of sales history.

The server is this module's own (the shared live server has no history, and ringing sales
into it would move the receipt numbers the till's tests expect).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, demo_server, shot, sign_in


@pytest.fixture(scope="module")
def history_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[LiveServer]:
    with demo_server(tmp_path_factory.mktemp("reports"), "--history", "40") as server:
        yield server


def test_a_manager_opens_the_month_report_with_charts_in_thai(
    page: Any, history_server: LiveServer
) -> None:
    sign_in(page, history_server, "manager")
    page.click("header nav >> text=รายงาน")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("รายงานยอดขายของศูนย์")
    assert page.locator(".presets a.current").inner_text() == "เดือนนี้"
    assert page.locator("svg.chart").count() >= 5
    days = page.locator("#time table.report tbody tr").count()
    assert page.locator("#time svg.columns rect.bar").count() == days >= 1  # one bar a day
    assert page.locator("#district table.report tbody tr").count() == 25
    # The charts' text is drawn in the page's Thai font, not a fallback of the SVG's own.
    fonts = page.evaluate(
        """() => [getComputedStyle(document.querySelector('#district svg text')).fontFamily,
                  getComputedStyle(document.body).fontFamily]"""
    )
    assert fonts[0] == fonts[1]
    shot(page, "reports-month-th")
    page.click("#time .grains >> text=รายสัปดาห์")
    page.wait_for_load_state("networkidle")
    assert page.locator("#time h2").inner_text() == "ยอดขายรายสัปดาห์ (ISO)"
    assert "-W" in page.locator("#time table.report tbody td").first.inner_text()
    shot(page, "reports-weeks-th")


def test_last_month_in_english_and_a_csv_download(
    page: Any, history_server: LiveServer, tmp_path: Path
) -> None:
    sign_in(page, history_server, "manager")
    page.goto(f"{history_server.url}/admin/reports?preset=last_month&lang=en")
    assert page.locator(".presets a.current").inner_text() == "Last month"
    assert page.locator("#payments h2").inner_text().startswith("Payment methods")
    assert page.locator("#payments svg.share rect.part").count() == 2
    with page.expect_download() as info:
        page.click("#district .table-tools a.csv")
    saved = tmp_path / "district.csv"
    info.value.save_as(saved)
    raw = saved.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "San Kamphaeng" in raw.decode("utf-8-sig")
    shot(page, "reports-last-month-en")


def test_the_report_reads_on_a_phone_and_a_custom_period(
    browser: Any, history_server: LiveServer
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    phone = context.new_page()
    try:
        sign_in(phone, history_server, "manager")
        phone.goto(f"{history_server.url}/admin/reports?preset=last_month")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # wide tables and charts scroll inside their boxes
        phone.fill("input[name=from]", "01/12/2569")
        phone.fill("input[name=to]", "1/11/69")
        phone.click("text=แสดงรายงาน")
        phone.wait_for_load_state("networkidle")
        assert "ช่วงเวลาไม่ถูกต้อง" in phone.locator(".error").inner_text()
        assert phone.locator("input[name=from][aria-invalid=true]").count() == 1
        shot(phone, "reports-phone-error")
        phone.goto(f"{history_server.url}/admin/reports?preset=this_year")
        shot(phone, "reports-phone-year")
    finally:
        context.close()


def test_a_cashier_has_no_reports_link_and_is_refused(
    page: Any, history_server: LiveServer
) -> None:
    sign_in(page, history_server, "cashier")
    assert page.locator("header nav >> text=รายงาน").count() == 0
    response = page.goto(f"{history_server.url}/admin/reports")
    assert response is not None and response.status == 403
