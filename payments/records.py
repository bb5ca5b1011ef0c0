"""Reading payments and appending their events: the pieces every payment service shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import select, update
from sqlalchemy.engine import Connection, RowMapping

from kernel import audit
from kernel.access import Actor, Role
from kernel.db.bulk import insert_rows
from kernel.errors import NotFoundError
from payments.models import Payment, PaymentEventRow
from payments.status import EventSource, PaymentEvent, PaymentStatus

# Callbacks act on nobody's behalf; the audit log still names what made the change.
WEBHOOK_ACTOR = Actor(user_id=None, username="webhook", role=Role.ADMIN)
EXPIRY_ACTOR = Actor(user_id=None, username="system", role=Role.ADMIN)


@dataclass(frozen=True, slots=True)
class PaymentView:
    """A payment as the till and the API see it; ``status`` already counts a passed expiry."""

    id: int
    reference: str
    sale_id: int | None
    method: str
    amount_satang: int
    status: str
    payload: str | None
    created_at: datetime
    expires_at: datetime | None
    confirmed_at: datetime | None
    confirmed_by: int | None
    confirmation: str | None
    transaction_id: str | None
    slip_ref: str | None
    version: int
    card_last4: str | None = None  # card: the last four digits (never more)
    approval_code: str | None = None  # card: the terminal's approval code
    tender_name: str | None = None  # other: its name (เป๋าตัง, a voucher)
    tender_ref: str | None = None  # other: its reference


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    payment_id: int | None
    event: str
    at: datetime
    actor_id: int | None
    source: str
    detail: dict[str, Any]


def is_due(row: Mapping[Any, Any] | PaymentView, now: datetime) -> bool:
    """A pending payment whose expiry has passed (stored or not yet stored as expired)."""
    expires_at = row.expires_at if isinstance(row, PaymentView) else row["expires_at"]
    status = row.status if isinstance(row, PaymentView) else row["status"]
    return status == PaymentStatus.PENDING and expires_at is not None and expires_at <= now


def view_of(row: Mapping[Any, Any], now: datetime | None = None) -> PaymentView:
    status = row["status"]
    if now is not None and is_due(row, now):
        status = PaymentStatus.EXPIRED.value
    return PaymentView(
        id=row["id"],
        reference=row["reference"],
        sale_id=row["sale_id"],
        method=row["method"],
        amount_satang=row["amount_satang"],
        status=status,
        payload=row["payload"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        confirmed_at=row["confirmed_at"],
        confirmed_by=row["confirmed_by"],
        confirmation=row["confirmation"],
        transaction_id=row["transaction_id"],
        slip_ref=row["slip_ref"],
        version=row["version"],
        card_last4=row.get("card_last4"),
        approval_code=row.get("approval_code"),
        tender_name=row.get("tender_name"),
        tender_ref=row.get("tender_ref"),
    )


def payment_row(conn: Connection, payment_id: int, *, lock: bool = False) -> RowMapping:
    """The stored row; ``lock`` takes the row lock (PostgreSQL) before a change."""
    query = select(Payment).where(Payment.id == payment_id)
    row = conn.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise NotFoundError(
            "payment.not_found",
            "ไม่พบรายการชำระเงิน id {payment_id}",
            field="payment_id",
            payment_id=payment_id,
        )
    return row


def row_by(
    conn: Connection, column: Any, value: object, *, lock: bool = False
) -> RowMapping | None:
    # Changers lock the row first: on PostgreSQL an event row's foreign key takes a share lock
    # on the payment, and two such holders both updating its unique columns would deadlock.
    query = select(Payment).where(column == value)
    return conn.execute(query.with_for_update() if lock else query).mappings().first()


def append_event(
    conn: Connection,
    now: datetime,
    event: PaymentEvent,
    payment_id: int | None,
    *,
    source: EventSource,
    actor: Actor | None = None,
    **detail: Any,
) -> None:
    append_events(conn, [event_row(now, event, payment_id, source=source, actor=actor, **detail)])


class PaymentEventValues(TypedDict):
    """One payment event as it is inserted."""

    payment_id: int | None
    event: str
    at: datetime
    actor_id: int | None
    source: str
    detail: dict[str, Any]


def event_row(
    now: datetime,
    event: PaymentEvent,
    payment_id: int | None,
    *,
    source: EventSource,
    actor: Actor | None = None,
    **detail: Any,
) -> PaymentEventValues:
    """The row :func:`append_event` writes, for :func:`append_events`."""
    return {
        "payment_id": payment_id,
        "event": event.value,
        "at": now,
        "actor_id": actor.user_id if actor else None,
        "source": source.value,
        "detail": detail,
    }


def append_events(conn: Connection, rows: list[PaymentEventValues]) -> None:
    """Several events (rows from :func:`event_row`) in one statement, in order."""
    insert_rows(conn, PaymentEventRow, rows)


def expire_if_due(conn: Connection, now: datetime, payment_id: int) -> bool:
    """Store a passed expiry now (lazily, so correctness needs no background task)."""
    expired = conn.execute(
        update(Payment)
        .where(
            Payment.id == payment_id,
            Payment.status == PaymentStatus.PENDING.value,
            Payment.expires_at <= now,
        )
        .values(status=PaymentStatus.EXPIRED.value, version=Payment.version + 1)
    ).rowcount
    if expired:
        note_expired(conn, now, payment_id)
    return bool(expired)


def note_expired(conn: Connection, now: datetime, payment_id: int) -> None:
    append_event(conn, now, PaymentEvent.PAYMENT_EXPIRED, payment_id, source=EventSource.SYSTEM)
    audit.record(conn, EXPIRY_ACTOR, PaymentEvent.PAYMENT_EXPIRED, "payment", payment_id, now)


def events_of(conn: Connection, payment_id: int) -> list[EventView]:
    rows = conn.execute(
        select(PaymentEventRow)
        .where(PaymentEventRow.payment_id == payment_id)
        .order_by(PaymentEventRow.id)
    ).mappings()
    return [
        EventView(
            id=r["id"],
            payment_id=r["payment_id"],
            event=r["event"],
            at=r["at"],
            actor_id=r["actor_id"],
            source=r["source"],
            detail=r["detail"] or {},
        )
        for r in rows
    ]
