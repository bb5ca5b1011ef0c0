"""Money rules of a sale (pure): totals, discounts, allocation, commission, VAT, change."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.errors import InvalidInputError
from pos.checkout.ledger_shares import line_share, priced_share
from pos.checkout.pricing import (
    DiscountBearer,
    LineInput,
    allocate,
    cash_change,
    check_payments_cover,
    commission_of,
    price_sale,
    vat_included,
)


def test_commission_rounds_half_up_to_the_satang() -> None:
    assert commission_of(12050, 1500) == 1808  # 1807.5
    assert commission_of(12049, 1500) == 1807  # 1807.35
    assert commission_of(0, 2000) == 0
    assert commission_of(100, 10000) == 100


def test_vat_included_part_is_seven_over_one_hundred_seven() -> None:
    assert vat_included(10700) == 700
    assert vat_included(100) == 7  # 6.54 -> 7
    assert vat_included(15) == 1  # 0.98 -> 1


def test_allocation_splits_by_largest_remainder() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(10, [50, 30, 20]) == [5, 3, 2]
    assert allocate(0, [0, 0]) == [0, 0]


def test_a_sale_with_line_and_cart_discounts_adds_up() -> None:
    sale = price_sale(
        [LineInput(45000, 2, 2000, discount_satang=5000), LineInput(9900, 3, 1500, False)],
        cart_discount_satang=1000,
    )
    assert sale.subtotal_satang == 90000 + 29700
    assert [ln.cart_discount_satang for ln in sale.lines] == [741, 259]
    assert sale.total_satang == 119700 - 5000 - 1000
    assert sale.lines[1].vat_included_satang == 0
    first = sale.lines[0]
    # The entrepreneur bears the line discount, the centre the cart's share.
    assert first.net_satang == (85000 - commission_of(85000, 2000))
    assert first.commission_satang == commission_of(85000, 2000) - 741
    assert first.line_discount_bearer == DiscountBearer.ENTREPRENEUR
    assert first.cart_discount_bearer == DiscountBearer.CENTRE


def test_a_centre_bearing_more_than_its_commission_has_negative_commission() -> None:
    sale = price_sale([LineInput(10000, 1, 1000)], cart_discount_satang=5000)
    line = sale.lines[0]
    assert (line.net_satang, line.commission_satang, line.line_total_satang) == (9000, -4000, 5000)


def test_bad_lines_and_discounts_name_the_field() -> None:
    cases = [
        ([LineInput(100, 0, 0)], 0, "lines[0].quantity"),
        ([LineInput(100, 1, 0, discount_satang=101)], 0, "lines[0].discount_satang"),
        ([LineInput(100, 1, 0)], 101, "cart_discount_satang"),
        ([], 0, "lines"),
    ]
    for lines, cart, field in cases:
        with pytest.raises(InvalidInputError) as caught:
            price_sale(lines, cart)
        assert caught.value.field == field


def test_cash_change_and_payments_cover_the_total() -> None:
    assert cash_change(32550, 50000).change_satang == 17450
    assert cash_change(32550, None).change_satang == 0
    with pytest.raises(InvalidInputError, match="tendered"):
        cash_change(32550, 30000)
    check_payments_cover(500, [200, 300])
    with pytest.raises(InvalidInputError) as caught:
        check_payments_cover(500, [200, 200])
    assert caught.value.field == "payments"


lines_strategy = st.lists(
    st.builds(
        lambda price, qty, bp, vat, disc_ratio: LineInput(
            price, qty, bp, vat, (price * qty * disc_ratio) // 100
        ),
        st.integers(0, 5_000_000),
        st.integers(1, 50),
        st.integers(0, 10_000),
        st.booleans(),
        st.integers(0, 100),
    ),
    min_size=1,
    max_size=12,
)


@given(
    lines_strategy,
    st.integers(0, 100),
    st.sampled_from(list(DiscountBearer)),
    st.sampled_from(list(DiscountBearer)),
)
def test_the_parts_of_a_sale_always_add_up_to_its_total(
    lines: list[LineInput],
    cart_ratio: int,
    line_bearer: DiscountBearer,
    cart_bearer: DiscountBearer,
) -> None:
    after_line = sum(ln.unit_price_satang * ln.quantity - ln.discount_satang for ln in lines)
    cart = after_line * cart_ratio // 100
    sale = price_sale(
        lines, cart, line_discount_bearer=line_bearer, cart_discount_bearer=cart_bearer
    )
    assert sum(ln.line_total_satang for ln in sale.lines) == sale.total_satang
    assert sale.subtotal_satang - sale.discount_satang == sale.total_satang
    assert sum(ln.cart_discount_satang for ln in sale.lines) == cart
    for line in sale.lines:
        assert line.commission_satang + line.net_satang == line.line_total_satang
        assert line.line_total_satang >= 0 and line.net_satang >= 0
    assert sum(ln.net_satang + ln.commission_satang for ln in sale.lines) == sale.total_satang
    assert 0 <= sale.vat_included_satang <= sale.total_satang


@given(lines_strategy, st.integers(0, 100))
def test_the_stated_vat_is_the_documents_and_the_lines_shares_add_up_to_it(
    lines: list[LineInput], cart_ratio: int
) -> None:
    after_line = sum(ln.unit_price_satang * ln.quantity - ln.discount_satang for ln in lines)
    sale = price_sale(lines, after_line * cart_ratio // 100)
    vatable = sum(
        priced.line_total_satang
        for line, priced in zip(lines, sale.lines, strict=True)
        if line.vat_applicable
    )
    assert sale.vat_included_satang == (2 * vatable * 7 + 107) // 214  # 7/107, half up
    assert sum(line.vat_included_satang for line in sale.lines) == sale.vat_included_satang
    for line, priced in zip(lines, sale.lines, strict=True):
        if not line.vat_applicable:
            assert priced.vat_included_satang == 0
        else:  # within a satang of the line's exact 7/107
            assert abs(priced.vat_included_satang * 107 - priced.line_total_satang * 7) < 107 * 2


def test_a_670_baht_receipt_states_43_83_not_the_43_84_its_rounded_lines_add_to() -> None:
    sale = price_sale([LineInput(25000, 1, 2000), LineInput(42000, 1, 2000)])
    assert sale.vat_included_satang == 4383
    assert [line.vat_included_satang for line in sale.lines] == [1635, 2748]


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**6), min_size=1, max_size=30))
def test_allocation_sums_exactly_and_stays_within_one_of_the_exact_share(
    amount: int, weights: list[int]
) -> None:
    if sum(weights) == 0:
        amount = 0
    parts = allocate(amount, weights)
    assert sum(parts) == amount
    total = sum(weights) or 1
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part * total - amount * weight) < total


def test_a_price_changed_below_the_list_is_borne_by_the_centre() -> None:
    # 2 x 250.00 listed, charged 200.00 each, 20 % commission: the maker is owed 80 % of 500.00.
    line = LineInput(20000, 2, 2000, list_price_satang=25000)
    [priced] = price_sale([line]).lines
    assert priced.line_total_satang == 40000 and priced.price_difference_satang == 10000
    assert priced.net_satang == 40000  # 500.00 - 100.00 commission
    assert priced.commission_satang == 0  # 100.00 commission less the 100.00 the centre bore
    share = priced_share(7, priced)
    assert share.gross == 50000 and share.entrepreneur_discount_satang == 0


def test_a_price_changed_above_the_list_is_split_on_what_was_paid() -> None:
    line = LineInput(30000, 1, 2000, list_price_satang=25000)
    [priced] = price_sale([line]).lines
    assert priced.price_difference_satang == 0
    assert (priced.net_satang, priced.commission_satang) == (24000, 6000)
    assert priced_share(7, priced).gross == 30000


def test_a_stored_line_with_a_changed_price_credits_the_list_price_to_the_ledger() -> None:
    stored = {
        "entrepreneur_id": 7,
        "net_satang": 40000,
        "commission_satang": 0,
        "unit_price_satang": 20000,
        "list_price_satang": 25000,
        "quantity": 2,
        "discount_satang": 0,
        "cart_discount_satang": 0,
        "line_discount_bearer": "entrepreneur",
        "cart_discount_bearer": "centre",
    }
    assert line_share(stored).gross == 50000
    assert line_share({**stored, "list_price_satang": None}).gross == 40000
