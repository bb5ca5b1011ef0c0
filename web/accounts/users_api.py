"""Users (admin) and the audit log (managers)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template
from sqlalchemy import select

from kernel.audit import AuditEntry
from kernel.db.engine import Database
from web.accounts.auth import managers_only
from web.accounts.schemas import AuditOut
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
