"""Money a manager must look at: money that arrived but confirmed nothing (wrong amount, paid
after expiry, a reused bank transaction, paid for a voided sale: an open exception per bank
transaction) and money confirmed for a sale voided since (owed back to the customer: one per
payment), each open until a manager resolves it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from kernel import audit
from kernel.access import MANAGERS, Actor
from kernel.errors import ConflictError, InvalidInputError, NotFoundError
from kernel.text import check_text
from payments.models import PaymentException
from payments.records import append_event
from payments.status import EventSource, ExceptionKind, PaymentEvent

MAX_RESOLUTION = 1000


@dataclass(frozen=True, slots=True)
class ExceptionView:
    id: int
    payment_id: int | None
    kind: str
    transaction_id: str | None
    amount_satang: int | None
    detail: dict[str, Any]
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: int | None
    resolution: str | None


def _view(row: RowMapping) -> ExceptionView:
    return ExceptionView(
        id=row["id"],
        payment_id=row["payment_id"],
        kind=row["kind"],
        transaction_id=row["transaction_id"],
        amount_satang=row["amount_satang"],
        detail=row["detail"] or {},
        created_at=row["created_at"],
        resolved_at=row["resolved_at"],
        resolved_by=row["resolved_by"],
        resolution=row["resolution"],
    )


def exception_for_transaction(conn: Connection, transaction_id: str) -> ExceptionView | None:
    row = (
        conn.execute(
            select(PaymentException).where(PaymentException.transaction_id == transaction_id)
        )
        .mappings()
        .first()
    )
    return None if row is None else _view(row)


def open_exception(
    conn: Connection,
    now: datetime,
    kind: ExceptionKind,
    payment_id: int | None,
    transaction_id: str,
    amount_satang: int,
    **detail: Any,
) -> ExceptionView:
    """Open one exception for a bank transaction; a concurrent twin gets the same one back."""
    try:
        with conn.begin_nested():
            conn.execute(
                insert(PaymentException).values(
                    payment_id=payment_id,
                    kind=kind.value,
                    transaction_id=transaction_id,
                    amount_satang=amount_satang,
                    detail=detail,
                    created_at=now,
                )
            )
    except IntegrityError:
        pass  # the same transaction's exception was opened meanwhile
    found = exception_for_transaction(conn, transaction_id)
    assert found is not None
    return found


def open_refund_owed(
    conn: Connection, now: datetime, payment_id: int, amount_satang: int, **detail: Any
) -> ExceptionView:
    """The customer is owed a confirmed payment back (its sale was voided); one per payment."""
    query = select(PaymentException).where(
        PaymentException.payment_id == payment_id,
        PaymentException.kind == ExceptionKind.REFUND_OWED.value,
    )
    row = conn.execute(query).mappings().first()
    if row is None:
        conn.execute(
            insert(PaymentException).values(
                payment_id=payment_id,
                kind=ExceptionKind.REFUND_OWED.value,
                transaction_id=None,
                amount_satang=amount_satang,
                detail=detail,
                created_at=now,
            )
        )
        row = conn.execute(query).mappings().one()
    return _view(row)


def open_exceptions_of(conn: Connection, payment_ids: list[int]) -> list[ExceptionView]:
    """The open exceptions about these payments."""
    rows = conn.execute(
        select(PaymentException)
        .where(PaymentException.payment_id.in_(payment_ids), PaymentException.resolved_at.is_(None))
        .order_by(PaymentException.id)
    ).mappings()
    return [_view(r) for r in rows]


def exception_by_id(conn: Connection, exception_id: int, *, lock: bool = False) -> ExceptionView:
    query = select(PaymentException).where(PaymentException.id == exception_id)
    row = conn.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise _exception_not_found(exception_id)
    return _view(row)


def _exception_not_found(exception_id: int) -> NotFoundError:
    return NotFoundError(
        "payment.exception_not_found",
        "ไม่พบรายการชำระเงินที่ต้องตรวจสอบ {exception_id}",
        field="exception_id",
        exception_id=exception_id,
    )


def list_exceptions(
    conn: Connection, actor: Actor, *, open_only: bool = True, limit: int = 100, offset: int = 0
) -> list[ExceptionView]:
    """Exceptions, newest first; only the open ones unless ``open_only`` is false."""
    actor.require(MANAGERS, "see payment exceptions")
    query = select(PaymentException).order_by(PaymentException.id.desc())
    if open_only:
        query = query.where(PaymentException.resolved_at.is_(None))
    limit = max(1, min(limit, 500))
    rows = conn.execute(query.limit(limit).offset(max(0, offset))).mappings()
    return [_view(r) for r in rows]


def resolve_exception(
    conn: Connection, actor: Actor, now: datetime, exception_id: int, resolution: str
) -> ExceptionView:
    """Close an exception with what the manager did about it (refunded, accepted, ...)."""
    actor.require(MANAGERS, "resolve payment exceptions")
    text = check_text(resolution, "resolution").strip() if isinstance(resolution, str) else ""
    if not text:
        raise InvalidInputError(
            "payment.resolution_required",
            "กรุณาระบุว่าจัดการรายการนี้อย่างไร",
            field="resolution",
        )
    if len(text) > MAX_RESOLUTION:
        raise InvalidInputError(
            "payment.resolution_too_long",
            "คำอธิบายการจัดการยาวได้ไม่เกิน {limit} ตัวอักษร",
            field="resolution",
            limit=MAX_RESOLUTION,
        )
    row = (
        conn.execute(select(PaymentException).where(PaymentException.id == exception_id))
        .mappings()
        .first()
    )
    if row is None:
        raise _exception_not_found(exception_id)
    done = conn.execute(
        update(PaymentException)
        .where(PaymentException.id == exception_id, PaymentException.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by=actor.user_id, resolution=text)
    ).rowcount
    if not done:
        raise ConflictError("payment.exception_resolved", "รายการนี้ปิดไปแล้ว", field="exception_id")
    append_event(
        conn,
        now,
        PaymentEvent.EXCEPTION_RESOLVED,
        row["payment_id"],
        source=EventSource.USER,
        actor=actor,
        exception_id=exception_id,
        resolution=text,
    )
    audit.record(
        conn,
        actor,
        PaymentEvent.PAYMENT_EXCEPTION_RESOLVED,
        "payment_exception",
        exception_id,
        now,
        resolution=text,
    )
    resolved = (
        conn.execute(select(PaymentException).where(PaymentException.id == exception_id))
        .mappings()
        .one()
    )
    return _view(resolved)
