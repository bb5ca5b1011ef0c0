"""Confirming a PromptPay payment: by a signed bank callback, or by a cashier (with a slip).

Exactly once under concurrency: the status moves by ``UPDATE ... WHERE status = 'pending'``
and only the caller whose update touched the row has confirmed; the others read the winner.
A bank transaction confirms one payment and a slip is accepted once, both under a unique
constraint, so even a race between two workers cannot use either twice.

A callback is judged by when the customer paid (the bank's signed ``paid_at``): paid within
the QR's validity, it confirms the payment even after it was marked expired, provided the
payment's sale can take the money (``Acceptance``, decided by the caller in pos, which also
completes the sale in the same transaction).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from kernel import audit
from kernel.access import STAFF, Actor
from kernel.errors import ConflictError, InvalidInputError
from payments import promptpay
from payments.exception_queue import exception_for_transaction, open_exception
from payments.models import Payment, PaymentEventRow
from payments.records import (
    WEBHOOK_ACTOR,
    PaymentView,
    append_event,
    expire_if_due,
    payment_row,
    row_by,
    view_of,
)
from payments.status import (
    LATE_CONFIRMABLE,
    Acceptance,
    Confirmation,
    EventSource,
    ExceptionKind,
    PaymentEvent,
    PaymentStatus,
    check_move,
)
from payments.webhook import WebhookEvent

MAX_SLIP = 512


class OutcomeKind(StrEnum):
    CONFIRMED = "confirmed"
    # The bank's word on a transfer a cashier had confirmed already (a QR the till made
    # itself, offline maybe): the payment keeps its confirmation and gains the transaction.
    MATCHED = "matched"
    DUPLICATE = "duplicate"  # this transaction was handled before; nothing changed
    UNKNOWN_REFERENCE = "unknown_reference"
    AMOUNT_MISMATCH = "amount_mismatch"
    NOT_PENDING = "not_pending"  # paid after expiry or cancel, or a second payment
    TRANSACTION_REUSED = "transaction_reused"  # the transaction already confirmed another
    SALE_VOIDED = "sale_voided"  # paid for a sale voided meanwhile: an exception for a manager


_BY_EXCEPTION = {
    ExceptionKind.AMOUNT_MISMATCH: OutcomeKind.AMOUNT_MISMATCH,
    ExceptionKind.PAID_NOT_PENDING: OutcomeKind.NOT_PENDING,
    ExceptionKind.TRANSACTION_REUSED: OutcomeKind.TRANSACTION_REUSED,
    ExceptionKind.PAID_SALE_VOIDED: OutcomeKind.SALE_VOIDED,
    ExceptionKind.REFUND_OWED: OutcomeKind.SALE_VOIDED,
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a callback did; recorded whatever it was, so the caller commits in every case."""

    kind: OutcomeKind
    message: str
    payment: PaymentView | None = None
    exception_id: int | None = None


class SlipReusedError(ConflictError):
    """The slip was already accepted for a payment (a reused slip is a known fraud)."""


def hold_references(conn: Connection, references: Iterable[str]) -> None:
    """PostgreSQL: hold each reference (an advisory lock until the transaction ends, in one
    order), so that a callback naming a reference and the sale bringing a payment with it
    (a QR a till made offline) go one after the other: the later sees what the earlier wrote,
    and the callback is matched whichever comes first. SQLite's single writer does this."""
    if conn.dialect.name != "postgresql":
        return
    for reference in sorted(set(references)):
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (reference,))


