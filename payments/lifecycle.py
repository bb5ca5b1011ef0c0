"""The payment lifecycle: create (cash or PromptPay), read, cancel, expire, confirm.

Services take a connection inside the caller's transaction. A PromptPay payment is pending
until confirmed, expired, cancelled or failed; every change appends a payment event and an
audit entry in the same transaction. Expiry is applied lazily (on every read and write after
it passes) and in bulk by :func:`expire_due`, so no background task is needed for correctness.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import column, select, table, update
from sqlalchemy.engine import Connection

from kernel import audit
from kernel.access import STAFF, Actor
from kernel.audit import AuditRow
from kernel.db.bulk import insert_rows
from kernel.errors import ConflictError, InvalidInputError
from kernel.money import format_baht
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
    PaymentEventValues,
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
    is_reference,
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
from payments.tenders import CardTender, OtherTender, check_card, check_other
from payments.webhook import WebhookEvent

# Below PostgreSQL's INTEGER limit with room to spare: ten million baht in one payment.
MAX_AMOUNT_SATANG = 1_000_000_000
_COLUMNS = tuple(column.name for column in Payment.__table__.c)

__all__ = [
    "MAX_AMOUNT_SATANG",
    "AccountError",
    "EventView",
    "ExceptionView",
    "NewPayment",
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
    "create_payments",
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
        raise InvalidInputError(
            "payment.amount_not_whole",
            "จำนวนเงินต้องเป็นจำนวนเต็มหน่วยสตางค์",
            field="amount_satang",
        )
    if not 0 < amount_satang <= MAX_AMOUNT_SATANG:
        raise InvalidInputError(
            "payment.amount_out_of_range",
            "จำนวนเงินต้องมากกว่า 0 และไม่เกิน {max_baht} บาท",
            field="amount_satang",
            max_satang=MAX_AMOUNT_SATANG,
            max_baht=format_baht(MAX_AMOUNT_SATANG),
        )
    return amount_satang


def _checked_method(method: object) -> PaymentMethod:
    try:
        return PaymentMethod(str(method))
    except ValueError:
        raise InvalidInputError(
            "payment.method_unknown",
            "วิธีชำระเงินต้องเป็นเงินสด (cash) พร้อมเพย์ (promptpay) บัตร (card) หรืออื่นๆ (other)"
            " ไม่ใช่ {method}",
            field="method",
            method=repr(method),
        ) from None


@dataclass(frozen=True, slots=True)
class NewPayment:
    """What :func:`create_payments` makes: a payment for an amount, by cash or PromptPay."""

    actor: Actor
    now: datetime
    amount_satang: int
    method: str
    account: ReceivingAccount
    expiry: timedelta
    sale_id: int | None = None
    # A PromptPay payment the till took itself (offline too): its QR carried the till's own
    # reference, and the cashier saw the transfer (``MANUAL``) or scanned its slip (``SLIP``,
    # with the slip's identity). Confirmed at once; the bank's callback, before or after,
    # then matches it by the reference (payments.confirmations).
    reference: str | None = None
    confirmed_as: Confirmation | None = None
    slip_ref: str | None = None
    # A card taken on the bank's terminal (its last four digits and approval code), or another
    # tender (its name and reference): confirmed at once, the cashier saw it approved.
    card: CardTender | None = None
    other: OtherTender | None = None


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
    (confirmed at once: the cashier holds the money). A ``sale_id`` must name a sale."""
    _check_sale_exists(conn, sale_id)
    new = NewPayment(actor, now, amount_satang, method, account, expiry, sale_id)
    return create_payments(conn, [new])[0]


# The sales table by name only (payments does not import pos): the foreign key's target, and
# the status that says whether it takes payments (pos.models.SaleStatus).
_SALES = table("sales", column("id"), column("status"))
_TAKES_PAYMENTS = "pending_payment"  # a completed sale is paid; a voided one takes nothing


def _check_sale_exists(conn: Connection, sale_id: object) -> None:
    """A clear refusal before the foreign key's: a payment belongs to a sale that exists and
    still awaits its payment (not completed, not voided)."""
    if sale_id is None or isinstance(sale_id, bool) or not isinstance(sale_id, int):
        return  # no sale, or a malformed id that _payment_row refuses
    status = conn.execute(select(_SALES.c.status).where(_SALES.c.id == sale_id)).scalar()
    if status is None:
        raise InvalidInputError(
            "payment.sale_not_found",
            "ไม่พบรายการขาย {sale_id} รายการชำระเงินต้องเป็นของรายการขายที่มีอยู่",
            field="sale_id",
            sale_id=sale_id,
        )
    if status != _TAKES_PAYMENTS:
        raise ConflictError(
            "payment.sale_not_payable",
            "รายการขาย {sale_id} อยู่ในสถานะ {status} จึงรับชำระเงินไม่ได้ (รับได้เฉพาะรายการขายที่รอชำระเงิน)",
            field="sale_id",
            sale_id=sale_id,
            status=status,
        )


