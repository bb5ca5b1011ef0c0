"""Card and other tenders over HTTP: a split sale, the receipt that names each tender, the
refusals with their codes (a card number is refused and never echoed or logged), and a
refund another way than the sale was paid, which needs an approval naming the method."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from kernel.db.engine import Database
from tests.api.conftest import LoginAs
from tests.api.test_sales_api import _catalogue, _till_with_shift
from tests.api.test_till_day_api import _approval

pytestmark = pytest.mark.anyio

PAN = "4111111111111111"
LAST4, CODE = "payments[0].card_last4", "payments[0].approval_code"
TOTAL = 32550  # two of 100.00 and one of 125.50 (tests.api.test_sales_api._catalogue)


def _sale(till: int, products: list[int], payments: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "till_id": till,
        "lines": [
            {"product_id": products[0], "quantity": 2},
            {"product_id": products[1], "quantity": 1},
        ],
        "payments": payments,
    }


def _card(amount: int, last4: str = "4242", code: str = "ab12cd") -> dict[str, Any]:
    return {"method": "card", "amount_satang": amount, "card_last4": last4, "approval_code": code}


async def test_a_split_by_cash_card_and_other_is_recorded_and_printed_by_tender(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    payments = [
        {"method": "cash", "amount_satang": 10000, "tendered_satang": 10000},
        _card(20000),
        {"method": "other", "amount_satang": 2550, "tender_name": "เป๋าตัง", "tender_ref": "PT-1"},
    ]
    created = await client.post(
        "/api/v1/sales",
        json=_sale(till, products, payments),
        headers={"Idempotency-Key": "tender-sale-0001"},
    )
    assert created.status_code == 201, created.text
    sale = created.json()
    assert sale["status"] == "completed"
    card = sale["payments"][1]
    assert (card["card_last4"], card["approval_code"], card["status"]) == (
        "4242",
        "AB12CD",
        "confirmed",
    )
    assert sale["payments"][2]["tender_name"] == "เป๋าตัง"
    receipt = await client.get(f"/api/v1/sales/{sale['id']}/receipt")
    assert receipt.status_code == 200
    assert "บัตร / Card ****4242 อนุมัติ / Appr. AB12CD" in receipt.text
    assert "เป๋าตัง / Other อ้างอิง / Ref. PT-1" in receipt.text
    report = await client.get(f"/api/v1/shifts/{sale['shift_id']}/report")
    assert report.status_code == 200, report.text
    x = report.json()
    assert (x["cash_satang"], x["card_satang"], x["other_satang"]) == (10000, 20000, 2550)
    assert x["other_tenders"] == [{"name": "เป๋าตัง", "count": 1, "amount_satang": 2550}]
    assert x["expected_cash_satang"] == 10000  # a float of 0, and only the cash


@pytest.mark.parametrize(
    ("payment", "code", "field"),
    [
        (_card(TOTAL, PAN), "payment.card_number_refused", "payments[0].card_last4"),
        (
            _card(TOTAL, "4111 1111 1111 1111"),
            "payment.card_number_refused",
            "payments[0].card_last4",
        ),
        (_card(TOTAL, "1234", PAN), "payment.card_number_refused", "payments[0].approval_code"),
        (_card(TOTAL, "12a4"), "payment.card_last4_invalid", "payments[0].card_last4"),
        (
            _card(TOTAL, "4242", "AB12"),
            "payment.approval_code_invalid",
            "payments[0].approval_code",
        ),
        (
            {"method": "other", "amount_satang": TOTAL, "tender_name": " ", "tender_ref": "R"},
            "payment.tender_name_required",
            "payments[0].tender_name",
        ),
        (
            {"method": "other", "amount_satang": TOTAL, "tender_name": "เป๋าตัง", "tender_ref": ""},
            "payment.tender_ref_required",
            "payments[0].tender_ref",
        ),
    ],
)
async def test_bad_tenders_are_refused_with_their_code_and_a_card_number_is_never_echoed(
    login_as: LoginAs,
    db: Database,
    caplog: pytest.LogCaptureFixture,
    payment: dict[str, Any],
    code: str,
    field: str,
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    caplog.set_level(logging.DEBUG)
    response = await client.post(
        "/api/v1/sales",
        json=_sale(till, products, [payment]),
        headers={"Idempotency-Key": "tender-bad-0001"},
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    for said in (response.text, caplog.text):
        assert PAN not in said and "4111 1111" not in said
    sales = await client.get("/api/v1/sales/1")
    assert sales.status_code == 404  # nothing of the sale was written


async def test_a_refund_of_a_card_sale_in_cash_needs_an_approval_naming_the_method(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    created = await client.post(
        "/api/v1/sales",
        json=_sale(till, products, [_card(TOTAL)]),
        headers={"Idempotency-Key": "tender-card-0001"},
    )
    assert created.status_code == 201, created.text
    sale_id = created.json()["id"]
    lines = [{"line_no": 1, "quantity": 1}]
    refund = {"sale_id": sale_id, "till_id": till, "lines": lines, "reason": "ชำรุด"}
    # An approval for the sale and lines, not naming the method: enough for a card refund only.
    plain = await _approval(client, "refund", {"refund": {"sale_id": sale_id, "lines": lines}})
    refused = await client.post(
        "/api/v1/refunds",
        json={**refund, "method": "cash", "approval_token": plain},
        headers={"Idempotency-Key": "tender-refund-0001"},
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "approval.refund_method_required"
    named = await _approval(
        client, "refund", {"refund": {"sale_id": sale_id, "lines": lines, "method": "cash"}}
    )
    done = await client.post(
        "/api/v1/refunds",
        json={**refund, "method": "cash", "approval_token": named},
        headers={"Idempotency-Key": "tender-refund-0002"},
    )
    assert done.status_code == 201, done.text
    assert done.json()["method"] == "cash"
    # The approval named cash: it approves no card refund (another subject).
    other = await _approval(
        client, "refund", {"refund": {"sale_id": sale_id, "lines": lines, "method": "cash"}}
    )
    by_card = await client.post(
        "/api/v1/refunds",
        json={**refund, "method": "card", "approval_token": other},
        headers={"Idempotency-Key": "tender-refund-0003"},
    )
    assert by_card.status_code == 403
    assert by_card.json()["code"] == "approval.other_subject"
