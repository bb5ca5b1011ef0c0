"""Entrepreneurs' accounts as people reach them: who may see which balance and statement.

An entrepreneur sees only their own (another's is "not found", so ids cannot be probed);
cashiers see no balances at all; managers and admins see everyone's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from inventory.models import Entrepreneur
from kernel.access import Actor, Role
from kernel.errors import ForbiddenError, NotFoundError
from payments.ledger.balance_rules import EntrepreneurBalance
from payments.ledger.balances import Statement, read_balance, read_statement


def check_access(conn: Connection, actor: Actor, entrepreneur_id: int) -> None:
    """403 for a cashier; 404 for an entrepreneur that does not exist or is someone else."""
    if actor.role == Role.CASHIER:
        raise ForbiddenError("balance.cashier_may_not_see", "พนักงานขายดูยอดเงินของผู้ประกอบการไม่ได้")
    if not actor.may_see_entrepreneur(entrepreneur_id) or (
        conn.execute(select(Entrepreneur.id).where(Entrepreneur.id == entrepreneur_id)).first()
        is None
    ):
        raise NotFoundError(
            "balance.entrepreneur_not_found",
            "ไม่พบผู้ประกอบการ {entrepreneur_id}",
            field="entrepreneur_id",
            entrepreneur_id=entrepreneur_id,
        )


def entrepreneur_balance(
    conn: Connection, actor: Actor, entrepreneur_id: int, now: datetime, refund_window: timedelta
) -> EntrepreneurBalance:
    check_access(conn, actor, entrepreneur_id)
    return read_balance(conn, entrepreneur_id, now, refund_window)


def entrepreneur_statement(
    conn: Connection, actor: Actor, entrepreneur_id: int, start: date, end: date
) -> Statement:
    check_access(conn, actor, entrepreneur_id)
    return read_statement(conn, entrepreneur_id, start, end)
