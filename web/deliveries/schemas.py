"""The request bodies of the deliveries' controllers, as the API documents them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from inventory.catalogue.rules import MAX_PRICE_SATANG, NAME_MAX
from inventory.deliveries.rules import MAX_NOTE, MAX_REASON
from inventory.stock.document_rules import MAX_LINES, MAX_QUANTITY
from web.schemas import WholeNumber
from web.stock.schemas import Quantity, ScannedLine

Counted = Annotated[WholeNumber, Field(ge=0, le=MAX_QUANTITY)]
Price = Annotated[WholeNumber, Field(ge=0, le=MAX_PRICE_SATANG)]


class AnnouncedLine(BaseModel):
    """One of the entrepreneur's own products and how many they will bring."""

    product_id: WholeNumber
    quantity: Quantity


class NewProduct(BaseModel):
    """A product to propose: it cannot be sold until a manager approves it."""

    name_th: Annotated[str, Field(min_length=1, max_length=NAME_MAX)]
    name_en: Annotated[str, Field(max_length=NAME_MAX)] = ""
    category_id: WholeNumber
    price_satang: Price
    quantity: Quantity


class DeliveryIn(BaseModel):
    """A delivery announced: existing products, new ones, where and when they will come."""

    location_id: WholeNumber | None = None  # the default location when omitted
    expected_on: date
    lines: Annotated[list[AnnouncedLine], Field(max_length=MAX_LINES)] = []
    new_products: Annotated[list[NewProduct], Field(max_length=MAX_LINES)] = []
    note: Annotated[str, Field(max_length=MAX_NOTE)] = ""


class CountedLine(ScannedLine):
    """What was counted of a product (by id or by barcode): zero means none came."""

    quantity: Counted  # type: ignore[assignment]


class ReceiveIn(BaseModel):
    lines: Annotated[list[CountedLine], Field(min_length=1, max_length=MAX_LINES)]
    note: Annotated[str, Field(max_length=MAX_NOTE)] = ""


class ApproveIn(BaseModel):
    """The selling price, when the manager does not take the proposed one."""

    price_satang: Price | None = None


class RejectIn(BaseModel):
    reason: Annotated[str, Field(min_length=1, max_length=MAX_REASON)]
