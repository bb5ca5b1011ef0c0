"""The audit log: who changed what, when. Append-only.

An action is a member of its domain's documented vocabulary (a ``StrEnum``, stored as its
text): ``CatalogueEvent``, ``PaymentEvent``, ``SaleEvent``, ``TillEvent`` (and the cash
movements' ``CashMovementKind``), ``PayoutEvent``, ``UserEvent``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, TypedDict

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from kernel.access import Actor
from kernel.db.bulk import insert_rows
from kernel.db.engine import Base


class AuditEntry(Base):
    __tablename__ = "audit_log"
    # The log's filter by user reads one user's entries newest first, a page at a time, however
    # long the log (web.accounts.audit_pages).
    __table_args__ = (Index("ix_audit_log_actor_name_id", "actor_name", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditRow(TypedDict):
    """One entry of the log as it is inserted."""

    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    entity: str
    entity_id: str | None
    detail: dict[str, Any]


# Built once: the parameters go separately, so SQLAlchemy's compiled cache serves every call.
_INSERT = insert(AuditEntry)


def entry(
    actor: Actor,
    action: StrEnum,
    entity: str,
    entity_id: object | None,
    at: datetime,
    **detail: Any,
) -> AuditRow:
    """The row :func:`record` appends, for :func:`record_many`."""
    return {
        "at": at,
        "actor_id": actor.user_id,
        "actor_name": actor.username,
        "action": action,
        "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id),
        "detail": detail,
    }


def record(
    conn: Connection,
    actor: Actor,
    action: StrEnum,
    entity: str,
    entity_id: object | None,
    at: datetime,
    **detail: Any,
) -> None:
    """Append one entry in the caller's transaction, so it commits (or not) with the change."""
    conn.execute(_INSERT, entry(actor, action, entity, entity_id, at, **detail))


def record_many(conn: Connection, entries: list[AuditRow]) -> None:
    """Append several entries (rows from :func:`entry`) in one statement, in order."""
    insert_rows(conn, AuditEntry, entries)
