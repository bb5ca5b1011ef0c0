"""Payment statuses, the moves between them, and the vocabulary of payment events. Pure."""

from __future__ import annotations

from enum import StrEnum

from kernel.errors import ConflictError


class PaymentStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    FAILED = "failed"


# How the pages name each status in Thai (for the refusals below: the params carry both).
STATUS_THAI = {
    PaymentStatus.PENDING: "รอชำระเงิน",
    PaymentStatus.CONFIRMED: "ชำระแล้ว",
    PaymentStatus.EXPIRED: "หมดอายุ",
    PaymentStatus.CANCELLED: "ยกเลิกแล้ว",
    PaymentStatus.FAILED: "ไม่สำเร็จ",
}


class PaymentMethod(StrEnum):
    CASH = "cash"
    PROMPTPAY = "promptpay"
    CARD = "card"  # on the bank's own terminal (EDC): approval code and last four digits
    OTHER = "other"  # a named app or voucher (เป๋าตัง, a gift voucher) with its reference


class Confirmation(StrEnum):
    """How a payment came to be confirmed."""

    WEBHOOK = "webhook"  # a signed bank/gateway callback matched the reference
    MANUAL = "manual"  # a cashier checked the transfer by eye
    SLIP = "slip"  # a cashier scanned the customer's slip mini-QR
    CASH = "cash"  # cash in the drawer
    TERMINAL = "terminal"  # card: the cashier saw the bank's terminal approve it
    CASHIER = "cashier"  # other: the cashier saw it paid (the app's screen, the voucher)


class PaymentEvent(StrEnum):
    """What happened to a payment (or to a callback about one); rows are never changed."""

    PAYMENT_CREATED = "payment_created"
    PAYMENT_CONFIRMED = "payment_confirmed"
    PAYMENT_EXPIRED = "payment_expired"
    PAYMENT_CANCELLED = "payment_cancelled"
    PAYMENT_FAILED = "payment_failed"
    # The bank confirmed a transfer a cashier had confirmed by eye or by slip (a QR the till
    # made itself, offline too): the payment now carries the bank's transaction.
    PAYMENT_BANK_MATCHED = "payment_bank_matched"
    WEBHOOK_RECEIVED = "webhook_received"  # a correctly signed callback named this payment
    WEBHOOK_DUPLICATE = "webhook_duplicate"  # the same bank transaction again: nothing changed
    WEBHOOK_UNKNOWN_REFERENCE = "webhook_unknown_reference"  # no payment has that reference
    WEBHOOK_AMOUNT_MISMATCH = "webhook_amount_mismatch"  # paid amount differs: an exception
    WEBHOOK_NOT_PENDING = "webhook_not_pending"  # paid after expiry/cancel/confirm: an exception
    WEBHOOK_TRANSACTION_REUSED = "webhook_transaction_reused"  # the transaction paid another
    WEBHOOK_SALE_VOIDED = "webhook_sale_voided"  # paid for a sale voided meanwhile: an exception
    REFUND_OWED = "refund_owed"  # confirmed, but its sale was voided: the money goes back
    SLIP_REFUSED = "slip_refused"  # a slip already accepted for some payment was shown again
    EXCEPTION_RESOLVED = "exception_resolved"
    # Migration: the payment named a sale that did not exist; its sale_id was cleared and
    # the name kept here (the foreign key now refuses such a payment).
    PAYMENT_SALE_UNLINKED = "payment_sale_unlinked"
    # The audit log's name for a manager resolving an exception (EXCEPTION_RESOLVED is the
    # payment's own event row).
    PAYMENT_EXCEPTION_RESOLVED = "payment_exception_resolved"


class EventSource(StrEnum):
    WEBHOOK = "webhook"
    USER = "user"
    SYSTEM = "system"


class ExceptionKind(StrEnum):
    """Money that arrived but could not confirm a payment: a manager must look at it."""

    AMOUNT_MISMATCH = "amount_mismatch"
    # Paid after the QR's validity (by the bank's paid_at), or for a sale already paid in full.
    PAID_NOT_PENDING = "paid_not_pending"
    TRANSACTION_REUSED = "transaction_reused"
    # Paid (in time or not) for a sale voided meanwhile: the manager completes the sale after
    # all (its stock taken again) or returns the money to the customer.
    PAID_SALE_VOIDED = "paid_sale_voided"
    # A confirmed payment of a sale the cashier voided (the rest was never paid): the money is
    # owed back to the customer; resolved when the manager records the return transfer.
    REFUND_OWED = "refund_owed"


class Acceptance(StrEnum):
    """Whether a payment's sale can take the money a bank callback reports (pos decides; the
    payments package does not know sales)."""

    ACCEPT = "accept"  # no sale, or a pending sale the amount fits: confirm if paid in time
    SALE_SETTLED = "sale_settled"  # the sale is paid in full already: an exception
    SALE_VOIDED = "sale_voided"  # the sale was voided: an exception the manager resolves


FINAL = frozenset(
    {
        PaymentStatus.CONFIRMED,
        PaymentStatus.EXPIRED,
        PaymentStatus.CANCELLED,
        PaymentStatus.FAILED,
    }
)

# Only a pending payment moves; every other status is final.
ALLOWED: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    PaymentStatus.PENDING: FINAL,
    **{status: frozenset() for status in FINAL},
}


# A bank callback is judged by when the customer paid (its signed ``paid_at``), not when it
# arrived: a payment paid within its validity is confirmed even if it was marked expired
# meanwhile, as long as its sale can still take the money. One the cashier withdrew stays
# withdrawn (the customer was told not to pay it): money for it is an exception.
LATE_CONFIRMABLE = frozenset({PaymentStatus.PENDING, PaymentStatus.EXPIRED})


def can_move(current: PaymentStatus | str, target: PaymentStatus | str) -> bool:
    return PaymentStatus(target) in ALLOWED[PaymentStatus(current)]


def check_move(current: PaymentStatus | str, target: PaymentStatus | str) -> None:
    """Raise :class:`ConflictError` unless a payment may go from ``current`` to ``target``."""
    current, target = PaymentStatus(current), PaymentStatus(target)
    if target in ALLOWED[current]:
        return
    facts = {
        "payment_status": current.value,
        "status_th": STATUS_THAI[current],
        "target": target.value,
        "target_th": STATUS_THAI[target],
    }
    if current == PaymentStatus.CONFIRMED:
        raise ConflictError(
            "payment.already_confirmed", "รายการชำระเงินนี้ยืนยันแล้ว", field="status", **facts
        )
    if current == target:
        raise ConflictError(
            "payment.already_in_status",
            "รายการชำระเงินนี้อยู่ในสถานะ “{status_th}” อยู่แล้ว",
            field="status",
            **facts,
        )
    raise ConflictError(
        "payment.status_move",
        "รายการชำระเงินนี้อยู่ในสถานะ “{status_th}” จึงเปลี่ยนเป็น “{target_th}” ไม่ได้",
        field="status",
        **facts,
    )
