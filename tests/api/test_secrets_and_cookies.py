"""Outside demo mode: Secure ``__Host-`` cookies, nothing signed with demo mode's public
secrets accepted, a CSRF token bound to the session; in demo mode, the login page says the
logins and keys are public."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from litestar.middleware.csrf import generate_csrf_token
from litestar.testing import AsyncTestClient
from pydantic import ValidationError

from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from payments.webhook import sign
from tests.api.conftest import PASSWORD, LoginAs, csrf_cookie_of, make_user
from tests.api.test_sales_api import _body, _catalogue, _till_with_shift
from web.accounts.approvals import ApprovalAction, discount_subject, issue
from web.accounts.auth import session_csrf_token
from web.app import create_app
from web.settings import DEMO_SECRET, DEMO_TAX_ID, DEMO_WEBHOOK_SECRET, Settings

pytestmark = pytest.mark.anyio
SECRET_KEY = "a-production-secret-key-of-some-length-0123456789"
WEBHOOK_SECRET = "a-production-webhook-secret-0123456789"


def _production(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "demo": False,
        "database_url": database_url,
        "secret_key": SECRET_KEY,
        "webhook_secret": WEBHOOK_SECRET,
        "promptpay_id": "0812345678",
        "seller_tax_id": DEMO_TAX_ID,
    }
    return Settings(**(values | overrides))


@pytest.fixture
def app(db: Database, clock: FixedClock) -> Any:
    """This module's app runs outside demo mode (the client and login_as fixtures use it)."""
    return create_app(settings=_production(db.url), db=db, clock=clock)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[AsyncTestClient[Any]]:
    # Secure cookies travel over HTTPS only.
    async with AsyncTestClient(app, base_url="https://testserver.local") as c:
        await c.get("/login")
        c.headers["x-csrftoken"] = csrf_cookie_of(c)
        yield c


def _set_cookie(response: Any, name: str) -> str:
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert len(headers) == 1, response.headers.get_list("set-cookie")
    return str(headers[0])


# --- settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [{"secret_key": DEMO_SECRET}, {"webhook_secret": DEMO_WEBHOOK_SECRET}],
    ids=["secret key", "webhook secret"],
)
def test_a_demo_secret_is_refused_at_start_outside_demo_mode(overrides: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="demo mode's built-in secrets"):
        _production("sqlite://", **overrides)
    assert Settings(demo=True, **overrides).demo  # in demo mode they are what it uses


# --- cookies ---------------------------------------------------------------------------------


async def test_cookies_are_secure_and_host_prefixed_outside_demo_mode(
    app: Any, login_as: LoginAs, client: AsyncTestClient[Any]
) -> None:
    async with AsyncTestClient(app, base_url="https://testserver.local") as fresh:
        csrf = _set_cookie(await fresh.get("/login"), "__Host-csrftoken")
    assert "Secure" in csrf and "Path=/" in csrf and "Domain" not in csrf
    signed_in = await client.post(
        "/api/v1/auth/login", json={"username": "nobody", "password": "x" * 10}
    )
    assert signed_in.status_code == 401
    await login_as(Role.CASHIER)
    assert "__Host-otop_session" in client.cookies and "otop_session" not in client.cookies
    me = await client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["role"] == "cashier"
    out = await client.post("/api/v1/auth/logout")
    expired = _set_cookie(out, "__Host-otop_session")
    assert "Secure" in expired and "Path=/" in expired and "Max-Age=0" in expired


