"""The payment lifecycle: create (cash or PromptPay), read, cancel, expire, confirm.

Services take a connection inside the caller's transaction. A PromptPay payment is pending
until confirmed, expired, cancelled or failed; every change appends a payment event and an
audit entry in the same transaction. Expiry is applied lazily (on every read and write after
it passes) and in bulk by :func:`expire_due`, so no background task is needed for correctness.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, update
from sqlalchemy.engine import Connection

from kernel import audit
from kernel.access import STAFF, Actor
from kernel.errors import InvalidInputError
from payments import promptpay
from payments.confirmations import (
    Outcome,
    OutcomeKind,
    SlipReusedError,
    confirm_by_webhook,
    confirm_manually,
    record_slip_refused,
    slip_reference,
)
from payments.exception_queue import ExceptionView, list_exceptions, resolve_exception
from payments.models import Payment
from payments.records import (
    EventView,
    PaymentView,
    append_event,
    append_events,
    event_row,
    events_of,
    expire_if_due,
    note_expired,
    payment_row,
    view_of,
)
from payments.references import (
    AccountError,
    ReceivingAccount,
    check_account,
    new_reference,
    payment_payload,
)
from payments.status import (
    Confirmation,
    EventSource,
    PaymentEvent,
    PaymentMethod,
    PaymentStatus,
    check_move,
)
from payments.webhook import WebhookEvent

# Below PostgreSQL's INTEGER limit with room to spare: ten million baht in one payment.
MAX_AMOUNT_SATANG = 1_000_000_000
_INSERT_PAYMENT = insert(Payment).returning(*Payment.__table__.c)

__all__ = [
    "MAX_AMOUNT_SATANG",
    "AccountError",
    "EventView",
    "ExceptionView",
    "Outcome",
    "OutcomeKind",
    "PaymentView",
    "ReceivingAccount",
    "SlipReusedError",
    "WebhookEvent",
    "cancel_payment",
    "check_account",
    "confirm_by_webhook",
    "confirm_manually",
    "create_payment",
    "events_of",
    "expire_due",
    "get_payment",
    "list_exceptions",
    "record_slip_refused",
    "resolve_exception",
    "slip_reference",
]


def _checked_amount(amount_satang: object) -> int:
    if isinstance(amount_satang, bool) or not isinstance(amount_satang, int):
        raise InvalidInputError("amount_satang must be whole satang", field="amount_satang")
    if not 0 < amount_satang <= MAX_AMOUNT_SATANG:
        raise InvalidInputError(
            f"amount_satang must be above 0 and at most {MAX_AMOUNT_SATANG}", field="amount_satang"
        )
    return amount_satang


def _checked_method(method: object) -> PaymentMethod:
    try:
        return PaymentMethod(str(method))
    except ValueError:
        raise InvalidInputError(
            f"method must be cash or promptpay, not {method!r}", field="method"
        ) from None


def create_payment(
    conn: Connection,
    actor: Actor,
    now: datetime,
    *,
    amount_satang: int,
    method: str,
    sale_id: int | None = None,
    account: ReceivingAccount,
    expiry: timedelta,
) -> PaymentView:
    """A PromptPay payment (pending, with a dynamic QR for the exact amount) or a cash one
    (confirmed at once: the cashier holds the money)."""
    actor.require(STAFF, "take payments")
    amount = _checked_amount(amount_satang)
    kind = _checked_method(method)
    if sale_id is not None and (isinstance(sale_id, bool) or not isinstance(sale_id, int)):
        raise InvalidInputError("sale_id must be a whole number", field="sale_id")
    reference = new_reference()
    row: dict[str, object] = {"reference": reference, "sale_id": sale_id, "method": kind.value,
                              "amount_satang": amount, "created_at": now,
                              "created_by": actor.user_id, "version": 1}  # fmt: skip
    if kind == PaymentMethod.PROMPTPAY:
        try:
            payload = payment_payload(account, reference, amount)
        except promptpay.PromptPayError as error:
            raise InvalidInputError(str(error), field="amount_satang") from None
        row.update(status=PaymentStatus.PENDING.value, payload=payload, expires_at=now + expiry)
    else:
        row.update(status=PaymentStatus.CONFIRMED.value, confirmed_at=now,
                   confirmed_by=actor.user_id, confirmation=Confirmation.CASH.value)  # fmt: skip
    # RETURNING the whole row: the view is of the stored row, without reading it again.
    stored = conn.execute(_INSERT_PAYMENT, row).mappings().one()
    _note_created(conn, actor, now, stored["id"], kind, amount, reference, sale_id)
    return view_of(stored)


def _note_created(
    conn: Connection,
    actor: Actor,
    now: datetime,
    payment_id: int,
    kind: PaymentMethod,
    amount: int,
    reference: str,
    sale_id: int | None,
) -> None:
    detail = {"method": kind.value, "amount_satang": amount, "reference": reference}
    user = EventSource.USER
    events = [event_row(now, PaymentEvent.PAYMENT_CREATED, payment_id, source=user, actor=actor,
                        sale_id=sale_id, **detail)]  # fmt: skip
    if kind == PaymentMethod.CASH:
        events.append(event_row(now, PaymentEvent.PAYMENT_CONFIRMED, payment_id, source=user,
                                actor=actor, confirmation=Confirmation.CASH.value))  # fmt: skip
    append_events(conn, events)
    audit.record(conn, actor, "payment_created", "payment", payment_id, now, **detail)


def get_payment(conn: Connection, payment_id: int, now: datetime | None = None) -> PaymentView:
    """The payment; given ``now``, a pending one past its expiry reads as expired."""
    return view_of(payment_row(conn, payment_id), now)


def cancel_payment(conn: Connection, actor: Actor, now: datetime, payment_id: int) -> PaymentView:
    """Withdraw a pending payment (the customer changed their mind, the sale was voided)."""
    actor.require(STAFF, "cancel payments")
    payment_row(conn, payment_id, lock=True)
    expire_if_due(conn, now, payment_id)
    changed = conn.execute(
        update(Payment)
        .where(Payment.id == payment_id, Payment.status == PaymentStatus.PENDING.value)
        .values(status=PaymentStatus.CANCELLED.value, version=Payment.version + 1)
    ).rowcount
    if not changed:
        check_move(payment_row(conn, payment_id)["status"], PaymentStatus.CANCELLED)
    append_event(
        conn, now, PaymentEvent.PAYMENT_CANCELLED, payment_id, source=EventSource.USER, actor=actor
    )
    audit.record(conn, actor, "payment_cancelled", "payment", payment_id, now)
    return view_of(payment_row(conn, payment_id))


def expire_due(conn: Connection, now: datetime) -> list[int]:
    """Store every passed expiry of a pending payment; returns the ids that expired."""
    expired = (
        conn.execute(
            update(Payment)
            .where(Payment.status == PaymentStatus.PENDING.value, Payment.expires_at <= now)
            .values(status=PaymentStatus.EXPIRED.value, version=Payment.version + 1)
            .returning(Payment.id)
        )
        .scalars()
        .all()
    )
    for payment_id in sorted(expired):
        note_expired(conn, now, payment_id)
    return sorted(expired)
