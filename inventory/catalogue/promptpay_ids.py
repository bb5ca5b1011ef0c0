"""PromptPay receiving IDs of entrepreneurs, checked when they are entered: payouts go to them.

The format is the PromptPay codec's (:func:`payments.promptpay.receiving_id`), the one place
that knows it, and so is the reason (its code, Thai sentence and values, whose English the
catalogue holds); this module only says which field was wrong.
"""

from __future__ import annotations

from kernel.errors import InvalidInputError
from payments.promptpay import PromptPayError, receiving_id


def promptpay_id_problem(value: str | None) -> str | None:
    """Why ``value`` is not a PromptPay receiving ID, or ``None`` when it is one (or empty)."""
    try:
        normalize_promptpay_id(value)
    except InvalidInputError as error:
        return str(error)
    return None


def normalize_promptpay_id(value: str | None, *, field: str = "promptpay_id") -> str | None:
    """The ID as plain digits (``+66 81-234-5678`` -> ``0812345678``); empty gives ``None``."""
    if value is None or not value.strip(" -."):
        return None
    try:
        return receiving_id(value)
    except PromptPayError as error:
        raise InvalidInputError(error.code, error.thai, field=field, **error.params) from None
