"""The shapes of the bulk history (bench/bulk_history.py), pure: how many sales a day sees over
ten years, which till rings them, what a basket holds and how it is paid.

The centre grows: a day of the tenth year sells about half again as much as one of the first.
Weekends and festivals are busier (demo.history's calendar), PromptPay's share grows from a
fifth to two thirds, and the first counter takes most of a day's sales (so that a busy
festival day gives it a shift of a thousand sales).
"""

from __future__ import annotations

import random
from datetime import date

from demo.history import FESTIVALS, WEEKEND_FACTOR

YEARS = 10
DAYS = 3652  # ten years, with their leap days
# An ordinary weekday of the first year at scale 1: with growth, weekends and festivals, ten
# years come to about 1.3 million sales (ten times the README's year of 133,164).
BASE_SALES_PER_DAY = 240
GROWTH_PER_YEAR = 0.05
TILL_SHARES = (0.74, 0.22, 0.04)  # SKP-01, SKP-02, TPR-01
BASKET_SIZES = (1, 1, 2, 2, 3, 4, 5)
QUANTITIES = (1, 1, 1, 2, 3)
LINE_DISCOUNT_SHARE = 0.04  # lines with 10% off (borne by the entrepreneur)
CART_DISCOUNT_SHARE = 0.02  # sales with 5% off the basket (borne by the centre)
REFUND_SHARE = 0.01
OPENING_FLOAT_SATANG = 200_000


def sales_on(day: date, index: int, days: int, rng: random.Random, scale: float) -> int:
    """How many sales ``day`` (the ``index``-th of ``days``) sees: the base, grown by the
    years, times the weekend's and festival's factors and noise, times ``scale``; rounded at
    random so that small scales keep the right average."""
    years = index / 365.25
    factor = (1 + GROWTH_PER_YEAR) ** years
    factor *= WEEKEND_FACTOR if day.weekday() >= 5 else 1.0
    factor *= FESTIVALS.get((day.month, day.day), 1.0)
    expected = BASE_SALES_PER_DAY * scale * factor * rng.uniform(0.8, 1.2)
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def promptpay_share(index: int, days: int) -> float:
    """PromptPay's share of sales: 20% at the start, 70% at the end."""
    return 0.20 + 0.50 * (index / max(1, days - 1))


def line_discount(gross_satang: int, rng: random.Random) -> int:
    """A line's own discount: now and then 10%, in whole baht."""
    if rng.random() >= LINE_DISCOUNT_SHARE:
        return 0
    return gross_satang // 10 // 100 * 100


def cart_discount(after_lines_satang: int, rng: random.Random) -> int:
    """The basket's discount: now and then 5%, in whole baht."""
    if rng.random() >= CART_DISCOUNT_SHARE:
        return 0
    return after_lines_satang // 20 // 100 * 100


def tendered(total: int, rng: random.Random) -> int:
    """Cash handed over: exact money, or the next round note (demo.history's habit)."""
    if rng.random() < 0.3:
        return total
    for note in (10_000, 50_000, 100_000):
        if total <= note:
            return note
    return -(-total // 100_000) * 100_000
