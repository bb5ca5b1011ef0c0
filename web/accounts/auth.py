"""Who is asking: the session cookie, the guards per role, and the injected actor."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from kernel.access import MANAGERS, STAFF, Actor, Role
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.db.writer import serving
from kernel.errors import ForbiddenError
from web.accounts.users import UserView, session_user
from web.errors import SignInRequiredError

SESSION_COOKIE = "otop_session"
# Guards are coroutines: Litestar runs a plain function guard in a worker thread, a hop that
# cost more than the check itself on every request (profiled).
Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]


class SessionMiddleware(ASGIMiddleware):
    """Puts the signed-in user (or None) in ``scope['user']`` from the session cookie."""

    scopes = ("http", "websocket")  # type: ignore[assignment]

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = None
        # Static files need no user: skip the session lookup on the busiest path there is.
        token = None if scope["path"].startswith("/static/") else _cookie(scope, SESSION_COOKIE)
        if token:
            state = scope["litestar_app"].state  # type: ignore[typeddict-item]
            db: Database = state.db
            clock: Clock = state.clock
            scope["user"] = session_user(db, token, clock.now())
        with serving():  # every write of a handler on the loop goes through db.writer.run
            await next_app(scope, receive, send)


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name and v:
                    return v
    return None


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> UserView | None:
    return connection.scope.get("user")  # type: ignore[return-value]


def requires(roles: frozenset[Role]) -> Guard:
    """A guard admitting only the given roles (401 when signed out, 403 for other roles)."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = current_user(connection)
        if user is None:
            raise SignInRequiredError("auth.required", "กรุณาเข้าสู่ระบบก่อน")
        if user.role not in roles:
            raise ForbiddenError(
                "auth.forbidden",
                "ผู้ใช้บทบาท {role} ไม่มีสิทธิ์ใช้ {path}",
                role=user.role.value,
                path=connection.scope["path"],
            )

    return guard


signed_in = requires(frozenset(Role))
staff_only = requires(STAFF)
managers_only = requires(MANAGERS)
admin_only = requires(frozenset({Role.ADMIN}))


def provide_actor(request: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    user = current_user(request)
    if user is None:
        raise SignInRequiredError("auth.required", "กรุณาเข้าสู่ระบบก่อน")
    return user.actor()
