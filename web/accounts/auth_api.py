"""Sign in and out over the API; the login page posts here too."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from sqlalchemy.engine import Connection

from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import BadCredentialsError
from web.accounts.auth import (
    csrf_cookie,
    current_user,
    session_cookie_name,
    session_csrf_token,
    signed_in,
)
from web.accounts.devices import (
    DEVICE_COOKIE,
    MAX_AGE_SECONDS,
    Device,
    device_cookie,
    read_device,
)
from web.accounts.schemas import LoginIn, MeOut
from web.accounts.users import (
    LoginCandidate,
    LoginLimits,
    UserView,
    check_password,
    close_session,
    login_candidate,
    open_session,
    record_login,
)
from web.errors import TOO_MANY_ATTEMPTS
from web.settings import Settings


def client_of(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def device_of(request: Request[Any, Any, Any], settings: Settings) -> Device | None:
    """The request's device cookie, when it is genuine."""
    return read_device(settings.secret, request.cookies.get(DEVICE_COOKIE))


def limits_of(settings: Settings) -> LoginLimits:
    return LoginLimits(
        max_failures=settings.login_max_failures,
        client_max_failures=settings.login_client_max_failures,
        window=timedelta(minutes=settings.login_window_minutes),
    )


async def authenticate(
    request: Request[Any, Any, Any],
    db: Database,
    settings: Settings,
    now: datetime,
    username: str,
    password: str,
) -> tuple[LoginCandidate, UserView | None]:
    """Who signs in and whether the password is theirs: a read, then the hash check on a
    thread (never inside a write transaction). Too many recent failures: 429 at once, counted
    for this browser when its device cookie has signed the username in before, else for
    untrusted clients (per username, and per client address)."""
    device = device_of(request, settings)
    with db.read() as conn:
        candidate = login_candidate(
            conn,
            username,
            now=now,
            limits=limits_of(settings),
            client=client_of(request),
            trusted=device.trusted_for if device else lambda _: None,
        )
    return candidate, await check_password(candidate, password)


def with_device_cookie(
    response: Response[Any], request: Request[Any, Any, Any], username: str, settings: Settings
) -> Response[Any]:
    """Trust this browser for ``username`` from now on (after the right password)."""
    cookie = device_cookie(settings.secret, device_of(request, settings), username)
    response.set_cookie(
        DEVICE_COOKIE, cookie, httponly=True, samesite="lax", path="/", max_age=MAX_AGE_SECONDS
    )
    return response


async def sign_in(
    request: Request[Any, Any, Any],
    db: Database,
    clock: Clock,
    settings: Settings,
    username: str,
    password: str,
) -> tuple[MeOut, str]:
    now = clock.now()
    previous = current_user(request)
    previous_token = request.cookies.get(session_cookie_name(settings))
    candidate, user = await authenticate(request, db, settings, now, username, password)

    def record(conn: Connection) -> str:
        record_login(conn, candidate, user, client_of(request), now)
        if user is None:
            return ""
        if previous and previous_token:
            # The session changes at login: the one this browser had is over, whoever's it was.
            close_session(conn, previous_token, previous.actor(), now)
        return open_session(conn, user, now=now, hours=settings.session_hours)

    token = await db.writer.run(record)  # the attempt is recorded even when refused
    if user is None:
        raise BadCredentialsError("auth.bad_credentials", "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", field="password")
    return MeOut.of(user), token


def with_session_cookie(
    response: Response[Any],
    token: str,
    settings: Settings,
    request: Request[Any, Any, Any],
    username: str,
) -> Response[Any]:
    """The new session's cookie (HttpOnly; Secure and ``__Host-`` outside demo mode), its CSRF
    token, which replaces the anonymous page's (see web.accounts.auth), and the device cookie
    that trusts this browser for the user."""
    with_device_cookie(response, request, username, settings)
    response.set_cookie(
        session_cookie_name(settings),
        token,
        httponly=True,
        samesite="lax",
        path="/",
        secure=not settings.demo,
        max_age=settings.session_hours * 3600,
    )
    response.set_cookie(csrf_cookie(settings, session_csrf_token(settings.secret, token)))
    return response


def without_session_cookie(response: Response[Any], settings: Settings) -> Response[Any]:
    """Expire the session cookie (a ``__Host-`` cookie, even an expired one, is taken only
    when Secure)."""
    response.set_cookie(
        session_cookie_name(settings),
        "",
        httponly=True,
        samesite="lax",
        path="/",
        secure=not settings.demo,
        max_age=0,
    )
    return response


async def sign_out(
    request: Request[Any, Any, Any], db: Database, clock: Clock, settings: Settings
) -> None:
    """End the request's session, if it has one."""
    token = request.cookies.get(session_cookie_name(settings))
    user = current_user(request)
    if token and user:
        now = clock.now()
        await db.writer.run(lambda conn: close_session(conn, token, user.actor(), now))


class AuthApi(Controller):
    """Signing in and out over JSON, and who is signed in."""

    path = "/api/v1/auth"

    @post("/login", status_code=200, responses=TOO_MANY_ATTEMPTS)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[LoginIn],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Response[MeOut]:
        """Sign in; sets an HttpOnly session cookie. Repeated failures are refused for a while."""
        me, token = await sign_in(request, db, clock, settings, data.username, data.password)
        return with_session_cookie(Response(me), token, settings, request, me.username)

    @post("/logout", status_code=200, guards=[signed_in])
    async def logout(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Response[dict[str, str]]:
        await sign_out(request, db, clock, settings)
        response: Response[dict[str, str]] = Response({"status": "signed out"})
        return without_session_cookie(response, settings)

    @get("/me", sync_to_thread=False, guards=[signed_in])
    def me(self, request: Request[Any, Any, Any]) -> MeOut:
        user = current_user(request)
        assert user is not None
        return MeOut.of(user)