def confirm_by_webhook(
    conn: Connection,
    now: datetime,
    event: WebhookEvent,
    *,
    acceptance: Acceptance = Acceptance.ACCEPT,
) -> Outcome:
    """Match a verified callback to its payment and confirm it, or record why not.

    ``acceptance`` says whether the payment's sale can take the money (pos decides: see
    :class:`Acceptance`); a payment of no sale always can."""
    hold_references(conn, [event.reference])
    row = row_by(conn, Payment.reference, event.reference, lock=True)
    if row is None:
        _note(conn, now, PaymentEvent.WEBHOOK_UNKNOWN_REFERENCE, None, event)
        return Outcome(OutcomeKind.UNKNOWN_REFERENCE, f"no payment has reference {event.reference}")
    repeat = _repeat(conn, now, row, event)
    if repeat is not None:
        return repeat
    holder = row_by(conn, Payment.transaction_id, event.transaction_id)
    if holder is not None:
        reused = ExceptionKind.TRANSACTION_REUSED
        return _exception(conn, now, row, event, reused, other_payment_id=holder["id"])
    _note(conn, now, PaymentEvent.WEBHOOK_RECEIVED, row["id"], event)
    if event.amount_satang != row["amount_satang"]:
        mismatch = ExceptionKind.AMOUNT_MISMATCH
        return _exception(conn, now, row, event, mismatch, expected_satang=row["amount_satang"])
    if awaits_bank(row):
        return _bank_matched(conn, now, row, event)
    if acceptance == Acceptance.SALE_VOIDED:
        voided = ExceptionKind.PAID_SALE_VOIDED
        return _exception(
            conn, now, row, event, voided, status=row["status"], sale_id=row["sale_id"]
        )
    if acceptance == Acceptance.SALE_SETTLED:
        settled = ExceptionKind.PAID_NOT_PENDING
        return _exception(conn, now, row, event, settled, status=row["status"], sale_paid=True)
    return _confirm_paid(conn, now, row, event)


def awaits_bank(row: RowMapping) -> bool:
    """Confirmed by a cashier (by eye or slip) and not yet by the bank's callback."""
    return (
        row["status"] == PaymentStatus.CONFIRMED
        and row["confirmation"] in (Confirmation.MANUAL, Confirmation.SLIP)
        and row["transaction_id"] is None
    )


def _bank_matched(conn: Connection, now: datetime, row: RowMapping, event: WebhookEvent) -> Outcome:
    """The bank's word on a transfer the cashier already accepted: the payment keeps its
    confirmation and gains the bank's transaction (once: a transaction names one payment)."""
    try:
        with conn.begin_nested():
            changed = conn.execute(
                update(Payment)
                .where(Payment.id == row["id"], Payment.transaction_id.is_(None))
                .values(transaction_id=event.transaction_id, version=Payment.version + 1)
            ).rowcount
    except IntegrityError:
        return _exception(conn, now, row, event, ExceptionKind.TRANSACTION_REUSED)
    if not changed:  # another callback matched it a moment ago
        current = payment_row(conn, row["id"])
        return _repeat(conn, now, current, event) or _exception(
            conn, now, current, event, ExceptionKind.PAID_NOT_PENDING, status=current["status"]
        )
    append_event(
        conn,
        now,
        PaymentEvent.PAYMENT_BANK_MATCHED,
        row["id"],
        source=EventSource.WEBHOOK,
        **event.as_json(),
    )
    view = view_of(payment_row(conn, row["id"]))
    return Outcome(OutcomeKind.MATCHED, "the bank confirmed the transfer the cashier saw", view)


def early_confirmations(conn: Connection, reference: str) -> list[WebhookEvent]:
    """Callbacks that named ``reference`` before any payment had it: a till's offline QR,
    paid before its sale reached the server. Their payment now exists: replay them."""
    rows = conn.execute(
        select(PaymentEventRow.detail)
        .where(
            PaymentEventRow.event == PaymentEvent.WEBHOOK_UNKNOWN_REFERENCE.value,
            PaymentEventRow.detail["reference"].as_string() == reference,
        )
        .order_by(PaymentEventRow.id)
    ).scalars()
    return [
        WebhookEvent(
            d["reference"],
            int(d["amount_satang"]),
            d["transaction_id"],
            datetime.fromisoformat(d["paid_at"]),
        )
        for d in rows
    ]


def _note(
    conn: Connection, now: datetime, what: PaymentEvent, payment_id: int | None, event: WebhookEvent
) -> None:
    append_event(conn, now, what, payment_id, source=EventSource.WEBHOOK, **event.as_json())


