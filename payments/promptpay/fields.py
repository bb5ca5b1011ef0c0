"""The values inside a PromptPay QR: proxies (who is paid), amounts, references, texts.

Each check gives a :class:`PromptPayError` naming the input. Pure: standard library and stdnum.
"""

from __future__ import annotations

import re
from functools import lru_cache

from payments.promptpay.emv import PromptPayError

AID_CREDIT_TRANSFER = "A000000677010111"
AID_BILL_PAYMENT = "A000000677010112"
TRUEMONEY_PREFIX = "14000"
SLIP_API_ID = "000001"

# Sub-tags of tag 29 and the proxy types they carry.
PROXY_SUBTAG = {
    "mobile": "01",
    "national_id": "02",
    "tax_id": "02",
    "ewallet": "03",
    "bank_account": "04",
}
PROXY_TYPES = tuple(PROXY_SUBTAG)

MAX_AMOUNT_SATANG = 999_999_999_999  # "9999999999.99": the 13 characters of tag 54
MERCHANT_NAME_MAX = 25
MERCHANT_CITY_MAX = 15
ADDITIONAL_MAX = 25
REF_MAX = 20

_SEPARATORS = str.maketrans("", "", " -.()")
_REF = re.compile(r"[A-Z0-9]{1,20}")
_AMOUNT = re.compile(r"(\d{1,10})(?:\.(\d{1,2}))?")


def proxy(target: object, proxy_type: str | None = None) -> tuple[str, str, str]:
    """``(proxy_type, sub_tag, value)`` of tag 29 for ``target``; the type is inferred if None."""
    if not isinstance(target, str):
        raise PromptPayError(
            "promptpay.target_not_text",
            "ผู้รับเงินต้องเป็นข้อความ แต่ได้ {type_name}",
            "target must be text, got {type_name}",
            type_name=type(target).__name__,
        )
    compact = target.strip().translate(_SEPARATORS)
    digits = compact[1:] if compact[:1] == "+" else compact
    if not (digits.isdecimal() and digits.isascii()):
        raise _not_a_target(target)
    kind = proxy_type or _infer_type(target, digits, plus=compact[:1] == "+")
    if kind == "mobile":
        return kind, "01", _mobile_field(target, digits)
    if kind in ("national_id", "tax_id"):
        return kind, "02", _thai_id(target, digits, kind)
    if kind == "ewallet":
        if len(digits) != 15:
            raise PromptPayError(
                "promptpay.ewallet_length",
                "เลข e-wallet “{target}” ต้องมี 15 หลัก",
                "e-wallet ID {target!r} must be 15 digits",
                target=target,
            )
        return kind, "03", digits
    if kind == "bank_account":
        if not 4 <= len(digits) <= 43:
            raise PromptPayError(
                "promptpay.bank_account_length",
                "เลขบัญชีธนาคาร “{target}” ต้องมี 4 ถึง 43 หลัก (รหัสธนาคารขึ้นก่อน)",
                "bank account {target!r} must be 4 to 43 digits (bank code first)",
                target=target,
            )
        return kind, "04", digits
    raise PromptPayError(
        "promptpay.proxy_type",
        "ประเภทผู้รับเงินต้องเป็นอย่างใดอย่างหนึ่งใน {types} ไม่ใช่ “{kind}”",
        "proxy_type must be one of {types}, not {kind!r}",
        types=", ".join(PROXY_TYPES),
        kind=kind,
    )


def _not_a_target(target: str) -> PromptPayError:
    return PromptPayError(
        "promptpay.target_form",
        "“{target}” ไม่ใช่เบอร์มือถือ (เช่น 0812345678, 081-234-5678, +66 81 234 5678,"
        " 66812345678) เลขประจำตัวประชาชนหรือเลขผู้เสียภาษี 13 หลัก หรือเลข e-wallet 15 หลัก",
        "target {target!r} is not a mobile number (0812345678, 081-234-5678, +66 81 234 5678,"
        " 66812345678), a 13-digit national or tax ID, or a 15-digit e-wallet ID",
        target=target,
    )


