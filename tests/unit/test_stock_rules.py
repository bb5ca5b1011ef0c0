"""Pure stock rules: shortages, line checks, merging, document numbers, count differences."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory.stock.document_rules import (
    check_line_count,
    check_quantity,
    count_differences,
    document_number,
    merge_quantities,
    refuse_duplicates,
    sequence_name,
)
from inventory.stock.rules import InsufficientStockError, find_shortages, require_available
from kernel.errors import InvalidInputError


def test_shortages_list_every_short_product_in_product_order() -> None:
    shortages = find_shortages(1, {3: 2, 1: 5, 2: 1}, {1: 4, 2: 1, 3: 0})
    assert [(s.product_id, s.requested, s.on_hand) for s in shortages] == [(1, 5, 4), (3, 2, 0)]


def test_insufficient_stock_error_names_products_by_label() -> None:
    with pytest.raises(InsufficientStockError) as caught:
        require_available(1, {7: 2}, {}, {7: "ผ้าซิ่น (SKU7)"})
    assert caught.value.code == "stock.short"
    for lang in ("th", "en"):
        assert "ผ้าซิ่น (SKU7) 2/0" in caught.value.message_in(lang)
    assert "requested/on hand" in caught.value.message
    assert caught.value.field == "lines"
    assert caught.value.params["shortages"][0]["name"] == "ผ้าซิ่น (SKU7)"


def test_document_numbers_use_the_bangkok_year() -> None:
    # 31 December 2026 18:00 UTC is already 1 January 2027 in Bangkok.
    new_year = datetime(2026, 12, 31, 18, 0, tzinfo=UTC)
    assert document_number("GRN", new_year, 123) == "GRN-2027-000123"
    assert sequence_name("GRN", new_year) == "grn-2027"


@pytest.mark.parametrize(
    ("quantity", "options", "ok"),
    [
        (1, {}, True),
        (0, {}, False),
        (-1, {}, False),
        (-1, {"signed": True}, True),
        (0, {"signed": True}, False),
        (0, {"zero_ok": True}, True),
        (-1, {"zero_ok": True}, False),
        (True, {}, False),
        (10_000_001, {}, False),
    ],
)
def test_quantity_rules(quantity: int, options: dict[str, bool], ok: bool) -> None:
    if ok:
        check_quantity(quantity, "q", **options)
    else:
        with pytest.raises(InvalidInputError) as caught:
            check_quantity(quantity, "lines[0].quantity", **options)
        assert caught.value.field == "lines[0].quantity"


def test_a_request_needs_lines_but_not_too_many() -> None:
    with pytest.raises(InvalidInputError):
        check_line_count([])
    with pytest.raises(InvalidInputError):
        check_line_count(range(501))
    check_line_count([1])


def test_duplicate_lines_are_merged_in_first_seen_order() -> None:
    assert merge_quantities([(2, 1), (1, 3), (2, 4)]) == {2: 5, 1: 3}
    assert list(merge_quantities([(2, 1), (1, 3), (2, 4)])) == [2, 1]


def test_signed_lines_that_cancel_out_are_refused() -> None:
    with pytest.raises(InvalidInputError):
        merge_quantities([(1, 2), (1, -2)], signed=True)
    assert merge_quantities([(1, 2), (1, -3)], signed=True) == {1: -1}


def test_a_count_refuses_the_same_product_twice_naming_the_second_line() -> None:
    with pytest.raises(InvalidInputError) as caught:
        refuse_duplicates([4, 5, 4])
    assert caught.value.field == "lines[2].product_id"


@given(
    st.dictionaries(st.integers(1, 20), st.integers(0, 50)),
    st.dictionaries(st.integers(1, 20), st.integers(0, 50), min_size=1),
)
def test_count_differences_bring_expected_to_counted(
    expected: dict[int, int], counted: dict[int, int]
) -> None:
    differences = count_differences(expected, counted)
    assert 0 not in differences.values()
    for product_id, figure in counted.items():
        assert expected.get(product_id, 0) + differences.get(product_id, 0) == figure
