"""The cash of a shift: denominations counted and the drawer's expected cash. Pure.

Expected cash = opening float + cash taken - change given + pay-ins - pay-outs - cash refunds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kernel.errors import InvalidInputError

# Thai notes and coins: the key a person types (baht) -> satang.
DENOMINATIONS: dict[str, int] = {
    "1000": 100_000,
    "500": 50_000,
    "100": 10_000,
    "50": 5_000,
    "20": 2_000,
    "10": 1_000,
    "5": 500,
    "2": 200,
    "1": 100,
    "0.50": 50,
    "0.25": 25,
}
MAX_PIECES = 100_000


def count_denominations(pieces: Mapping[str, object], field: str) -> int:
    """The satang in a drawer counted by denomination (``{"1000": 2, "20": 3}``)."""
    total = 0
    for key, count in pieces.items():
        value = DENOMINATIONS.get(key)
        if value is None:
            known = ", ".join(DENOMINATIONS)
            raise InvalidInputError(
                "shift.denomination_unknown",
                "{denomination!r} ไม่ใช่ธนบัตรหรือเหรียญของไทย (ใช้ได้: {known})",
                field=f"{field}.{key}",
                denomination=key,
                known=known,
            )
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_PIECES:
            raise InvalidInputError(
                "shift.denomination_count_invalid",
                "จำนวนของ {denomination} บาท ต้องเป็นจำนวนเต็มตั้งแต่ 0 ถึง {max_pieces}",
                field=f"{field}.{key}",
                denomination=key,
                max_pieces=MAX_PIECES,
            )
        total += value * count
    return total


@dataclass(frozen=True, slots=True)
class DrawerCash:
    opening_float_satang: int
    cash_taken_satang: int  # what customers handed over for cash payments
    change_given_satang: int
    pay_ins_satang: int
    pay_outs_satang: int
    cash_refunds_satang: int

    @property
    def cash_sales_satang(self) -> int:
        return self.cash_taken_satang - self.change_given_satang

    @property
    def expected_satang(self) -> int:
        return (
            self.opening_float_satang
            + self.cash_taken_satang
            - self.change_given_satang
            + self.pay_ins_satang
            - self.pay_outs_satang
            - self.cash_refunds_satang
        )
