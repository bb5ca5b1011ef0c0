"""PromptPay receiving IDs of entrepreneurs: a Thai mobile number or a 13-digit national/tax ID.

Pure: no I/O. Payouts go to this ID, so a typo must be caught when it is entered.
"""

from __future__ import annotations

import re

from stdnum.th import tin

from kernel.errors import InvalidInputError
from kernel.text import ascii_digits

_SEPARATORS = re.compile(r"[\s\-.]")
# Thai mobile numbers: 0 then 9 digits, the second digit 6, 8 or 9.
_MOBILE = re.compile(r"^0[689]\d{8}$")


def promptpay_id_problem(value: str | None) -> str | None:
    """Why ``value`` is not a PromptPay receiving ID, or ``None`` when it is one (or empty)."""
    digits = _digits(value)
    if digits is None:
        return None
    if not ascii_digits(digits):
        return f"PromptPay ID {value!r} must be digits only"
    if len(digits) == 10:
        if _MOBILE.match(digits):
            return None
        return f"mobile number {digits} must start with 06, 08 or 09"
    if len(digits) == 13:
        # stdnum.th.tin accepts personal (PIN) and juristic (MOA) 13-digit IDs.
        if tin.is_valid(digits):
            return None
        return f"national/tax ID {digits} has a wrong check digit"
    return (
        f"PromptPay ID {value!r} must be a mobile number (10 digits, 06/08/09…) "
        "or a 13-digit national/tax ID"
    )


def normalize_promptpay_id(value: str | None, *, field: str = "promptpay_id") -> str | None:
    """The ID as plain digits (``+66 81-234-5678`` -> ``0812345678``); empty gives ``None``."""
    problem = promptpay_id_problem(value)
    if problem is not None:
        raise InvalidInputError(problem, field=field)
    return _digits(value)


def _digits(value: str | None) -> str | None:
    if value is None:
        return None
    digits = _SEPARATORS.sub("", value)
    if not digits:
        return None
    if digits.startswith("+66") and len(digits) == 12:
        digits = "0" + digits[3:]
    return digits
