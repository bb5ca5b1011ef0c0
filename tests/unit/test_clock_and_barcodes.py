from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory.catalogue.barcodes import in_store_code, is_in_store, validate_gtin
from kernel.clock import FixedClock, buddhist_year, business_date
from kernel.errors import InvalidInputError


def test_the_business_day_is_bangkoks() -> None:
    # 18:30 UTC on the 21st is 01:30 on the 22nd in Bangkok.
    assert business_date(datetime(2026, 11, 21, 18, 30, tzinfo=UTC)) == date(2026, 11, 22)
    assert buddhist_year(2026) == 2569


def test_fixed_clock_refuses_naive_time() -> None:
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 1, 1))


@pytest.mark.parametrize("code", ["8850999220017", "96385074", "036000291452"])
def test_valid_gtins_are_accepted(code: str) -> None:
    assert validate_gtin(code) == code


def test_a_wrong_check_digit_is_refused_saying_the_right_one() -> None:
    with pytest.raises(InvalidInputError, match="should be 7") as error:
        validate_gtin("8850999220010")
    assert error.value.field == "barcode"


@pytest.mark.parametrize("code", ["885099922001X", "12345", "88509992200170"])
def test_malformed_barcodes_are_refused(code: str) -> None:
    with pytest.raises(InvalidInputError):
        validate_gtin(code)


@given(st.integers(min_value=1, max_value=10**10 - 1))
def test_in_store_codes_are_valid_ean13_with_prefix_20(serial: int) -> None:
    code = in_store_code(serial)
    assert code.startswith("20")
    assert is_in_store(code)
    assert validate_gtin(code) == code


@pytest.mark.parametrize("code", ["８８５４６２７８０３１８４", "๘๘๕๔๖๒๗๘๐๓๑๘๔", "²²²²²²²²²²²²²"])
def test_barcodes_in_other_scripts_digits_are_refused_as_not_digits(code: str) -> None:
    with pytest.raises(InvalidInputError, match="digits only"):
        validate_gtin(code)
