"""The first sign-in with a one-time code: a phone-first Thai page (``/welcome``) and its API.

The person types their username, the code from their slip (or from the admin, after a reset)
and a password of their own, twice. Nothing else is possible with the code: there is no
session until the password is set, and the same step signs them in. The code's check and the
new password's hash are CPU work done before the write; the write uses the code only if it is
still the one checked (two tabs racing: one wins, the other is told the code is used).
A wrong code counts towards the sign-in rate limit as a wrong password does.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel, Field
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from kernel import audit
from kernel.access import Actor, Role
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import BadCredentialsError, DomainError, InvalidInputError
from web.accounts.auth_api import client_of, device_of, limits_of, with_session_cookie
from web.accounts.codes import code_matches
from web.accounts.passwords import MAX_PASSWORD, MIN_PASSWORD, check_password_policy
from web.accounts.schemas import MeOut
from web.accounts.users import (
    LoginAttempt,
    LoginLimits,
    NewPassword,
    User,
    UserEvent,
    _check_throttle,
    _view,
    new_password,
    on_hashing_thread,
    open_session,
)
from web.errors import TOO_MANY_ATTEMPTS, status_of
from web.i18n import thai_datetime
from web.pages import home_of, page, redirect, said
from web.settings import Settings


@dataclass(frozen=True, slots=True)
class CodeCandidate:
    """Who a first sign-in names, read before the code is checked."""

    username: str
    user_id: int | None
    stored_hash: str | None  # None: no such active user, or no code outstanding
    expires_at: datetime | None
    device: str | None


def code_candidate(
    conn: Connection,
    username: str,
    *,
    now: datetime,
    limits: LoginLimits,
    client: str,
    device: str | None,
) -> CodeCandidate:
    username = username.strip().lower()[:64]
    _check_throttle(conn, username, client=client, device=device, now=now, limits=limits)
    row = conn.execute(select(User).where(User.username == username)).one_or_none()
    if row is None or not row.active or row.sign_in_code_hash is None:
        return CodeCandidate(username, None, None, None, device)
    return CodeCandidate(
        username, row.id, row.sign_in_code_hash, row.sign_in_code_expires_at, device
    )


class Outcome(StrEnum):
    SIGNED_IN = "signed_in"
    WRONG = "wrong"  # no such user, no code, a wrong code, or the code just used elsewhere
    EXPIRED = "expired"


def finish(
    conn: Connection,
    candidate: CodeCandidate,
    matched: bool,
    password: NewPassword | None,
    *,
    client: str,
    now: datetime,
    session_hours: int,
) -> tuple[Outcome, str]:
    """Record the attempt; when the code is right and current, set the password, use up the
    code and open a session (its token returned)."""
    client = client[:64]
    outcome = Outcome.WRONG
    if matched and candidate.expires_at is not None and candidate.expires_at <= now:
        outcome = Outcome.EXPIRED
    elif matched and password is not None:
        used = conn.execute(
            update(User)
            .where(
                User.id == candidate.user_id,
                User.active.is_(True),
                User.sign_in_code_hash == candidate.stored_hash,
            )
            .values(
                password_hash=password.hash, sign_in_code_hash=None, sign_in_code_expires_at=None
            )
        )
        if used.rowcount == 1:
            outcome = Outcome.SIGNED_IN
    conn.execute(
        insert(LoginAttempt).values(
            username=candidate.username,
            client=client,
            device=candidate.device,
            # An expired but right code is no guess: it does not count towards the limit.
            succeeded=outcome != Outcome.WRONG,
            at=now,
        )
    )
    if outcome != Outcome.SIGNED_IN:
        failed = Actor(None, candidate.username, Role.CASHIER)
        audit.record(
            conn,
            failed,
            UserEvent.FIRST_SIGN_IN_FAILED,
            "user",
            candidate.user_id,
            now,
            client=client,
            reason=outcome.value,
        )
        return outcome, ""
    row = conn.execute(select(User).where(User.id == candidate.user_id)).one()
    user = _view(row)
    audit.record(conn, user.actor(), UserEvent.FIRST_SIGN_IN, "user", user.id, now, client=client)
    return outcome, open_session(conn, user, now=now, hours=session_hours)


async def first_sign_in(
    request: Request[Any, Any, Any],
    db: Database,
    clock: Clock,
    settings: Settings,
    *,
    username: str,
    code: str,
    password: str,
    password_again: str | None = None,
) -> tuple[MeOut, str]:
    """Check the code, set the password, sign in; refusals as DomainErrors."""
    if password_again is not None and password != password_again:
        raise InvalidInputError(
            "welcome.passwords_differ",
            "รหัสผ่านสองช่องไม่ตรงกัน พิมพ์ใหม่อีกครั้ง",
            field="password_again",
        )
    check_password_policy(password, username=username.strip().lower())  # before any hashing
    now = clock.now()
    device = device_of(request, settings)
    name = username.strip().lower()[:64]
    with db.read() as conn:
        candidate = code_candidate(
            conn,
            name,
            now=now,
            limits=limits_of(settings),
            client=client_of(request),
            device=device.trusted_for(name) if device else None,
        )
    matched = bool(
        await on_hashing_thread(functools.partial(code_matches, candidate.stored_hash, code))
    )
    fresh = matched and (candidate.expires_at is None or candidate.expires_at > now)
    hashed = await new_password(password, username=name) if fresh else None
    outcome, token = await db.writer.run(
        lambda conn: finish(
            conn,
            candidate,
            matched,
            hashed,
            client=client_of(request),
            now=now,
            session_hours=settings.session_hours,
        )
    )
    if outcome == Outcome.EXPIRED:
        raise BadCredentialsError(
            "welcome.code_expired",
            "รหัสใช้ครั้งเดียวนี้หมดอายุแล้วเมื่อ {expired} ขอรหัสใหม่จากเจ้าหน้าที่ศูนย์",
            field="code",
            expired=thai_datetime(candidate.expires_at),
        )
    if outcome == Outcome.WRONG:
        raise BadCredentialsError(
            "welcome.code_wrong",
            "ชื่อผู้ใช้หรือรหัสใช้ครั้งเดียวไม่ถูกต้อง หรือรหัสนี้ใช้ไปแล้ว",
            field="code",
        )
    with db.read() as conn:
        user = _view(conn.execute(select(User).where(User.username == name)).one())
    return MeOut.of(user), token


class FirstSignInIn(BaseModel):
    """A username, the one-time code, and the password the person chooses."""

    username: str = Field(min_length=1, max_length=64)
    code: str = Field(min_length=1, max_length=40)
    password: str = Field(min_length=1, max_length=256)


class FirstSignInForm(BaseModel):
    username: str = ""
    code: str = ""
    password: str = ""
    password_again: str = ""


class WelcomeController(Controller):
    """First sign-in with a one-time code, as a page and over JSON."""

    @get("/welcome", sync_to_thread=False, include_in_schema=False)
    def welcome_page(self, request: Request[Any, Any, Any]) -> Template:
        return _welcome(request, error=None, field=None, username=request.query_params.get("u", ""))

    @post("/welcome", include_in_schema=False)
    async def welcome_form(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[FirstSignInForm],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        try:
            me, token = await first_sign_in(
                request,
                db,
                clock,
                settings,
                username=data.username[:64],
                code=data.code[:40],
                password=data.password[:256],
                password_again=data.password_again[:256],
            )
        except DomainError as error:
            keep_code = error.field in ("password", "password_again")
            response = _welcome(
                request,
                error=said(request, error),
                field=error.field,
                username=data.username[:64],
                code=data.code[:40] if keep_code else "",
            )
            response.status_code = status_of(error)
            return response
        return with_session_cookie(
            redirect(home_of(me.role)), token, settings, request, me.username
        )

    @post("/api/v1/auth/first-sign-in", status_code=200, responses=TOO_MANY_ATTEMPTS)
    async def first_sign_in_api(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[FirstSignInIn],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Response[MeOut]:
        """Sign in for the first time with a one-time code, setting one's own password (the
        password policy applies); sets the session cookie as a login does."""
        me, token = await first_sign_in(
            request,
            db,
            clock,
            settings,
            username=data.username,
            code=data.code,
            password=data.password,
        )
        return with_session_cookie(Response(me), token, settings, request, me.username)


def _welcome(
    request: Request[Any, Any, Any],
    *,
    error: str | None,
    field: str | None,
    username: str = "",
    code: str = "",
) -> Template:
    return page(
        request,
        "welcome.html",
        error=error,
        field=field,
        username=username,
        code=code,
        min_length=MIN_PASSWORD,
        max_length=MAX_PASSWORD,
    )
