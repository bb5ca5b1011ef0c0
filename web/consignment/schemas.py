"""The request and response bodies of consignment's controllers, as the API documents them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from web.schemas import WholeNumber


class RunIn(BaseModel):
    cutoff_date: date
    minimum_satang: Annotated[WholeNumber, Field(gt=0, le=100_000_000)] | None = None
    exclude_entrepreneur_ids: Annotated[list[WholeNumber], Field(max_length=10_000)] = []


class PaidIn(BaseModel):
    bank_reference: Annotated[str, Field(min_length=1, max_length=64)]


class RunForm(BaseModel):
    cutoff_date: str = ""
    minimum: str = ""  # baht
    # The ticked entrepreneurs: one value per ticked box (a single one arrives as a string).
    pay: str | list[str] = []


class PaidForm(BaseModel):
    bank_reference: str = ""
