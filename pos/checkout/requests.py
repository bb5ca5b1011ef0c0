"""What a till asks for: the checkout request, its canonical hash, and the idempotency key.

Pure (standard library and kernel.errors only).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kernel.access import Actor
from kernel.errors import ConflictError, InvalidInputError
from kernel.text import check_text
from payments.tenders import CardTender, OtherTender, check_card, check_other
from pos.approvals import ApprovalGrant
from pos.checkout.pricing import MAX_LINES

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,100}$")
PAYMENT_METHODS = ("cash", "promptpay", "card", "other")


@dataclass(frozen=True, slots=True)
class LineRequest:
    product_id: int
    quantity: int
    discount_satang: int = 0
    # A sale rung at the till: the unit price the till charged. Any other sale: a price other
    # than the catalogue's is a price change, which needs a manager's approval and a reason.
    unit_price_satang: int | None = None
    price_reason: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    method: str  # cash | promptpay
    amount_satang: int
    tendered_satang: int | None = None  # cash only; none means exact money
    # A sale rung at the till, paid by a PromptPay QR the till made: its reference, and the
    # slip's QR when the cashier scanned it (otherwise the cashier saw the transfer by eye).
    reference: str | None = None
    slip_payload: str | None = None
    # A card on the bank's terminal: its last four digits and the slip's approval code.
    card_last4: str | None = None
    approval_code: str | None = None
    # Another tender (เป๋าตัง, a voucher): its name and reference.
    tender_name: str | None = None
    tender_ref: str | None = None

    @property
    def card(self) -> CardTender | None:
        if self.method != "card":
            return None
        return CardTender(self.card_last4 or "", self.approval_code or "")

    @property
    def other(self) -> OtherTender | None:
        if self.method != "other":
            return None
        return OtherTender(self.tender_name or "", self.tender_ref or "")


@dataclass(frozen=True, slots=True)
class Rung:
    """A sale rung at the till and queued there (offline, maybe): a fact on arrival.

    The goods left and the money was taken, so the server records it as the till saw it: its
    receipt number (from a block leased to the device), the till's clock and its known offset
    from the server's, the shift it was rung in and the prices it charged. What differs from
    the books becomes a sale exception for a manager, never a refusal."""

    receipt_seq: int
    device_id: str
    rung_at: datetime  # the till's clock
    clock_skew_ms: int  # server time minus till time, as the till last measured it
    shift_id: int

    def as_json(self) -> dict[str, object]:
        return {
            "receipt_seq": self.receipt_seq,
            "device_id": self.device_id,
            "rung_at": self.rung_at.isoformat(),
            "clock_skew_ms": self.clock_skew_ms,
            "shift_id": self.shift_id,
        }

    @property
    def server_time(self) -> datetime:
        """When the sale happened by the server's clock (as far as the till knew its offset)."""
        return self.rung_at + timedelta(milliseconds=self.clock_skew_ms)


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    till_id: int
    lines: tuple[LineRequest, ...]
    payments: tuple[PaymentRequest, ...]
    cart_discount_satang: int = 0
    # Not part of the sale's identity (left out of the digest): who approved its discount.
    approved_by_id: int | None = None
    rung: Rung | None = None
    # The approval itself, used up when the sale is written (not part of the digest either).
    approval: ApprovalGrant | None = None
    # The goods are in the customer's hand though the books have fewer: sell them all the same
    # (a manager's ``sale`` approval), the stock below zero recorded as an exception to count.
    allow_short_stock: bool = False

    def digest(self) -> str:
        """sha256 of the canonical request: the same sale asked twice hashes the same."""
        # The fields by name (what dataclasses.asdict gives, at a fraction of its cost).
        body = {
            "till_id": self.till_id,
            "lines": [
                {
                    "product_id": ln.product_id,
                    "quantity": ln.quantity,
                    "discount_satang": ln.discount_satang,
                }
                for ln in self.lines
            ],
            "payments": [
                {
                    "method": p.method,
                    "amount_satang": p.amount_satang,
                    "tendered_satang": p.tendered_satang,
                }
                for p in self.payments
            ],
            "cart_discount_satang": self.cart_discount_satang,
        }
        if self.rung is None and any(ln.unit_price_satang is not None for ln in self.lines):
            # A price changed at the till (only then, so earlier digests stand).
            body["unit_prices"] = [[ln.unit_price_satang, ln.price_reason] for ln in self.lines]
        if self.rung is not None:  # what only a rung sale says (so earlier digests stand)
            body["rung"] = self.rung.as_json()
            body["unit_prices"] = [ln.unit_price_satang for ln in self.lines]
            body["references"] = [[p.reference, p.slip_payload] for p in self.payments]
        tenders = [
            [p.card_last4, p.approval_code, p.tender_name, p.tender_ref] for p in self.payments
        ]
        if any(any(t) for t in tenders):  # only a card or other tender says these
            body["tenders"] = tenders
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def check_idempotency_key(key: str | None) -> str:
    if key is None or not IDEMPOTENCY_KEY.match(key):
        raise InvalidInputError(
            "idempotency.key_invalid",
            "Idempotency-Key ต้องยาว 8-100 ตัวอักษร ใช้ได้เฉพาะ A-Z, a-z, 0-9, '_' หรือ '-'",
            field="Idempotency-Key",
        )
    return key


