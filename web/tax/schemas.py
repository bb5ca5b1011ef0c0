"""The request and response bodies of the tax documents' controllers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field


class BuyerIn(BaseModel):
    name: Annotated[str, Field(max_length=400)]
    address: Annotated[str, Field(max_length=1000)]
    tax_id: Annotated[str, Field(max_length=40, description="13 digits; dashes and spaces allowed")]
    branch: Annotated[
        str, Field(max_length=10, description="5 digits; empty or 00000 for the head office")
    ] = ""


class TaxInvoiceIn(BaseModel):
    buyer: BuyerIn


class IssuedOut(BaseModel):
    id: int
    number: str
    print_url: str


class BuyerOut(BaseModel):
    name: str
    address: str
    tax_id: str
    branch: str


class RegisterRowOut(BaseModel):
    kind: str
    number: str
    issued_at: datetime
    refers_to: str
    buyer_name: str
    buyer_tax_id: str
    buyer_branch: str
    before_vat_satang: int
    vat_satang: int
    total_satang: int


class RegisterOut(BaseModel):
    month: str
    rows: list[RegisterRowOut]
    before_vat_satang: int
    vat_satang: int
    total_satang: int
