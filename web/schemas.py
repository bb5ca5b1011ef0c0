"""Request field types shared by the controllers."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator

# The databases' INTEGER: a larger number is no id, quantity or amount of this shop.
INT_MAX = 2**31 - 1


def _whole_number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number, not text or a decimal")
    if not -INT_MAX <= value <= INT_MAX:
        raise ValueError(f"must be between -{INT_MAX} and {INT_MAX}")
    return value


# Litestar validates bodies with ``strict=False``, in which pydantic's StrictInt takes "1";
# a before-validator refuses text, decimals and booleans whatever the strictness. Quantities
# and every ``_satang`` amount use it.
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


def _true_or_false(value: object) -> object:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


TrueOrFalse = Annotated[bool, BeforeValidator(_true_or_false)]
