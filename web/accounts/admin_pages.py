"""The admin's users pages: the list with search and filters, and forms (CSRF) to create a
user, disable or enable, reset a password, change a role; and creating the accounts of many
entrepreneurs at once, answered with their printable first-sign-in sheet.

A one-time code is shown in the answer to the form that made it, once: it is stored only as a
hash, so a lost page means a new reset. A refused form shows the list again with the reason,
with the refusal's status, nothing changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, URLEncodedBody
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy import func, select

from inventory.models import District, Entrepreneur
from kernel.access import Actor, Role
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import DomainError, InvalidInputError
from web.accounts import administration as admin
from web.accounts import codes
from web.accounts.admin_api import (
    add_user,
    enrol_entrepreneurs,
    parse_role,
    parse_status,
    reset,
    set_active,
    set_role,
    sign_in_url,
)
from web.accounts.auth import admin_only
from web.accounts.users import User
from web.errors import status_of
from web.pages import form_id, page, redirect, refusal
from web.settings import Settings

# Codes as people paste them: separated by spaces, commas, semicolons, tabs or lines.
_SEPARATORS = re.compile(r"[\s,;]+")
_HEADERS = frozenset({"CODE", "รหัส", "ENTREPRENEUR_CODE"})


def pasted_codes(text: str, *, first_column: bool = False) -> list[str]:
    """The entrepreneur codes in pasted text, or in an uploaded list (``first_column``: a
    CSV's first column, the other columns of a line skipped), a header word dropped."""
    found = []
    for line in text.splitlines():
        first = line.split(",")[0] if first_column else line
        found += [t.strip().strip('"').upper() for t in _SEPARATORS.split(first) if t.strip()]
    return [c for c in found if c and c.strip('"') not in _HEADERS]


class UserForm(BaseModel):
    username: str = ""
    display_name: str = ""
    role: str = ""
    entrepreneur_code: str = ""


class RoleForm(BaseModel):
    role: str = ""
    entrepreneur_code: str = ""


@dataclass
class EnrolForm:
    codes: str = ""
    district_id: str = ""
    all_without_account: str = ""
    file: UploadFile | None = None


Multipart = Body(media_type=RequestEncodingType.MULTI_PART)


def _districts(db: Database) -> list[Any]:
    """Each district with how many active entrepreneurs have no account yet."""
    has_account = select(User.id).where(User.entrepreneur_id == Entrepreneur.id).exists()
    with db.read() as conn:
        return list(
            conn.execute(
                select(
                    District.id,
                    District.name_th,
                    District.name_en,
                    func.count(Entrepreneur.id).label("waiting"),
                )
                .outerjoin(
                    Entrepreneur,
                    (Entrepreneur.district_id == District.id)
                    & Entrepreneur.active.is_(True)
                    & ~has_account,
                )
                .group_by(District.id, District.name_th, District.name_en)
                .order_by(District.name_th)
            )
        )


class UsersPages(Controller):
    """The users pages, for admins."""

    path = "/admin/users"
    guards = [admin_only]
    include_in_schema = False

    @get("", sync_to_thread=False)
    def users_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        q: FromQuery[str] = "",
        role: FromQuery[str] = "",
        status: FromQuery[str] = "",
    ) -> Template:
        return _list(request, db, q=q, role=role, status=status)

    @post("")
    async def users_create_form(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[UserForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Response[Any]:
        try:
            user, issued = await add_user(
                db,
                actor,
                clock,
                username=data.username[:64],
                role=parse_role(data.role) or "",
                display_name=data.display_name[:200],
                entrepreneur_code=data.entrepreneur_code.strip()[:16] or None,
            )
        except DomainError as error:
            return _list(request, db, error=error, form=data)
        assert issued is not None
        return _code_page(request, db, user.id, issued, created=True)

    @post("/{user_id:int}/disable")
    async def users_disable_form(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Response[Any]:
        try:
            await set_active(db, actor, clock, user_id, False)
        except DomainError as error:
            return _list(request, db, error=error)
        return redirect(f"/admin/users?done=disabled&id={user_id}")

    @post("/{user_id:int}/enable")
    async def users_enable_form(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Response[Any]:
        try:
            await set_active(db, actor, clock, user_id, True)
        except DomainError as error:
            return _list(request, db, error=error)
        return redirect(f"/admin/users?done=enabled&id={user_id}")

    @post("/{user_id:int}/role")
    async def users_role_form(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        data: URLEncodedBody[RoleForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Response[Any]:
        try:
            await set_role(
                db,
                actor,
                clock,
                user_id,
                parse_role(data.role) or "",
                entrepreneur_code=data.entrepreneur_code.strip()[:16] or None,
            )
        except DomainError as error:
            return _list(request, db, error=error)
        return redirect(f"/admin/users?done=role&id={user_id}")

    @post("/{user_id:int}/reset-password")
    async def users_reset_form(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Response[Any]:
        try:
            user, issued = await reset(db, actor, clock, user_id)
        except DomainError as error:
            return _list(request, db, error=error)
        return _code_page(request, db, user.id, issued, created=False)

    @get("/entrepreneurs", sync_to_thread=False)
    def enrol_page(
        self, request: Request[Any, Any, Any], db: NamedDependency[Database]
    ) -> Template:
        return _enrol(request, db)

    @post("/entrepreneurs")
    async def enrol_form(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[EnrolForm, Multipart],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        try:
            chosen = pasted_codes(data.codes)
            if data.file is not None and data.file.filename:
                raw = await data.file.read(settings.max_upload_bytes + 1)
                if len(raw) > settings.max_upload_bytes:
                    raise InvalidInputError(
                        "user.codes_file_too_large",
                        "ไฟล์รายชื่อรหัสใหญ่เกินไป: ใช้ไฟล์ข้อความหรือ CSV ที่มีรหัสคอลัมน์แรก",
                        field="file",
                    )
                chosen += pasted_codes(raw.decode("utf-8-sig", errors="replace"), first_column=True)
            slips, expires_at = await enrol_entrepreneurs(
                db,
                actor,
                clock,
                codes_=chosen,
                district_id=None if chosen else form_id(data.district_id, "district_id"),
                all_without_account=not chosen and bool(data.all_without_account),
            )
        except DomainError as error:
            response = _enrol(request, db, error=error, codes_text=data.codes[:20000])
            response.status_code = status_of(error)
            return response
        return page(
            request,
            "users/sheet.html",
            slips=slips,
            expires_at=expires_at,
            sign_in_url=sign_in_url(request),
            days=codes.NEW_ACCOUNT_DAYS,
        )


def _list(
    request: Request[Any, Any, Any],
    db: Database,
    *,
    q: str = "",
    role: str = "",
    status: str = "",
    error: DomainError | None = None,
    form: UserForm | None = None,
) -> Template:
    try:
        wanted_role, wanted_status = parse_role(role), parse_status(status)
    except DomainError as refused:
        error, wanted_role, wanted_status = refused, None, None
    with db.read() as conn:
        users = admin.search_users(conn, q=q[:64], role=wanted_role, status=wanted_status)
    response = page(
        request,
        "users/users.html",
        users=users,
        q=q,
        role=role,
        status=status,
        roles=[r.value for r in Role],
        statuses=[s.value for s in admin.UserStatus],
        error=refusal(request, error) if error else None,
        form=form or UserForm(),
        done=request.query_params.get("done"),
        new_days=codes.NEW_ACCOUNT_DAYS,
        reset_days=codes.RESET_DAYS,
    )
    if error:
        response.status_code = status_of(error)
    return response


def _code_page(
    request: Request[Any, Any, Any],
    db: Database,
    user_id: int,
    issued: codes.IssuedCode,
    *,
    created: bool,
) -> Template:
    with db.read() as conn:
        (row,) = admin.search_users(conn, user_id=user_id)
    return page(
        request,
        "users/code.html",
        target=row,
        code=issued.code,
        expires_at=issued.expires_at,
        created=created,
        sign_in_url=sign_in_url(request),
        days=codes.NEW_ACCOUNT_DAYS if created else codes.RESET_DAYS,
    )


def _enrol(
    request: Request[Any, Any, Any],
    db: Database,
    *,
    error: DomainError | None = None,
    codes_text: str = "",
) -> Template:
    return page(
        request,
        "users/enrol.html",
        districts=_districts(db),
        error=refusal(request, error) if error else None,
        codes_text=codes_text,
        days=codes.NEW_ACCOUNT_DAYS,
        max_bulk=admin.MAX_BULK,
    )
