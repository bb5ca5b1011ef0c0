"""Users (admin) and the audit log (managers)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody
from litestar.response import Template
from sqlalchemy import select

from kernel.access import Actor
from kernel.audit import AuditEntry
from kernel.clock import Clock
from kernel.db.engine import Database
from web.accounts.auth import admin_only, managers_only
from web.accounts.schemas import AuditOut, UserIn, UserOut
from web.accounts.users import create_user, list_users, new_password
from web.pages import page


def _audit(db: Database, limit: int, action: str | None) -> list[AuditOut]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(min(max(limit, 1), 500))
    if action:
        query = query.where(AuditEntry.action == action)
    with db.read() as conn:
        return [
            AuditOut(
                id=r.id,
                at=r.at.isoformat(),
                actor=r.actor_name,
                action=r.action,
                entity=r.entity,
                entity_id=r.entity_id,
                detail=r.detail or {},
            )
            for r in conn.execute(query)
        ]


class UsersController(Controller):
    """Users and the audit log, for managers."""

    @get("/api/v1/users", sync_to_thread=False, guards=[admin_only])
    def users_index(self, db: NamedDependency[Database]) -> list[UserOut]:
        with db.read() as conn:
            return [
                UserOut(
                    id=u.id,
                    username=u.username,
                    display_name=u.display_name,
                    role=u.role.value,
                    entrepreneur_id=u.entrepreneur_id,
                    active=u.active,
                )
                for u in list_users(conn)
            ]

    @post("/api/v1/users", guards=[admin_only], status_code=201)
    async def users_create(
        self,
        data: JSONBody[UserIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> UserOut:
        """Create a user; an entrepreneur user names the entrepreneur whose data it may see."""
        password = await new_password(data.password, username=data.username)  # hashed first
        now = clock.now()
        user = await db.writer.run(
            lambda conn: create_user(
                conn,
                actor,
                username=data.username,
                password=password,
                role=data.role,
                now=now,
                display_name=data.display_name,
                entrepreneur_id=data.entrepreneur_id,
            )
        )
        return UserOut(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role.value,
            entrepreneur_id=user.entrepreneur_id,
            active=user.active,
        )

    @get("/api/v1/audit", sync_to_thread=True, guards=[managers_only])
    def audit_index(
        self,
        db: NamedDependency[Database],
        limit: FromQuery[int] = 100,
        action: FromQuery[str | None] = None,
    ) -> list[AuditOut]:
        """The newest audit entries first."""
        return _audit(db, limit, action)

    @get("/admin/audit", sync_to_thread=True, guards=[managers_only], include_in_schema=False)
    def audit_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        action: FromQuery[str | None] = None,
    ) -> Template:
        return page(request, "audit.html", entries=_audit(db, 200, action), action=action)
