"""Request field types shared by the controllers, and what the OpenAPI schema must say that
Litestar cannot infer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar.enums import ParamType
from litestar.openapi.spec import OpenAPIHeader as Header
from litestar.openapi.spec import OpenAPIResponse as Response
from litestar.openapi.spec import OpenAPIType, Operation, Parameter, RequestBody, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from pos.checkout.requests import IDEMPOTENCY_KEY

# The databases' INTEGER: a larger number is no id, quantity or amount of this shop.
INT_MAX = 2**31 - 1


# The error types name the kinds web.request_errors gives their codes and Thai.
def _whole_number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError(
            "not_whole_number", "must be a whole number, not text or a decimal"
        )
    if not -INT_MAX <= value <= INT_MAX:
        raise PydanticCustomError(
            "out_of_range", "must be between {low} and {high}", {"low": -INT_MAX, "high": INT_MAX}
        )
    return value


# Litestar validates bodies with ``strict=False``, in which pydantic's StrictInt takes "1";
# a before-validator refuses text, decimals and booleans whatever the strictness. Quantities
# and every ``_satang`` amount use it.
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


def _true_or_false(value: object) -> object:
    if not isinstance(value, bool):
        raise PydanticCustomError("not_true_or_false", "must be true or false")
    return value


TrueOrFalse = Annotated[bool, BeforeValidator(_true_or_false)]


@dataclass
class OptionalBody(Operation):
    """Litestar marks every request body required; this operation's may be left out."""

    def __post_init__(self) -> None:
        if isinstance(self.request_body, RequestBody):
            self.request_body.required = False


@dataclass
class IdempotentCreate(Operation):
    """The handler reads ``Idempotency-Key`` itself (400 naming it when missing or malformed,
    see ``web.till.sales.idempotency_key``); the schema still has to declare it,
    and the 200 a replay answers with."""

    def __post_init__(self) -> None:
        header = Parameter(
            name="Idempotency-Key",
            param_in=ParamType.HEADER,
            required=True,
            schema=Schema(type=OpenAPIType.STRING, pattern=IDEMPOTENCY_KEY.pattern),
            description="One key per sale or refund the client means; a retry sends it again",
        )
        self.parameters = [*(self.parameters or []), header]
        created = (self.responses or {}).get("201")
        if isinstance(created, Response):
            replayed = Header(
                schema=Schema(type=OpenAPIType.STRING, const="true"),
                description="This answer is a replay: nothing new was written",
            )
            self.responses = {
                **(self.responses or {}),
                "200": Response(
                    description="A replay (same key, same body): the first answer again",
                    content=created.content,
                    headers={"Idempotency-Replayed": replayed},
                ),
            }
