"""Users over JSON, for admins: list and search, create (with a password, or a one-time sign-in
code), disable, enable, reset a password, change a role, and create the accounts of many
entrepreneurs at once. The use cases (CPU hashing first, then one write) are shared with the
pages (web.accounts.admin_pages).
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from kernel.access import Actor, Role
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import InvalidInputError
from web.accounts import administration as admin
from web.accounts import codes
from web.accounts.auth import admin_only
from web.accounts.schemas import (
    EntrepreneurAccountsIn,
    EntrepreneurAccountsOut,
    RoleIn,
    SlipOut,
    UserIn,
    UserOut,
)
from web.accounts.users import UserView, create_user, new_password, on_hashing_thread


def sign_in_url(request: Request[Any, Any, Any]) -> str:
    """The address printed on the slips: this server's first-sign-in page."""
    return str(request.base_url).rstrip("/") + "/welcome"


def out(row: admin.UserRow) -> UserOut:
    return UserOut(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role.value,
        entrepreneur_id=row.entrepreneur_id,
        active=row.active,
        status=row.status.value,
        entrepreneur_code=row.entrepreneur_code,
        code_expires_at=row.code_expires_at.isoformat() if row.code_expires_at else None,
    )


def parse_role(text: str | None) -> Role | None:
    if not text:
        return None
    try:
        return Role(text)
    except ValueError:
        raise InvalidInputError(
            "user.role_unknown",
            "บทบาทต้องเป็นหนึ่งใน {roles}",
            field="role",
            roles=", ".join(r.value for r in Role),
        ) from None


def parse_status(text: str | None) -> admin.UserStatus | None:
    if not text:
        return None
    try:
        return admin.UserStatus(text)
    except ValueError:
        raise InvalidInputError(
            "user.status_unknown",
            "สถานะต้องเป็นหนึ่งใน {statuses}",
            field="status",
            statuses=", ".join(s.value for s in admin.UserStatus),
        ) from None


def _entrepreneur(db: Database, entrepreneur_id: int | None, code: str | None) -> int | None:
    if entrepreneur_id is not None or not code:
        return entrepreneur_id
    with db.read() as conn:
        return admin.entrepreneur_id_of(conn, code)


async def add_user(
    db: Database,
    actor: Actor,
    clock: Clock,
    *,
    username: str,
    role: Role | str,
    display_name: str = "",
    password: str | None = None,
    entrepreneur_id: int | None = None,
    entrepreneur_code: str | None = None,
) -> tuple[UserView, codes.IssuedCode | None]:
    """A new user with the password given, or else with a one-time code (returned once)."""
    actor.require(admin.ADMINS_ONLY, "create users")
    entrepreneur_id = _entrepreneur(db, entrepreneur_id, entrepreneur_code)
    now = clock.now()
    if password is not None:
        hashed = await new_password(password, username=username.strip().lower())
        user = await db.writer.run(
            lambda conn: create_user(
                conn,
                actor,
                username=username,
                password=hashed,
                role=role,
                now=now,
                display_name=display_name,
                entrepreneur_id=entrepreneur_id,
            )
        )
        return user, None
    issued = await on_hashing_thread(functools.partial(codes.issue, now, codes.NEW_ACCOUNT_DAYS))
    user = await db.writer.run(
        lambda conn: admin.create_user_with_code(
            conn,
            actor,
            username=username,
            role=role,
            issued=issued,
            now=now,
            display_name=display_name,
            entrepreneur_id=entrepreneur_id,
        )
    )
    return user, issued


async def reset(
    db: Database, actor: Actor, clock: Clock, user_id: int
) -> tuple[UserView, codes.IssuedCode]:
    actor.require(admin.ADMINS_ONLY, "reset passwords")
    now = clock.now()
    issued = await on_hashing_thread(functools.partial(codes.issue, now, codes.RESET_DAYS))
    user = await db.writer.run(
        lambda conn: admin.reset_password(conn, actor, user_id, issued=issued, now=now)
    )
    return user, issued


async def set_role(
    db: Database,
    actor: Actor,
    clock: Clock,
    user_id: int,
    role: Role | str,
    entrepreneur_id: int | None = None,
    entrepreneur_code: str | None = None,
) -> UserView:
    entrepreneur_id = _entrepreneur(db, entrepreneur_id, entrepreneur_code)
    now = clock.now()
    return await db.writer.run(
        lambda conn: admin.change_role(
            conn, actor, user_id, role=role, now=now, entrepreneur_id=entrepreneur_id
        )
    )


async def set_active(
    db: Database, actor: Actor, clock: Clock, user_id: int, active: bool
) -> UserView:
    now = clock.now()
    return await db.writer.run(
        lambda conn: admin.set_active(conn, actor, user_id, active=active, now=now)
    )