async def test_sign_in_sets_secure_host_cookies(
    client: AsyncTestClient[Any], db: Database, clock: FixedClock
) -> None:
    make_user(db, clock, "malee", Role.CASHIER)
    response = await client.post(
        "/api/v1/auth/login", json={"username": "malee", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    session = _set_cookie(response, "__Host-otop_session")
    for attribute in ("Secure", "HttpOnly", "Path=/"):
        assert attribute in session
    assert "Domain" not in session
    assert "Secure" in _set_cookie(response, "__Host-csrftoken")


# --- CSRF bound to the session ---------------------------------------------------------------


async def test_an_anonymous_pages_csrf_token_is_refused_after_sign_in(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    anonymous = client.headers["x-csrftoken"]
    await login_as(Role.MANAGER)
    body = {"code": "weave", "name_th": "ผ้าทอ", "name_en": "Weaving"}
    # The anonymous pair (cookie and header alike), as a page opened before sign-in holds it.
    client.cookies.set("__Host-csrftoken", anonymous, domain="testserver.local")
    client.headers["x-csrftoken"] = anonymous
    refused = await client.post("/api/v1/categories", json=body)
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf.invalid"
    english = await client.post("/api/v1/categories", json=body, headers={"accept-language": "en"})
    assert "CSRF" in english.json()["detail"]
    # What the till does on csrf.invalid: a GET hands out the session's token; then it works.
    me = await client.get("/api/v1/auth/me")
    assert "__Host-csrftoken=" in me.headers["set-cookie"]
    client.headers["x-csrftoken"] = csrf_cookie_of(client)
    assert client.headers["x-csrftoken"] != anonymous
    made = await client.post("/api/v1/categories", json=body)
    assert made.status_code == 201, made.text


# --- nothing signed with the demo secrets -----------------------------------------------------


async def test_tokens_signed_with_the_demo_secret_are_refused_outside_demo_mode(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    forged_csrf = generate_csrf_token(DEMO_SECRET)
    client.cookies.set("__Host-csrftoken", forged_csrf, domain="testserver.local")
    anonymous = await client.post(
        "/api/v1/auth/login",
        json={"username": "x", "password": "y" * 8},
        headers={"x-csrftoken": forged_csrf},
    )
    assert anonymous.status_code == 403 and anonymous.json()["code"] == "csrf.invalid"

    location, products, _ = _catalogue(db)
    client.cookies.delete("__Host-csrftoken")
    await client.get("/login")
    client.headers["x-csrftoken"] = csrf_cookie_of(client)
    client, till = await _till_with_shift(login_as, location)
    session = client.cookies["__Host-otop_session"]
    demo_bound = session_csrf_token(DEMO_SECRET, session)
    body = {"code": "weave", "name_th": "ผ้าทอ", "name_en": "Weaving"}
    refused = await client.post(
        "/api/v1/categories", json=body, headers={"x-csrftoken": demo_bound}
    )
    assert refused.status_code == 403

    cashier_id = (await client.get("/api/v1/auth/me")).json()["id"]
    discounted = _body(till, products, cart_discount_satang=10000)
    lines = [(ln["product_id"], ln["quantity"], 0) for ln in discounted["lines"]]
    approval = issue(  # for exactly this cart: only the secret it is signed with is wrong
        DEMO_SECRET,
        approver_id=1,
        approver_name="manager",
        cashier_id=cashier_id,
        action=ApprovalAction.DISCOUNT,
        subject=discount_subject(lines, 10000),
        now=clock.now(),
    )
    discounted["payments"] = [{"method": "cash", "amount_satang": 22550}]
    sale = await client.post(
        "/api/v1/sales",
        json={**discounted, "approval_token": approval.approval_token},
        headers={"Idempotency-Key": "demo-signed-approval"},
    )
    assert sale.status_code == 403 and sale.json()["code"] == "approval.invalid"

    payment = await client.post("/api/v1/payments", json={"amount_satang": 15000})
    assert payment.status_code == 201, payment.text
    hook = json.dumps(
        {
            "reference": payment.json()["reference"],
            "amount_satang": 15000,
            "transaction_id": "BANKTX1",
            "paid_at": "2026-11-21T10:01:00+07:00",
        }
    ).encode()
    timestamp = str(int((clock.now() - timedelta(seconds=1)).timestamp()))

    async def callback(secret: str) -> int:
        headers = {
            "content-type": "application/json",
            "x-timestamp": timestamp,
            "x-signature": sign(secret, timestamp, hook),
        }
        response = await client.post("/api/v1/payments/webhook", content=hook, headers=headers)
        return response.status_code

    assert await callback(DEMO_WEBHOOK_SECRET) == 401
    assert await callback(WEBHOOK_SECRET) == 200  # the same callback, signed with the real one


# --- the login page --------------------------------------------------------------------------


async def test_the_login_page_says_the_demo_is_public_in_demo_mode_only(
    db: Database, clock: FixedClock, client: AsyncTestClient[Any]
) -> None:
    demo = create_app(Settings(demo=True, database_url=db.url), db=db, clock=clock)
    async with AsyncTestClient(demo) as demo_client:
        page = (await demo_client.get("/login")).text
    thai, english = page.find("ระบบสาธิต"), page.find("this system's logins, passwords and")
    assert 0 < thai < english  # Thai first, English beside it
    assert "เปิดเผยต่อสาธารณะ" in page and "secret keys are public" in page
    production = (await client.get("/login")).text
    assert "ระบบสาธิต" not in production and "are public" not in production
