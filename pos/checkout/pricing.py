"""Every money rule of a sale, as pure integer arithmetic (no database, no framework).

Rounding, documented once:

- Commission is ``base * commission_bp / 10000`` rounded half up to the satang.
- The VAT a document states is ``vatable_total * 7 / 107`` rounded half up to the satang,
  computed once on the document's VAT-able total (Thai prices are VAT-inclusive), never summed
  from rounded lines. The VAT-able lines get shares of it by the largest-remainder method, so
  that the lines' parts add up to the stated VAT exactly.
- A cart discount is spread over the lines in proportion to what each line costs after its
  own discount, by the largest-remainder method, so that the parts add up exactly.

Who bears a discount (the default; a caller may choose otherwise per sale):

- A line discount is borne by the entrepreneur: the commission is taken on what the line
  finally costs, so the entrepreneur's net falls with it (and the centre's commission too,
  in proportion).
- A cart discount is borne by the centre: the entrepreneur's net is computed on the line's
  price before the cart discount, and the centre's commission is reduced by the line's share
  of the cart discount (it may go below zero: the centre then pays the difference).

A price changed at the till (a manager approved it, with a reason) below the catalogue's is
borne by the centre, like a cart discount: the entrepreneur is credited as if the line sold at
the catalogue price (their net on it) and the centre's commission falls by the difference. The
centre chose the price, not the entrepreneur, whose goods were consigned at their list price.
A price changed above the catalogue's is split as any price is (commission on what was paid).

Either way ``commission + net == line_total`` for every line, and the lines' totals add up to
the sale's total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from kernel.errors import InvalidInputError
from kernel.money import format_baht

VAT_RATE_PERCENT = 7
BP_SCALE = 10_000
MAX_QUANTITY = 100_000
MAX_LINES = 200
# A discount above this share of the subtotal needs a manager's approval (a setting).
DISCOUNT_APPROVAL_PERCENT = 10


class DiscountBearer(StrEnum):
    CENTRE = "centre"
    ENTREPRENEUR = "entrepreneur"


@dataclass(frozen=True, slots=True)
class LineInput:
    """What pricing needs of one line: the price from the database, never from the client."""

    unit_price_satang: int
    quantity: int
    commission_bp: int
    vat_applicable: bool = True
    discount_satang: int = 0
    # The catalogue's price when the line is charged another (an approved price change).
    list_price_satang: int | None = None


@dataclass(frozen=True, slots=True)
class PricedLine:
    gross_satang: int  # unit price x quantity
    discount_satang: int  # the line's own discount
    cart_discount_satang: int  # this line's share of the cart discount
    line_total_satang: int  # what the customer pays for the line
    commission_satang: int  # the centre's part (below zero when its discount exceeds it)
    net_satang: int  # the entrepreneur's part
    vat_included_satang: int
    line_discount_bearer: DiscountBearer
    cart_discount_bearer: DiscountBearer
    # A price changed below the catalogue's: (list - charged) x quantity, borne by the centre.
    price_difference_satang: int = 0


@dataclass(frozen=True, slots=True)
class PricedSale:
    lines: tuple[PricedLine, ...]
    subtotal_satang: int  # before any discount
    discount_satang: int  # line discounts plus the cart discount
    total_satang: int
    vat_included_satang: int

    @property
    def commission_satang(self) -> int:
        return sum(line.commission_satang for line in self.lines)


def round_half_up_div(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, for a numerator >= 0 and denominator > 0."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("round_half_up_div takes a non-negative numerator, positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


def commission_of(base_satang: int, commission_bp: int) -> int:
    """The commission on an amount: half up to the satang."""
    if not 0 <= commission_bp <= BP_SCALE:
        raise ValueError(f"commission_bp must be 0..{BP_SCALE}, got {commission_bp}")
    return round_half_up_div(base_satang * commission_bp, BP_SCALE)


def vat_included(total_satang: int) -> int:
    """The VAT part of a VAT-inclusive amount at 7%: ``total * 7 / 107``, half up."""
    return round_half_up_div(total_satang * VAT_RATE_PERCENT, 100 + VAT_RATE_PERCENT)


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Split ``amount`` in proportion to ``weights`` (largest remainder); parts sum exactly.

    Ties in the remainder go to the earlier weight. All-zero weights take nothing (and then
    ``amount`` must be 0).
    """
    if amount < 0 or any(w < 0 for w in weights):
        raise ValueError("allocate takes a non-negative amount and weights")
    total = sum(weights)
    if total == 0:
        if amount:
            raise ValueError("cannot allocate an amount over zero weights")
        return [0 for _ in weights]
    shares = [amount * w // total for w in weights]
    remainders = [amount * w % total for w in weights]
    left = amount - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        shares[i] += 1
    return shares


def price_sale(
    lines: Sequence[LineInput],
    cart_discount_satang: int = 0,
    *,
    line_discount_bearer: DiscountBearer = DiscountBearer.ENTREPRENEUR,
    cart_discount_bearer: DiscountBearer = DiscountBearer.CENTRE,
) -> PricedSale:
    """Totals, discounts, the cart discount's allocation, commission and VAT of a sale."""
    if not lines:
        raise InvalidInputError("sale.no_lines", "การขายต้องมีสินค้าอย่างน้อยหนึ่งรายการ", field="lines")
    for index, line in enumerate(lines):
        _check_line(index, line)
    after_line = [ln.unit_price_satang * ln.quantity - ln.discount_satang for ln in lines]
    if not 0 <= cart_discount_satang <= sum(after_line):
        raise InvalidInputError(
            "sale.cart_discount_out_of_range",
            "ส่วนลดท้ายบิลต้องอยู่ระหว่าง 0 ถึง {limit} บาท (ยอดหลังส่วนลดรายการ)",
            field="cart_discount_satang",
            limit=format_baht(sum(after_line)),
        )
    shares = allocate(cart_discount_satang, after_line)
    vatable = [
        total - share if line.vat_applicable else 0
        for line, total, share in zip(lines, after_line, shares, strict=True)
    ]
    stated_vat = vat_included(sum(vatable))
    vat_parts = allocate(stated_vat, vatable)
    priced = tuple(
        _price_line(line, share, vat, line_discount_bearer, cart_discount_bearer)
        for line, share, vat in zip(lines, shares, vat_parts, strict=True)
    )
    subtotal = sum(p.gross_satang for p in priced)
    total = sum(p.line_total_satang for p in priced)
    return PricedSale(
        lines=priced,
        subtotal_satang=subtotal,
        discount_satang=subtotal - total,
        total_satang=total,
        vat_included_satang=stated_vat,
    )


def _check_line(index: int, line: LineInput) -> None:
    where = f"lines[{index}]"
    if not _whole(line.quantity) or not 0 < line.quantity <= MAX_QUANTITY:
        raise InvalidInputError(
            "sale.quantity_out_of_range",
            "จำนวนสินค้าต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง {max_quantity}",
            field=f"{where}.quantity",
            max_quantity=MAX_QUANTITY,
        )
    listed = line.list_price_satang
    if (
        not _whole(line.unit_price_satang)
        or line.unit_price_satang < 0
        or (listed is not None and (not _whole(listed) or listed < 0))
    ):
        raise InvalidInputError(
            "sale.price_invalid",
            "ราคาสินค้าต้องเป็นจำนวนเงินที่ไม่ติดลบ",
            field=f"{where}.product_id",
        )
    gross = line.unit_price_satang * line.quantity
    if not _whole(line.discount_satang) or not 0 <= line.discount_satang <= gross:
        raise InvalidInputError(
            "sale.line_discount_out_of_range",
            "ส่วนลดรายการต้องอยู่ระหว่าง 0 ถึงราคารวมของรายการ ({price} บาท)",
            field=f"{where}.discount_satang",
            price=format_baht(gross),
        )


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _price_line(
    line: LineInput,
    cart_share: int,
    vat_share: int,
    line_bearer: DiscountBearer,
    cart_bearer: DiscountBearer,
) -> PricedLine:
    gross = line.unit_price_satang * line.quantity
    total = gross - line.discount_satang - cart_share
    price_difference = price_difference_of(line)
    # What the centre bears is added back before the commission split, then taken from it.
    centre_borne = (
        (line.discount_satang if line_bearer == DiscountBearer.CENTRE else 0)
        + (cart_share if cart_bearer == DiscountBearer.CENTRE else 0)
        + price_difference
    )
    base = total + centre_borne
    commission_on_base = commission_of(base, line.commission_bp)
    net = base - commission_on_base
    return PricedLine(
        gross_satang=gross,
        discount_satang=line.discount_satang,
        cart_discount_satang=cart_share,
        line_total_satang=total,
        commission_satang=commission_on_base - centre_borne,
        net_satang=net,
        vat_included_satang=vat_share,
        line_discount_bearer=line_bearer,
        cart_discount_bearer=cart_bearer,
        price_difference_satang=price_difference,
    )


def price_difference_of(line: LineInput) -> int:
    """What the centre bears of a price changed below the catalogue's (0 for none, or above)."""
    listed = line.list_price_satang
    if listed is None or listed <= line.unit_price_satang:
        return 0
    return (listed - line.unit_price_satang) * line.quantity


@dataclass(frozen=True, slots=True)
class CashTender:
    amount_satang: int
    tendered_satang: int
    change_satang: int


# Change is always less than the largest Thai banknote (1,000 baht): a tender that would get
# a 1,000-baht note or more back held a note the payment did not need, so it is a typo (an
# extra zero) or a way to take money out of the drawer as "change", not a customer's cash.
MAX_CHANGE_SATANG = 100_000 - 1


def change_too_large(amount_satang: int, tendered_satang: int | None) -> bool:
    """Whether the change of a tender would reach the largest note (see MAX_CHANGE_SATANG)."""
    return tendered_satang is not None and tendered_satang - amount_satang > MAX_CHANGE_SATANG


def cash_change(
    amount_satang: int,
    tendered_satang: int | None,
    field: str = "payments",
    *,
    bounded: bool = True,
) -> CashTender:
    """Change for a cash payment; no tendered amount means exact money. ``bounded``: refuse
    change of 1,000 baht or more (MAX_CHANGE_SATANG); a sale rung at the till is a fact and
    is not refused (its caller records the difference instead)."""
    tendered = amount_satang if tendered_satang is None else tendered_satang
    if not _whole(tendered):
        raise InvalidInputError(
            "sale.tendered_invalid",
            "จำนวนเงินที่รับมาไม่ถูกต้อง",
            field=f"{field}.tendered_satang",
        )
    if tendered < amount_satang:
        raise InvalidInputError(
            "sale.tendered_too_little",
            "รับเงินมา {tendered} บาท น้อยกว่ายอดที่ต้องชำระ {amount} บาท",
            field=f"{field}.tendered_satang",
            tendered=format_baht(tendered),
            amount=format_baht(amount_satang),
        )
    if bounded and change_too_large(amount_satang, tendered):
        raise InvalidInputError(
            "sale.tendered_too_much",
            "รับเงินมา {tendered} บาท สำหรับยอด {amount} บาท: เงินทอนต้องน้อยกว่า 1,000 บาท "
            "(ธนบัตรใบใหญ่ที่สุด) ตรวจจำนวนเงินที่รับมาอีกครั้ง",
            field=f"{field}.tendered_satang",
            tendered=format_baht(tendered),
            amount=format_baht(amount_satang),
            max_change_satang=MAX_CHANGE_SATANG,
        )
    return CashTender(amount_satang, tendered, tendered - amount_satang)


def check_payments_cover(total_satang: int, amounts: Sequence[int]) -> None:
    """Split tender: the payments must add up to the total exactly."""
    if not amounts:
        raise InvalidInputError(
            "sale.no_payments", "การขายต้องมีการชำระเงินอย่างน้อยหนึ่งรายการ", field="payments"
        )
    paid = sum(amounts)
    if paid != total_satang:
        raise InvalidInputError(
            "sale.payments_total_mismatch",
            "ยอดชำระรวม {paid} บาท ไม่เท่ากับยอดขาย {total} บาท",
            field="payments",
            paid=format_baht(paid),
            total=format_baht(total_satang),
            total_satang=total_satang,
            paid_satang=paid,
        )


def needs_discount_approval(subtotal_satang: int, discount_satang: int, limit_percent: int) -> bool:
    """A discount above ``limit_percent`` of the subtotal needs a manager's approval."""
    return discount_satang * 100 > subtotal_satang * limit_percent
