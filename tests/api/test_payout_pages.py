"""The payout pages: the runs, a new run from a preview (leaving someone out), and a run paid
through its page; refused forms are shown again with the message; managers and admins only."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from inventory.models import Entrepreneur
from kernel.access import Role
from kernel.clock import FixedClock, business_date
from kernel.dates import be_text
from kernel.db.engine import Database
from payments.ledger.payout_models import Payout
from tests import factories as f
from tests.api.conftest import LoginAs
from tests.api.test_sales_api import _catalogue, _till_with_shift

pytestmark = pytest.mark.anyio


async def _two_owed(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> tuple[AsyncTestClient[Any], int, int, str]:
    """Two entrepreneurs owed money past the refund window; signed in as a manager."""
    location, products, maker = _catalogue(db)
    with db.write() as conn:
        second = f.entrepreneur(conn, f.district(conn, code="MON"), name_th="กลุ่มจักสานแม่ออน")
        basket = f.product(
            conn,
            second,
            f.category(conn, code="craft"),
            price_satang=20000,
            name_th="ตะกร้าไม้ไผ่",
            name_en="Bamboo basket",
        )
        f.stock(conn, basket, location, 3)
        conn.execute(
            update(Entrepreneur).where(Entrepreneur.id == maker).values(promptpay_id="0812345678")
        )
    client, till = await _till_with_shift(login_as, location)
    body = {
        "till_id": till,
        "lines": [
            {"product_id": products[0], "quantity": 2},
            {"product_id": basket, "quantity": 1},
        ],
        "payments": [{"method": "cash", "amount_satang": 40000, "tendered_satang": 40000}],
    }
    sold = await client.post(
        "/api/v1/sales", json=body, headers={"Idempotency-Key": "payout-pages-1"}
    )
    assert sold.status_code == 201, sold.text
    clock.advance(days=8)  # past the refund window; the cashier's session has expired
    await login_as(Role.MANAGER, username="manager2")
    cutoff = (business_date(clock.now()) - timedelta(days=1)).isoformat()
    return client, maker, second, cutoff


async def test_a_run_made_from_the_preview_and_paid_through_its_page(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    client, maker, _, cutoff = await _two_owed(login_as, db, clock)
    index = await client.get("/admin/payouts")
    assert index.status_code == 200
    shown = be_text(date.fromisoformat(cutoff))  # the field shows the Buddhist era: 28/11/2569
    assert f'value="{shown}"' in index.text and 'value="100.00"' in index.text  # defaults
    preview = await client.get(
        "/admin/payouts/new", params={"cutoff_date": cutoff, "minimum": "100"}
    )
    assert preview.status_code == 200, preview.text
    assert preview.text.count('name="pay"') == 2 and preview.text.count("checked") == 2
    assert "320.00" in preview.text  # 2 x 100.00 less 20% = 160.00, and 200.00 less 20%
    assert "กลุ่มจักสานแม่ออน" in preview.text and "1 รายยังไม่มีพร้อมเพย์" in preview.text

    nobody = await client.post("/admin/payouts", data={"cutoff_date": cutoff, "minimum": "100"})
    assert nobody.status_code == 422 and "เลือกผู้ประกอบการที่จะจ่ายอย่างน้อยหนึ่งราย" in nobody.text
    assert nobody.text.count('name="pay"') == 2  # the preview again, nothing lost

    made = await client.post(
        "/admin/payouts",
        data={"cutoff_date": cutoff, "minimum": "100", "pay": str(maker)},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    run_url = made.headers["location"].split("?")[0]
    run = await client.get(run_url, params={"made": "1"})
    assert run.status_code == 200
    payout_id = int(re.findall(r'data-payout="(\d+)"', run.text)[0])
    assert run.text.count('data-payout="') == 1  # the second one was left out
    assert "qr.svg" not in run.text and "bank.csv" in run.text  # a QR only on demand
    assert "฿160.00" in run.text
    with_qr = await client.get(run_url, params={"qr": str(payout_id)})
    assert with_qr.text.count("qr.svg") == 1
    assert f"/api/v1/payouts/{payout_id}/qr.svg" in with_qr.text

    paid_url = f"{run_url}/payouts/{payout_id}/paid"
    blank = await client.post(paid_url, data={"bank_reference": "   "})
    assert blank.status_code == 422 and "กรุณาระบุเลขอ้างอิงของธนาคาร" in blank.text
    paid = await client.post(
        paid_url, data={"bank_reference": "KBANK-0001"}, follow_redirects=False
    )
    assert paid.status_code == 303
    shown = await client.get(paid.headers["location"])
    assert "บันทึกการโอนแล้ว" in shown.text and "KBANK-0001" in shown.text
    assert "qr.svg" not in shown.text and "bank.csv" not in shown.text  # nothing waits now
    again = await client.post(
        paid_url, data={"bank_reference": "KBANK-0001"}, follow_redirects=False
    )
    assert again.status_code == 303  # the same reference: already done, nothing twice
    other_ref = await client.post(paid_url, data={"bank_reference": "KBANK-0002"})
    assert other_ref.status_code == 409 and "โอนแล้ว (เลขอ้างอิง" in other_ref.text
    cancel = await client.post(f"{run_url}/payouts/{payout_id}/cancel")
    assert cancel.status_code == 409 and "ยกเลิกไม่ได้" in cancel.text
    with db.read() as conn:
        statuses = conn.execute(select(Payout.status)).scalars().all()
    assert statuses == ["paid"]

    listing = await client.get("/admin/payouts")
    assert "160.00" in listing.text and "ครบแล้ว" in listing.text
    left_out = await client.get("/admin/payouts/new", params={"cutoff_date": cutoff})
    assert left_out.text.count('name="pay"') == 1 and "กลุ่มจักสานแม่ออน" in left_out.text


async def test_a_waiting_payout_is_cancelled_and_a_refused_reference_keeps_what_was_typed(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    client, maker, second, cutoff = await _two_owed(login_as, db, clock)
    made = await client.post(
        "/admin/payouts",
        data={"cutoff_date": cutoff, "minimum": "100", "pay": [str(maker), str(second)]},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    run_url = made.headers["location"].split("?")[0]
    run = await client.get(run_url)
    first, last = (int(i) for i in re.findall(r'data-payout="(\d+)"', run.text))
    assert "ไม่มีบัญชีและพร้อมเพย์" in run.text  # the second has no PromptPay ID: no QR
    assert run.text.count("data-qr-link") == 1
    ok = await client.post(
        f"{run_url}/payouts/{first}/paid", data={"bank_reference": "REF-77"}, follow_redirects=False
    )
    assert ok.status_code == 303
    reused = await client.post(f"{run_url}/payouts/{last}/paid", data={"bank_reference": "REF-77"})
    assert reused.status_code == 409 and "ถูกใช้กับรายการโอนเงินอื่นแล้ว" in reused.text
    assert 'value="REF-77"' in reused.text and 'aria-invalid="true"' in reused.text
    cancelled = await client.post(f"{run_url}/payouts/{last}/cancel", follow_redirects=False)
    assert cancelled.status_code == 303
    shown = await client.get(cancelled.headers["location"])
    assert "ยกเลิกรายการแล้ว" in shown.text
    wrong_run = await client.post(
        f"/admin/payouts/{int(run_url.rsplit('/', 1)[1]) + 1}/payouts/{last}/cancel"
    )
    assert wrong_run.status_code == 404


@pytest.mark.parametrize(
    ("params", "message", "field"),
    [
        (
            {"cutoff_date": "yesterday"},
            "cutoff_date is not a valid date: write dd/mm/yyyy in the Buddhist era",
            "cutoff_date",
        ),
        ({"cutoff_date": "2030-01-01"}, "the cut-off date is in the future", "cutoff_date"),
        ({"minimum": "ten"}, "minimum must be an amount in baht", "minimum"),
        ({"minimum": "0"}, "minimum must be more than 0 baht", "minimum"),
    ],
)
async def test_a_bad_preview_is_shown_again_with_the_message(
    login_as: LoginAs, params: dict[str, str], message: str, field: str
) -> None:
    client = await login_as(Role.ADMIN)
    response = await client.get("/admin/payouts/new", params={**params, "lang": "en"})
    assert response.status_code == 422
    assert message in response.text
    assert re.search(rf'name="{field}" [^>]*aria-invalid="true"', response.text)


async def test_payout_pages_refuse_cashiers_and_entrepreneurs(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database
) -> None:
    with db.write() as conn:
        me = f.entrepreneur(conn, f.district(conn))
    pages = [
        ("get", "/admin/payouts"),
        ("get", "/admin/payouts/new?cutoff_date=2026-11-01"),
        ("get", "/admin/payouts/1"),
        ("post", "/admin/payouts"),
        ("post", "/admin/payouts/1/payouts/1/paid"),
        ("post", "/admin/payouts/1/payouts/1/cancel"),
    ]
    for role, entrepreneur_id in ((Role.CASHIER, None), (Role.ENTREPRENEUR, me)):
        await login_as(role, entrepreneur_id=entrepreneur_id)
        for method, url in pages:
            response = await getattr(client, method)(url)
            assert response.status_code == 403, (role, url, response.status_code)
    await client.post("/api/v1/auth/logout")
    signed_out = await client.get("/admin/payouts", follow_redirects=False)
    assert signed_out.status_code == 303 and "/login" in signed_out.headers["location"]
