"""The sales API: checkout exactly once over HTTP, tills and shifts, and its refusals."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests import factories as f
from tests.api.conftest import LoginAs
from tests.api.openapi import body_errors, operation, served_schema

pytestmark = pytest.mark.anyio


def _catalogue(db: Database, stock: tuple[int, ...] = (5, 5)) -> tuple[int, list[int], int]:
    with db.write() as conn:
        location = f.location(conn)
        maker = f.entrepreneur(conn, f.district(conn))
        cat = f.category(conn)
        products = []
        for i, units in enumerate(stock):
            pid = f.product(
                conn,
                maker,
                cat,
                price_satang=10000 + i * 2550,
                name_th=f"ของ {i}",
                name_en=f"Thing {i}",
            )
            if units:
                f.stock(conn, pid, location, units)
            products.append(pid)
    return location, products, maker


async def _till_with_shift(login_as: LoginAs, location: int) -> tuple[AsyncTestClient[Any], int]:
    client = await login_as(Role.MANAGER)
    created = await client.post(
        "/api/v1/tills", json={"code": "skp-01", "name": "Till 1", "location_id": location}
    )
    assert created.status_code == 201, created.text
    till = created.json()["id"]
    assert created.json()["code"] == "SKP-01"
    # Registered with the Revenue Department, so that it sells outside demo mode too.
    registered = await client.patch(f"/api/v1/tills/{till}", json={"pos_registration": "E0512345"})
    assert registered.status_code == 200, registered.text
    await login_as(Role.CASHIER)
    opened = await client.post("/api/v1/shifts", json={"till_id": till, "opening_float_satang": 0})
    assert opened.status_code == 201, opened.text
    return client, till


def _body(till: int, products: list[int], **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "till_id": till,
        "lines": [
            {"product_id": products[0], "quantity": 2},
            {"product_id": products[1], "quantity": 1},
        ],
        "payments": [{"method": "cash", "amount_satang": 32550, "tendered_satang": 50000}],
    }
    body.update(extra)
    return body


async def test_checkout_answers_201_and_a_replay_200_with_the_same_sale(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    headers = {"Idempotency-Key": "till1-sale-0001"}
    first = await client.post("/api/v1/sales", json=_body(till, products), headers=headers)
    assert first.status_code == 201, first.text
    sale = first.json()
    assert sale["status"] == "completed" and sale["receipt_number"] == "SKP-01-000001"
    assert sale["total_satang"] == 32550 and sale["change_satang"] == 50000 - 32550
    assert "idempotency-replayed" not in first.headers
    again = await client.post("/api/v1/sales", json=_body(till, products), headers=headers)
    assert again.status_code == 200
    assert again.headers["idempotency-replayed"] == "true"
    assert again.json() == sale
    shown = await client.get(f"/api/v1/sales/{sale['id']}")
    assert shown.json() == sale
    client.headers["Accept-Language"] = "en"  # the English wording is asserted below
    other = await client.post(
        "/api/v1/sales", json=_body(till, products, cart_discount_satang=100), headers=headers
    )
    assert other.status_code == 409
    assert "different body" in other.json()["detail"]


async def test_the_schema_declares_the_idempotency_key_and_the_replays_200(
    login_as: LoginAs, db: Database
) -> None:
    """Found by schemathesis: the header was missing from the schema (so no generated
    checkout got past the 400) and a replay's 200 was undocumented."""
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    schema = await served_schema(client)
    for path in ("/api/v1/sales", "/api/v1/refunds"):
        documented = operation(schema, "POST", path)
        headers = {p["name"]: p for p in documented["parameters"] if p["in"] == "header"}
        assert headers["Idempotency-Key"]["required"] is True
        assert {"200", "201"} <= set(documented["responses"])
    headers = {"Idempotency-Key": "till1-replay-01"}
    await client.post("/api/v1/sales", json=_body(till, products), headers=headers)
    again = await client.post("/api/v1/sales", json=_body(till, products), headers=headers)
    assert again.status_code == 200
    replay = operation(schema, "POST", "/api/v1/sales")["responses"]["200"]
    assert "Idempotency-Replayed" in replay["headers"]
    assert body_errors(schema, replay, again.json()) == []


