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
_TARGET_FORMS = (
    "a mobile number (0812345678, 081-234-5678, +66 81 234 5678, 66812345678), "
    "a 13-digit national or tax ID, or a 15-digit e-wallet ID"
)


def proxy(target: object, proxy_type: str | None = None) -> tuple[str, str, str]:
    """``(proxy_type, sub_tag, value)`` of tag 29 for ``target``; the type is inferred if None."""
    if not isinstance(target, str):
        raise PromptPayError(f"target must be text, got {type(target).__name__}")
    compact = target.strip().translate(_SEPARATORS)
    digits = compact[1:] if compact[:1] == "+" else compact
    if not (digits.isdecimal() and digits.isascii()):
        raise PromptPayError(f"target {target!r} is not {_TARGET_FORMS}")
    kind = proxy_type or _infer_type(target, digits, plus=compact[:1] == "+")
    if kind == "mobile":
        return kind, "01", _mobile_field(target, digits)
    if kind in ("national_id", "tax_id"):
        return kind, "02", _thai_id(target, digits, kind)
    if kind == "ewallet":
        if len(digits) != 15:
            raise PromptPayError(f"e-wallet ID {target!r} must be 15 digits")
        return kind, "03", digits
    if kind == "bank_account":
        if not 4 <= len(digits) <= 43:
            raise PromptPayError(
                f"bank account {target!r} must be 4 to 43 digits (bank code first)"
            )
        return kind, "04", digits
    raise PromptPayError(f"proxy_type must be one of {', '.join(PROXY_TYPES)}, not {kind!r}")


def receiving_id(value: str) -> str:
    """A PromptPay receiving ID as plain digits: a Thai mobile number or a 13-digit national/tax ID.

    The forms people type are accepted (``+66 81-234-5678`` -> ``0812345678``,
    ``1-1017-00230-70-8``); anything else is a :class:`PromptPayError` that says why.
    """
    compact = value.strip().translate(_SEPARATORS)
    plus = compact[:1] == "+"
    digits = compact[1:] if plus else compact
    if not (digits.isdecimal() and digits.isascii()):
        raise PromptPayError(f"PromptPay ID {value!r} must be digits only")
    if plus or (len(digits) == 11 and digits.startswith("66")):
        digits = "0" + digits.removeprefix("66")
    if len(digits) == 10:
        if digits[0] == "0" and digits[1] in "689":
            return digits
        raise PromptPayError(f"mobile number {digits} must start with 06, 08 or 09")
    if len(digits) == 13:
        if _valid_id(digits) is not None:
            return digits
        raise PromptPayError(f"national/tax ID {digits} has a wrong check digit")
    raise PromptPayError(
        f"PromptPay ID {value!r} must be a mobile number (10 digits, 06/08/09…) "
        "or a 13-digit national/tax ID"
    )


def _infer_type(target: str, digits: str, *, plus: bool) -> str:
    size = len(digits)
    if plus or size in (10, 11):
        return "mobile"
    if size == 13:
        return id_type(digits)
    if size == 15:
        return "ewallet"
    raise PromptPayError(f"target {target!r} is not {_TARGET_FORMS}")


def _mobile_field(target: str, digits: str) -> str:
    """Thai mobile as the 13-digit ``0066`` + 9 digits that tag 29 carries."""
    if len(digits) == 10 and digits[0] == "0":
        national = digits[1:]
    elif len(digits) == 11 and digits.startswith("66"):
        national = digits[2:]
    else:
        raise PromptPayError(
            f"mobile number {target!r} must be 10 digits starting with 0, or 66 and 9 digits"
        )
    if national[0] not in "689":
        raise PromptPayError(f"{target!r} is not a Thai mobile number (06, 08 or 09 ...)")
    return "0066" + national


def _thai_id(target: str, digits: str, kind: str) -> str:
    if len(digits) != 13:
        raise PromptPayError(f"{kind.replace('_', ' ')} {target!r} must be 13 digits")
    valid = _valid_id(digits)
    if kind == "national_id" and valid != "national_id":
        raise PromptPayError(f"national ID {target!r} has a wrong check digit or first digit")
    if kind == "tax_id" and valid is None:
        raise PromptPayError(
            f"{target!r} is neither a national ID nor a tax ID (wrong check digit or first digit)"
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
            f"amount_satang must be an integer number of satang, "
            f"got {type(amount_satang).__name__} {amount_satang!r}"
        )
    if amount_satang <= 0:
        raise PromptPayError(f"amount_satang must be more than zero, got {amount_satang}")
    raise PromptPayError(
        f"amount_satang {amount_satang} does not fit the 13 characters of tag 54 "
        f"(at most 9999999999.99 baht)"
    )


def amount_from_field(value: str) -> int:
    """Tag 54 text to integer satang, exactly: ``'150.25'`` -> ``15025``."""
    match = _AMOUNT.fullmatch(value)
    if match is None or len(value) > 13:
        raise PromptPayError(f"tag 54 (amount) {value!r} is not an amount like 150.25")
    return int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))


def reference(name: str, value: object) -> str:
    """A bill-payment reference: 1 to 20 upper-case letters and digits."""
    if not isinstance(value, str) or _REF.fullmatch(value) is None:
        raise PromptPayError(
            f"{name} must be 1 to {REF_MAX} upper-case letters and digits, got {value!r}"
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
            f"biller_id must be 15 digits (13-digit tax ID + 2-digit suffix), got {biller_id!r}"
        )
    return biller_id


def text(name: str, value: object, limit: int) -> str:
    """A printable ASCII text of 1 to ``limit`` characters (EMVCo 'ans' fields)."""
    if not isinstance(value, str) or not value:
        raise PromptPayError(f"{name} must be a non-empty text, got {value!r}")
    if not (value.isascii() and value.isprintable()):
        raise PromptPayError(f"{name} {value!r} must be printable ASCII (Latin letters)")
    if len(value) > limit:
        raise PromptPayError(f"{name} is {len(value)} characters long; at most {limit}")
    return value
