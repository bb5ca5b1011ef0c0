"""A manager approves a cashier's discount or refund by typing their own password."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from pydantic import BaseModel, Field

from kernel.access import MANAGERS, Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import ForbiddenError
from web.accounts import BadCredentialsError, record_login
from web.approvals import Approval, ApprovalAction, issue
from web.auth import staff_only
from web.controllers.auth import authenticate, client_of
from web.errors import TOO_MANY_ATTEMPTS
from web.settings import Settings


class ApprovalIn(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=256)]
    action: ApprovalAction


@post(
    "/api/v1/approvals",
    guards=[staff_only],
    status_code=201,
    responses=TOO_MANY_ATTEMPTS,
)
async def approval_create(
    request: Request[Any, Any, Any],
    data: JSONBody[ApprovalIn],
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> Approval:
    """A manager's (or admin's) approval for the signed-in cashier: a token that lives five
    minutes, to send as ``approval_token`` with the sale or refund. 401 wrong password
    (counted like a failed login), 403 when the approver is not a manager."""
    now = clock.now()
    candidate, approver = await authenticate(
        request, db, settings, now, data.username, data.password
    )
    client = client_of(request)
    # The attempt is recorded even when refused (it counts like a failed login).
    await db.writer.run(lambda conn: record_login(conn, candidate, approver, client, now))
    if approver is None:
        raise BadCredentialsError("wrong username or password", field="password")
    if approver.role not in MANAGERS:
        raise ForbiddenError("only a manager or an admin can approve", field="username")
    return issue(
        settings.secret, approver_id=approver.id,
        approver_name=approver.display_name or approver.username, cashier_id=actor.user_id,
        action=data.action, now=now,
    )  # fmt: skip


HANDLERS = [approval_create]
