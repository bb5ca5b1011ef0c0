"""Who is asking: the session cookie, its CSRF token, the guards per role, and the injected
actor.

Outside demo mode both cookies are ``Secure`` and named ``__Host-`` (so the browser takes them
only from this exact origin over HTTPS, with ``Path=/`` and no ``Domain``: a sibling subdomain
cannot plant one). Demo mode keeps plain names and no ``Secure``: it is run over plain HTTP on a
shop's network.

A signed-in session's CSRF token is derived from the session token (:func:`session_csrf_token`):
a token from an anonymous page, or another session's, is refused on an unsafe request once
signed in (403 ``csrf.invalid``); a safe request hands out the session's own (the till asks
``GET /api/v1/auth/me`` on ``csrf.invalid`` and sends again).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.middleware.csrf import generate_csrf_hash
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from kernel.access import MANAGERS, STAFF, Actor, Role
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.db.writer import serving
from kernel.errors import ForbiddenError
from web.accounts.users import UserView, session_user
from web.errors import SignInRequiredError
from web.settings import Settings

SESSION_COOKIE = "otop_session"
CSRF_COOKIE = "csrftoken"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Guards are coroutines: Litestar runs a plain function guard in a worker thread, a hop that
# cost more than the check itself on every request (profiled).
Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]


def session_cookie_name(settings: Settings) -> str:
    return SESSION_COOKIE if settings.demo else f"__Host-{SESSION_COOKIE}"


def csrf_cookie_name(settings: Settings) -> str:
    return CSRF_COOKIE if settings.demo else f"__Host-{CSRF_COOKIE}"


def session_csrf_token(secret: str, session_token: str) -> str:
    """The CSRF token of a session, in Litestar's shape (64 hex characters, then their HMAC
    with the secret, so Litestar's own check passes it) with the 64 characters an HMAC of the
    session token: only this session's pages can know it, and every worker agrees."""
    message = b"otop-pos csrf of session " + session_token.encode()
    nonce = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return nonce + generate_csrf_hash(nonce, secret)


def csrf_cookie(settings: Settings, token: str) -> Cookie:
    """The CSRF cookie (read by the pages' scripts, so not HttpOnly)."""
    return Cookie(
        key=csrf_cookie_name(settings),
        value=token,
        path="/",
        secure=not settings.demo,
        httponly=False,
        samesite="strict",
    )


class SessionMiddleware(ASGIMiddleware):
    """Puts the signed-in user (or None) in ``scope['user']`` from the session cookie, and
    holds a signed-in request to its session's CSRF token."""

    scopes = ("http", "websocket")  # type: ignore[assignment]

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = None
        state = scope["litestar_app"].state  # type: ignore[typeddict-item]
        settings: Settings = state.settings
        # Static files need no user: skip the session lookup on the busiest path there is.
        static = scope["path"].startswith("/static/")
        token = None if static else _cookie(scope, session_cookie_name(settings))
        if token:
            db: Database = state.db
            clock: Clock = state.clock
            user = scope["user"] = session_user(db, token, clock.now())
            if user is not None and scope["type"] == "http":
                send = _held_to_session(scope, send, settings, token, state.csrf_exempt)
        with serving():  # every write of a handler on the loop goes through db.writer.run
            await next_app(scope, receive, send)


def _held_to_session(
    scope: Scope, send: Send, settings: Settings, token: str, exempt: frozenset[str]
) -> Send:
    """A signed-in request must carry its session's CSRF token: an unsafe one without it is
    refused; a safe one is served with the session's token (the page's forms and scripts
    read it) and the cookie is set to it."""
    name = csrf_cookie_name(settings)
    own = session_csrf_token(settings.secret, token)
    if _cookie(scope, name) == own or scope["path"] in exempt:
        return send
    if scope.get("method") not in SAFE_METHODS:
        # "CSRF" in the detail: web.errors answers it as csrf.invalid, as Litestar's own check.
        raise PermissionDeniedException("CSRF token is not this session's")
    _replace_cookie(scope, name, own)
    header = csrf_cookie(settings, own).to_header(header="")

    async def send_with_cookie(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableScopeHeaders.from_message(message).add("set-cookie", header)
        await send(message)

    return send_with_cookie


def _replace_cookie(scope: Scope, name: str, value: str) -> None:
    """The request's Cookie header, with ``name`` set to ``value`` (as the browser will send
    it from now on), so Litestar's CSRF middleware serves the page with that token."""
    others = [
        part.strip()
        for key, raw in scope.get("headers", [])
        if key == b"cookie"
        for part in raw.decode("latin-1").split(";")
        if part.strip() and part.strip().partition("=")[0] != name
    ]
    headers = [(key, raw) for key, raw in scope.get("headers", []) if key != b"cookie"]
    headers.append((b"cookie", "; ".join([*others, f"{name}={value}"]).encode("latin-1")))
    scope["headers"] = headers


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
