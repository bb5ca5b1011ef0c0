"""How much of a sale line a refund gives back. Pure integer arithmetic.

A refund of ``q`` of a line's ``sold`` units, when ``already`` were refunded before, gives back
the difference of two cumulative shares: ``share(already + q) - share(already)`` where
``share(n) = round_half_up(line_amount * n / sold)``. Refunding the whole line, in any number
of steps, therefore returns exactly what the line cost (and exactly its net and VAT parts):
rounding never leaks a satang in either direction.
"""

from __future__ import annotations

from dataclasses import dataclass

from kernel.errors import InvalidInputError
from pos.checkout.pricing import round_half_up_div


@dataclass(frozen=True, slots=True)
class SoldLine:
    line_no: int
    quantity: int  # sold
    refunded_quantity: int  # refunded before this refund
    line_total_satang: int
    net_satang: int
    vat_included_satang: int


@dataclass(frozen=True, slots=True)
class RefundedPart:
    line_no: int
    quantity: int
    amount_satang: int
    net_satang: int  # taken back from the entrepreneur
    commission_satang: int  # taken back from the centre (amount - net)
    vat_included_satang: int


def _cumulative(amount: int, sold: int, units: int) -> int:
    # The amount may be below zero only for a commission; the parts here are all >= 0.
    return round_half_up_div(amount * units, sold)


def refunded_part(line: SoldLine, quantity: int, where: str) -> RefundedPart:
    """The money of refunding ``quantity`` units of a line (see the module's docstring)."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise InvalidInputError(
            "refund.quantity_not_positive", "จำนวนที่คืนต้องเป็นจำนวนเต็มมากกว่า 0", field=where
        )
    left = line.quantity - line.refunded_quantity
    if quantity > left:
        raise InvalidInputError(
            "refund.quantity_exceeds",
            "บรรทัดที่ {line_no}: ขอคืน {quantity} ชิ้น แต่ขายไป {sold} ชิ้น "
            "เหลือให้คืนได้อีกเพียง {refundable_quantity} ชิ้น",
            field=where,
            line_no=line.line_no,
            quantity=quantity,
            sold=line.quantity,
            refundable_quantity=left,
        )
    before, after = line.refunded_quantity, line.refunded_quantity + quantity

    def part(amount: int) -> int:
        return _cumulative(amount, line.quantity, after) - _cumulative(
            amount, line.quantity, before
        )

    amount = part(line.line_total_satang)
    net = part(line.net_satang)
    return RefundedPart(
        line_no=line.line_no,
        quantity=quantity,
        amount_satang=amount,
        net_satang=net,
        commission_satang=amount - net,
        vat_included_satang=part(line.vat_included_satang),
    )


def refund_parts(
    lines: dict[int, SoldLine], requested: list[tuple[int, int]]
) -> list[RefundedPart]:
    """The parts of a refund: ``requested`` is (line_no, quantity) pairs, each line once."""
    if not requested:
        raise InvalidInputError("refund.no_lines", "เลือกจำนวนที่จะคืนอย่างน้อยหนึ่งรายการ", field="lines")
    seen: set[int] = set()
    parts = []
    for index, (line_no, quantity) in enumerate(requested):
        where = f"lines[{index}]"
        if line_no in seen:
            raise InvalidInputError(
                "refund.line_twice",
                "บรรทัดที่ {line_no} ถูกระบุซ้ำ",
                field=f"{where}.line_no",
                line_no=line_no,
            )
        seen.add(line_no)
        line = lines.get(line_no)
        if line is None:
            raise InvalidInputError(
                "refund.no_such_line",
                "ใบเสร็จนี้ไม่มีบรรทัดที่ {line_no}",
                field=f"{where}.line_no",
                line_no=line_no,
            )
        parts.append(refunded_part(line, quantity, f"{where}.quantity"))
    return parts