def check_key_holder(
    actor: Actor, holder_id: int | None, *, same_body: bool, device_id: str | None = None
) -> None:
    """An idempotency key is answered only to whoever may see what it made: the user who sent
    it first, or, for a sale rung at a till, anyone sending that very sale again (the same
    body names the device, its leased receipt number and shift: the till's queue, sent by
    whoever is signed in on the device now). Anyone else learns nothing of it, not even that
    a sale exists under it beyond the refusal (409), and chooses another key.

    Keys stay unique over all users, not per user: a per-user key would let the same queued
    sale, sent again by the next cashier on the device, be recorded twice."""
    if actor.user_id is not None and actor.user_id == holder_id:
        return
    if same_body and device_id is not None:
        return
    raise ConflictError(
        "idempotency.key_taken",
        "Idempotency-Key นี้ผู้ใช้อื่นใช้ไปแล้ว กรุณาส่งคำขอด้วยคีย์ใหม่",
        field="Idempotency-Key",
    )


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class MergedLine:
    product_id: int
    quantity: int
    discount_satang: int
    first_index: int  # where the product first appeared in the request (for error fields)
    unit_price_satang: int | None = None  # a rung sale's charged price, or a changed one
    price_reason: str | None = None  # why the price was changed


def merge_lines(lines: tuple[LineRequest, ...]) -> list[MergedLine]:
    """One line per product, in order of first appearance; quantities and discounts add up."""
    if not lines:
        raise InvalidInputError("sale.no_lines", "การขายต้องมีสินค้าอย่างน้อยหนึ่งรายการ", field="lines")
    if len(lines) > MAX_LINES:
        raise InvalidInputError(
            "sale.too_many_lines",
            "การขายหนึ่งครั้งมีสินค้าได้ไม่เกิน {max_lines} รายการ",
            field="lines",
            max_lines=MAX_LINES,
        )
    merged: dict[int, MergedLine] = {}
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        if not _whole(line.product_id) or line.product_id <= 0:
            raise InvalidInputError(
                "sale.product_id_invalid",
                "รหัสสินค้าต้องเป็นจำนวนเต็มบวก",
                field=f"{where}.product_id",
            )
        if not _whole(line.quantity) or line.quantity <= 0:
            raise InvalidInputError(
                "sale.quantity_not_positive",
                "จำนวนสินค้าต้องเป็นจำนวนเต็มมากกว่า 0",
                field=f"{where}.quantity",
            )
        if not _whole(line.discount_satang) or line.discount_satang < 0:
            raise InvalidInputError(
                "sale.line_discount_negative",
                "ส่วนลดรายการต้องเป็นจำนวนเงินที่ไม่ติดลบ",
                field=f"{where}.discount_satang",
            )
        price = line.unit_price_satang
        if price is not None and (not _whole(price) or price < 0):
            raise InvalidInputError(
                "sale.unit_price_invalid",
                "ราคาต่อหน่วยต้องเป็นจำนวนเงินที่ไม่ติดลบ",
                field=f"{where}.unit_price_satang",
            )
        reason = _price_reason(line.price_reason, f"{where}.price_reason")
        seen = merged.get(line.product_id)
        if seen is None:
            merged[line.product_id] = MergedLine(
                line.product_id, line.quantity, line.discount_satang, index, price, reason
            )
        elif seen.unit_price_satang != price:
            raise InvalidInputError(
                "sale.unit_price_differs",
                "สินค้าเดียวกันในการขายหนึ่งครั้งต้องมีราคาต่อหน่วยเดียวกัน",
                field=f"{where}.unit_price_satang",
            )
        else:
            merged[line.product_id] = MergedLine(
                line.product_id,
                seen.quantity + line.quantity,
                seen.discount_satang + line.discount_satang,
                seen.first_index,
                price,
                seen.price_reason or reason,
            )
    return list(merged.values())


