"""The session lookup every request makes asks the database each time: a session revoked or a
user deactivated by anyone (another worker, an admin's SQL) is refused at the next request."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import update

from kernel.access import Role
from kernel.db.engine import Database
from tests.api.conftest import LoginAs
from web.accounts.users import User, UserSession

pytestmark = pytest.mark.anyio


async def test_a_session_revoked_in_the_database_is_refused_at_the_next_request(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database
) -> None:
    await login_as(Role.CASHIER)
    assert (await client.get("/api/v1/auth/me")).status_code == 200
    with db.write() as conn:
        conn.execute(update(UserSession).values(revoked=True))
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_a_deactivated_user_is_signed_out_at_the_next_request(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database
) -> None:
    await login_as(Role.MANAGER)
    me = await client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["role"] == "manager"
    with db.write() as conn:
        conn.execute(update(User).values(active=False))
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_an_unknown_token_is_no_session(client: AsyncTestClient[Any]) -> None:
    client.cookies.set("otop_session", "not-a-token-anyone-was-given")
    assert (await client.get("/api/v1/auth/me")).status_code == 401
