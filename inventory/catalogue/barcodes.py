"""Barcodes: GTINs are accepted only with a valid check digit; other goods get an in-store code."""

from __future__ import annotations

from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumValidationError

from kernel.errors import InvalidInputError
from kernel.text import ascii_digits

GTIN_LENGTHS = {8: "EAN-8", 12: "UPC-A", 13: "EAN-13"}
# GS1 reserves prefixes 20-29 for numbers a shop assigns to its own goods; we use 20.
IN_STORE_PREFIX = "20"


def check_digit(body: str) -> str:
    """The GS1 check digit of the digits before it."""
    return ean.calc_check_digit(body)


def validate_gtin(code: str, *, field: str = "barcode") -> str:
    """Return the GTIN as digits, or refuse it with the reason."""
    digits = code.strip().replace(" ", "").replace("-", "")
    if not ascii_digits(digits):
        raise InvalidInputError(
            "barcode.not_digits",
            "บาร์โค้ด “{barcode}” ต้องเป็นตัวเลขเท่านั้น",
            field=field,
            barcode=code,
        )
    if len(digits) not in GTIN_LENGTHS:
        raise InvalidInputError(
            "barcode.length",
            "บาร์โค้ด “{barcode}” มี {length} หลัก แต่ EAN-13, EAN-8 และ UPC-A มี 13, 8 และ 12 หลัก",
            field=field,
            barcode=code,
            length=len(digits),
        )
    try:
        ean.validate(digits)
    except StdnumValidationError:
        expected = check_digit(digits[:-1])
        raise InvalidInputError(
            "barcode.check_digit",
            "บาร์โค้ด {barcode} มีเลขตรวจสอบ (หลักสุดท้าย) ไม่ถูกต้อง หลักสุดท้ายควรเป็น {expected}",
            field=field,
            barcode=digits,
            expected=expected,
        ) from None
    return digits


def in_store_code(serial: int) -> str:
    """The EAN-13 in-store code for the n-th product the centre labels itself."""
    if not 0 < serial < 10**10:
        raise ValueError(f"in-store serial out of range: {serial}")
    body = f"{IN_STORE_PREFIX}{serial:010d}"
    return body + check_digit(body)


def is_in_store(code: str) -> bool:
    return len(code) == 13 and code[:1] == "2"