async def enrol_entrepreneurs(
    db: Database,
    actor: Actor,
    clock: Clock,
    *,
    codes_: list[str],
    district_id: int | None,
    all_without_account: bool,
) -> tuple[list[admin.Slip], datetime]:
    """Choose (a read), hash one code each (CPU, before the write), create all in one write."""
    actor.require(admin.ADMINS_ONLY, "create users")
    with db.read() as conn:
        chosen = admin.choose_entrepreneurs(
            conn, codes=codes_, district_id=district_id, all_without_account=all_without_account
        )
    now = clock.now()
    issued = await on_hashing_thread(
        functools.partial(codes.issue_many, len(chosen), now, codes.NEW_ACCOUNT_DAYS)
    )
    slips = await db.writer.run(
        lambda conn: admin.create_entrepreneur_accounts(conn, actor, chosen, issued, now)
    )
    return slips, codes.expiry_of(now, codes.NEW_ACCOUNT_DAYS)


def _user_out(db: Database, user_id: int, **extra: Any) -> UserOut:
    with db.read() as conn:
        (row,) = admin.search_users(conn, user_id=user_id)
    return out(row).model_copy(update=extra)


class UsersApi(Controller):
    """Users, for admins."""

    path = "/api/v1/users"
    guards = [admin_only]

    @get("", sync_to_thread=False)
    def users_index(
        self,
        db: NamedDependency[Database],
        q: FromQuery[str] = "",
        role: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
    ) -> list[UserOut]:
        """Users by username; ``q`` searches username, name and entrepreneur code, ``role``
        and ``status`` (active, awaiting, disabled) filter."""
        wanted_role, wanted_status = parse_role(role), parse_status(status)
        with db.read() as conn:
            rows = admin.search_users(conn, q=q[:64], role=wanted_role, status=wanted_status)
        return [out(r) for r in rows]

    @post("", status_code=201)
    async def users_create(
        self,
        data: JSONBody[UserIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> UserOut:
        """Create a user. Without a password, the answer's ``sign_in_code`` (shown once,
        stored only hashed, valid 30 days) lets the user set their own at first sign-in."""
        user, issued = await add_user(
            db,
            actor,
            clock,
            username=data.username,
            role=data.role,
            display_name=data.display_name,
            password=data.password,
            entrepreneur_id=data.entrepreneur_id,
            entrepreneur_code=data.entrepreneur_code,
        )
        if issued is None:
            return _user_out(db, user.id)
        return _user_out(db, user.id, sign_in_code=issued.code)

    @post("/{user_id:int}/disable", status_code=200)
    async def users_disable(
        self,
        user_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> UserOut:
        """Disable a user: their sessions end at once and they cannot sign in. Not oneself,
        not the last active admin."""
        user = await set_active(db, actor, clock, user_id, False)
        return _user_out(db, user.id)

    @post("/{user_id:int}/enable", status_code=200)
    async def users_enable(
        self,
        user_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> UserOut:
        user = await set_active(db, actor, clock, user_id, True)
        return _user_out(db, user.id)

    @post("/{user_id:int}/reset-password", status_code=200)
    async def users_reset_password(
        self,
        user_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> UserOut:
        """The user's password stops working and their sessions end; the answer's
        ``sign_in_code`` (shown once, valid 7 days) lets them set a new one themselves."""
        user, issued = await reset(db, actor, clock, user_id)
        return _user_out(db, user.id, sign_in_code=issued.code)

    @post("/{user_id:int}/role", status_code=200)
    async def users_change_role(
        self,
        user_id: FromPath[int],
        data: JSONBody[RoleIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> UserOut:
        """Change a user's role. Not one's own, and never the last active admin's."""
        user = await set_role(
            db, actor, clock, user_id, data.role, data.entrepreneur_id, data.entrepreneur_code
        )
        return _user_out(db, user.id)

    @post("/entrepreneur-accounts", status_code=201)
    async def users_entrepreneur_accounts(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[EntrepreneurAccountsIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> EntrepreneurAccountsOut:
        """Create the accounts of many entrepreneurs in one transaction (all or none), each
        with a one-time first-sign-in code (valid 30 days): shown in this answer only."""
        slips, expires_at = await enrol_entrepreneurs(
            db,
            actor,
            clock,
            codes_=data.codes,
            district_id=data.district_id,
            all_without_account=data.all_without_account,
        )
        return EntrepreneurAccountsOut(
            count=len(slips),
            expires_at=expires_at.isoformat(),
            sign_in_url=sign_in_url(request),
            slips=[
                SlipOut(
                    user_id=s.user_id,
                    entrepreneur_code=s.entrepreneur_code,
                    name_th=s.name_th,
                    username=s.username,
                    sign_in_code=s.code,
                    expires_at=s.expires_at.isoformat(),
                )
                for s in slips
            ],
        )
