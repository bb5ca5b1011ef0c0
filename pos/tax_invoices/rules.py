"""What a full tax invoice must carry, and its figures (pure: no database, no framework).

The Revenue Code (section 86/4) asks of a full tax invoice: the words ใบกำกับภาษี, the seller's
and the buyer's name, address and 13-digit tax ID, the head office or branch that each is
(five digits, 00000 for the head office), the number, the date, the goods with their value,
and the VAT shown apart from the value. Section 86/10 asks of a credit note: the original
value, the correct value, the difference and the VAT of the difference, and the reason.

When a buyer may ask: a full tax invoice replaces a receipt only within the tax month of
the sale (the month of its VAT return, Bangkok time). After that month's return the receipt
stands as issued.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from stdnum.th import tin

from kernel.errors import ConflictError, InvalidInputError
from kernel.text import ascii_digits, check_text
from pos.checkout.pricing import vat_included

HEAD_OFFICE = "00000"
MAX_NAME = 200
MAX_ADDRESS = 500


@dataclass(frozen=True, slots=True)
class Party:
    """A seller or a buyer as a tax document names it."""

    name: str
    address: str
    tax_id: str  # 13 digits, check digit verified
    branch: str  # 5 digits; 00000 is the head office

    @property
    def branch_label_th(self) -> str:
        return "สำนักงานใหญ่" if self.branch == HEAD_OFFICE else f"สาขาที่ {self.branch}"

    @property
    def branch_label_en(self) -> str:
        return "Head office" if self.branch == HEAD_OFFICE else f"Branch {self.branch}"


def checked_party(
    name: object, address: object, tax_id: object, branch: object, *, prefix: str = "buyer"
) -> Party:
    """A buyer's details as typed, tidied (spaces folded, the tax ID's dashes dropped), or the
    first thing wrong with them, naming its field."""
    return Party(
        name=_text(name, f"{prefix}.name", MAX_NAME, "ชื่อผู้ซื้อ"),
        address=_text(address, f"{prefix}.address", MAX_ADDRESS, "ที่อยู่ผู้ซื้อ"),
        tax_id=checked_tax_id(tax_id, f"{prefix}.tax_id"),
        branch=checked_branch(branch, f"{prefix}.branch"),
    )


def checked_tax_id(value: object, field: str) -> str:
    digits = "".join(str(value).split()).replace("-", "") if isinstance(value, str) else ""
    if len(digits) != 13 or not ascii_digits(digits):
        raise InvalidInputError(
            "tax_invoice.tax_id_format",
            "เลขประจำตัวผู้เสียภาษีต้องเป็นตัวเลข 13 หลัก",
            field=field,
        )
    if not tin.is_valid(digits):
        raise InvalidInputError(
            "tax_invoice.tax_id_check_digit",
            "เลขประจำตัวผู้เสียภาษี {tax_id} ไม่ถูกต้อง (หลักตรวจสอบไม่ตรง) กรุณาตรวจทีละหลัก",
            field=field,
            tax_id=digits,
        )
    return digits


def checked_branch(value: object, field: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if text == "":
        return HEAD_OFFICE
    if len(text) > 5 or not ascii_digits(text):
        raise InvalidInputError(
            "tax_invoice.branch_format",
            "เลขที่สาขาต้องเป็นตัวเลขไม่เกิน 5 หลัก (สำนักงานใหญ่คือ 00000)",
            field=field,
        )
    return text.zfill(5)


def _text(value: object, field: str, limit: int, label: str) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text or len(text) > limit:
        raise InvalidInputError(
            "tax_invoice.text_required",
            "กรุณากรอก{label} (1-{limit} ตัวอักษร)",
            field=field,
            label=label,
            limit=limit,
        )
    return check_text(text, field)


def last_day_to_issue(sale_date: date) -> date:
    """The last day a receipt of ``sale_date`` may be replaced: its tax month's last day."""
    return sale_date.replace(day=calendar.monthrange(sale_date.year, sale_date.month)[1])


def check_within_tax_month(sale_date: date, today: date, receipt_number: str) -> None:
    if today > last_day_to_issue(sale_date):
        raise ConflictError(
            "tax_invoice.too_late",
            "ใบเสร็จ {receipt_number} ออกในเดือนภาษีที่ปิดไปแล้ว: ออกใบกำกับภาษีเต็มรูปแทนได้ภายใน"
            "เดือนเดียวกับการขายเท่านั้น (ถึงวันที่ {last_day})",
            field="sale_id",
            receipt_number=receipt_number,
            last_day=last_day_to_issue(sale_date).isoformat(),
        )


@dataclass(frozen=True, slots=True)
class CreditFigures:
    """A credit note's figures (satang, VAT included unless named ``before_vat``)."""

    original_satang: int  # what the invoice stood at before this credit note
    corrected_satang: int  # what it stands at after
    difference_satang: int  # what this credit note takes off (the refund)
    vat_difference_satang: int  # the VAT of the difference: 7/107 of its VAT-able part

    @property
    def difference_before_vat_satang(self) -> int:
        return self.difference_satang - self.vat_difference_satang


def credit_figures(
    invoice_total_satang: int,
    credited_before_satang: int,
    refund_satang: int,
    refund_vatable_satang: int,
) -> CreditFigures:
    """The figures of a credit note for a refund of ``refund_satang`` (of which
    ``refund_vatable_satang`` bore VAT) against an invoice already credited by
    ``credited_before_satang``."""
    original = invoice_total_satang - credited_before_satang
    if not 0 < refund_satang <= original or not 0 <= refund_vatable_satang <= refund_satang:
        raise ValueError("a credit note takes off between one satang and what is left")
    return CreditFigures(
        original_satang=original,
        corrected_satang=original - refund_satang,
        difference_satang=refund_satang,
        vat_difference_satang=vat_included(refund_vatable_satang),
    )
