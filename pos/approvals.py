"""A manager's approval is used once: its id is recorded with the sale or refund it approved.

The token (signed, naming its action and subject) is checked by the web layer; what reaches
the domain is an :class:`ApprovalGrant`, and the use is written in the sale's or refund's own
transaction, so a second use is refused even when two workers race (the table's primary key).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from kernel.errors import ForbiddenError
from pos.models import ApprovalUse

FIELD = "approval_token"
# The action of an approval of a whole cart as the till shows it: its discounts, its prices
# changed at the till and, when it says so, its lines sold short of the books.
SALE_APPROVAL = "sale"


@dataclass(frozen=True, slots=True)
class ApprovalGrant:
    """A checked approval: its unique id, who gave it and for what action."""

    approval_id: str
    approver_id: int
    action: str


def approval_used_error() -> ForbiddenError:
    return ForbiddenError("approval.used", "การอนุมัตินี้ใช้ไปแล้ว: ขอให้ผู้จัดการอนุมัติอีกครั้ง", field=FIELD)


def used_approvals(conn: Connection, approval_ids: Iterable[str]) -> set[str]:
    """Which of these approvals have been used already."""
    ids = sorted(set(approval_ids))
    if not ids:
        return set()
    found = conn.execute(select(ApprovalUse.approval_id).where(ApprovalUse.approval_id.in_(ids)))
    return set(found.scalars())


def record_uses(conn: Connection, uses: Iterable[tuple[ApprovalGrant, datetime]]) -> None:
    """Record the approvals as used (each with when), in the caller's transaction: an
    IntegrityError when one was used meanwhile, and the caller's savepoint decides what follows."""
    rows = [
        {
            "approval_id": g.approval_id,
            "action": g.action,
            "approver_id": g.approver_id,
            "used_at": at,
        }
        for g, at in uses
    ]
    if rows:
        conn.execute(insert(ApprovalUse), rows)


def use_approval(conn: Connection, grant: ApprovalGrant, now: datetime) -> None:
    """Record one approval as used; 403 ``approval.used`` when it was used before."""
    try:
        with conn.begin_nested():
            record_uses(conn, [(grant, now)])
    except IntegrityError:
        raise approval_used_error() from None