MAX_PRICE_REASON = 200


def _price_reason(reason: object, where: str) -> str | None:
    """A price change's reason: printable text, at most MAX_PRICE_REASON characters."""
    if reason is None:
        return None
    text = check_text(reason, where).strip() if isinstance(reason, str) else ""
    if len(text) > MAX_PRICE_REASON:
        raise InvalidInputError(
            "sale.price_reason_too_long",
            "เหตุผลที่เปลี่ยนราคายาวได้ไม่เกิน {max_length} ตัวอักษร",
            field=where,
            max_length=MAX_PRICE_REASON,
        )
    return text or None


def check_payment_requests(
    payments: tuple[PaymentRequest, ...], *, rung: bool = False
) -> tuple[PaymentRequest, ...]:
    """Each payment's method and amount; a rung sale's PromptPay payments carry the reference
    of the till's own QR (the server makes the QR of any other sale); a card its last four
    digits and approval code (never the card's number), another tender its name and reference.
    The payments as they are recorded (a card's code upper-cased, a name's spaces folded)."""
    checked = []
    for index, payment in enumerate(payments):
        where = f"payments[{index}]"
        has_reference = payment.reference is not None or payment.slip_payload is not None
        if payment.method == "promptpay" and rung and payment.reference is None:
            raise InvalidInputError(
                "sale.rung_reference_missing",
                "การขายจากเครื่องขายที่ชำระด้วยพร้อมเพย์ต้องมีเลขอ้างอิงของ QR ที่เครื่องสร้าง",
                field=f"{where}.reference",
            )
        if has_reference and not (rung and payment.method == "promptpay"):
            raise InvalidInputError(
                "sale.reference_not_expected",
                "เลขอ้างอิงและสลิปใช้ได้เฉพาะการชำระพร้อมเพย์ที่เครื่องขายสร้าง QR เอง",
                field=f"{where}.reference",
            )
        if payment.method not in PAYMENT_METHODS:
            raise InvalidInputError(
                "sale.payment_method_unknown",
                "วิธีชำระเงินต้องเป็นเงินสด (cash) พร้อมเพย์ (promptpay) บัตร (card) หรืออื่นๆ (other)"
                " ไม่ใช่ {method!r}",
                field=f"{where}.method",
                method=payment.method,
            )
        if not _whole(payment.amount_satang) or payment.amount_satang <= 0:
            raise InvalidInputError(
                "sale.payment_amount_invalid",
                "ยอดชำระแต่ละรายการต้องมากกว่า 0 บาท",
                field=f"{where}.amount_satang",
            )
        if payment.tendered_satang is not None and payment.method != "cash":
            raise InvalidInputError(
                "sale.tendered_cash_only",
                "ระบุเงินที่รับมาได้เฉพาะการชำระด้วยเงินสด",
                field=f"{where}.tendered_satang",
            )
        checked.append(_tender_checked(payment, where))
    return tuple(checked)


def _tender_checked(payment: PaymentRequest, where: str) -> PaymentRequest:
    card_fields = payment.card_last4 is not None or payment.approval_code is not None
    other_fields = payment.tender_name is not None or payment.tender_ref is not None
    if payment.method == "card":
        card = check_card(payment.card_last4, payment.approval_code, where)
        if other_fields:
            raise _not_expected(where, "tender_name")
        return replace(payment, card_last4=card.last4, approval_code=card.approval_code)
    if payment.method == "other":
        other = check_other(payment.tender_name, payment.tender_ref, where)
        if card_fields:
            raise _not_expected(where, "card_last4")
        return replace(payment, tender_name=other.name, tender_ref=other.reference)
    if card_fields or other_fields:
        raise _not_expected(where, "card_last4" if card_fields else "tender_name")
    return payment


def _not_expected(where: str, name: str) -> InvalidInputError:
    return InvalidInputError(
        "sale.tender_detail_not_expected",
        "เลขท้ายบัตรและรหัสอนุมัติใช้ได้เฉพาะการชำระด้วยบัตร ชื่อและเลขอ้างอิงใช้ได้เฉพาะช่องทางอื่นๆ",
        field=f"{where}.{name}",
    )
