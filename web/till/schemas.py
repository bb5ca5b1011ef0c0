"""The request and response bodies of till's controllers, as the API documents them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field

from payments.lifecycle import MAX_AMOUNT_SATANG
from pos.checkout.pricing import MAX_LINES, MAX_QUANTITY
from pos.tills.leases import BLOCK_SIZE, MAX_BLOCK
from pos.tills.service import MAX_FLOAT_SATANG
from web.schemas import WholeNumber

Amount = Annotated[WholeNumber, Field(gt=0, le=MAX_AMOUNT_SATANG)]
Discount = Annotated[WholeNumber, Field(ge=0, le=MAX_AMOUNT_SATANG)]
DeviceId = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class RefundLineIn(BaseModel):
    line_no: Annotated[WholeNumber, Field(gt=0, le=MAX_LINES)]
    quantity: Annotated[WholeNumber, Field(gt=0, le=MAX_QUANTITY)]


class RefundIn(BaseModel):
    sale_id: Annotated[WholeNumber, Field(gt=0)]
    till_id: Annotated[WholeNumber, Field(gt=0)]
    lines: Annotated[list[RefundLineIn], Field(min_length=1, max_length=MAX_LINES)]
    restock: bool = True  # False: the goods are written off (damaged)
    method: Literal["cash", "transfer", "card", "other"] = "cash"
    reason: Annotated[str, Field(min_length=1, max_length=200)]
    approval_token: Annotated[str | None, Field(max_length=1000)] = None


class ReturnLineIn(BaseModel):
    product_id: Annotated[WholeNumber, Field(gt=0)]
    quantity: Annotated[WholeNumber, Field(gt=0, le=MAX_QUANTITY)]
    unit_price_satang: Amount | None = None  # None: the product's price today


class ReturnIn(BaseModel):
    """Goods back without a receipt, product by product; a manager approves."""

    till_id: Annotated[WholeNumber, Field(gt=0)]
    lines: Annotated[list[ReturnLineIn], Field(min_length=1, max_length=50)]
    restock: bool = True  # False: the goods are written off (damaged)
    method: Literal["cash", "transfer"] = "cash"
    reason: Annotated[str, Field(min_length=1, max_length=200)]
    approval_token: Annotated[str | None, Field(max_length=1000)] = None


class SaleLineIn(BaseModel):
    product_id: Annotated[WholeNumber, Field(gt=0)]
    quantity: Annotated[WholeNumber, Field(gt=0, le=MAX_QUANTITY)]
    discount_satang: Discount = 0
    # A sale rung at the till (``rung``): the unit price it charged. Any other sale: a price
    # changed at the till (a manager's ``sale`` approval, and ``price_reason`` saying why).
    unit_price_satang: Discount | None = None
    price_reason: Annotated[str, Field(max_length=200)] | None = None


class CashIn(BaseModel):
    method: Literal["cash"]
    amount_satang: Amount
    tendered_satang: Amount | None = None  # none: exact money


class PromptPayIn(BaseModel):
    method: Literal["promptpay"]
    amount_satang: Amount
    # A sale rung at the till, paid by the QR the till made: its reference, and the slip's QR
    # if the cashier scanned it (none: the cashier saw the transfer on the customer's phone).
    reference: Annotated[str, Field(min_length=12, max_length=20)] | None = None
    slip_payload: Annotated[str, Field(min_length=1, max_length=512)] | None = None
    # No change is ever paid on a transfer: a tendered amount is refused (the till sends null).
    tendered_satang: None = None


class CardIn(BaseModel):
    """A card paid on the bank's own terminal (EDC): the slip's approval code and the card's
    last four digits. Never the card's number: anything more than four digits is refused
    (422 ``payment.card_number_refused``), and never stored or logged."""

    method: Literal["card"]
    amount_satang: Amount
    # Checked by the domain (payments.tenders), so that a card number gets its own refusal.
    card_last4: Annotated[str, Field(max_length=40)]
    approval_code: Annotated[str, Field(max_length=40)]
    tendered_satang: None = None


class OtherIn(BaseModel):
    """Another tender: a named app or voucher (เป๋าตัง, ไทยช่วยไทย, a gift voucher) and its
    reference, both required."""

    method: Literal["other"]
    amount_satang: Amount
    tender_name: Annotated[str, Field(max_length=200)]
    tender_ref: Annotated[str, Field(max_length=200)]
    tendered_satang: None = None


class RungIn(BaseModel):
    """A sale rung at the till and queued there (offline, maybe): recorded as a fact, with the
    number the till issued from its block, the till's clock and the shift it was rung in."""

    receipt_seq: Annotated[WholeNumber, Field(gt=0)]
    device_id: DeviceId
    rung_at: AwareDatetime
    # Server time minus till time, in ms, as the till last measured it (a day at most).
    clock_skew_ms: Annotated[int, Field(ge=-86_400_000, le=86_400_000)] = 0
    shift_id: Annotated[WholeNumber, Field(gt=0)]


