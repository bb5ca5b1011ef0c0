"""The request and response bodies of payments's controllers, as the API documents them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from payments.lifecycle import (
    MAX_AMOUNT_SATANG,
)
from web.schemas import WholeNumber


class PaymentIn(BaseModel):
    amount_satang: Annotated[WholeNumber, Field(gt=0, le=MAX_AMOUNT_SATANG)]
    method: Literal["promptpay", "cash"] = "promptpay"
    sale_id: Annotated[WholeNumber, Field(gt=0)] | None = None


class ConfirmIn(BaseModel):
    slip_payload: Annotated[str, Field(max_length=512)] | None = None


class ResolveIn(BaseModel):
    resolution: Annotated[str, Field(min_length=1, max_length=1000)]
    # "complete_sale": money paid for a voided sale completes that sale after all (its stock
    # taken again); otherwise the resolution records what was done (e.g. the money returned).
    action: Literal["note", "complete_sale"] = "note"


class NewPaymentForm(BaseModel):
    amount: str = ""
    method: str = "promptpay"
