"""A manager approves a cashier's discount or refund by typing their own password."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from kernel.access import MANAGERS, Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import BadCredentialsError, ForbiddenError
from web.accounts.approvals import Approval, issue
from web.accounts.auth import staff_only
from web.accounts.auth_api import authenticate, client_of, with_device_cookie
from web.accounts.schemas import ApprovalIn
from web.accounts.users import record_login
from web.errors import TOO_MANY_ATTEMPTS
from web.settings import Settings


class ApprovalsApi(Controller):
    """A manager's approval, asked for at the till."""

    path = "/api/v1"
    guards = [staff_only]

    @post(
        "/approvals",
        status_code=201,
        responses=TOO_MANY_ATTEMPTS,
    )
    async def approval_create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ApprovalIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Response[Approval]:
        """A manager's (or admin's) approval for the signed-in cashier: a token for one use on
        the subject named (``discount``: the cart's lines and cart discount; ``refund``: the
        sale and its lines) that lives five minutes, to send as ``approval_token`` with that
        sale or refund. 401 wrong password (counted like a failed login, throttled as sign-in
        is), 403 when the approver is not a manager."""
        now = clock.now()
        candidate, approver = await authenticate(
            request, db, settings, now, data.username, data.password
        )
        client = client_of(request)
        # The attempt is recorded even when refused (it counts like a failed login).
        await db.writer.run(lambda conn: record_login(conn, candidate, approver, client, now))
        if approver is None:
            raise BadCredentialsError(
                "auth.bad_credentials", "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", field="password"
            )
        if approver.role not in MANAGERS:
            raise ForbiddenError(
                "approval.not_a_manager",
                "ผู้อนุมัติต้องเป็นผู้จัดการหรือผู้ดูแลระบบ",
                field="username",
            )
        approval = issue(
            settings.secret,
            approver_id=approver.id,
            approver_name=approver.display_name or approver.username,
            cashier_id=actor.user_id,
            action=data.action,
            subject=data.subject(),
            now=now,
        )
        # The till's browser is now trusted for the manager: a cashier guessing there cannot
        # lock the manager out anywhere else (web.accounts.devices).
        return with_device_cookie(
            Response(approval, status_code=201), request, approver.username, settings
        )
