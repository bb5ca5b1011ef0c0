"""Request field types shared by the controllers."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator


def _whole_number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number, not text or a decimal")
    return value


# Litestar validates bodies with ``strict=False``, in which pydantic's StrictInt takes "1";
# a before-validator refuses text, decimals and booleans whatever the strictness. Quantities
# and every ``_satang`` amount use it.
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
