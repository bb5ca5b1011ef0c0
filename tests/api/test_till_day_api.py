"""The till's day over HTTP: approvals, discounts, voids, refunds with credit notes, pay-ins and
pay-outs, the X and Z reports; and their refusals."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from kernel.access import Role
from kernel.db.engine import Database
from tests.api.conftest import PASSWORD, LoginAs
from tests.api.test_sales_api import _body, _catalogue, _till_with_shift

pytestmark = pytest.mark.anyio


def discount_of(body: dict[str, Any]) -> dict[str, Any]:
    """The subject of a discount approval for a sale's body."""
    lines = [{**ln, "discount_satang": ln.get("discount_satang", 0)} for ln in body["lines"]]
    return {"discount": {"lines": lines, "cart_discount_satang": body["cart_discount_satang"]}}


def refund_of(body: dict[str, Any]) -> dict[str, Any]:
    """The subject of a refund approval for a refund's body."""
    return {"refund": {"sale_id": body["sale_id"], "lines": body["lines"]}}


async def _approval(client: AsyncTestClient[Any], action: str, subject: dict[str, Any]) -> str:
    response = await client.post(
        "/api/v1/approvals",
        json={"username": "manager1", "password": PASSWORD, "action": action, **subject},
    )
    assert response.status_code == 201, response.text
    assert response.json()["approver_id"] > 0
    return str(response.json()["approval_token"])


async def _sale(client: AsyncTestClient[Any], till: int, products: list[int], key: str) -> Any:
    response = await client.post(
        "/api/v1/sales", json=_body(till, products), headers={"Idempotency-Key": key}
    )
    assert response.status_code == 201, response.text
    return response.json()


def _a_refund() -> dict[str, Any]:
    return {"refund": {"sale_id": 1, "lines": [{"line_no": 1, "quantity": 1}]}}


