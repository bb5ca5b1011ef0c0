"""Dates people type: the Buddhist era as Thai staff write it, or ISO. Pure.

The one server parser behind every date field (reports, payout cut-off, statements, the audit
filter); ``web/static/be_date.js`` is its browser twin. Accepted, Thai digits (๐–๙) included:

- ``7/12/2569``, ``07-12-2569``, ``7.12.69``: day, month, Buddhist year (two digits: 25xx);
- ``7/12/2026``: a year below 2400 is read as the Western (CE) year;
- ``2026-12-07`` (ISO) and ``2569-12-07`` (an ISO shape with a Buddhist year);
- ``7 ธ.ค. 2569``, ``7 ธันวาคม 69``, ``7 Dec 2026``: the month by its Thai or English name.

A year of 2400 or more is Buddhist (CE + 543): no date this service handles is that far ahead.
"""

from __future__ import annotations

import re
from datetime import date

from kernel.errors import InvalidInputError

BUDDHIST_OFFSET = 543
BE_FROM = 2400  # a year at least this is Buddhist era
FIRST_YEAR_CE = 1957  # BE 2500
LAST_YEAR_CE = 2299
FORMAT_HINT = "วว/ดด/ปปปป (พ.ศ.)"

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_NAMED = re.compile(r"^(\d{1,2})\s*([^\d\s]+)\s*(\d{2}|\d{4})$")

_MONTH_NAMES: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("ม.ค.", "มกราคม", "มกรา", "jan", "january"),
        ("ก.พ.", "กุมภาพันธ์", "กุมภา", "feb", "february"),
        ("มี.ค.", "มีนาคม", "มีนา", "mar", "march"),
        ("เม.ย.", "เมษายน", "เมษา", "apr", "april"),
        ("พ.ค.", "พฤษภาคม", "พฤษภา", "may"),
        ("มิ.ย.", "มิถุนายน", "มิถุนา", "jun", "june"),
        ("ก.ค.", "กรกฎาคม", "กรกฎา", "jul", "july"),
        ("ส.ค.", "สิงหาคม", "สิงหา", "aug", "august"),
        ("ก.ย.", "กันยายน", "กันยา", "sep", "sept", "september"),
        ("ต.ค.", "ตุลาคม", "ตุลา", "oct", "october"),
        ("พ.ย.", "พฤศจิกายน", "พฤศจิกา", "nov", "november"),
        ("ธ.ค.", "ธันวาคม", "ธันวา", "dec", "december"),
    ),
    start=1,
):
    for _name in _names:
        _MONTH_NAMES[_name] = _number
        _MONTH_NAMES[_name.replace(".", "")] = _number


def _year_ce(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # Thai staff write 69 for 2569
        return 2500 + year - BUDDHIST_OFFSET
    return year - BUDDHIST_OFFSET if year >= BE_FROM else year


def be_text(day: date) -> str:
    """``07/12/2569``: how every date field shows a date (the parser reads it back)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year + BUDDHIST_OFFSET}"


def _fields(value: str) -> tuple[int, int, int] | None:
    """(year CE, month, day) as written, or None when the shape is unknown."""
    if found := _ISO.match(value):
        return _year_ce(found[1]), int(found[2]), int(found[3])
    if found := _DMY.match(value):
        return _year_ce(found[3]), int(found[2]), int(found[1])
    if found := _NAMED.match(value):
        month = _MONTH_NAMES.get(found[2].lower().replace(".", ""))
        if month is None:
            return None
        return _year_ce(found[3]), month, int(found[1])
    return None


def parse_date(text: str | None, field: str) -> date:
    """A date as typed (see the module's doc), or a 422 naming the field, in Thai and English."""
    value = " ".join((text or "").translate(_THAI_DIGITS).split())
    if not value:
        raise InvalidInputError(
            "date.required",
            "กรุณาระบุวันที่ ({field}) ในรูปแบบ วว/ดด/ปปปป (พ.ศ.) เช่น {example}",
            field=field,
            which=field,
            example="07/12/2569",
        )
    fields = _fields(value)
    try:
        if fields is None:
            raise ValueError(value)
        year, month, day = fields
        found = date(year, month, day)
    except ValueError:
        raise InvalidInputError(
            "date.invalid",
            "วันที่ ({field}) ไม่ถูกต้อง: ต้องเป็น วว/ดด/ปปปป (พ.ศ.) เช่น 07/12/2569 หรือ "
            "2026-12-07 (ได้รับ {value!r})",
            field=field,
            which=field,
            value=value[:20],
        ) from None
    if not FIRST_YEAR_CE <= found.year <= LAST_YEAR_CE:
        raise InvalidInputError(
            "date.out_of_range",
            "วันที่ ({field}) ต้องอยู่ระหว่างปี พ.ศ. {first} ถึง {last} (ได้รับ {value!r})",
            field=field,
            which=field,
            first=FIRST_YEAR_CE + BUDDHIST_OFFSET,
            last=LAST_YEAR_CE + BUDDHIST_OFFSET,
            value=value[:20],
        )
    return found


def parse_optional_date(text: str | None, field: str) -> date | None:
    """As :func:`parse_date`; an empty field is None."""
    if text is None or not text.strip():
        return None
    return parse_date(text, field)
