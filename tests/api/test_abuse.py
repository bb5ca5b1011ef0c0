"""Holding against abuse: a stranger cannot lock an owner out of their own browser (device
cookies), guessing stays throttled per username and per client, and a manager's approval is
for one action on one subject, used once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests.api.conftest import PASSWORD, LoginAs, csrf_cookie_of, make_user
from tests.api.test_sales_api import _body, _catalogue, _till_with_shift
from tests.api.test_till_day_api import _approval, discount_of, refund_of
from web.accounts import approvals_api, auth_api

pytestmark = pytest.mark.anyio

Browser = Callable[[str], AbstractAsyncContextManager[AsyncTestClient[Any]]]


@pytest.fixture
def browser(app: Any, monkeypatch: pytest.MonkeyPatch) -> Browser:
    """A fresh browser (no cookies) at a client address (the test client has one address:
    the address is read from a header here, as a proxy in front would give it)."""

    def client_of(request: Any) -> str:
        return str(request.headers.get("x-test-address", "testclient"))

    monkeypatch.setattr(auth_api, "client_of", client_of)
    monkeypatch.setattr(approvals_api, "client_of", client_of)

    @asynccontextmanager
    async def open_browser(address: str) -> AsyncIterator[AsyncTestClient[Any]]:
        async with AsyncTestClient(app) as c:
            await c.get("/login")
            c.headers["x-csrftoken"] = c.cookies.get("csrftoken") or ""
            c.headers["x-test-address"] = address
            yield c

    return open_browser


async def _login(client: AsyncTestClient[Any], username: str, password: str) -> int:
    body = {"username": username, "password": password}
    status = (await client.post("/api/v1/auth/login", json=body)).status_code
    # A signed-in session has its own CSRF token (its pages carry it from the cookie).
    client.headers["x-csrftoken"] = csrf_cookie_of(client)
    return status


async def test_a_stranger_cannot_lock_the_owner_out_of_a_browser_they_used_before(
    browser: Browser, db: Database, clock: FixedClock
) -> None:
    make_user(db, clock, "admin", Role.ADMIN)
    async with browser("10.0.0.5") as owner, browser("203.0.113.9") as stranger:
        assert await _login(owner, "admin", PASSWORD) == 200  # the owner's browser is trusted
        assert "otop_device" in owner.cookies
        await owner.post("/api/v1/auth/logout")
        statuses = [await _login(stranger, "admin", f"guess-{i}") for i in range(10)]
        assert statuses == [401] * 5 + [429] * 5
        assert await _login(stranger, "admin", PASSWORD) == 429  # the right one too
        assert await _login(owner, "admin", PASSWORD) == 200  # the owner gets in
        async with browser("10.0.0.77") as new_client:  # an untrusted client stays throttled
            assert await _login(new_client, "admin", PASSWORD) == 429


async def test_a_trusted_browser_is_locked_alone_and_a_forged_cookie_trusts_nothing(
    browser: Browser, db: Database, clock: FixedClock
) -> None:
    make_user(db, clock, "manager1", Role.MANAGER)
    async with browser("10.0.0.5") as owner, browser("10.0.0.6") as other:
        assert await _login(owner, "manager1", PASSWORD) == 200
        assert [await _login(owner, "manager1", "oops") for _ in range(6)] == [401] * 5 + [429]
        assert await _login(other, "manager1", PASSWORD) == 200  # untrusted clients unaffected
        forged = owner.cookies["otop_device"][:-2] + "00"
        async with browser("10.0.0.7") as thief:
            thief.cookies.set("otop_device", forged)
            assert [await _login(thief, "manager1", "x") for _ in range(5)] == [401] * 5
            # counted with strangers: the untrusted lock holds, the owner's browser is still locked
            assert await _login(thief, "manager1", PASSWORD) == 429
        clock.advance(minutes=16)
        assert await _login(owner, "manager1", PASSWORD) == 200


async def test_one_client_guessing_across_usernames_is_throttled(
    browser: Browser, db: Database, clock: FixedClock
) -> None:
    make_user(db, clock, "cashier1", Role.CASHIER)
    async with browser("10.0.0.5") as trusted:
        assert await _login(trusted, "cashier1", PASSWORD) == 200
    async with browser("198.51.100.1") as sprayer, browser("198.51.100.2") as elsewhere:
        names = [f"ent-cm{i:04d}" for i in range(20)]  # a few guesses each, under 5
        assert {await _login(sprayer, name, "123456") for name in names} == {401}
        refused = await sprayer.post(
            "/api/v1/auth/login", json={"username": "cashier1", "password": PASSWORD}
        )
        assert refused.status_code == 429
        assert refused.json()["code"] == "auth.too_many_attempts_client"
        assert await _login(elsewhere, "cashier1", PASSWORD) == 200  # another address is not
    async with browser("198.51.100.1") as same_address_trusted:
        # a browser trusted for the user, even from the sprayer's address (a shared NAT)
        same_address_trusted.cookies.set("otop_device", trusted.cookies["otop_device"])
        assert await _login(same_address_trusted, "cashier1", PASSWORD) == 200


async def test_a_cashier_cannot_lock_a_manager_out_through_approvals(
    browser: Browser, db: Database, clock: FixedClock
) -> None:
    make_user(db, clock, "cashier1", Role.CASHIER)
    make_user(db, clock, "manager1", Role.MANAGER)
    async with browser("10.0.0.9") as office:
        assert await _login(office, "manager1", PASSWORD) == 200  # the manager's own browser
        await office.post("/api/v1/auth/logout")
        async with browser("10.0.0.20") as till:
            assert await _login(till, "cashier1", PASSWORD) == 200
            subject = {"refund": {"sale_id": 1, "lines": [{"line_no": 1, "quantity": 1}]}}
            body = {"username": "manager1", "action": "refund", **subject}
            guesses = [
                (await till.post("/api/v1/approvals", json={**body, "password": f"p{i}"}))
                for i in range(6)
            ]
            assert [g.status_code for g in guesses] == [401] * 5 + [429]
            right = await till.post("/api/v1/approvals", json={**body, "password": PASSWORD})
            assert right.status_code == 429  # approvals are throttled like sign-in
        assert await _login(office, "manager1", PASSWORD) == 200  # not locked out


async def test_a_discount_approval_is_for_one_sale_and_used_once(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db, stock=(9, 9))
    client, till = await _till_with_shift(login_as, location)
    body = _body(till, products, cart_discount_satang=10000)
    body["payments"] = [{"method": "cash", "amount_satang": 22550}]
    token = await _approval(client, "discount", discount_of(body))
    first = await client.post(
        "/api/v1/sales",
        json={**body, "approval_token": token},
        headers={"Idempotency-Key": "once-0001"},
    )
    assert first.status_code == 201, first.text
    replay = await client.post(
        "/api/v1/sales",
        json={**body, "approval_token": token},
        headers={"Idempotency-Key": "once-0001"},
    )
    assert replay.status_code == 200  # the same sale again: its replay, not a second use
    again = await client.post(
        "/api/v1/sales",
        json={**body, "approval_token": token},
        headers={"Idempotency-Key": "once-0002"},
    )
    assert again.status_code == 403 and again.json()["code"] == "approval.used"
    bigger = {**body, "cart_discount_satang": 32000}
    bigger["payments"] = [{"method": "cash", "amount_satang": 550}]
    other = await client.post(
        "/api/v1/sales",
        json={**bigger, "approval_token": await _approval(client, "discount", discount_of(body))},
        headers={"Idempotency-Key": "once-0003"},
    )
    assert other.status_code == 403 and other.json()["code"] == "approval.other_subject"
    other_lines = {**body, "lines": [{"product_id": products[1], "quantity": 3}]}
    other_lines["payments"] = [{"method": "cash", "amount_satang": 28150}]
    moved = await client.post(
        "/api/v1/sales",
        json={
            **other_lines,
            "approval_token": await _approval(client, "discount", discount_of(body)),
        },
        headers={"Idempotency-Key": "once-0004"},
    )
    assert moved.status_code == 403 and moved.json()["code"] == "approval.other_subject"


async def test_a_refund_approval_is_for_one_sale_and_used_once(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db, stock=(9, 9))
    client, till = await _till_with_shift(login_as, location)
    sales = []
    for key in ("ref-sale-0001", "ref-sale-0002"):
        made = await client.post(
            "/api/v1/sales", json=_body(till, products), headers={"Idempotency-Key": key}
        )
        assert made.status_code == 201, made.text
        sales.append(made.json()["id"])

    def refund(sale_id: int) -> dict[str, Any]:
        return {
            "sale_id": sale_id,
            "till_id": till,
            "lines": [{"line_no": 1, "quantity": 1}],
            "reason": "broken",
        }

    token = await _approval(client, "refund", refund_of(refund(sales[0])))
    elsewhere = await client.post(
        "/api/v1/refunds",
        json={**refund(sales[1]), "approval_token": token},
        headers={"Idempotency-Key": "ref-0001"},
    )
    assert elsewhere.status_code == 403 and elsewhere.json()["code"] == "approval.other_subject"
    done = await client.post(
        "/api/v1/refunds",
        json={**refund(sales[0]), "approval_token": token},
        headers={"Idempotency-Key": "ref-0002"},
    )
    assert done.status_code == 201, done.text
    twice = await client.post(
        "/api/v1/refunds",
        json={**refund(sales[0]), "approval_token": token},
        headers={"Idempotency-Key": "ref-0003"},
    )
    assert twice.status_code == 403 and twice.json()["code"] == "approval.used"
