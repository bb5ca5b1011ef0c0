"""Sign in and out over the API; the login page posts here too."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from pydantic import BaseModel, Field

from kernel.clock import Clock
from kernel.db import Database
from web.accounts import BadCredentialsError, UserView, authenticate, close_session, open_session
from web.auth import SESSION_COOKIE, current_user, signed_in
from web.errors import TOO_MANY_ATTEMPTS
from web.settings import Settings


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class MeOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    entrepreneur_id: int | None

    @classmethod
    def of(cls, user: UserView) -> MeOut:
        return cls(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role.value,
            entrepreneur_id=user.entrepreneur_id,
        )


def client_of(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def sign_in(
    request: Request[Any, Any, Any],
    db: Database,
    clock: Clock,
    settings: Settings,
    username: str,
    password: str,
) -> tuple[MeOut, str]:
    now = clock.now()
    previous, previous_token = current_user(request), request.cookies.get(SESSION_COOKIE)
    with db.write() as conn:
        user = authenticate(
            conn,
            username=username,
            password=password,
            client=client_of(request),
            now=now,
            max_failures=settings.login_max_failures,
            window=timedelta(minutes=settings.login_window_minutes),
        )
        token = open_session(conn, user, now=now, hours=settings.session_hours) if user else ""
        if user and previous and previous_token:
            # The session changes at login: the one this browser had is over, whoever's it was.
            close_session(conn, previous_token, previous.actor(), now)
    if user is None:
        raise BadCredentialsError("wrong username or password", field="password")
    me = MeOut.of(user)
    return me, token


def with_session_cookie(response: Response[Any], token: str, settings: Settings) -> Response[Any]:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        path="/",
        max_age=settings.session_hours * 3600,
    )
    return response


@post("/api/v1/auth/login", sync_to_thread=True, status_code=200, responses=TOO_MANY_ATTEMPTS)
def login(
    request: Request[Any, Any, Any],
    data: JSONBody[LoginIn],
    db: NamedDependency[Database],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> Response[MeOut]:
    """Sign in; sets an HttpOnly session cookie. Repeated failures are refused for a while."""
    me, token = sign_in(request, db, clock, settings, data.username, data.password)
    return with_session_cookie(Response(me), token, settings)


@post("/api/v1/auth/logout", sync_to_thread=False, status_code=200, guards=[signed_in])
def logout(
    request: Request[Any, Any, Any], db: NamedDependency[Database], clock: NamedDependency[Clock]
) -> Response[dict[str, str]]:
    token = request.cookies.get(SESSION_COOKIE)
    user = current_user(request)
    if token and user:
        with db.write() as conn:
            close_session(conn, token, user.actor(), clock.now())
    response: Response[dict[str, str]] = Response({"status": "signed out"})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@get("/api/v1/auth/me", sync_to_thread=False, guards=[signed_in])
def me(request: Request[Any, Any, Any]) -> MeOut:
    user = current_user(request)
    assert user is not None
    return MeOut.of(user)


HANDLERS = [login, logout, me]
