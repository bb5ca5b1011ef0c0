"""Users, passwords, sign-in sessions and the login rate limit.

Sessions and login attempts live in the database, so several workers agree on them. Wrong
passwords are throttled per username for untrusted clients, per trusted device, and per client
address (see web.accounts.devices): a stranger cannot lock an owner out of their own browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import os
import re
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from kernel import audit
from kernel.access import Actor, Role
from kernel.db.engine import Base, Database, PreparedRead, UTCDateTime
from kernel.errors import ConflictError, InvalidInputError, NotFoundError, TooManyAttemptsError
from kernel.text import check_text
from web.accounts.codes import NO_PASSWORD
from web.accounts.passwords import check_password_policy

_hasher = PasswordHasher()
T = TypeVar("T")


@functools.cache
def _stand_in_hash() -> str:
    """A hash of a random secret, for the logins of users that do not exist."""
    return _hasher.hash(secrets.token_urlsafe(32))


USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")


class UserEvent(StrEnum):
    """What happens to a user, as the audit log names it."""

    USER_CREATED = "user_created"  # detail: username, role, entrepreneur_id (bulk: a batch)
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"  # a wrong password for this username; counted for the limit
    LOGOUT = "logout"
    USER_DISABLED = "user_disabled"  # by an admin: every session of the user ends at once
    USER_ENABLED = "user_enabled"
    ROLE_CHANGED = "user_role_changed"  # detail: the role (and entrepreneur) before and after
    PASSWORD_RESET = "user_password_reset"  # by an admin: a one-time code, the password gone
    FIRST_SIGN_IN = "user_first_sign_in"  # the one-time code used; the user set a password
    FIRST_SIGN_IN_FAILED = "user_first_sign_in_failed"  # a wrong or expired code


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    entrepreneur_id: Mapped[int | None] = mapped_column(ForeignKey("entrepreneurs.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    # A one-time sign-in code (web.accounts.codes), argon2-hashed, and when it expires: the
    # first sign-in of a new account, or after a password reset. NULL: none outstanding.
    sign_in_code_hash: Mapped[str | None] = mapped_column(String(200))
    sign_in_code_expires_at: Mapped[datetime | None]


class UserSession(Base):
    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Only a hash of the cookie's token is stored: a copy of the database signs no one in.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    # The trusted device the attempt came from (web.accounts.devices); None: an untrusted client.
    device: Mapped[str | None] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(index=True)


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    username: str
    display_name: str
    role: Role
    entrepreneur_id: int | None
    active: bool

    def actor(self) -> Actor:
        return Actor(self.id, self.username, self.role, self.entrepreneur_id)


def _view(row: object) -> UserView:
    return UserView(
        id=row.id,  # type: ignore[attr-defined]
        username=row.username,  # type: ignore[attr-defined]
        display_name=row.display_name,  # type: ignore[attr-defined]
        role=Role(row.role),  # type: ignore[attr-defined]
        entrepreneur_id=row.entrepreneur_id,  # type: ignore[attr-defined]
        active=row.active,  # type: ignore[attr-defined]
    )


@dataclass(frozen=True, slots=True)
class NewPassword:
    """A new user's password, checked and hashed before any transaction (hashing takes
    ~0.1 s of CPU: never inside a write, see kernel.db.writer)."""

    hash: str

    @classmethod
    def of(cls, password: str, *, username: str = "") -> NewPassword:
        """Hash a password that passes the policy (:mod:`web.accounts.passwords`); the
        username it is for, when known, is one of the words it must not be."""
        check_password_policy(password, username=username)
        return cls(_hasher.hash(password))


def create_user(
    conn: Connection,
    actor: Actor,
    *,
    username: str,
    password: NewPassword,
    role: Role | str,
    now: datetime,
    display_name: str = "",
    entrepreneur_id: int | None = None,
) -> UserView:
    """Create a user; an entrepreneur user must name the entrepreneur it belongs to."""
    actor.require(frozenset({Role.ADMIN}), "create users")
    username = username.strip().lower()
    display_name = " ".join(check_text(display_name, "display_name").split())
    if not USERNAME.match(username):
        raise InvalidInputError(
            "user.username_invalid",
            "ชื่อผู้ใช้ต้องยาว 3-32 ตัวอักษร ใช้ได้เฉพาะ a-z, 0-9, จุด, ขีด และขีดล่าง",
            field="username",
        )
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInputError(
            "user.role_unknown",
            "บทบาทต้องเป็นหนึ่งใน {roles}",
            field="role",
            roles=", ".join(r.value for r in Role),
        ) from None
    if (role == Role.ENTREPRENEUR) != (entrepreneur_id is not None):
        raise InvalidInputError(
            "user.entrepreneur_link",
            "ผู้ใช้บทบาทผู้ประกอบการต้องระบุ entrepreneur_id และมีเพียงบทบาทนี้ที่ระบุได้",
            field="entrepreneur_id",
        )
    if entrepreneur_id is not None:
        exists = conn.execute(
            select(func.count())
            .select_from(Base.metadata.tables["entrepreneurs"])
            .where(Base.metadata.tables["entrepreneurs"].c.id == entrepreneur_id)
        ).scalar()
        if not exists:
            raise NotFoundError(
                "user.entrepreneur_not_found",
                "ไม่พบผู้ประกอบการหมายเลข {entrepreneur_id}",
                field="entrepreneur_id",
                entrepreneur_id=entrepreneur_id,
            )
    try:
        with conn.begin_nested():
            user_id = conn.execute(
                insert(User)
                .values(
                    username=username,
                    display_name=display_name or username,
                    password_hash=password.hash,
                    role=role.value,
                    entrepreneur_id=entrepreneur_id,
                    active=True,
                    created_at=now,
                )
                .returning(User.id)
            ).scalar_one()
    except IntegrityError:
        raise ConflictError(
            "user.username_taken",
            "ชื่อผู้ใช้ '{username}' มีผู้ใช้แล้ว",
            field="username",
            username=username,
        ) from None
    audit.record(
        conn,
        actor,
        UserEvent.USER_CREATED,
        "user",
        user_id,
        now,
        username=username,
        role=role.value,
        entrepreneur_id=entrepreneur_id,
    )
    return get_user(conn, user_id)


def get_user(conn: Connection, user_id: int) -> UserView:
    row = conn.execute(select(User).where(User.id == user_id)).one_or_none()
    if row is None:
        raise NotFoundError("user.not_found", "ไม่พบผู้ใช้หมายเลข {user_id}", user_id=user_id)
    return _view(row)


def _failures_reach(conn: Connection, since: datetime, limit: int, *where: Any) -> bool:
    """At least ``limit`` failed logins matching ``where`` since ``since``: counted up to
    ``limit`` only, so a flood's thousands of failures do not make each refusal slower."""
    recent = (
        select(LoginAttempt.id)
        .where(LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since, *where)
        .limit(limit)
        .subquery()
    )
    return int(conn.execute(select(func.count()).select_from(recent)).scalar_one()) >= limit


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """How many wrong passwords in ``window`` lock: a username for untrusted clients or one
    trusted device (``max_failures``), and one client address over all usernames."""

    max_failures: int
    client_max_failures: int
    window: timedelta


