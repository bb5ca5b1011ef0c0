"""API tests: the real app over AsyncTestClient, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from kernel.access import SYSTEM, Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from web.accounts.users import NewPassword, create_user
from web.app import create_app
from web.settings import Settings

PASSWORD = "correct horse battery"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def app(db: Database, clock: FixedClock) -> Any:
    settings = Settings(demo=True, database_url=db.url)
    return create_app(settings=settings, db=db, clock=clock)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app) as c:
        await c.get("/login")  # any safe request hands out the CSRF cookie
        c.headers["x-csrftoken"] = c.cookies.get("csrftoken", "")
        yield c


def csrf_cookie_of(client: AsyncTestClient[Any]) -> str:
    """The CSRF cookie's token (named __Host-csrftoken outside demo mode)."""
    return str(client.cookies.get("csrftoken") or client.cookies["__Host-csrftoken"])


def make_user(
    db: Database, clock: FixedClock, username: str, role: Role, entrepreneur_id: int | None = None
) -> None:
    with db.write() as conn:
        create_user(
            conn,
            SYSTEM,
            username=username,
            password=NewPassword.of(PASSWORD),
            role=role,
            now=clock.now(),
            entrepreneur_id=entrepreneur_id,
        )


LoginAs = Callable[..., Awaitable[AsyncTestClient[Any]]]


@pytest.fixture
def login_as(client: AsyncTestClient[Any], db: Database, clock: FixedClock) -> LoginAs:
    """Create a user of the role and sign the client in as it."""

    async def login(
        role: Role, entrepreneur_id: int | None = None, username: str | None = None
    ) -> AsyncTestClient[Any]:
        name = username or f"{role.value}1"
        make_user(db, clock, name, role, entrepreneur_id)
        response = await client.post(
            "/api/v1/auth/login", json={"username": name, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        # Signed in, the session's own CSRF token replaces the anonymous page's.
        client.headers["x-csrftoken"] = csrf_cookie_of(client)
        return client

    return login
