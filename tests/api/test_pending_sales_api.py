"""Issue 15 over HTTP: a confirmation completes its sale with no /complete call; the rest of a
partly paid sale is taken by POST /api/v1/sales/{id}/payments; a payment names a real sale."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from payments.models import Payment
from tests.api.conftest import LoginAs
from tests.api.test_payments_api import _hook
from tests.api.test_sales_api import _body, _catalogue, _till_with_shift

pytestmark = pytest.mark.anyio


async def test_the_bank_callback_completes_the_sale_without_a_complete_call(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    body = _body(till, products, payments=[{"method": "promptpay", "amount_satang": 32550}])
    sale = (
        await client.post("/api/v1/sales", json=body, headers={"Idempotency-Key": "api-pending-1"})
    ).json()
    paid = await _hook(client, clock, sale["payments"][0])
    assert paid.status_code == 200, paid.text
    shown = (await client.get(f"/api/v1/sales/{sale['id']}")).json()
    assert shown["status"] == "completed" and shown["receipt_number"] == "SKP-01-000001"


async def test_the_rest_of_a_partly_paid_sale_is_taken_in_cash(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    two = [
        {"method": "promptpay", "amount_satang": 20000},
        {"method": "promptpay", "amount_satang": 12550},
    ]
    sale = (
        await client.post(
            "/api/v1/sales",
            json=_body(till, products, payments=two),
            headers={"Idempotency-Key": "api-pending-2"},
        )
    ).json()
    assert (await _hook(client, clock, sale["payments"][0])).status_code == 200
    second = sale["payments"][1]["payment_id"]
    assert (await client.post(f"/api/v1/payments/{second}/cancel")).status_code == 200
    void_refused = await client.post(f"/api/v1/sales/{sale['id']}/payments", json={})
    assert void_refused.status_code == 400
    rest = await client.post(
        f"/api/v1/sales/{sale['id']}/payments", json={"method": "cash", "tendered_satang": 20000}
    )
    assert rest.status_code == 200, rest.text
    done = rest.json()
    assert done["status"] == "completed" and done["change_satang"] == 20000 - 12550
    again = await client.post(f"/api/v1/sales/{sale['id']}/payments", json={"method": "cash"})
    assert again.status_code == 409 and again.json()["code"] == "sale.not_pending"


async def test_a_payment_for_a_sale_that_does_not_exist_is_refused(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    client = await login_as(Role.CASHIER)
    refused = await client.post("/api/v1/payments", json={"amount_satang": 5000, "sale_id": 9999})
    assert refused.status_code == 422, refused.text
    answer = refused.json()
    assert answer["code"] == "payment.sale_not_found" and answer["field"] == "sale_id"
    assert answer["sale_id"] == 9999 and "9999" in answer["detail"]  # in either language
    with pytest.raises(IntegrityError), db.write() as conn:  # the foreign key itself
        conn.execute(
            insert(Payment).values(
                reference="NOSALE0001",
                sale_id=9999,
                method="cash",
                amount_satang=100,
                status="confirmed",
                created_at=clock.now(),
                version=1,
            )
        )
