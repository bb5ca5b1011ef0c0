"""The administration of users, for admins: the list, accounts given with a one-time sign-in
code, disabling and enabling, resetting a password, changing a role, and the accounts of many
entrepreneurs at once.

Rules: only an admin administers users; an admin does not disable, reset or change the role of
themselves (another admin does), and the last active admin is never disabled or demoted (the
active admins are read with a row lock, so two admins demoting each other at once cannot both
succeed). Disabling ends every session of the user in the same transaction. Every action is
audited with a ``UserEvent``. Codes are hashed before the transaction (web.accounts.codes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.engine import Connection

from inventory.models import District, Entrepreneur
from kernel import audit
from kernel.access import Actor, Role
from kernel.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from web.accounts.codes import NO_PASSWORD, IssuedCode
from web.accounts.users import (
    NewPassword,
    User,
    UserEvent,
    UserSession,
    UserView,
    create_user,
    get_user,
)

ADMINS_ONLY = frozenset({Role.ADMIN})
# At most this many accounts in one bulk creation (a district's entrepreneurs fit many times).
MAX_BULK = 2000


class UserStatus(StrEnum):
    """A user's status as the list filters it."""

    ACTIVE = "active"  # signs in with their own password
    AWAITING = "awaiting"  # holds a one-time code: has not set a password yet
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class UserRow:
    """A user as the admin's list shows them."""

    id: int
    username: str
    display_name: str
    role: Role
    entrepreneur_id: int | None
    entrepreneur_code: str | None
    active: bool
    awaiting_password: bool
    code_expires_at: datetime | None
    created_at: datetime

    @property
    def status(self) -> UserStatus:
        if not self.active:
            return UserStatus.DISABLED
        return UserStatus.AWAITING if self.awaiting_password else UserStatus.ACTIVE


def search_users(
    conn: Connection,
    *,
    q: str = "",
    role: Role | None = None,
    status: UserStatus | None = None,
    limit: int = 500,
    user_id: int | None = None,
) -> list[UserRow]:
    """Users whose username, name or entrepreneur code holds ``q``, of a role and status."""
    query = (
        select(User, Entrepreneur.code.label("entrepreneur_code"))
        .outerjoin(Entrepreneur, Entrepreneur.id == User.entrepreneur_id)
        .order_by(User.username)
        .limit(limit)
    )
    if user_id is not None:
        query = query.where(User.id == user_id)
    text = q.strip().lower()
    if text:
        like = f"%{text.replace('%', '').replace('_', '')}%"
        query = query.where(
            or_(
                func.lower(User.username).like(like),
                func.lower(User.display_name).like(like),
                func.lower(Entrepreneur.code).like(like),
            )
        )
    if role is not None:
        query = query.where(User.role == role.value)
    if status == UserStatus.DISABLED:
        query = query.where(User.active.is_(False))
    elif status == UserStatus.AWAITING:
        query = query.where(User.active.is_(True), User.password_hash == NO_PASSWORD)
    elif status == UserStatus.ACTIVE:
        query = query.where(User.active.is_(True), User.password_hash != NO_PASSWORD)
    return [
        UserRow(
            id=r.id,
            username=r.username,
            display_name=r.display_name,
            role=Role(r.role),
            entrepreneur_id=r.entrepreneur_id,
            entrepreneur_code=r.entrepreneur_code,
            active=r.active,
            awaiting_password=r.password_hash == NO_PASSWORD,
            code_expires_at=r.sign_in_code_expires_at,
            created_at=r.created_at,
        )
        for r in conn.execute(query)
    ]


def entrepreneur_id_of(conn: Connection, code: str) -> int:
    """The id of the entrepreneur with this code (as people type it: any case, spaces)."""
    found = conn.execute(
        select(Entrepreneur.id).where(func.upper(Entrepreneur.code) == code.strip().upper())
    ).scalar()
    if found is None:
        raise NotFoundError(
            "user.entrepreneur_code_unknown",
            "ไม่พบผู้ประกอบการรหัส '{code}'",
            field="entrepreneur_code",
            code=code.strip()[:20],
        )
    return int(found)


def _set_code(conn: Connection, user_id: int, issued: IssuedCode) -> None:
    conn.execute(
        update(User)
        .where(User.id == user_id)
        .values(
            password_hash=NO_PASSWORD,
            sign_in_code_hash=issued.hash,
            sign_in_code_expires_at=issued.expires_at,
        )
    )


def create_user_with_code(
    conn: Connection,
    actor: Actor,
    *,
    username: str,
    role: Role | str,
    issued: IssuedCode,
    now: datetime,
    display_name: str = "",
    entrepreneur_id: int | None = None,
) -> UserView:
    """A user without a password of their own: they sign in once with the code and set it."""
    user = create_user(
        conn,
        actor,
        username=username,
        password=NewPassword(NO_PASSWORD),
        role=role,
        now=now,
        display_name=display_name,
        entrepreneur_id=entrepreneur_id,
    )
    _set_code(conn, user.id, issued)
    return user