def receiving_id(value: str) -> str:
    """A PromptPay receiving ID as plain digits: a Thai mobile number or a 13-digit national/tax ID.

    The forms people type are accepted (``+66 81-234-5678`` -> ``0812345678``,
    ``1-1017-00230-70-8``); anything else is a :class:`PromptPayError` that says why.
    """
    compact = value.strip().translate(_SEPARATORS)
    plus = compact[:1] == "+"
    digits = compact[1:] if plus else compact
    if not (digits.isdecimal() and digits.isascii()):
        raise PromptPayError(
            "promptpay.id_not_digits",
            "หมายเลขพร้อมเพย์ “{value}” ต้องเป็นตัวเลขเท่านั้น",
            "PromptPay ID {value!r} must be digits only",
            value=value,
        )
    if plus or (len(digits) == 11 and digits.startswith("66")):
        digits = "0" + digits.removeprefix("66")
    if len(digits) == 10:
        if digits[0] == "0" and digits[1] in "689":
            return digits
        raise PromptPayError(
            "promptpay.mobile_prefix",
            "เบอร์มือถือ {digits} ต้องขึ้นต้นด้วย 06, 08 หรือ 09",
            "mobile number {digits} must start with 06, 08 or 09",
            digits=digits,
        )
    if len(digits) == 13:
        if _valid_id(digits) is not None:
            return digits
        raise PromptPayError(
            "promptpay.id_check_digit",
            "เลขประจำตัวประชาชน/เลขผู้เสียภาษี {digits} มีเลขตรวจสอบ (หลักสุดท้าย) ไม่ถูกต้อง",
            "national/tax ID {digits} has a wrong check digit",
            digits=digits,
        )
    raise PromptPayError(
        "promptpay.id_form",
        "หมายเลขพร้อมเพย์ “{value}” ต้องเป็นเบอร์มือถือ (10 หลัก ขึ้นต้นด้วย 06/08/09)"
        " หรือเลขประจำตัวประชาชน/เลขผู้เสียภาษี 13 หลัก",
        "PromptPay ID {value!r} must be a mobile number (10 digits, 06/08/09…)"
        " or a 13-digit national/tax ID",
        value=value,
    )


def _infer_type(target: str, digits: str, *, plus: bool) -> str:
    size = len(digits)
    if plus or size in (10, 11):
        return "mobile"
    if size == 13:
        return id_type(digits)
    if size == 15:
        return "ewallet"
    raise _not_a_target(target)


def _mobile_field(target: str, digits: str) -> str:
    """Thai mobile as the 13-digit ``0066`` + 9 digits that tag 29 carries."""
    if len(digits) == 10 and digits[0] == "0":
        national = digits[1:]
    elif len(digits) == 11 and digits.startswith("66"):
        national = digits[2:]
    else:
        raise PromptPayError(
            "promptpay.mobile_length",
            "เบอร์มือถือ “{target}” ต้องมี 10 หลักขึ้นต้นด้วย 0 หรือขึ้นต้นด้วย 66 ตามด้วย 9 หลัก",
            "mobile number {target!r} must be 10 digits starting with 0, or 66 and 9 digits",
            target=target,
        )
    if national[0] not in "689":
        raise PromptPayError(
            "promptpay.not_thai_mobile",
            "“{target}” ไม่ใช่เบอร์มือถือไทย (ต้องขึ้นต้นด้วย 06, 08 หรือ 09)",
            "{target!r} is not a Thai mobile number (06, 08 or 09 ...)",
            target=target,
        )
    return "0066" + national


def _thai_id(target: str, digits: str, kind: str) -> str:
    if len(digits) != 13:
        raise PromptPayError(
            "promptpay.id_length",
            "เลขประจำตัวประชาชน/เลขผู้เสียภาษี “{target}” ต้องมี 13 หลัก",
            "{kind} {target!r} must be 13 digits",
            kind=kind.replace("_", " "),
            target=target,
        )
    valid = _valid_id(digits)
    if kind == "national_id" and valid != "national_id":
        raise PromptPayError(
            "promptpay.national_id_invalid",
            "เลขประจำตัวประชาชน “{target}” มีเลขตรวจสอบหรือหลักแรกไม่ถูกต้อง",
            "national ID {target!r} has a wrong check digit or first digit",
            target=target,
        )
    if kind == "tax_id" and valid is None:
        raise PromptPayError(
            "promptpay.tax_id_invalid",
            "“{target}” ไม่ใช่ทั้งเลขประจำตัวประชาชนและเลขผู้เสียภาษี (เลขตรวจสอบหรือหลักแรกไม่ถูกต้อง)",
            "{target!r} is neither a national ID nor a tax ID (wrong check digit or first digit)",
            target=target,
        )
    return digits


def thai_id_check_digit(digits: str) -> str:
    """The check digit of a 13-digit Thai national or tax ID (the same rule as stdnum.th.pin).

    Unrolled: building a payload to a new ID must not cost more than the payload itself.
    """
    b = digits.encode()
    s = (
        b[0] * 13
        + b[1] * 12
        + b[2] * 11
        + b[3] * 10
        + b[4] * 9
        + b[5] * 8
        + b[6] * 7
        + b[7] * 6
        + b[8] * 5
        + b[9] * 4
        + b[10] * 3
        + b[11] * 2
        - 48 * 90
    ) % 11
    return "0123456789"[(11 - s) % 10]


@lru_cache(maxsize=1024)
def _valid_id(digits: str) -> str | None:
    """``national_id`` (PIN), ``tax_id`` (a company's MOA number) or None; 13 digits given.

    Cached: a shop is paid to the same few IDs all day, and the check digit is the
    costliest step of building a payload.
    """
    if digits[-1] != thai_id_check_digit(digits):  # PIN and MOA share the check digit
        return None
    if digits[0] == "0":
        return "tax_id"
    return None if digits[0] == "9" else "national_id"


def mobile_from_field(value: str) -> str:
    """``0066812345678`` -> ``0812345678``; other forms are given back unchanged."""
    national = value.lstrip("0")
    return "0" + national[2:] if national.startswith("66") else value


