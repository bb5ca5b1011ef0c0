"""The request and response bodies of stock's controllers, as the API documents them."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from inventory.stock.document_rules import MAX_LINES, MAX_QUANTITY
from web.schemas import WholeNumber

Quantity = Annotated[WholeNumber, Field(gt=0, le=MAX_QUANTITY)]
SignedQuantity = Annotated[WholeNumber, Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY)]
Counted = Annotated[WholeNumber, Field(ge=0, le=MAX_QUANTITY)]
Note = Annotated[str, Field(max_length=500)]


class ScannedLine(BaseModel):
    """A product by id or by barcode (what the scanner read), and how many."""

    product_id: WholeNumber | None = None
    barcode: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    quantity: Quantity


class ProductLine(BaseModel):
    product_id: WholeNumber
    quantity: Quantity


class SignedLine(BaseModel):
    product_id: WholeNumber
    quantity: SignedQuantity  # non-zero: checked by the service, which names the line


class CountedLine(BaseModel):
    product_id: WholeNumber
    counted: Counted


class IntakeIn(BaseModel):
    entrepreneur_id: WholeNumber
    location_id: WholeNumber | None = None  # the default location when omitted
    lines: Annotated[list[ScannedLine], Field(min_length=1, max_length=MAX_LINES)]
    note: Note = ""


class AdjustmentIn(BaseModel):
    location_id: WholeNumber
    lines: Annotated[list[SignedLine], Field(min_length=1, max_length=MAX_LINES)]
    reason: Annotated[str, Field(min_length=1, max_length=200)]


class TransferIn(BaseModel):
    from_location_id: WholeNumber
    to_location_id: WholeNumber
    lines: Annotated[list[ScannedLine], Field(min_length=1, max_length=MAX_LINES)]
    note: Note = ""


class CountIn(BaseModel):
    location_id: WholeNumber
    lines: Annotated[list[CountedLine], Field(min_length=1, max_length=MAX_LINES)]
    note: Note = ""


class ReturnIn(BaseModel):
    entrepreneur_id: WholeNumber
    location_id: WholeNumber | None = None
    lines: Annotated[list[ScannedLine], Field(min_length=1, max_length=MAX_LINES)]
    note: Note = ""


class LotChoiceIn(BaseModel):
    """A lot for a return note, and how many of its units (omitted: all that are free)."""

    lot_id: WholeNumber
    quantity: Quantity | None = None


class ReturnNoteIn(BaseModel):
    """A return note for one entrepreneur at one location: the chosen lots, or (``lots``
    omitted) every lot past its period whose terms say return."""

    entrepreneur_id: WholeNumber
    location_id: WholeNumber | None = None  # the default location when omitted
    lots: Annotated[list[LotChoiceIn], Field(min_length=1, max_length=MAX_LINES)] | None = None
    note: Note = ""


class PickupIn(BaseModel):
    collected_by: Annotated[str, Field(min_length=1, max_length=100)]  # who signed and took them


class CancelNoteIn(BaseModel):
    reason: Annotated[str, Field(max_length=200)] = ""


class ExtendIn(BaseModel):
    """Which lots due for another period to extend: all, or one entrepreneur's or location's."""

    entrepreneur_id: WholeNumber | None = None
    location_id: WholeNumber | None = None