PaymentIn = Annotated[CashIn | PromptPayIn | CardIn | OtherIn, Field(discriminator="method")]


class SaleIn(BaseModel):
    till_id: Annotated[WholeNumber, Field(gt=0)]
    lines: Annotated[list[SaleLineIn], Field(min_length=1, max_length=MAX_LINES)]
    cart_discount_satang: Discount = 0
    payments: Annotated[list[PaymentIn], Field(min_length=1, max_length=10)]
    # A manager's approval (POST /api/v1/approvals): ``discount`` for a discount above the
    # limit; ``sale`` for the whole cart (discounts, changed prices, a short sale).
    approval_token: Annotated[str | None, Field(max_length=1000)] = None
    rung: RungIn | None = None
    # Sell lines short of the books (the goods are in the customer's hand): a manager's
    # ``sale`` approval naming it; the stock goes below zero, recorded for a count.
    allow_short_stock: bool = False


class LeaseIn(BaseModel):
    device_id: DeviceId
    size: Annotated[WholeNumber, Field(gt=0, le=MAX_BLOCK)] = BLOCK_SIZE


class TillIn(BaseModel):
    code: Annotated[str, Field(min_length=2, max_length=16)]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    location_id: Annotated[WholeNumber, Field(gt=0)]


class TillRegistrationIn(BaseModel):
    pos_registration: Annotated[
        str | None,
        Field(
            max_length=40,
            description="the Revenue Department's number of this POS machine; null clears it",
        ),
    ]


class ShiftIn(BaseModel):
    till_id: Annotated[WholeNumber, Field(gt=0)]
    opening_float_satang: Annotated[WholeNumber, Field(ge=0, le=MAX_FLOAT_SATANG)] | None = None
    # The float counted by note and coin: {"1000": 2, "100": 5}; then it sets the float.
    denominations: dict[str, WholeNumber] | None = None


class RestIn(BaseModel):
    method: Literal["cash", "promptpay"]
    tendered_satang: Amount | None = None  # cash: none means exact money


class CashMovementIn(BaseModel):
    kind: Literal["pay_in", "pay_out"]
    amount_satang: Annotated[WholeNumber, Field(gt=0, le=MAX_FLOAT_SATANG)]
    reason: Annotated[str, Field(min_length=1, max_length=200)]


class CloseIn(BaseModel):
    counted_satang: Annotated[WholeNumber, Field(ge=0, le=10 * MAX_FLOAT_SATANG)] | None = None
    # The drawer counted by note and coin: {"1000": 2, "100": 5, "0.50": 4}.
    denominations: dict[str, WholeNumber] | None = None
    # The closing till's device and the last receipt number it issued from its blocks.
    device_id: DeviceId | None = None
    last_receipt_seq: Annotated[WholeNumber, Field(gt=0)] | None = None
    # The cash of the device's sales still on their way (in the drawer, not yet in the books).
    outstanding_cash_satang: Annotated[WholeNumber, Field(ge=0, le=10 * MAX_FLOAT_SATANG)] = 0
    # Why the count differs from the expected cash: required over a set amount (a setting).
    difference_reason: Annotated[str, Field(max_length=200)] | None = None


class ResolutionIn(BaseModel):
    resolution: Annotated[str, Field(min_length=1, max_length=1000)]
