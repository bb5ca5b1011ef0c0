from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import update

from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests.api.conftest import PASSWORD, LoginAs, make_user
from web.accounts import users as accounts
from web.accounts.users import User

pytestmark = pytest.mark.anyio


async def test_me_needs_a_session(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/api/v1/auth/me")
    assert response.status_code == 401


async def test_login_sets_an_httponly_cookie_and_me_names_the_user(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    await login_as(Role.MANAGER, username="somchai")
    me = (await client.get("/api/v1/auth/me")).json()
    assert me["username"] == "somchai"
    assert me["role"] == "manager"
    assert me["entrepreneur_id"] is None


async def test_wrong_password_is_401_and_does_not_say_which(
    client: AsyncTestClient[Any], db: Database, clock: FixedClock
) -> None:
    make_user(db, clock, "malee", Role.CASHIER)
    response = await client.post(
        "/api/v1/auth/login",
        json={"username": "malee", "password": "nope-nope"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "wrong username or password"
    assert response.json()["code"] == "auth.bad_credentials"


async def test_login_is_rate_limited_after_repeated_failures(
    client: AsyncTestClient[Any], db: Database, clock: FixedClock
) -> None:
    make_user(db, clock, "malee", Role.CASHIER)
    for _ in range(5):
        await client.post("/api/v1/auth/login", json={"username": "malee", "password": "x"})
    response = await client.post(
        "/api/v1/auth/login", json={"username": "malee", "password": PASSWORD}
    )
    assert response.status_code == 429
    clock.advance(minutes=16)
    response = await client.post(
        "/api/v1/auth/login", json={"username": "malee", "password": PASSWORD}
    )
    assert response.status_code == 200


async def test_unsafe_request_without_csrf_header_is_refused(
    client: AsyncTestClient[Any], db: Database, clock: FixedClock
) -> None:
    make_user(db, clock, "malee", Role.CASHIER)
    del client.headers["x-csrftoken"]
    response = await client.post(
        "/api/v1/auth/login", json={"username": "malee", "password": PASSWORD}
    )
    assert response.status_code == 403


async def test_logout_ends_the_session_and_the_old_cookie_no_longer_works(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    await login_as(Role.CASHIER)
    token = client.cookies.get("otop_session")
    assert (await client.post("/api/v1/auth/logout")).status_code == 200
    client.cookies.set("otop_session", token)
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_each_login_gets_a_new_session_token(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    await login_as(Role.CASHIER)
    first = client.cookies.get("otop_session")
    response = await client.post(
        "/api/v1/auth/login", json={"username": "cashier1", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert client.cookies.get("otop_session") != first


async def test_malformed_login_body_is_400_naming_the_field(client: AsyncTestClient[Any]) -> None:
    response = await client.post("/api/v1/auth/login", json={"username": "x"})
    assert response.status_code == 400
    assert "password" in response.text


async def test_a_session_expires_after_its_hours(
    client: AsyncTestClient[Any], login_as: LoginAs, clock: FixedClock
) -> None:
    await login_as(Role.CASHIER)
    assert (await client.get("/api/v1/auth/me")).status_code == 200
    clock.advance(hours=12, seconds=1)
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_an_unknown_or_inactive_user_costs_the_same_password_check(
    client: AsyncTestClient[Any], db: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Timing must not tell which usernames exist: every login verifies one argon2 hash."""
    make_user(db, clock, "malee", Role.CASHIER)
    make_user(db, clock, "somchai", Role.CASHIER)
    with db.write() as conn:
        conn.execute(update(User).where(User.username == "somchai").values(active=False))
    checked: list[str] = []
    real = accounts._hasher

    class Counting:
        def hash(self, password: str) -> str:
            return real.hash(password)

        def verify(self, stored: str, password: str) -> bool:
            checked.append(password)
            return real.verify(stored, password)

    monkeypatch.setattr(accounts, "_hasher", Counting())
    for username, password, status in [
        ("nobody", PASSWORD, 401),
        ("somchai", PASSWORD, 401),
        ("malee", "wrong", 401),
        ("malee", PASSWORD, 200),
    ]:
        response = await client.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        assert response.status_code == status, username
    assert checked == [PASSWORD, PASSWORD, "wrong", PASSWORD]