def _target(conn: Connection, actor: Actor, user_id: int, action: str) -> UserView:
    actor.require(ADMINS_ONLY, action)
    user = get_user(conn, user_id)
    if user.id == actor.user_id:
        raise ForbiddenError(
            "user.not_yourself",
            "ผู้ดูแลทำรายการนี้กับบัญชีของตนเองไม่ได้ ให้ผู้ดูแลอีกคนทำแทน",
            field="user_id",
        )
    return user


def _keep_an_admin(conn: Connection, user: UserView) -> None:
    """Refuse when ``user`` is the last active admin (the admins' rows locked till commit)."""
    if user.role != Role.ADMIN or not user.active:
        return
    admins = conn.execute(
        select(User.id)
        .where(User.role == Role.ADMIN.value, User.active.is_(True))
        .with_for_update()
    ).all()
    if len(admins) <= 1:
        raise ConflictError(
            "user.last_admin",
            "ต้องมีผู้ดูแลระบบที่ใช้งานได้อย่างน้อยหนึ่งคน: เพิ่มผู้ดูแลอีกคนก่อน",
            field="user_id",
        )


def end_sessions(conn: Connection, user_id: int) -> int:
    """Revoke every open session of the user; how many there were."""
    result = conn.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked.is_(False))
        .values(revoked=True)
    )
    return int(result.rowcount or 0)


def set_active(
    conn: Connection, actor: Actor, user_id: int, *, active: bool, now: datetime
) -> UserView:
    """Disable (every session ends at once, no sign-in) or enable a user again."""
    user = _target(conn, actor, user_id, "disable users")
    if user.active == active:
        return user
    if not active:
        _keep_an_admin(conn, user)
    conn.execute(update(User).where(User.id == user.id).values(active=active))
    ended = end_sessions(conn, user.id) if not active else 0
    event = UserEvent.USER_ENABLED if active else UserEvent.USER_DISABLED
    detail = {"username": user.username} | ({} if active else {"sessions_ended": ended})
    audit.record(conn, actor, event, "user", user.id, now, **detail)
    return get_user(conn, user.id)


def change_role(
    conn: Connection,
    actor: Actor,
    user_id: int,
    *,
    role: Role | str,
    now: datetime,
    entrepreneur_id: int | None = None,
) -> UserView:
    """Give a user another role; the entrepreneur role names the entrepreneur, no other does."""
    user = _target(conn, actor, user_id, "change roles")
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
    if role == user.role and entrepreneur_id == user.entrepreneur_id:
        return user
    if role != Role.ADMIN:
        _keep_an_admin(conn, user)
    conn.execute(
        update(User)
        .where(User.id == user.id)
        .values(role=role.value, entrepreneur_id=entrepreneur_id)
    )
    audit.record(
        conn,
        actor,
        UserEvent.ROLE_CHANGED,
        "user",
        user.id,
        now,
        username=user.username,
        role_before=user.role.value,
        role=role.value,
        entrepreneur_id_before=user.entrepreneur_id,
        entrepreneur_id=entrepreneur_id,
    )
    return get_user(conn, user.id)


def reset_password(
    conn: Connection, actor: Actor, user_id: int, *, issued: IssuedCode, now: datetime
) -> UserView:
    """The user's password no longer signs in, their sessions end, and ``issued`` is their
    one-time code: with it they set a password of their own."""
    user = _target(conn, actor, user_id, "reset passwords")
    _set_code(conn, user.id, issued)
    ended = end_sessions(conn, user.id)
    audit.record(
        conn,
        actor,
        UserEvent.PASSWORD_RESET,
        "user",
        user.id,
        now,
        username=user.username,
        code_expires_at=issued.expires_at.isoformat(),
        sessions_ended=ended,
    )
    return user


# --- the accounts of many entrepreneurs at once ----------------------------------------------


@dataclass(frozen=True, slots=True)
class Enrolment:
    """An entrepreneur who is to get an account, read before the codes are hashed."""

    entrepreneur_id: int
    code: str
    name_th: str
    name_en: str
    district_th: str
    username: str


@dataclass(frozen=True, slots=True)
class Slip:
    """One entrepreneur's first-sign-in slip: shown once, the code never stored."""

    user_id: int
    entrepreneur_code: str
    name_th: str
    name_en: str
    district_th: str
    username: str
    code: str
    expires_at: datetime


def username_of(entrepreneur_code: str) -> str:
    """An entrepreneur's username: ``ent-`` and the code, lower case (``ent-cm0001``)."""
    return f"ent-{entrepreneur_code.strip().lower()}"


