from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.money import format_baht, parse_baht


@pytest.mark.parametrize(
    ("satang", "shown"),
    [(0, "0.00"), (5, "0.05"), (15025, "150.25"), (123450, "1,234.50"), (-99, "-0.99")],
)
def test_format_baht_shows_two_decimals_and_thousands(satang: int, shown: str) -> None:
    assert format_baht(satang) == shown


@pytest.mark.parametrize(
    ("text", "satang"),
    [("150.25", 15025), ("150.2", 15020), ("150", 15000), ("1,234.50", 123450), (" ฿99 ", 9900)],
)
def test_parse_baht_is_exact(text: str, satang: int) -> None:
    assert parse_baht(text) == satang


@pytest.mark.parametrize("text", ["", "abc", "1.234", "1e3", "150.", ".5", "NaN"])
def test_parse_baht_refuses_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        parse_baht(text)


def test_money_refuses_floats() -> None:
    with pytest.raises(TypeError):
        format_baht(1.5)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_format_then_parse_gives_the_same_satang(satang: int) -> None:
    assert parse_baht(format_baht(satang)) == satang