def _confirm_paid(conn: Connection, now: datetime, row: RowMapping, event: WebhookEvent) -> Outcome:
    """The right amount for this reference: confirm, unless someone else moved it first."""
    payment_id, how, tx = row["id"], Confirmation.WEBHOOK, event.transaction_id
    try:
        won = _confirm(conn, now, payment_id, how, None, transaction_id=tx, paid_at=event.paid_at)
    except IntegrityError:  # a twin callback for another payment took the transaction first
        return _exception(conn, now, row, event, ExceptionKind.TRANSACTION_REUSED)
    if won:
        detail: dict[str, Any] = {"confirmation": how.value, "transaction_id": tx}
        if row["status"] != PaymentStatus.PENDING or _passed(row["expires_at"], now):
            detail["late"] = True  # paid in time, told after the QR's expiry
        paid_at = event.paid_at.isoformat()
        append_event(
            conn,
            now,
            PaymentEvent.PAYMENT_CONFIRMED,
            payment_id,
            source=EventSource.WEBHOOK,
            paid_at=paid_at,
            **detail,
        )
        audit.record(
            conn,
            WEBHOOK_ACTOR,
            PaymentEvent.PAYMENT_CONFIRMED,
            "payment",
            payment_id,
            now,
            **detail,
        )
        return Outcome(
            OutcomeKind.CONFIRMED, "payment confirmed", view_of(payment_row(conn, payment_id))
        )
    current = payment_row(conn, payment_id)
    not_pending = ExceptionKind.PAID_NOT_PENDING
    return _repeat(conn, now, current, event) or _exception(
        conn, now, current, event, not_pending, status=current["status"]
    )


def _repeat(
    conn: Connection, now: datetime, row: RowMapping, event: WebhookEvent
) -> Outcome | None:
    """The same bank transaction again: the first answer, and nothing changes. For the payment
    the transaction confirmed, that is a duplicate, even once the transaction was reused for
    another payment (that one's exception is not this payment's answer)."""
    confirmed_it = row["transaction_id"] == event.transaction_id
    earlier = None if confirmed_it else exception_for_transaction(conn, event.transaction_id)
    if not confirmed_it and earlier is None:
        return None
    append_event(
        conn,
        now,
        PaymentEvent.WEBHOOK_DUPLICATE,
        row["id"],
        source=EventSource.WEBHOOK,
        **event.as_json(),
    )
    if earlier is not None:
        kind = _BY_EXCEPTION[ExceptionKind(earlier.kind)]
        return Outcome(
            kind, f"already recorded as exception {earlier.id}", view_of(row), earlier.id
        )
    return Outcome(OutcomeKind.DUPLICATE, "already confirmed by this transaction", view_of(row))


def _exception(
    conn: Connection,
    now: datetime,
    row: RowMapping,
    event: WebhookEvent,
    kind: ExceptionKind,
    **detail: Any,
) -> Outcome:
    """Money arrived that confirms nothing: a manager must resolve it."""
    found = open_exception(
        conn,
        now,
        kind,
        row["id"],
        event.transaction_id,
        event.amount_satang,
        reference=event.reference,
        paid_at=event.paid_at.isoformat(),
        **detail,
    )
    names = {
        ExceptionKind.AMOUNT_MISMATCH: PaymentEvent.WEBHOOK_AMOUNT_MISMATCH,
        ExceptionKind.PAID_NOT_PENDING: PaymentEvent.WEBHOOK_NOT_PENDING,
        ExceptionKind.TRANSACTION_REUSED: PaymentEvent.WEBHOOK_TRANSACTION_REUSED,
        ExceptionKind.PAID_SALE_VOIDED: PaymentEvent.WEBHOOK_SALE_VOIDED,
    }
    append_event(
        conn,
        now,
        names[kind],
        row["id"],
        source=EventSource.WEBHOOK,
        exception_id=found.id,
        **event.as_json(),
        **detail,
    )
    messages = {
        ExceptionKind.AMOUNT_MISMATCH: (
            f"paid {event.amount_satang} satang but the payment is {row['amount_satang']}; "
            "not confirmed"
        ),
        ExceptionKind.PAID_NOT_PENDING: f"the payment is {row['status']}; not confirmed",
        ExceptionKind.TRANSACTION_REUSED: "the transaction already confirmed another payment",
        ExceptionKind.PAID_SALE_VOIDED: (
            f"the payment's sale {row['sale_id']} was voided; the money awaits a manager "
            "(complete the sale or return the money)"
        ),
    }
    message = f"{messages[kind]} (exception {found.id} for a manager)"
    return Outcome(_BY_EXCEPTION[kind], message, view_of(row), found.id)


