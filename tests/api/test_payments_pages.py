"""The staff payment pages and the demo payer ("customer phone"), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests.api.conftest import PASSWORD, LoginAs, csrf_cookie_of, make_user
from web.app import create_app
from web.settings import Settings

pytestmark = pytest.mark.anyio


async def _new(client: AsyncTestClient[Any], amount: str, method: str = "promptpay") -> Any:
    return await client.post(
        "/admin/payments/new",
        data={"amount": amount, "method": method, "_csrf_token": client.headers["x-csrftoken"]},
        follow_redirects=False,
    )


async def test_staff_takes_an_amount_in_baht_and_sees_the_qr_with_a_live_status(
    login_as: LoginAs,
) -> None:
    client = await login_as(Role.CASHIER)
    form = await client.get("/admin/payments/new")
    assert form.status_code == 200
    assert 'name="amount"' in form.text
    created = await _new(client, "1,250.50")
    assert created.status_code == 303
    page = await client.get(created.headers["location"])
    assert page.status_code == 200
    assert "1,250.50" in page.text
    assert "<svg" in page.text
    assert 'data-status="pending"' in page.text
    assert "/static/payments.js" in page.text
    assert "/demo/pay/OTP" in page.text


@pytest.mark.parametrize("amount", ["", "12.345", "abc", "0", "-5"])
async def test_a_bad_amount_is_shown_again_with_the_problem(login_as: LoginAs, amount: str) -> None:
    client = await login_as(Role.CASHIER)
    response = await _new(client, amount)
    assert response.status_code == 422
    assert 'class="error"' in response.text


async def test_demo_payer_shows_the_transfer_and_paying_confirms_the_payment(
    login_as: LoginAs,
) -> None:
    client = await login_as(Role.CASHIER)
    payment = (await client.post("/api/v1/payments", json={"amount_satang": 9900})).json()
    screen = await client.get(f"/demo/pay/{payment['reference']}")
    assert screen.status_code == 200
    assert "ยืนยันการโอนเงิน" in screen.text
    assert "99.00" in screen.text
    assert "0812345678" in screen.text
    assert payment["reference"] in screen.text
    # The customer's phone: none of the staff's menu, no sign-out that would end the
    # cashier's session when the demo is opened in the till's browser.
    assert 'action="/logout"' not in screen.text and 'href="/till"' not in screen.text
    paid = await client.post(
        f"/demo/pay/{payment['reference']}",
        data={"_csrf_token": client.headers["x-csrftoken"]},
    )
    assert paid.status_code == 200, paid.text
    assert "โอนเงินสำเร็จ" in paid.text
    after = (await client.get(f"/api/v1/payments/{payment['id']}")).json()
    assert (after["status"], after["confirmation"]) == ("confirmed", "webhook")
    again = await client.post(
        f"/demo/pay/{payment['reference']}",
        data={"_csrf_token": client.headers["x-csrftoken"]},
    )
    assert again.status_code == 409
    assert (await client.get("/demo/pay/OTPNOSUCHTHING00")).status_code == 404


async def test_demo_payer_does_not_exist_outside_demo_mode(db: Database, clock: FixedClock) -> None:
    settings = Settings(
        demo=False,
        database_url=db.url,
        secret_key="s" * 40,
        promptpay_id="0812345678",
        webhook_secret="w" * 40,
        seller_tax_id="0105559000727",
    )
    make_user(db, clock, "cashier9", Role.CASHIER)
    app = create_app(settings=settings, db=db, clock=clock)
    # Outside demo mode the cookies are Secure: they travel over HTTPS only.
    async with AsyncTestClient(app, base_url="https://testserver.local") as client:
        await client.get("/login")
        client.headers["x-csrftoken"] = csrf_cookie_of(client)
        login = {"username": "cashier9", "password": PASSWORD}
        assert (await client.post("/api/v1/auth/login", json=login)).status_code == 200
        client.headers["x-csrftoken"] = csrf_cookie_of(client)  # the session's own
        payment = (await client.post("/api/v1/payments", json={"amount_satang": 100})).json()
        response = await client.get(f"/demo/pay/{payment['reference']}")
        assert response.status_code == 404
        page = await client.get(f"/admin/payments/{payment['id']}")
        assert "/demo/pay/" not in page.text


async def test_exceptions_page_is_for_managers(login_as: LoginAs) -> None:
    cashier = await login_as(Role.CASHIER)
    assert (await cashier.get("/admin/payments/exceptions")).status_code == 403
    manager = await login_as(Role.MANAGER)
    page = await manager.get("/admin/payments/exceptions")
    assert page.status_code == 200
    assert "Payment exceptions" in page.text or "ต้องตรวจสอบ" in page.text
