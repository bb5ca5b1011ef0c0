"""What a card or an "other" tender records. Pure (standard library and kernel only).

A card is paid on the bank's own terminal (EDC): the cashier records the approval code printed
on its slip and the card's last four digits, never more of the card's number. Anything that
looks like a card number (more digits than four) is refused with its own code, and the
refusal names neither the number nor any part of it, so that it is never stored, echoed or
logged. An "other" tender (a government wallet app such as เป๋าตัง, a voucher) is recorded by
its name and its reference, both required.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kernel.errors import InvalidInputError
from kernel.text import ascii_digits, check_text

APPROVAL_CODE = re.compile(r"^[A-Z0-9]{6}$")
MAX_TENDER_NAME = 40
MAX_TENDER_REF = 60
# Card numbers (PANs) are 12 to 19 digits; any run of more than four digits in a card field is
# more of the card than the shop may keep.
_DIGIT = re.compile(r"\d")
_SEPARATORS = re.compile(r"[\s\-.]")


@dataclass(frozen=True, slots=True)
class CardTender:
    last4: str
    approval_code: str


@dataclass(frozen=True, slots=True)
class OtherTender:
    name: str
    reference: str


def _refuse_card_number(field: str) -> InvalidInputError:
    return InvalidInputError(
        "payment.card_number_refused",
        "ห้ามบันทึกเลขบัตรเต็ม: ใส่เฉพาะเลข 4 ตัวท้ายของบัตร และรหัสอนุมัติจากสลิปเครื่องรูดบัตร",
        field=field,
    )


def _digit_count(text: str) -> int:
    return len(_DIGIT.findall(text))


def check_card(last4: object, approval_code: object, where: str) -> CardTender:
    """The card's last four digits (exactly four ASCII digits) and the terminal's approval code
    (six letters or digits, as printed on the slip; upper-cased)."""
    last4_field, code_field = f"{where}.card_last4", f"{where}.approval_code"
    if not isinstance(last4, str) or not last4.strip():
        raise InvalidInputError(
            "payment.card_last4_invalid", "ใส่เลข 4 ตัวท้ายของบัตร (ตัวเลข 4 หลัก)", field=last4_field
        )
    digits = _SEPARATORS.sub("", last4)
    if _digit_count(digits) > 4:
        raise _refuse_card_number(last4_field)
    if not (len(digits) == 4 and ascii_digits(digits)):
        raise InvalidInputError(
            "payment.card_last4_invalid", "ใส่เลข 4 ตัวท้ายของบัตร (ตัวเลข 4 หลัก)", field=last4_field
        )
    if not isinstance(approval_code, str) or not approval_code.strip():
        raise InvalidInputError(
            "payment.approval_code_invalid",
            "รหัสอนุมัติ (Approval code) ต้องเป็นตัวอักษร A-Z หรือตัวเลข 6 ตัว ตามสลิปเครื่องรูดบัตร",
            field=code_field,
        )
    code = approval_code.strip().upper()
    if _digit_count(_SEPARATORS.sub("", code)) >= 12:  # a card number typed in the wrong box
        raise _refuse_card_number(code_field)
    if not APPROVAL_CODE.match(code):
        raise InvalidInputError(
            "payment.approval_code_invalid",
            "รหัสอนุมัติ (Approval code) ต้องเป็นตัวอักษร A-Z หรือตัวเลข 6 ตัว ตามสลิปเครื่องรูดบัตร",
            field=code_field,
        )
    return CardTender(digits, code)


def _one_line(text: object, field: str, limit: int) -> str | None:
    """The text with its whitespace folded, or None when it is empty or longer than ``limit``."""
    if not isinstance(text, str):
        return None
    folded = " ".join(check_text(text, field).split())
    return folded if 0 < len(folded) <= limit else None


def check_other(name: object, reference: object, where: str) -> OtherTender:
    """An other tender's name and reference, both required (whitespace folded)."""
    name_field, ref_field = f"{where}.tender_name", f"{where}.tender_ref"
    tender_name = _one_line(name, name_field, MAX_TENDER_NAME)
    if tender_name is None:
        raise InvalidInputError(
            "payment.tender_name_required",
            "ใส่ชื่อช่องทางชำระ เช่น เป๋าตัง หรือบัตรกำนัล (1-{max_length} ตัวอักษร)",
            field=name_field,
            max_length=MAX_TENDER_NAME,
        )
    tender_ref = _one_line(reference, ref_field, MAX_TENDER_REF)
    if tender_ref is None:
        raise InvalidInputError(
            "payment.tender_ref_required",
            "ใส่เลขอ้างอิงของการชำระ (1-{max_length} ตัวอักษร)",
            field=ref_field,
            max_length=MAX_TENDER_REF,
        )
    return OtherTender(tender_name, tender_ref)
