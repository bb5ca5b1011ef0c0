"""Balances, statements and payouts over HTTP; who may reach which."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from inventory.models import Entrepreneur
from kernel.access import Role
from kernel.clock import FixedClock, business_date
from kernel.db.engine import Database
from tests import factories as f
from tests.api.conftest import PASSWORD, LoginAs
from tests.api.test_sales_api import _body, _catalogue, _till_with_shift

pytestmark = pytest.mark.anyio


async def test_a_payout_run_from_balance_to_paid(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    location, products, maker = _catalogue(db)
    with db.write() as conn:
        conn.execute(update(Entrepreneur).values(promptpay_id="0812345678"))
    client, till = await _till_with_shift(login_as, location)
    sold = await client.post(
        "/api/v1/sales", json=_body(till, products), headers={"Idempotency-Key": "acc-api-sale-1"}
    )
    assert sold.status_code == 201
    cashier_view = await client.get(f"/api/v1/entrepreneurs/{maker}/balance")
    assert cashier_view.status_code == 403  # a cashier sees no balances
    await login_as(Role.MANAGER, username="manager2")
    balance = (await client.get(f"/api/v1/entrepreneurs/{maker}/balance")).json()
    assert balance["gross_sales_satang"] == 32550 and balance["available_satang"] == 0
    owed = balance["balance_satang"]
    clock.advance(days=8)  # past the refund window (the session has expired: sign in again)
    again = await client.post(
        "/api/v1/auth/login", json={"username": "manager2", "password": PASSWORD}
    )
    assert again.status_code == 200
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]  # the new session's own
    cutoff = (business_date(clock.now()) - timedelta(days=1)).isoformat()
    preview = await client.get("/api/v1/payouts/preview", params={"cutoff_date": cutoff})
    assert preview.status_code == 200, preview.text
    assert [c["amount_satang"] for c in preview.json()] == [owed]
    bad = await client.get("/api/v1/payouts/preview", params={"cutoff_date": "yesterday"})
    assert bad.status_code == 400
    run = await client.post("/api/v1/payout-runs", json={"cutoff_date": cutoff})
    assert run.status_code == 201, run.text
    payout = run.json()["payouts"][0]
    qr = await client.get(f"/api/v1/payouts/{payout['id']}/qr.svg")
    assert qr.status_code == 200 and qr.text.startswith("<svg")
    csv_file = await client.get(f"/api/v1/payout-runs/{run.json()['id']}/bank.csv")
    assert csv_file.content.startswith("\ufeff".encode()) and b"0812345678" in csv_file.content
    no_ref = await client.post(f"/api/v1/payouts/{payout['id']}/paid", json={"bank_reference": ""})
    assert no_ref.status_code == 400
    paid = await client.post(
        f"/api/v1/payouts/{payout['id']}/paid", json={"bank_reference": "KBANK-778899"}
    )
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    statement = await client.get(
        f"/api/v1/entrepreneurs/{maker}/statement",
        params={"from": "2026-01-01", "to": business_date(clock.now()).isoformat()},
    )
    assert statement.status_code == 200, statement.text
    assert [ln["kind"] for ln in statement.json()["lines"]] == ["sale", "payout"]
    assert statement.json()["closing_balance_satang"] == 0
    backwards = await client.get(
        f"/api/v1/entrepreneurs/{maker}/statement",
        params={"from": "2026-02-01", "to": "2026-01-01"},
    )
    assert backwards.status_code == 422 and backwards.json()["field"] == "to"


async def test_an_entrepreneur_reaches_only_their_own_account(
    login_as: LoginAs, db: Database
) -> None:
    with db.write() as conn:
        district = f.district(conn)
        mine = f.entrepreneur(conn, district)
        theirs = f.entrepreneur(conn, district)
    client = await login_as(Role.ENTREPRENEUR, entrepreneur_id=mine)
    assert (await client.get(f"/api/v1/entrepreneurs/{mine}/balance")).status_code == 200
    assert (await client.get(f"/api/v1/entrepreneurs/{mine}/statement.csv")).status_code == 200
    for url in (
        f"/api/v1/entrepreneurs/{theirs}/balance",
        f"/api/v1/entrepreneurs/{theirs}/statement",
        f"/api/v1/entrepreneurs/{theirs}/statement.csv",
    ):
        assert (await client.get(url)).status_code == 404, url
    for url in ("/api/v1/payout-runs", "/api/v1/payouts/preview?cutoff_date=2026-11-01"):
        assert (await client.get(url)).status_code == 403, url
    assert (
        await client.post("/api/v1/payouts/1/paid", json={"bank_reference": "x"})
    ).status_code == 403


async def test_a_cut_off_date_with_no_utc_instant_is_400_not_500(login_as: LoginAs) -> None:
    """Found by schemathesis: the day before 0001-01-08 in Bangkok starts in year 0 in UTC,
    which no datetime holds; the preview and the run answered 500."""
    client = await login_as(Role.MANAGER)
    for cutoff in ("0001-01-01", "0001-01-07"):
        preview = await client.get(
            "/api/v1/payouts/preview",
            params={"cutoff_date": cutoff},
            headers={"Accept-Language": "en"},
        )
        assert preview.status_code == 400, preview.text
        assert "out of range" in preview.json()["detail"]
        assert preview.json()["code"] == "request.out_of_range"
        run = await client.post("/api/v1/payout-runs", json={"cutoff_date": cutoff})
        assert run.status_code == 400, run.text
    assert (await client.get("/api/v1/payout-runs")).json() == []
