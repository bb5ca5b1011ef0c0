"""Full tax invoices over HTTP: issued once from a receipt (API and page), printed on A4 and
80 mm with the original or a copy marked, found again by the buyer's tax ID, and listed for the
accountant as a register and a CSV whose totals are the documents' sums."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests.api.conftest import LoginAs
from tests.api.test_sales_api import _body, _catalogue, _till_with_shift
from web.app import create_app
from web.settings import Settings

pytestmark = pytest.mark.anyio

BUYER = {
    "name": "บริษัท ล้านนาของฝาก จำกัด",
    "address": "1 ถนนท่าแพ ตำบลช้างคลาน อำเภอเมือง เชียงใหม่ 50100",
    "tax_id": "0-1055-58000-01-4",
    "branch": "3",
}


@asynccontextmanager
async def signed_in_outside_demo(
    db: Database, clock: FixedClock, username: str
) -> AsyncIterator[tuple[AsyncTestClient[Any], dict[str, str]]]:
    """A client of the app as configured for production (VAT registered, no demo secrets, no
    seller address), signed in as ``username``; with the headers its unsafe requests need."""
    settings = Settings(
        demo=False,
        database_url=db.url,
        secret_key="s" * 40,
        webhook_secret="w" * 40,
        promptpay_id="0812345678",
        seller_tax_id="0994000165510",
    )
    app = create_app(settings=settings, db=db, clock=clock)
    async with AsyncTestClient(app, base_url="https://testserver.local") as client:
        await client.get("/login")
        signed = await client.post(
            "/api/v1/auth/login",
            json={"username": username, "password": "correct horse battery"},
            headers={"x-csrftoken": str(client.cookies.get("__Host-csrftoken", ""))},
        )
        assert signed.status_code == 200, signed.text
        yield client, {"x-csrftoken": str(client.cookies.get("__Host-csrftoken", ""))}


async def _sold(login_as: LoginAs, db: Database) -> tuple[AsyncTestClient[Any], dict[str, Any]]:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    sale = await client.post(
        "/api/v1/sales", json=_body(till, products), headers={"Idempotency-Key": "tax-sale-0001"}
    )
    assert sale.status_code == 201, sale.text
    return client, sale.json()


async def test_a_receipt_becomes_a_full_tax_invoice_once_and_prints_as_the_law_asks(
    login_as: LoginAs, db: Database
) -> None:
    client, sale = await _sold(login_as, db)
    url = f"/api/v1/sales/{sale['id']}/tax-invoice"
    issued = await client.post(url, json={"buyer": BUYER})
    assert issued.status_code == 201, issued.text
    assert issued.json()["number"] == "TI-SKP-01-000001"
    again = await client.post(url, json={"buyer": BUYER})
    assert again.status_code == 409 and again.json()["code"] == "tax_invoice.already_issued"
    assert "TI-SKP-01-000001" in again.json()["detail"]

    original = await client.get(issued.json()["print_url"])
    text = original.text
    assert original.status_code == 200 and "ต้นฉบับ / ORIGINAL" in text
    for must in (
        "ใบกำกับภาษี",
        "TI-SKP-01-000001",
        sale["receipt_number"],  # the abbreviated invoice it replaces
        "0105558000014",
        "สาขาที่ 00003",
        "สำนักงานใหญ่",  # the demo seller's head office
        "ภาษีมูลค่าเพิ่ม 7%",
        "2569",  # the Buddhist-era year
        "325.50",
    ):
        assert must in text, must
    copy = await client.get(issued.json()["print_url"] + "?paper=80mm&copy=1")
    assert "สำเนา / COPY" in copy.text and "paper-80mm" in copy.text
    receipt = await client.get(f"/api/v1/sales/{sale['id']}/receipt?copy=1")
    assert "ออกใบกำกับภาษีเต็มรูปแทนแล้ว เลขที่ TI-SKP-01-000001" in receipt.text  # marked


async def test_a_wrong_buyer_is_refused_naming_the_field_in_thai_and_english(
    login_as: LoginAs, db: Database
) -> None:
    client, sale = await _sold(login_as, db)
    url = f"/api/v1/sales/{sale['id']}/tax-invoice"
    wrong = await client.post(url, json={"buyer": {**BUYER, "tax_id": "0105558000019"}})
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "tax_invoice.tax_id_check_digit"
    assert wrong.json()["field"] == "buyer.tax_id" and "หลักตรวจสอบ" in wrong.json()["detail"]
    english = await client.post(url + "?lang=en", json={"buyer": {**BUYER, "branch": "123456"}})
    assert english.status_code == 422 and "branch number" in english.json()["detail"]
    missing = await client.post(url, json={"buyer": {"name": "x"}})
    assert missing.status_code == 400
    assert (
        await client.post("/api/v1/sales/999999/tax-invoice", json={"buyer": BUYER})
    ).status_code == 404


async def test_buyers_are_found_again_and_the_register_adds_up(
    login_as: LoginAs, db: Database
) -> None:
    client, sale = await _sold(login_as, db)
    assert (
        await client.post(f"/api/v1/sales/{sale['id']}/tax-invoice", json={"buyer": BUYER})
    ).status_code == 201
    found = await client.get("/api/v1/tax-buyers?q=0105558")
    assert [b["tax_id"] for b in found.json()] == ["0105558000014"]
    assert (await client.get("/api/v1/tax-buyers?q=ล้านนา")).json()[0]["branch"] == "00003"
    assert (await client.get("/api/v1/tax-invoices")).status_code == 403  # a cashier
    await login_as(Role.MANAGER, username="manager-tax")
    register = (await client.get("/api/v1/tax-invoices?month=2026-11")).json()
    assert [r["number"] for r in register["rows"]] == ["TI-SKP-01-000001"]
    assert register["total_satang"] == sale["total_satang"]
    assert register["vat_satang"] + register["before_vat_satang"] == register["total_satang"]
    page = await client.get("/admin/tax-invoices?month=2026-11")
    assert page.status_code == 200 and "TI-SKP-01-000001" in page.text
    csv = await client.get("/admin/tax-invoices?month=2026-11&format=csv")
    assert csv.headers["content-disposition"].endswith('tax-register-2026-11.csv"')
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("ใบกำกับภาษี / tax invoice,TI-SKP-01-000001,")
    assert lines[-1].endswith(",325.50")  # the total row: the documents' sum


async def test_the_page_issues_from_a_receipt_number_and_shows_what_is_wrong(
    login_as: LoginAs, db: Database
) -> None:
    client, sale = await _sold(login_as, db)
    form = await client.get(f"/tax-invoices/new?receipt={sale['receipt_number']}")
    assert form.status_code == 200 and "325.50" in form.text and "data-buyer-form" in form.text
    fields = {
        **BUYER,
        "receipt": sale["receipt_number"],
        "_csrf_token": client.headers["x-csrftoken"],
    }
    wrong = await client.post("/tax-invoices/new", data={**fields, "tax_id": "123"})
    assert wrong.status_code == 422 and "13 หลัก" in wrong.text
    assert 'aria-invalid="true"' in wrong.text and BUYER["address"] in wrong.text  # kept
    made = await client.post("/tax-invoices/new", data=fields, follow_redirects=False)
    assert made.status_code in (302, 303)
    assert made.headers["location"].endswith("?paper=a4")
    again = await client.get(f"/tax-invoices/new?receipt={sale['receipt_number']}")
    assert "ออกใบกำกับภาษีเต็มรูปแล้ว" in again.text and "copy=1" in again.text
    unknown = await client.get("/tax-invoices/new?receipt=SKP-09-999999")
    assert "ไม่พบใบเสร็จเลขที่นี้" in unknown.text


async def test_without_the_sellers_address_no_invoice_is_issued(
    db: Database, clock: FixedClock, login_as: LoginAs
) -> None:
    _, sale = await _sold(login_as, db)
    async with signed_in_outside_demo(db, clock, "cashier1") as (other, headers):
        refused = await other.post(
            f"/api/v1/sales/{sale['id']}/tax-invoice", json={"buyer": BUYER}, headers=headers
        )
    assert refused.status_code == 409 and refused.json()["code"] == "tax_invoice.seller_unset"


async def test_a_manager_records_a_tills_revenue_department_number_and_it_is_tidied(
    login_as: LoginAs, db: Database
) -> None:
    location, _, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    refused = await client.patch(f"/api/v1/tills/{till}", json={"pos_registration": "E1"})
    assert refused.status_code == 403  # a cashier
    await login_as(Role.MANAGER, username="manager-pos")
    set_ = await client.patch(f"/api/v1/tills/{till}", json={"pos_registration": " e0512 34/5 "})
    assert set_.status_code == 200 and set_.json()["pos_registration"] == "E051234/5"
    wrong = await client.patch(f"/api/v1/tills/{till}", json={"pos_registration": "E05;DROP"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "till.registration_invalid"
    page = await client.get("/admin/tills")
    assert page.status_code == 200 and 'value="E051234/5"' in page.text
    form = await client.post(
        f"/admin/tills/{till}/registration",
        data={"pos_registration": "", "_csrf_token": client.headers["x-csrftoken"]},
        follow_redirects=False,
    )
    assert form.status_code in (302, 303)
    tills = (await client.get("/api/v1/tills")).json()
    assert [t["pos_registration"] for t in tills] == [None]  # cleared


async def test_outside_demo_a_vat_registered_centres_till_without_its_number_opens_no_shift(
    db: Database, clock: FixedClock, login_as: LoginAs
) -> None:
    location, _, _ = _catalogue(db)
    manager = await login_as(Role.MANAGER, username="manager-reg")
    till = (
        await manager.post(
            "/api/v1/tills", json={"code": "SKP-09", "name": "Till 9", "location_id": location}
        )
    ).json()["id"]
    async with signed_in_outside_demo(db, clock, "manager-reg") as (other, headers):
        body = {"till_id": till, "opening_float_satang": 0}
        refused = await other.post("/api/v1/shifts", json=body, headers=headers)
        assert refused.status_code == 409 and refused.json()["code"] == "till.not_registered"
        assert "SKP-09" in refused.json()["detail"]
        registered = await other.patch(
            f"/api/v1/tills/{till}", json={"pos_registration": "E0512345"}, headers=headers
        )
        assert registered.status_code == 200
        opened = await other.post("/api/v1/shifts", json=body, headers=headers)
        assert opened.status_code == 201, opened.text


async def test_the_tills_credit_note_of_an_invoiced_sale_is_the_tax_credit_note(
    login_as: LoginAs, db: Database
) -> None:
    client, sale = await _sold(login_as, db)
    issued = await client.post(f"/api/v1/sales/{sale['id']}/tax-invoice", json={"buyer": BUYER})
    assert issued.status_code == 201
    await login_as(Role.MANAGER, username="manager-credit")
    refund = await client.post(
        "/api/v1/refunds",
        headers={"Idempotency-Key": "tax-refund-0001"},
        json={
            "sale_id": sale["id"],
            "till_id": sale["till_id"],
            "lines": [{"line_no": 2, "quantity": 1}],
            "reason": "ชำรุด",
        },
    )
    assert refund.status_code == 201, refund.text
    note = await client.get(f"/api/v1/refunds/{refund.json()['id']}/credit-note")
    assert note.status_code == 200
    for must in ("ใบลดหนี้", "TCN-SKP-01-000001", "TI-SKP-01-000001", "ชำรุด", "paper-80mm"):
        assert must in note.text, must
    assert "มูลค่าที่ถูกต้อง" in note.text and "ผลต่าง" in note.text


async def test_the_tills_number_prints_on_its_receipts_and_its_shift_reports(
    login_as: LoginAs, db: Database
) -> None:
    client, sale = await _sold(login_as, db)
    receipt = f"/api/v1/sales/{sale['id']}/receipt"
    assert "เลขเครื่อง POS / POS reg. no.</dt><dd>E0512345" in (await client.get(receipt)).text
    await login_as(Role.MANAGER, username="manager-print")
    cleared = await client.patch(
        f"/api/v1/tills/{sale['till_id']}", json={"pos_registration": None}
    )
    assert cleared.status_code == 200
    assert "POS reg. no." not in (await client.get(receipt)).text  # none recorded (demo mode)
    registered = await client.patch(
        f"/api/v1/tills/{sale['till_id']}", json={"pos_registration": "E0598765"}
    )
    assert registered.status_code == 200
    report = await client.get(f"/api/v1/shifts/{sale['shift_id']}/report.html")
    assert report.status_code == 200 and "E0598765" in report.text