def create_payments(
    conn: Connection,
    payments: Sequence[NewPayment],
    *,
    audit_entries: list[AuditRow] | None = None,
) -> list[PaymentView]:
    """:func:`create_payment` for several payments at once (a statement per table for all of
    them: the till's batches); every one is checked before anything is written. Given
    ``audit_entries``, their audit entries go there, for the caller to write with its own in
    the same transaction (one statement fewer)."""
    rows = [_payment_row(new) for new in payments]
    if not rows:
        return []
    # RETURNING the whole row: the view is of the stored row, without reading it again. The
    # rows come back matched by their (unique, random) references.
    returned = (
        dict(zip(_COLUMNS, row, strict=True)) for row in insert_rows(conn, Payment, rows, _COLUMNS)
    )
    stored = {row["reference"]: row for row in returned}
    views = [view_of(stored[row["reference"]]) for row in rows]
    events: list[PaymentEventValues] = []
    audits: list[AuditRow] = []
    for new, view in zip(payments, views, strict=True):
        _note_created(events, audits, new, view)
    append_events(conn, events)
    if audit_entries is None:
        audit.record_many(conn, audits)
    else:
        audit_entries.extend(audits)
    return views


def _payment_row(new: NewPayment) -> dict[str, object]:
    new.actor.require(STAFF, "take payments")
    amount = _checked_amount(new.amount_satang)
    kind = _checked_method(new.method)
    sale_id = new.sale_id
    if sale_id is not None and (isinstance(sale_id, bool) or not isinstance(sale_id, int)):
        raise InvalidInputError(
            "field.not_whole_number", "ช่อง {field} ต้องเป็นจำนวนเต็ม", field="sale_id"
        )
    reference = new_reference() if new.reference is None else _till_reference(new.reference)
    row: dict[str, object] = {
        "reference": reference,
        "sale_id": sale_id,
        "method": kind.value,
        "amount_satang": amount,
        "created_at": new.now,
        "created_by": new.actor.user_id,
        "version": 1,
        "payload": None,
        "expires_at": None,
        "confirmed_at": None,
        "confirmed_by": None,
        "confirmation": None,
        "slip_ref": None,
        "slip_key": None,
        "card_last4": None,
        "approval_code": None,
        "tender_name": None,
        "tender_ref": None,
    }
    if kind == PaymentMethod.PROMPTPAY:
        try:
            payload = payment_payload(new.account, reference, amount)
        except promptpay.PromptPayError as error:
            raise InvalidInputError(
                error.code, error.thai, field="amount_satang", **error.params
            ) from None
        row.update(
            status=PaymentStatus.PENDING.value, payload=payload, expires_at=new.now + new.expiry
        )
        if new.confirmed_as is not None:
            row.update(
                status=PaymentStatus.CONFIRMED.value,
                confirmed_at=new.now,
                confirmed_by=new.actor.user_id,
                confirmation=new.confirmed_as.value,
                slip_ref=new.slip_ref,
                slip_key=None if new.slip_ref is None else promptpay.slip_key(new.slip_ref),
            )
    else:
        row.update(
            status=PaymentStatus.CONFIRMED.value,
            confirmed_at=new.now,
            confirmed_by=new.actor.user_id,
            confirmation=_confirmed_as(kind).value,
        )
    if kind == PaymentMethod.CARD:
        card = new.card or CardTender("", "")
        checked = check_card(card.last4, card.approval_code, "payment")
        row.update(card_last4=checked.last4, approval_code=checked.approval_code)
    elif kind == PaymentMethod.OTHER:
        other = new.other or OtherTender("", "")
        named = check_other(other.name, other.reference, "payment")
        row.update(tender_name=named.name, tender_ref=named.reference)
    return row


def _confirmed_as(kind: PaymentMethod) -> Confirmation:
    """How a payment confirmed when it is taken: cash in the drawer, a card the terminal
    approved, another tender the cashier saw paid."""
    if kind == PaymentMethod.CARD:
        return Confirmation.TERMINAL
    if kind == PaymentMethod.OTHER:
        return Confirmation.CASHIER
    return Confirmation.CASH


def _till_reference(reference: object) -> str:
    """A reference the till made for its own QR: the same form as the server's."""
    if not isinstance(reference, str) or not is_reference(reference):
        raise InvalidInputError(
            "payment.reference_invalid",
            "เลขอ้างอิงการชำระเงินต้องเป็นตัวอักษร A-Z และตัวเลข 12-20 ตัว",
            field="reference",
        )
    return reference


def _note_created(
    events: list[PaymentEventValues],
    audits: list[AuditRow],
    new: NewPayment,
    payment: PaymentView,
) -> None:
    """The events and the audit entry of a new payment (appended to the lists)."""
    detail = {
        "method": payment.method,
        "amount_satang": payment.amount_satang,
        "reference": payment.reference,
    }
    user = EventSource.USER
    events.append(
        event_row(
            new.now,
            PaymentEvent.PAYMENT_CREATED,
            payment.id,
            source=user,
            actor=new.actor,
            sale_id=payment.sale_id,
            **detail,
        )
    )
    if payment.method != PaymentMethod.PROMPTPAY or new.confirmed_as is not None:
        kind = PaymentMethod(payment.method)
        how = _confirmed_as(kind) if new.confirmed_as is None else new.confirmed_as
        events.append(
            event_row(
                new.now,
                PaymentEvent.PAYMENT_CONFIRMED,
                payment.id,
                source=user,
                actor=new.actor,
                confirmation=how.value,
                slip_ref=new.slip_ref,
            )
        )
    audits.append(
        audit.entry(
            new.actor, PaymentEvent.PAYMENT_CREATED, "payment", payment.id, new.now, **detail
        )
    )


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
    audit.record(conn, actor, PaymentEvent.PAYMENT_CANCELLED, "payment", payment_id, now)
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
