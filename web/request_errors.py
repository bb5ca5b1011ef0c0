"""A refused request, field by field: Litestar's ValidationException said with codes.

Litestar answers a body or parameter that fails validation with "Validation failed for POST
/api/v1/sales" and the validator's English per field. Here each problem becomes a coded
:class:`InvalidInputError` with a Thai template (a missing field, text too long, not a
number, out of range, ...), from pydantic's error type where there is one, else from the
wording of msgspec's message; the request as a whole is ``request.invalid``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from litestar.exceptions import ValidationException

from kernel.errors import InvalidInputError

# One maker per kind of problem: ``key`` is the field (``lines.0.quantity``), ``limit`` the
# bound a value broke, ``expected`` the values allowed.
FieldError = Callable[..., InvalidInputError]
FIELD_ERRORS: dict[str, FieldError] = {
    "missing": lambda key, **_: InvalidInputError(
        "request.missing", "ต้องระบุ {key}", field=key, key=key
    ),
    "not_whole_number": lambda key, **_: InvalidInputError(
        "request.not_whole_number",
        "{key} ต้องเป็นจำนวนเต็ม ไม่ใช่ข้อความหรือทศนิยม",
        field=key,
        key=key,
    ),
    "not_a_number": lambda key, **_: InvalidInputError(
        "request.not_a_number", "{key} ต้องเป็นตัวเลข", field=key, key=key
    ),
    "out_of_range": lambda key, low, high, **_: InvalidInputError(
        "request.not_in_range",
        "{key} ต้องอยู่ระหว่าง {low} ถึง {high}",
        field=key,
        key=key,
        low=low,
        high=high,
    ),
    "more_than": lambda key, limit, **_: InvalidInputError(
        "request.more_than", "{key} ต้องมากกว่า {limit}", field=key, key=key, limit=limit
    ),
    "at_least": lambda key, limit, **_: InvalidInputError(
        "request.at_least", "{key} ต้องไม่น้อยกว่า {limit}", field=key, key=key, limit=limit
    ),
    "less_than": lambda key, limit, **_: InvalidInputError(
        "request.less_than", "{key} ต้องน้อยกว่า {limit}", field=key, key=key, limit=limit
    ),
    "at_most": lambda key, limit, **_: InvalidInputError(
        "request.at_most", "{key} ต้องไม่เกิน {limit}", field=key, key=key, limit=limit
    ),
    "text_too_long": lambda key, limit, **_: InvalidInputError(
        "request.text_too_long",
        "{key} ยาวได้ไม่เกิน {limit} ตัวอักษร",
        field=key,
        key=key,
        limit=limit,
    ),
    "text_too_short": lambda key, limit, **_: InvalidInputError(
        "request.text_too_short",
        "{key} ต้องมีอย่างน้อย {limit} ตัวอักษร",
        field=key,
        key=key,
        limit=limit,
    ),
    "too_many": lambda key, limit, **_: InvalidInputError(
        "request.too_many", "{key} มีได้ไม่เกิน {limit} รายการ", field=key, key=key, limit=limit
    ),
    "too_few": lambda key, limit, **_: InvalidInputError(
        "request.too_few",
        "{key} ต้องมีอย่างน้อย {limit} รายการ",
        field=key,
        key=key,
        limit=limit,
    ),
    "bad_format": lambda key, **_: InvalidInputError(
        "request.bad_format", "{key} มีรูปแบบไม่ถูกต้อง", field=key, key=key
    ),
    "not_a_choice": lambda key, expected="", **_: InvalidInputError(
        "request.not_a_choice",
        "{key} ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้: {expected}",
        field=key,
        key=key,
        expected=expected,
    ),
    "bad_value": lambda key, **_: InvalidInputError(
        "request.bad_value", "{key} มีค่าที่ใช้ไม่ได้", field=key, key=key
    ),
    "not_true_or_false": lambda key, **_: InvalidInputError(
        "request.not_true_or_false", "{key} ต้องเป็น true หรือ false", field=key, key=key
    ),
    "bad_date": lambda key, **_: InvalidInputError(
        "request.bad_date", "{key} ไม่ใช่วันที่หรือเวลาที่ถูกต้อง", field=key, key=key
    ),
    "unknown_field": lambda key, **_: InvalidInputError(
        "request.unknown_field", "ไม่รู้จักช่อง {key}", field=key, key=key
    ),
    "wrong_type": lambda key, **_: InvalidInputError(
        "request.wrong_type", "{key} มีชนิดข้อมูลไม่ถูกต้อง", field=key, key=key
    ),
    "not_an_object": lambda **_: InvalidInputError(
        "request.not_an_object", "ข้อมูลที่ส่งมาต้องเป็นออบเจ็กต์ JSON ตามแบบที่กำหนด"
    ),
}

# pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/), and the
# kinds web/schemas.py raises itself, to the kinds above; any other is ``wrong_type``.
PYDANTIC_KINDS = {
    "missing": "missing",
    "int_type": "not_whole_number",
    "int_parsing": "not_whole_number",
    "int_from_float": "not_whole_number",
    "not_whole_number": "not_whole_number",
    "float_type": "not_a_number",
    "float_parsing": "not_a_number",
    "decimal_type": "not_a_number",
    "decimal_parsing": "not_a_number",
    "finite_number": "not_a_number",
    "out_of_range": "out_of_range",
    "greater_than": "more_than",
    "greater_than_equal": "at_least",
    "less_than": "less_than",
    "less_than_equal": "at_most",
    "string_too_long": "text_too_long",
    "string_too_short": "text_too_short",
    "too_long": "too_many",
    "too_short": "too_few",
    "string_pattern_mismatch": "bad_format",
    "enum": "not_a_choice",
    "literal_error": "not_a_choice",
    "union_tag_invalid": "not_a_choice",
    "bool_type": "not_true_or_false",
    "bool_parsing": "not_true_or_false",
    "not_true_or_false": "not_true_or_false",
    "extra_forbidden": "unknown_field",
}
DATE_TYPES = ("date_", "datetime_", "time_", "timezone_")
LIMITS = ("gt", "ge", "lt", "le", "max_length", "min_length")

# msgspec (query, path and header parameters) says what it expected in words.
MSGSPEC: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Object missing required field"), "missing"),
    (re.compile(r"^Object contains unknown field"), "unknown_field"),
    (re.compile(r"^Expected `(?:int|float|number)` (>=|>|<=|<) (-?[\d.]+)"), "bound"),
    (re.compile(r"^Expected `str` of length (<=|>=) (\d+)"), "text_length"),
    (re.compile(r"^Expected `(?:array|object)` of length (<=|>=) (\d+)"), "length"),
    (re.compile(r"^Expected `int`"), "not_whole_number"),
    (re.compile(r"^Expected `(?:float|number|decimal)`"), "not_a_number"),
    (re.compile(r"^Expected `bool`"), "not_true_or_false"),
    (re.compile(r"^Expected `str` matching regex"), "bad_format"),
    (re.compile(r"^Invalid enum value"), "bad_value"),
    (re.compile(r"(?i)^Invalid (?:RFC 3339|ISO 8601|date|datetime|time)"), "bad_date"),
]
BOUNDS = {">": "more_than", ">=": "at_least", "<": "less_than", "<=": "at_most"}
LENGTHS = {
    ("text_length", "<="): "text_too_long",
    ("text_length", ">="): "text_too_short",
    ("length", "<="): "too_many",
    ("length", ">="): "too_few",
}
NAMED = re.compile(r"`([^`$]+)`")
MISSING_PARAMETER = re.compile(r"^Missing required (\w+) parameter '(.+?)'")


class Problem(NamedTuple):
    """One thing wrong with a request: the coded error, and where (Litestar's ``key``, the
    field's path such as ``lines.0.quantity``, and ``source``: body, query, path, header)."""

    error: InvalidInputError
    key: str | None = None
    source: str | None = None


def refused_request(exc: ValidationException) -> tuple[InvalidInputError, list[Problem]]:
    """``request.invalid`` naming the first problem, and every problem."""
    problems = [
        Problem(_coded(entry, cause), entry.get("key"), entry.get("source"))
        for entry, cause in _with_causes(exc)
    ]
    if not problems:
        missing = MISSING_PARAMETER.match(str(exc.detail))
        if missing:
            problems = [Problem(_made("missing", missing.group(2)), *missing.group(2, 1))]
        else:
            problems = [Problem(_made("not_an_object", None))]
    first = problems[0].error
    invalid = InvalidInputError(
        "request.invalid", "ข้อมูลในคำขอไม่ถูกต้อง: {problem}", field=first.field, problem=first
    )
    return invalid, problems


def _with_causes(exc: ValidationException) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Each of Litestar's entries with pydantic's own error where there is one: Litestar
    builds one entry per pydantic error, in order, and keeps the errors in the cause."""
    entries = [e for e in exc.extra if isinstance(e, dict)] if isinstance(exc.extra, list) else []
    causes = getattr(exc.__cause__, "errors", None)
    if isinstance(causes, list) and len(causes) == len(entries):
        return list(zip(entries, causes, strict=True))
    return [(entry, None) for entry in entries]


def _coded(entry: dict[str, Any], cause: dict[str, Any] | None) -> InvalidInputError:
    key = entry.get("key")
    if cause is None:
        return _from_message(str(entry.get("message", "")), key)
    kind = str(cause.get("type", ""))
    context = cause.get("ctx") or {}
    if kind.startswith(DATE_TYPES):
        return _made("bad_date", key)
    return _made(
        PYDANTIC_KINDS.get(kind, "wrong_type"),
        key,
        limit=next((context[name] for name in LIMITS if name in context), None),
        expected=context.get("expected") or context.get("expected_tags") or "",
        low=context.get("low"),
        high=context.get("high"),
    )


def _from_message(message: str, key: str | None) -> InvalidInputError:
    """msgspec's English, read for what kind of problem it names."""
    for pattern, kind in MSGSPEC:
        found = pattern.search(message)
        if found is None:
            continue
        if kind == "bound":
            return _made(BOUNDS[found.group(1)], key, limit=found.group(2))
        if kind in ("text_length", "length"):
            return _made(LENGTHS[kind, found.group(1)], key, limit=found.group(2))
        if kind in ("missing", "unknown_field") and (named := NAMED.search(message)):
            inside = key if key and key != "data" else None
            return _made(kind, ".".join(filter(None, [inside, named.group(1)])))
        return _made(kind, key)
    return _made("wrong_type", key)


def _made(kind: str, key: str | None, **values: Any) -> InvalidInputError:
    if key is None:  # the body as a whole is not what the operation takes
        return FIELD_ERRORS["not_an_object"]()
    return FIELD_ERRORS[kind](key=key, **values)
