"""Pure rules of the catalogue: names, codes, rates, ratings and prices (no I/O).

The services and the CSV import apply the same functions, so a row refused by the import is
refused for the same reason as the same input through the API.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

from kernel.errors import InvalidInputError
from kernel.money import format_baht
from kernel.text import check_text

NAME_MAX = 200
TAMBON_MAX = 100
PHONE_MAX = 20
SKU_MAX = 32
ENTREPRENEUR_CODE_MAX = 16
CATEGORY_CODE_MAX = 32
LOCATION_CODE_MAX = 16
MAX_PRICE_SATANG = 100_000_000_00  # one hundred million baht: anything above is a typo
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]*$")


def clean_name(value: object, field: str, *, required: bool = True, limit: int = NAME_MAX) -> str:
    """A trimmed name: single spaces, within ``limit`` characters, present when required."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInputError("field.not_text", "ช่อง {field} ต้องเป็นข้อความ", field=field)
    text = " ".join(check_text(value, field).split())
    if required and not text:
        raise InvalidInputError("field.required", "กรุณากรอกช่อง {field}", field=field)
    if len(text) > limit:
        raise InvalidInputError(
            "field.too_long",
            "ช่อง {field} ยาว {length} ตัวอักษร ใส่ได้ไม่เกิน {limit} ตัวอักษร",
            field=field,
            length=len(text),
            limit=limit,
        )
    return text


def clean_code(value: object, field: str, *, limit: int) -> str:
    """A code people type and print: letters, digits, dot, dash, underscore."""
    text = clean_name(value, field, limit=limit)
    if not _CODE.match(text):
        raise InvalidInputError(
            "field.code_characters",
            "ช่อง {field} “{text}” ใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข และเครื่องหมาย . - _",
            field=field,
            text=text,
        )
    return text


def clean_phone(value: object, field: str = "phone") -> str:
    text = clean_name(value, field, required=False, limit=PHONE_MAX)
    if text and not _PHONE.match(text):
        raise InvalidInputError(
            "entrepreneur.phone_invalid",
            "เบอร์โทรศัพท์ “{text}” ใช้ได้เฉพาะตัวเลข ช่องว่าง และขีด (-)",
            field=field,
            text=text,
        )
    return text


def check_commission_bp(value: object, field: str = "commission_bp") -> int:
    """Commission in basis points: 0 (none) to 10000 (all of it)."""
    number = _strict_int(value, field)
    if not 0 <= number <= 10_000:
        raise InvalidInputError(
            "commission.out_of_range",
            "ค่าคอมมิชชั่นต้องอยู่ระหว่าง 0 ถึง 100 % (0–10000 basis points) แต่ได้ {number}",
            field=field,
            number=number,
        )
    return number


def check_star_rating(value: object, field: str = "star_rating") -> int:
    number = _strict_int(value, field)
    if not 1 <= number <= 5:
        raise InvalidInputError(
            "entrepreneur.stars_out_of_range",
            "ระดับดาว OTOP ต้องเป็น 1 ถึง 5 ดาว แต่ได้ {number}",
            field=field,
            number=number,
        )
    return number


def check_price_satang(value: object, field: str = "price_satang") -> int:
    number = _strict_int(value, field)
    if number < 0:
        raise InvalidInputError("product.price_negative", "ราคาต้องไม่ติดลบ", field=field)
    if number > MAX_PRICE_SATANG:
        raise InvalidInputError(
            "product.price_too_high",
            "ราคา {baht} บาท สูงผิดปกติ กรุณาตรวจสอบอีกครั้ง",
            field=field,
            number=number,
            baht=format_baht(number),
        )
    return number


def check_bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInputError(
            "field.not_boolean", "ช่อง {field} ต้องเป็นใช่หรือไม่ใช่ (true/false)", field=field
        )
    return value


def parse_percent_to_bp(text: str, field: str = "commission_percent") -> int:
    """``'15'`` or ``'12.5'`` per cent -> basis points, exactly (at most two decimals)."""
    match = re.fullmatch(r"(\d{1,3})(?:\.(\d{1,2}))?", text.strip().rstrip("%").strip())
    if match is None:
        raise InvalidInputError(
            "commission.not_percent",
            "ค่าคอมมิชชั่น “{text}” ไม่ใช่ตัวเลขเปอร์เซ็นต์ (ใส่เช่น 15 หรือ 12.5)",
            field=field,
            text=text,
        )
    basis_points = int(match[1]) * 100 + int((match[2] or "").ljust(2, "0"))
    return check_commission_bp(basis_points, field)


def parse_bool(text: str, field: str) -> bool:
    """Spreadsheet truth: 1/0, true/false, yes/no, y/n, ใช่/ไม่ (blank means yes)."""
    word = text.strip().lower()
    if word in ("", "1", "true", "yes", "y", "t", "ใช่", "จริง"):
        return True
    if word in ("0", "false", "no", "n", "f", "ไม่", "ไม่ใช่", "เท็จ"):
        return False
    raise InvalidInputError(
        "field.not_yes_no",
        "ช่อง {field} “{text}” ต้องเป็น 1/0, true/false, yes/no หรือ ใช่/ไม่",
        field=field,
        text=text,
    )


def content_version(values: Iterable[object]) -> int:
    """A version for rows that keep no counter: changes whenever a stored value changes."""
    return zlib.crc32(repr(tuple(values)).encode()) & 0x7FFFFFFF


def _strict_int(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError("field.not_whole_number", "ช่อง {field} ต้องเป็นจำนวนเต็ม", field=field)
    return value