async def test_a_big_discount_needs_a_managers_approval(login_as: LoginAs, db: Database) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    body = _body(till, products, cart_discount_satang=10000)
    body["payments"] = [{"method": "cash", "amount_satang": 22550}]
    refused = await client.post(
        "/api/v1/sales", json=body, headers={"Idempotency-Key": "discount-1a"}
    )
    assert refused.status_code == 403 and refused.json()["field"] == "approval_token"
    bad = await client.post(
        "/api/v1/approvals",
        json={
            "username": "manager1",
            "password": "nope",
            "action": "discount",
            **discount_of(body),
        },
    )
    assert bad.status_code == 401
    not_manager = await client.post(
        "/api/v1/approvals",
        json={
            "username": "cashier1",
            "password": PASSWORD,
            "action": "discount",
            **discount_of(body),
        },
    )
    assert not_manager.status_code == 403
    wrong_action = await client.post(
        "/api/v1/sales",
        json={**body, "approval_token": await _approval(client, "refund", _a_refund())},
        headers={"Idempotency-Key": "discount-1b"},
    )
    assert wrong_action.status_code == 403
    forged = await client.post(
        "/api/v1/sales",
        json={**body, "approval_token": "x.y"},
        headers={"Idempotency-Key": "discount-1c"},
    )
    assert forged.status_code == 403 and forged.json()["field"] == "approval_token"
    token = await _approval(client, "discount", discount_of(body))
    ok = await client.post(
        "/api/v1/sales",
        json={**body, "approval_token": token},
        headers={"Idempotency-Key": "discount-1d"},
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["discount_satang"] == 10000


async def test_void_refund_and_the_shifts_close_over_http(login_as: LoginAs, db: Database) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    sale = await _sale(client, till, products, "day-sale-0001")
    pending = await client.post(
        "/api/v1/sales",
        json={
            **_body(till, products),
            "payments": [{"method": "promptpay", "amount_satang": 32550}],
        },
        headers={"Idempotency-Key": "day-sale-0002"},
    )
    assert pending.status_code == 201 and pending.json()["status"] == "pending_payment"
    shift = sale["shift_id"]
    blocked = await client.post(f"/api/v1/shifts/{shift}/close", json={"counted_satang": 0})
    assert blocked.status_code == 409 and blocked.json()["pending_sale_ids"] == [
        pending.json()["id"]
    ]
    voided = await client.post(f"/api/v1/sales/{pending.json()['id']}/void")
    assert voided.status_code == 200 and voided.json()["status"] == "voided"
    assert (await client.post(f"/api/v1/sales/{sale['id']}/void")).status_code == 409

    found = await client.get("/api/v1/sales", params={"receipt_number": "skp-01-000001"})
    assert [s["id"] for s in found.json()] == [sale["id"]]
    assert (await client.get("/api/v1/sales", params={"receipt_number": "X-1"})).json() == []
    refund_body = {
        "sale_id": sale["id"],
        "till_id": till,
        "lines": [{"line_no": 1, "quantity": 1}],
        "reason": "broken on the way home",
    }
    no_approval = await client.post(
        "/api/v1/refunds", json=refund_body, headers={"Idempotency-Key": "refund-0001"}
    )
    assert no_approval.status_code == 403
    token = await _approval(client, "refund", refund_of(refund_body))
    refund = await client.post(
        "/api/v1/refunds",
        json={**refund_body, "approval_token": token},
        headers={"Idempotency-Key": "refund-0002"},
    )
    assert refund.status_code == 201, refund.text
    assert refund.json()["credit_note_number"] == "CN-SKP-01-000001"
    assert refund.json()["total_satang"] == 10000
    replay = await client.post(
        "/api/v1/refunds",
        json={**refund_body, "approval_token": token},
        headers={"Idempotency-Key": "refund-0002"},
    )
    assert replay.status_code == 200 and replay.headers["idempotency-replayed"] == "true"
    more = {**refund_body, "lines": [{"line_no": 1, "quantity": 2}]}
    too_many = await client.post(
        "/api/v1/refunds",
        json={**more, "approval_token": await _approval(client, "refund", refund_of(more))},
        headers={"Idempotency-Key": "refund-0003"},
    )
    assert too_many.status_code == 422 and too_many.json()["field"] == "lines[0].quantity"
    note = await client.get(f"/api/v1/refunds/{refund.json()['id']}/credit-note")
    assert (
        note.status_code == 200 and "CN-SKP-01-000001" in note.text and "SKP-01-000001" in note.text
    )
    shown = await client.get(f"/api/v1/sales/{sale['id']}")
    assert [ln["refunded_quantity"] for ln in shown.json()["lines"]] == [1, 0]

    pay_in = await client.post(
        f"/api/v1/shifts/{shift}/cash-movements",
        json={"kind": "pay_in", "amount_satang": 5000, "reason": "coins"},
    )
    assert pay_in.status_code == 201
    bad_kind = await client.post(
        f"/api/v1/shifts/{shift}/cash-movements",
        json={"kind": "steal", "amount_satang": 5000, "reason": "x"},
    )
    assert bad_kind.status_code == 400
    x = (await client.get(f"/api/v1/shifts/{shift}/report")).json()
    assert x["z_number"] is None
    assert x["expected_cash_satang"] == 32550 + 5000 - 10000
    closed = await client.post(
        f"/api/v1/shifts/{shift}/close",
        json={"denominations": {"100": 2, "50": 1, "20": 1, "5": 1, "0.50": 1}},
    )
    assert closed.status_code == 200, closed.text
    z = closed.json()
    assert z["z_number"] == "Z-SKP-01-000001" and z["counted_cash_satang"] == 27550
    assert z["difference_satang"] == 27550 - z["expected_cash_satang"] == 0
    assert (await client.get(f"/api/v1/shifts/{shift}/report")).json() == z
    page = await client.get(f"/api/v1/shifts/{shift}/report.html")
    assert page.status_code == 200 and "Z-SKP-01-000001" in page.text
    assert "charset" in page.headers["content-type"]
    # Amounts taken away print with their sign; a nil one (no discount, no pay-out) as 0.00.
    assert "-100.00" in page.text and "-0.00" not in page.text
    again = await client.post(f"/api/v1/shifts/{shift}/close", json={"counted_satang": 0})
    assert again.status_code == 409


async def test_an_entrepreneur_reaches_none_of_the_till(login_as: LoginAs, db: Database) -> None:
    location, products, maker = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    sale = await _sale(client, till, products, "ent-sale-0001")
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    for method, url in [
        ("get", f"/api/v1/shifts/{sale['shift_id']}/report"),
        ("post", f"/api/v1/sales/{sale['id']}/void"),
        ("get", "/api/v1/sales?receipt_number=SKP-01-000001"),
        ("post", "/api/v1/approvals"),
        ("post", "/api/v1/refunds"),
    ]:
        response = await getattr(client, method)(url)
        assert response.status_code == 403, (url, response.status_code)