def choose_entrepreneurs(
    conn: Connection,
    *,
    codes: Sequence[str] = (),
    district_id: int | None = None,
    all_without_account: bool = False,
) -> list[Enrolment]:
    """Who gets an account: the given codes (each must exist, be active and have no account
    yet: one refusal lists every one that does not), or the active entrepreneurs without an
    account of a district, or of all districts."""
    has_account = select(User.id).where(User.entrepreneur_id == Entrepreneur.id).exists()
    query = (
        select(
            Entrepreneur.id,
            Entrepreneur.code,
            Entrepreneur.name_th,
            Entrepreneur.name_en,
            Entrepreneur.active,
            District.name_th.label("district_th"),
            has_account.label("has_account"),
        )
        .join(District, District.id == Entrepreneur.district_id)
        .order_by(District.name_th, Entrepreneur.code)
    )
    wanted = list(dict.fromkeys(c.strip().upper() for c in codes if c.strip()))
    if wanted:
        if len(wanted) > MAX_BULK:
            raise _too_many(len(wanted))
        rows = conn.execute(query.where(func.upper(Entrepreneur.code).in_(wanted))).all()
        found = {r.code.upper(): r for r in rows}
        unknown = [c for c in wanted if c not in found]
        taken = [found[c].code for c in wanted if c in found and found[c].has_account]
        inactive = [found[c].code for c in wanted if c in found and not found[c].active]
        if unknown or taken or inactive:
            raise InvalidInputError(
                "user.bulk_codes_refused",
                "สร้างบัญชีไม่ได้: ไม่พบรหัส {unknown}; มีบัญชีแล้ว {taken}; เลิกใช้งานแล้ว {inactive}",
                field="codes",
                unknown=", ".join(unknown[:50]) or "-",
                taken=", ".join(taken[:50]) or "-",
                inactive=", ".join(inactive[:50]) or "-",
            )
        rows = [found[c] for c in wanted]
    elif district_id is not None or all_without_account:
        query = query.where(Entrepreneur.active.is_(True), ~has_account)
        if district_id is not None:
            query = query.where(Entrepreneur.district_id == district_id)
        rows = conn.execute(query.limit(MAX_BULK + 1)).all()
        if len(rows) > MAX_BULK:
            raise _too_many(len(rows))
    else:
        raise InvalidInputError(
            "user.bulk_choose",
            "เลือกผู้ประกอบการ: ตามอำเภอ ทุกรายที่ยังไม่มีบัญชี หรือวางรหัส",
            field="codes",
        )
    return [
        Enrolment(r.id, r.code, r.name_th, r.name_en, r.district_th, username_of(r.code))
        for r in rows
    ]


def _too_many(count: int) -> InvalidInputError:
    return InvalidInputError(
        "user.bulk_too_many",
        "สร้างได้ครั้งละไม่เกิน {max} บัญชี (เลือกไว้ {count}): แบ่งตามอำเภอ",
        field="codes",
        max=MAX_BULK,
        count=count,
    )


def create_entrepreneur_accounts(
    conn: Connection,
    actor: Actor,
    enrolments: Sequence[Enrolment],
    issued: Sequence[IssuedCode],
    now: datetime,
) -> list[Slip]:
    """Every account in the caller's one transaction, all or none: refused whole when any
    entrepreneur got an account meanwhile or a username is taken."""
    actor.require(ADMINS_ONLY, "create users")
    if not enrolments:
        raise InvalidInputError(
            "user.bulk_none",
            "ไม่มีผู้ประกอบการที่ต้องสร้างบัญชี: ทุกรายที่เลือกมีบัญชีแล้ว",
            field="codes",
        )
    ids = [e.entrepreneur_id for e in enrolments]
    names = [e.username for e in enrolments]
    clash = conn.execute(
        select(User.username).where(or_(User.entrepreneur_id.in_(ids), User.username.in_(names)))
    ).scalars()
    taken = sorted(clash)
    if taken:
        raise ConflictError(
            "user.bulk_taken",
            "มีบัญชีอยู่แล้ว ไม่ได้สร้างบัญชีใดเลย: {usernames}",
            field="codes",
            usernames=", ".join(taken[:50]),
        )
    conn.execute(
        insert(User),
        [
            {
                "username": e.username,
                "display_name": e.name_th,
                "password_hash": NO_PASSWORD,
                "role": Role.ENTREPRENEUR.value,
                "entrepreneur_id": e.entrepreneur_id,
                "active": True,
                "created_at": now,
                "sign_in_code_hash": code.hash,
                "sign_in_code_expires_at": code.expires_at,
            }
            for e, code in zip(enrolments, issued, strict=True)
        ],
    )
    user_ids = dict(
        conn.execute(select(User.username, User.id).where(User.username.in_(names))).all()
    )
    audit.record_many(
        conn,
        [
            audit.entry(
                actor,
                UserEvent.USER_CREATED,
                "user",
                user_ids[e.username],
                now,
                username=e.username,
                role=Role.ENTREPRENEUR.value,
                entrepreneur_id=e.entrepreneur_id,
                bulk=len(enrolments),
            )
            for e in enrolments
        ],
    )
    return [
        Slip(
            user_id=user_ids[e.username],
            entrepreneur_code=e.code,
            name_th=e.name_th,
            name_en=e.name_en,
            district_th=e.district_th,
            username=e.username,
            code=code.code,
            expires_at=code.expires_at,
        )
        for e, code in zip(enrolments, issued, strict=True)
    ]