def _passed(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is not None and expires_at <= now


def _confirm(
    conn: Connection,
    now: datetime,
    payment_id: int,
    how: Confirmation,
    actor: Actor | None,
    *,
    transaction_id: str | None = None,
    slip_ref: str | None = None,
    paid_at: datetime | None = None,
) -> bool:
    """-> confirmed, atomically; False when someone else moved it first or it is too late.

    A cashier confirms a pending payment not yet expired now. The bank's callback (``paid_at``)
    confirms one paid within its validity, even if marked expired since."""
    expire_if_due(conn, now, payment_id)
    if paid_at is None:
        movable = [PaymentStatus.PENDING.value]
        in_time = or_(Payment.expires_at.is_(None), Payment.expires_at > now)
    else:
        movable = sorted(status.value for status in LATE_CONFIRMABLE)
        in_time = or_(Payment.expires_at.is_(None), Payment.expires_at >= paid_at)
    with conn.begin_nested():
        changed = conn.execute(
            update(Payment)
            .where(Payment.id == payment_id, Payment.status.in_(movable), in_time)
            .values(
                status=PaymentStatus.CONFIRMED.value,
                confirmed_at=now,
                confirmed_by=actor.user_id if actor else None,
                confirmation=how.value,
                transaction_id=transaction_id,
                slip_ref=slip_ref,
                slip_key=None if slip_ref is None else promptpay.slip_key(slip_ref),
                version=Payment.version + 1,
            )
        ).rowcount
    return bool(changed)


def slip_reference(slip_payload: str) -> str:
    """The slip's identity as it spells it: sending bank (or TrueMoney) and the bank's
    transaction reference. Compare slips by :func:`payments.promptpay.slip_key` of it."""
    if not isinstance(slip_payload, str) or not slip_payload.strip():
        raise InvalidInputError("slip.missing", "กรุณาสแกนหรือพิมพ์ QR บนสลิป", field="slip_payload")
    if len(slip_payload) > MAX_SLIP:
        raise InvalidInputError(
            "slip.too_long",
            "QR บนสลิปยาวได้ไม่เกิน {limit} ตัวอักษร",
            field="slip_payload",
            limit=MAX_SLIP,
        )
    try:
        slip = promptpay.parse_slip(slip_payload.strip())
    except promptpay.PromptPayError as error:
        raise InvalidInputError(
            "slip.unreadable",
            "QR นี้ไม่ใช่ QR บนสลิปโอนเงิน ({reason_th})",
            field="slip_payload",
            problem=error.code,
            reason=str(error),
            reason_th=error.message_in("th"),
        ) from None
    return f"{slip.bank_code or slip.kind}:{slip.transaction_ref}"


def confirm_manually(
    conn: Connection,
    actor: Actor,
    now: datetime,
    payment_id: int,
    slip_payload: str | None = None,
) -> PaymentView:
    """A cashier checked the transfer; with a slip QR, the slip is stored and never accepted again.

    Raises :class:`SlipReusedError` for a slip used before (record it with
    :func:`record_slip_refused` in a transaction of its own, as this one rolls back)."""
    actor.require(STAFF, "confirm payments")
    row = payment_row(conn, payment_id, lock=True)
    slip_ref = None if slip_payload is None else slip_reference(slip_payload)
    if slip_ref is not None:
        _refuse_used_slip(conn, payment_id, slip_ref)
    how = Confirmation.MANUAL if slip_ref is None else Confirmation.SLIP
    try:
        won = _confirm(conn, now, payment_id, how, actor, slip_ref=slip_ref)
    except IntegrityError:  # the same slip confirmed another payment a moment ago
        _refuse_used_slip(conn, payment_id, slip_ref or "")
        raise
    if not won:
        check_move(payment_row(conn, payment_id)["status"], PaymentStatus.CONFIRMED)
    append_event(
        conn,
        now,
        PaymentEvent.PAYMENT_CONFIRMED,
        payment_id,
        source=EventSource.USER,
        actor=actor,
        confirmation=how.value,
        slip_ref=slip_ref,
    )
    audit.record(
        conn,
        actor,
        PaymentEvent.PAYMENT_CONFIRMED,
        "payment",
        payment_id,
        now,
        confirmation=how.value,
        slip_ref=slip_ref,
        amount_satang=row["amount_satang"],
    )
    return view_of(payment_row(conn, payment_id))


def slip_used_by(conn: Connection, slip_ref: str) -> int | None:
    """The payment a slip confirmed, if any, however either spelled it."""
    used = row_by(conn, Payment.slip_key, promptpay.slip_key(slip_ref))
    return None if used is None else int(used["id"])


def _refuse_used_slip(conn: Connection, payment_id: int, slip_ref: str) -> None:
    """Refuse a slip whose transfer (however spelled) confirmed a payment: the answer names
    that payment, its sale, who confirmed it and with which spelling of the slip."""
    used = row_by(conn, Payment.slip_key, promptpay.slip_key(slip_ref))
    if used is not None:
        raise SlipReusedError(
            "slip.reused",
            "สลิปนี้ใช้ยืนยันรายการชำระเงิน {reference} ไปแล้ว สลิปหนึ่งใบใช้ได้ครั้งเดียว",
            field="slip_payload",
            reference=used["reference"],
            slip_ref=slip_ref,
            slip_key=used["slip_key"],
            used_slip_ref=used["slip_ref"],
            used_by_payment_id=used["id"],
            used_for_sale_id=used["sale_id"],
            used_confirmed_by=used["confirmed_by"],
            used_confirmed_at=used["confirmed_at"].isoformat() if used["confirmed_at"] else None,
            payment_id=payment_id,
        )


def record_slip_refused(
    conn: Connection, actor: Actor, now: datetime, error: SlipReusedError
) -> None:
    """Keep a refused slip on the payment's record (called after the refusal rolled back)."""
    append_event(
        conn,
        now,
        PaymentEvent.SLIP_REFUSED,
        error.params.get("payment_id"),
        source=EventSource.USER,
        actor=actor,
        slip_ref=error.params.get("slip_ref"),
        slip_key=error.params.get("slip_key"),
        used_by_payment_id=error.params.get("used_by_payment_id"),
        used_for_sale_id=error.params.get("used_for_sale_id"),
    )


def confirm_from_exception(
    conn: Connection, actor: Actor, now: datetime, payment_id: int, transaction_id: str
) -> PaymentView:
    """A manager accepts money an exception holds (paid for a sale voided meanwhile) as the
    payment's confirmation: by the bank's transaction, as its callback would have."""
    payment_row(conn, payment_id, lock=True)
    how = Confirmation.WEBHOOK
    changed = conn.execute(
        update(Payment)
        .where(Payment.id == payment_id, Payment.status != PaymentStatus.CONFIRMED.value)
        .values(
            status=PaymentStatus.CONFIRMED.value,
            confirmed_at=now,
            confirmed_by=actor.user_id,
            confirmation=how.value,
            transaction_id=transaction_id,
            version=Payment.version + 1,
        )
    ).rowcount
    if not changed:
        check_move(PaymentStatus.CONFIRMED, PaymentStatus.CONFIRMED)
    detail: dict[str, Any] = {"confirmation": how.value, "transaction_id": transaction_id}
    append_event(
        conn,
        now,
        PaymentEvent.PAYMENT_CONFIRMED,
        payment_id,
        source=EventSource.USER,
        actor=actor,
        accepted_by_manager=True,
        **detail,
    )
    audit.record(conn, actor, PaymentEvent.PAYMENT_CONFIRMED, "payment", payment_id, now, **detail)
    return view_of(payment_row(conn, payment_id))