async def test_checkout_without_a_good_idempotency_key_is_400(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    for headers in ({}, {"Idempotency-Key": "short"}, {"Idempotency-Key": "has spaces in it"}):
        response = await client.post("/api/v1/sales", json=_body(till, products), headers=headers)
        assert response.status_code == 400, response.text
        assert response.json()["field"] == "Idempotency-Key"


async def test_short_stock_is_409_listing_every_short_line(login_as: LoginAs, db: Database) -> None:
    location, products, _ = _catalogue(db, stock=(1, 0))
    client, till = await _till_with_shift(login_as, location)
    response = await client.post(
        "/api/v1/sales", json=_body(till, products), headers={"Idempotency-Key": "till1-short-1"}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["field"] == "lines"
    assert sorted(s["product_id"] for s in body["shortages"]) == sorted(products)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": [{"product_id": 1, "quantity": 1.5}]}, "lines"),
        ({"lines": [{"product_id": 1, "quantity": "2"}]}, "lines"),
        ({"lines": []}, "lines"),
        ({"payments": [{"method": "cheque", "amount_satang": 100}]}, "payments"),
        ({"till_id": "one"}, "till_id"),
        ({"cart_discount_satang": -5}, "cart_discount_satang"),
    ],
)
async def test_bad_input_is_400_naming_the_field(
    login_as: LoginAs, db: Database, change: dict[str, Any], field: str
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    response = await client.post(
        "/api/v1/sales",
        json=_body(till, products, **change),
        headers={"Idempotency-Key": "bad-input-1"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["field"].startswith(field)


async def test_payments_not_matching_the_total_are_422_naming_payments(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    body = _body(till, products, payments=[{"method": "cash", "amount_satang": 100}])
    response = await client.post(
        "/api/v1/sales", json=body, headers={"Idempotency-Key": "wrong-total"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "payments"


async def test_a_cashier_without_a_shift_gets_409(login_as: LoginAs, db: Database) -> None:
    location, products, _ = _catalogue(db)
    client = await login_as(Role.MANAGER)
    till = (
        await client.post(
            "/api/v1/tills", json={"code": "SKP-02", "name": "T2", "location_id": location}
        )
    ).json()["id"]
    await login_as(Role.CASHIER)
    client.headers["Accept-Language"] = "en"  # the English wording is asserted below
    response = await client.post(
        "/api/v1/sales", json=_body(till, products), headers={"Idempotency-Key": "no-shift-1"}
    )
    assert response.status_code == 409
    assert "open a shift first" in response.json()["detail"]
    current = await client.get(f"/api/v1/shifts/current?till_id={till}")
    assert current.status_code == 404


async def test_an_entrepreneur_may_not_sell_or_see_sales(login_as: LoginAs, db: Database) -> None:
    _, products, maker = _catalogue(db)
    client = await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    response = await client.post(
        "/api/v1/sales", json=_body(1, products), headers={"Idempotency-Key": "entrepreneur-1"}
    )
    assert response.status_code == 403
    assert (await client.get("/api/v1/sales/1")).status_code == 403
    assert (await client.get("/api/v1/tills")).status_code == 403


async def test_a_cashier_may_not_register_tills(login_as: LoginAs, db: Database) -> None:
    location, _, _ = _catalogue(db)
    client = await login_as(Role.CASHIER)
    response = await client.post(
        "/api/v1/tills", json={"code": "SKP-09", "name": "T", "location_id": location}
    )
    assert response.status_code == 403


async def test_a_promptpay_sale_completes_when_its_payment_is_confirmed(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    body = _body(till, products, payments=[{"method": "promptpay", "amount_satang": 32550}])
    created = await client.post(
        "/api/v1/sales", json=body, headers={"Idempotency-Key": "qr-sale-1"}
    )
    assert created.status_code == 201, created.text
    sale = created.json()
    assert sale["status"] == "pending_payment" and sale["receipt_number"] is None
    payment = sale["payments"][0]
    assert payment["qr_url"] == f"/api/v1/payments/{payment['payment_id']}/qr.svg"
    pending = await client.post(f"/api/v1/sales/{sale['id']}/complete")
    assert pending.json()["status"] == "pending_payment"
    confirmed = await client.post(f"/api/v1/payments/{payment['payment_id']}/confirm", json={})
    assert confirmed.status_code == 200, confirmed.text
    shown = (await client.get(f"/api/v1/sales/{sale['id']}")).json()
    assert shown["status"] == "completed" and shown["receipt_number"] == "SKP-01-000001"
    again = await client.post(f"/api/v1/sales/{sale['id']}/complete")
    assert again.json() == shown


async def test_tills_and_the_current_shift_are_listed(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    location, _, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    tills = (await client.get("/api/v1/tills")).json()
    assert [t["code"] for t in tills] == ["SKP-01"]
    shift = await client.get(f"/api/v1/shifts/current?till_id={till}")
    assert shift.status_code == 200 and shift.json()["status"] == "open"
    twice = await client.post("/api/v1/shifts", json={"till_id": till, "opening_float_satang": 0})
    assert twice.status_code == 409


async def test_the_receipt_is_an_abbreviated_tax_invoice_and_a_reprint_says_copy(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    body = _body(till, products, payments=[{"method": "cash", "amount_satang": 32550}])
    sale = (
        await client.post("/api/v1/sales", json=body, headers={"Idempotency-Key": "receipt-1"})
    ).json()
    page = await client.get(f"/api/v1/sales/{sale['id']}/receipt")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "ใบกำกับภาษีอย่างย่อ" in html and "SKP-01-000001" in html
    assert "Tax ID 0105559000727" in html  # the demo centre's (made-up) tax ID
    assert "21/11/2569 10:00" in html  # 03:00 UTC is 10:00 in Bangkok; 2026 + 543
    assert "รวมภาษีมูลค่าเพิ่มแล้ว" in html and "325.50" in html
    assert "สามร้อยยี่สิบห้าบาทห้าสิบสตางค์" in html
    assert "สำเนา / COPY" not in html
    copy = await client.get(f"/api/v1/sales/{sale['id']}/receipt?copy=1")
    assert "สำเนา / COPY" in copy.text


async def test_a_pending_sale_has_no_receipt_yet(login_as: LoginAs, db: Database) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    body = _body(till, products, payments=[{"method": "promptpay", "amount_satang": 32550}])
    sale = (
        await client.post("/api/v1/sales", json=body, headers={"Idempotency-Key": "receipt-2"})
    ).json()
    page = await client.get(f"/api/v1/sales/{sale['id']}/receipt")
    assert page.status_code == 409