def id_type(digits: str) -> str:
    """``national_id`` when it is a valid PIN, else ``tax_id``."""
    return "national_id" if _valid_id(digits) == "national_id" else "tax_id"


def amount_field(amount_satang: object) -> str:
    """Tag 54 for an amount of integer satang: ``15025`` -> ``'5406150.25'``."""
    if type(amount_satang) is int and 0 < amount_satang <= MAX_AMOUNT_SATANG:
        text = f"{amount_satang // 100}.{amount_satang % 100:02d}"
        return f"54{len(text):02d}{text}"
    if type(amount_satang) is not int:
        raise PromptPayError(
            "promptpay.amount_not_integer",
            "จำนวนเงินต้องเป็นจำนวนเต็มหน่วยสตางค์ แต่ได้ {type_name} {amount}",
            "amount_satang must be an integer number of satang, got {type_name} {amount}",
            type_name=type(amount_satang).__name__,
            amount=repr(amount_satang),
        )
    if amount_satang <= 0:
        raise PromptPayError(
            "promptpay.amount_not_positive",
            "จำนวนเงินต้องมากกว่าศูนย์ แต่ได้ {baht} บาท",
            "amount_satang must be more than zero, got {amount_satang}",
            amount_satang=amount_satang,
            baht=_baht(amount_satang),
        )
    raise PromptPayError(
        "promptpay.amount_too_large",
        "จำนวนเงิน {baht} บาท เกินที่ QR พร้อมเพย์รองรับ (ไม่เกิน 9,999,999,999.99 บาท)",
        "amount_satang {amount_satang} does not fit the 13 characters of tag 54"
        " (at most 9999999999.99 baht)",
        amount_satang=amount_satang,
        baht=_baht(amount_satang),
    )


def _baht(satang: int) -> str:
    """``-123450`` -> ``'-1,234.50'``, as ``kernel.money.format_baht`` (the codec is pure)."""
    whole, fraction = divmod(abs(satang), 100)
    return f"{'-' if satang < 0 else ''}{whole:,}.{fraction:02d}"


def amount_from_field(value: str) -> int:
    """Tag 54 text to integer satang, exactly: ``'150.25'`` -> ``15025``."""
    match = _AMOUNT.fullmatch(value)
    if match is None or len(value) > 13:
        raise PromptPayError(
            "promptpay.amount_field",
            "จำนวนเงินในแท็ก 54 “{value}” ไม่ใช่จำนวนเงินแบบ 150.25",
            "tag 54 (amount) {value!r} is not an amount like 150.25",
            value=value,
        )
    return int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))


def reference(name: str, value: object) -> str:
    """A bill-payment reference: 1 to 20 upper-case letters and digits."""
    if not isinstance(value, str) or _REF.fullmatch(value) is None:
        raise PromptPayError(
            "promptpay.reference",
            "{name} ต้องเป็นตัวอักษรอังกฤษพิมพ์ใหญ่และตัวเลข 1 ถึง {limit} ตัว แต่ได้ {value}",
            "{name} must be 1 to {limit} upper-case letters and digits, got {value}",
            name=name,
            limit=REF_MAX,
            value=repr(value),
        )
    return value


def biller(biller_id: object) -> str:
    """A biller ID: the 13-digit tax ID and a 2-digit suffix."""
    if not (
        isinstance(biller_id, str)
        and len(biller_id) == 15
        and biller_id.isdecimal()
        and biller_id.isascii()
    ):
        raise PromptPayError(
            "promptpay.biller_id",
            "รหัสผู้รับชำระ (biller ID) ต้องเป็นตัวเลข 15 หลัก (เลขผู้เสียภาษี 13 หลัก"
            " + ส่วนท้าย 2 หลัก) แต่ได้ {value}",
            "biller_id must be 15 digits (13-digit tax ID + 2-digit suffix), got {value}",
            value=repr(biller_id),
        )
    return biller_id


def text(name: str, value: object, limit: int) -> str:
    """A printable ASCII text of 1 to ``limit`` characters (EMVCo 'ans' fields)."""
    if not isinstance(value, str) or not value:
        raise PromptPayError(
            "promptpay.text_empty",
            "{name} ต้องเป็นข้อความที่ไม่ว่าง แต่ได้ {value}",
            "{name} must be a non-empty text, got {value}",
            name=name,
            value=repr(value),
        )
    if not (value.isascii() and value.isprintable()):
        raise PromptPayError(
            "promptpay.text_not_ascii",
            "{name} “{value}” ต้องเป็นตัวอักษรภาษาอังกฤษ ตัวเลข หรือเครื่องหมายที่พิมพ์ได้เท่านั้น",
            "{name} {value!r} must be printable ASCII (Latin letters)",
            name=name,
            value=value,
        )
    if len(value) > limit:
        raise PromptPayError(
            "promptpay.text_too_long",
            "{name} ยาว {length} ตัวอักษร ใส่ได้ไม่เกิน {limit} ตัวอักษร",
            "{name} is {length} characters long; at most {limit}",
            name=name,
            length=len(value),
            limit=limit,
        )
    return value
