"""A whole payout run paid from the bank's files, in Chromium at 1366 x 768: a bank account
added from the run's page (a wrong number refused first), the transfer file downloaded, the
bank's result uploaded (a wrong amount refused, nothing written), previewed and confirmed."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, demo_server, shot, sign_in

DESK = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def history_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[LiveServer]:
    with demo_server(tmp_path_factory.mktemp("live-bank-files"), "--history", "21") as server:
        yield server


def _upload(page: Any, text: str) -> None:
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "result.csv", "mimeType": "text/csv", "buffer": text.encode()}],
    )
    page.click("button:has-text('ตรวจไฟล์')")
    page.wait_for_load_state("networkidle")


def test_a_run_paid_from_the_banks_result_file(page: Any, history_server: LiveServer) -> None:
    server = history_server
    page.set_viewport_size(DESK)
    sign_in(page, server, "manager")
    page.goto(f"{server.url}/admin/payouts/new")
    boxes = page.locator("input[name=pay]")
    assert boxes.count() >= 1, "the history should leave entrepreneurs owed the minimum"
    page.click("button:has-text('สร้างรอบจ่ายเงิน')")
    page.wait_for_url(re.compile(r"/admin/payouts/\d+"))
    run_url = page.url.split("?")[0]
    shot(page, "bank-run-page")

    page.locator("[data-add-account]").first.click()
    page.wait_for_url(re.compile(r"/bank-account"))
    page.select_option("select[name=bank_code]", "030")  # GSB: twelve digits
    page.fill("input[name=account_number]", "123-4-56789-0")
    page.click("button:has-text('บันทึกบัญชีธนาคาร')")
    page.wait_for_load_state("networkidle")
    assert "ต้องมี 12 หลัก แต่กรอกมา 10 หลัก" in page.inner_text("[role=alert]")
    assert page.input_value("input[name=account_number]") == "123-4-56789-0"
    shot(page, "bank-account-refused")
    page.fill("input[name=account_number]", "0201-2345-6789")
    page.click("button:has-text('บันทึกบัญชีธนาคาร')")
    page.wait_for_load_state("networkidle")
    assert "0201-2345-6789" in page.inner_text("[data-stored-account]")
    shot(page, "bank-account-saved")
    page.click("[data-back-to-run]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-with-account]") == "1"

    with page.expect_download() as download:
        page.click("text=ดาวน์โหลดไฟล์โอน (CSV)")
    text = download.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1 and rows[0]["bank_code"] == "030"
    assert rows[0]["account_number"] == "020123456789"
    line = rows[0]

    page.click("text=อัปโหลดไฟล์ผลการโอนจากธนาคาร")
    page.wait_for_url(re.compile(r"/bank-result"))
    header = "reference,account_number,amount_baht,status,bank_reference\n"
    wrong = f"{line['reference']},{line['account_number']},1.00,success,GSB-0001\n"
    _upload(page, header + wrong)
    assert page.inner_text("[data-outcome-count=refused]") == "1"
    assert page.locator("button[data-confirm-result]").count() == 0
    assert "ธนาคารแจ้งยอด 1.00 บาท" in page.inner_text("table.result")
    shot(page, "bank-result-refused")

    right = f"{line['reference']},{line['account_number']},{line['amount_baht']},success,GSB-0001\n"
    _upload(page, header + right)
    assert page.inner_text("[data-outcome-count=pay]") == "1"
    shot(page, "bank-result-preview")
    page.click("button[data-confirm-result]")
    page.wait_for_url(re.compile(r"applied=1"))
    assert "บันทึกผลการโอนจากไฟล์ของธนาคารแล้ว: 1" in page.inner_text("[role=status]")
    assert "GSB-0001" in page.inner_text("table.payout-list")
    shot(page, "bank-result-applied")

    page.goto(f"{run_url}/bank-result")
    _upload(page, header + right)  # the same file again: already paid, nothing to confirm
    assert page.inner_text("[data-outcome-count=refused]") == "1"
    assert "โอนแล้ว" in page.inner_text("table.result")