def _check_throttle(
    conn: Connection,
    username: str,
    *,
    client: str,
    device: str | None,
    now: datetime,
    limits: LoginLimits,
) -> None:
    """429 when this username (on this device, or for untrusted clients) or this untrusted
    client has failed too often lately (see web.accounts.devices)."""
    since = now - limits.window
    minutes = int(limits.window.total_seconds() // 60)
    if device is not None:
        locked = _failures_reach(
            conn,
            since,
            limits.max_failures,
            LoginAttempt.username == username,
            LoginAttempt.device == device,
        )
    else:
        locked = _failures_reach(
            conn,
            since,
            limits.max_failures,
            LoginAttempt.username == username,
            LoginAttempt.device.is_(None),
        )
        if not locked and _failures_reach(
            conn,
            since,
            limits.client_max_failures,
            LoginAttempt.client == client[:64],
            LoginAttempt.device.is_(None),
        ):
            raise TooManyAttemptsError(
                "auth.too_many_attempts_client",
                "เข้าสู่ระบบผิดจากเครื่องนี้หลายครั้งเกินไป ลองใหม่ในอีก {minutes} นาที",
                field="username",
                minutes=minutes,
            )
    if locked:
        raise TooManyAttemptsError(
            "auth.too_many_attempts",
            "เข้าสู่ระบบด้วย '{username}' ผิดหลายครั้งเกินไป ลองใหม่ในอีก {minutes} นาที",
            field="username",
            username=username,
            minutes=minutes,
        )


@dataclass(frozen=True, slots=True)
class LoginCandidate:
    """Who a sign-in names, read before the password is checked: the stored hash (a stand-in
    for an unknown or inactive user: the same work, so the answer's time does not tell which
    usernames exist)."""

    username: str
    stored_hash: str
    user: UserView | None
    device: str | None = None  # the trusted device it comes from (None: an untrusted client)


def login_candidate(
    conn: Connection,
    username: str,
    *,
    now: datetime,
    limits: LoginLimits,
    client: str,
    trusted: Callable[[str], str | None] = lambda _: None,
) -> LoginCandidate:
    """Read who is signing in; refuses outright after too many recent failures. ``trusted``
    gives the id of the caller's device when it has signed this username in before."""
    username = username.strip().lower()[:64]
    device = trusted(username)
    _check_throttle(conn, username, client=client, device=device, now=now, limits=limits)
    row = conn.execute(select(User).where(User.username == username)).one_or_none()
    if row is None or not row.active or row.password_hash == NO_PASSWORD:
        return LoginCandidate(username, _stand_in_hash(), None, device)
    return LoginCandidate(username, row.password_hash, _view(row), device)


def password_matches(candidate: LoginCandidate, password: str) -> UserView | None:
    """The user when the password is theirs, else None. CPU only (~0.1 s): run it outside
    any transaction, on a thread."""
    try:
        ok: bool = _hasher.verify(candidate.stored_hash, password)
    except (VerificationError, InvalidHashError):
        ok = False
    return candidate.user if ok else None


def record_login(
    conn: Connection, candidate: LoginCandidate, user: UserView | None, client: str, now: datetime
) -> None:
    """Record the attempt (it counts towards the rate limit) and audit it."""
    ok = user is not None
    username, client = candidate.username, client[:64]
    conn.execute(
        insert(LoginAttempt).values(
            username=username, client=client, device=candidate.device, succeeded=ok, at=now
        )
    )
    if user is None:
        failed = Actor(None, username, Role.CASHIER)
        audit.record(conn, failed, UserEvent.LOGIN_FAILED, "user", None, now, client=client)
    else:
        audit.record(conn, user.actor(), UserEvent.LOGIN, "user", user.id, now, client=client)


def _lowest_priority() -> None:
    """Linux: this thread (and the threads argon2 starts from it) runs only when nothing
    else wants the CPU."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


# Password hashing (~0.15 s of CPU each) runs on one thread per worker, at the lowest CPU
# priority: a flood of wrong passwords queues there, and the tills' event loops keep their
# cores (measured with the checks in threads of normal priority: on PostgreSQL, two workers'
# loops spent ~80% of a flood runnable and waiting for a CPU).
_hashing = ThreadPoolExecutor(1, "otop-password", initializer=_lowest_priority)


async def check_password(candidate: LoginCandidate, password: str) -> UserView | None:
    """:func:`password_matches` on the hashing thread, the event loop free."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_hashing, password_matches, candidate, password)


async def new_password(password: str, *, username: str = "") -> NewPassword:
    """:meth:`NewPassword.of` on the hashing thread, the event loop free."""
    make = functools.partial(NewPassword.of, password, username=username)
    return await asyncio.get_running_loop().run_in_executor(_hashing, make)


async def on_hashing_thread(work: Callable[[], T]) -> T:
    """Other CPU work of accounts (one-time codes: web.accounts.codes) on the hashing thread."""
    return await asyncio.get_running_loop().run_in_executor(_hashing, work)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(conn: Connection, user: UserView, *, now: datetime, hours: int) -> str:
    """A fresh random token for every sign-in (the session changes at login)."""
    token = secrets.token_urlsafe(32)
    conn.execute(
        insert(UserSession).values(
            token_hash=_hash_token(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
            revoked=False,
        )
    )
    return token


def close_session(conn: Connection, token: str, actor: Actor, now: datetime) -> None:
    conn.execute(
        update(UserSession).where(UserSession.token_hash == _hash_token(token)).values(revoked=True)
    )
    audit.record(conn, actor, UserEvent.LOGOUT, "user", actor.user_id, now)


# Every request with a session cookie runs this: compiled once, run on the driver directly.
_SESSION_USER = PreparedRead(
    select(User.id, User.username, User.display_name, User.role, User.entrepreneur_id)
    .join(UserSession, UserSession.user_id == User.id)
    .where(
        UserSession.token_hash == bindparam("token_hash"),
        UserSession.revoked.is_(False),
        UserSession.expires_at > bindparam("now", type_=UTCDateTime()),
        User.active.is_(True),
    )
)


def session_user(db: Database, token: str, now: datetime) -> UserView | None:
    """The signed-in user of a session token: asked of the database on every call (nothing
    kept in memory), so a revoked or expired session or a deactivated user is refused at
    once, in every worker."""
    row = db.lookup(_SESSION_USER, {"token_hash": _hash_token(token), "now": now})
    if row is None:
        return None
    user_id, username, display_name, role, entrepreneur_id = row
    return UserView(user_id, username, display_name, Role(role), entrepreneur_id, True)


_USER_FOR_TOKEN = (
    select(User)
    .join(UserSession, UserSession.user_id == User.id)
    .where(
        UserSession.token_hash == bindparam("token_hash"),
        UserSession.revoked.is_(False),
        UserSession.expires_at > bindparam("now", type_=UTCDateTime()),
        User.active.is_(True),
    )
)


def user_for_token(conn: Connection, token: str, now: datetime) -> UserView | None:
    row = conn.execute(
        _USER_FOR_TOKEN, {"token_hash": _hash_token(token), "now": now}
    ).one_or_none()
    return None if row is None else _view(row)
