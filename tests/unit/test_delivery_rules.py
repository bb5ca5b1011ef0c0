"""The pure rules of deliveries: differences between announced and received, dates, new
products' fields, statuses."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory.deliveries.rules import (
    MAX_DAYS_AHEAD,
    DeliveryStatus,
    DifferenceCounts,
    DifferenceKind,
    NewProductIn,
    check_expected_on,
    check_line_total,
    check_reason,
    clean_new_product,
    compare,
    count_differences,
    kind_of,
    merge_received,
    require_status,
)
from kernel.errors import ConflictError, InvalidInputError

TODAY = date(2026, 11, 21)


def test_each_kind_of_difference() -> None:
    assert kind_of(5, 5) == DifferenceKind.MATCH
    assert kind_of(5, 3) == DifferenceKind.SHORT
    assert kind_of(5, 0) == DifferenceKind.SHORT
    assert kind_of(5, 7) == DifferenceKind.OVER
    assert kind_of(0, 2) == DifferenceKind.NOT_ANNOUNCED


def test_compare_keeps_announced_order_then_unannounced_in_scan_order() -> None:
    lines = compare({10: 5, 11: 2, 12: 4}, {13: 1, 11: 3, 10: 5, 14: 2})
    assert [(d.product_id, d.announced, d.received, d.kind) for d in lines] == [
        (10, 5, 5, DifferenceKind.MATCH),
        (11, 2, 3, DifferenceKind.OVER),
        (12, 4, 0, DifferenceKind.SHORT),  # not counted at all: none came
        (13, 0, 1, DifferenceKind.NOT_ANNOUNCED),
        (14, 0, 2, DifferenceKind.NOT_ANNOUNCED),
    ]
    assert [d.difference for d in lines] == [0, 1, -4, 1, 2]
    assert count_differences(lines) == DifferenceCounts(short=1, over=1, not_announced=2)
    assert count_differences(lines).total == 4


def test_an_unannounced_product_counted_zero_is_no_line() -> None:
    assert compare({1: 2}, {1: 2, 9: 0}) == compare({1: 2}, {1: 2})
    assert count_differences(compare({1: 2}, {1: 2, 9: 0})).total == 0


@given(
    st.dictionaries(st.integers(1, 30), st.integers(1, 50), max_size=10),
    st.dictionaries(st.integers(1, 30), st.integers(0, 50), max_size=10),
)
def test_differences_account_for_every_unit(
    announced: dict[int, int], received: dict[int, int]
) -> None:
    lines = compare(announced, received)
    assert sum(d.announced for d in lines) == sum(announced.values())
    assert sum(d.received for d in lines) == sum(received.values())
    assert len({d.product_id for d in lines}) == len(lines)
    counts = count_differences(lines)
    assert counts.total == sum(d.kind != DifferenceKind.MATCH for d in lines)
    assert all((d.difference == 0) == (d.kind == DifferenceKind.MATCH) for d in lines)


def test_received_lines_merge_and_must_count_something() -> None:
    assert merge_received([(1, 2), (2, 0), (1, 3)]) == {1: 5, 2: 0}
    with pytest.raises(InvalidInputError) as refused:
        merge_received([(1, 0), (2, 0)])
    assert refused.value.code == "delivery.nothing_received"


def test_expected_date_is_today_or_later_within_the_window() -> None:
    assert check_expected_on(TODAY, TODAY) == TODAY
    with pytest.raises(InvalidInputError) as past:
        check_expected_on(date(2026, 11, 20), TODAY)
    assert past.value.code == "delivery.date_past" and past.value.field == "expected_on"
    assert check_expected_on(date(2027, 2, 19), TODAY)  # 90 days ahead
    with pytest.raises(InvalidInputError) as far:
        check_expected_on(date(2027, 2, 20), TODAY)
    assert far.value.code == "delivery.date_too_far"
    assert far.value.params["days"] == MAX_DAYS_AHEAD


def test_an_announcement_names_something_and_not_too_much() -> None:
    with pytest.raises(InvalidInputError) as empty:
        check_line_total(0)
    assert empty.value.code == "delivery.no_lines"
    with pytest.raises(InvalidInputError):
        check_line_total(501)
    check_line_total(1)


def test_a_new_product_needs_a_thai_name_a_price_and_a_quantity() -> None:
    clean = clean_new_product(0, NewProductIn("  ผ้าทอ   ลายใหม่ ", 3, 45000, 4))
    assert (clean.name_th, clean.name_en, clean.price_satang) == (
        "ผ้าทอ ลายใหม่",
        "ผ้าทอ ลายใหม่",
        45000,
    )
    cases = [
        (NewProductIn("", 3, 45000, 4), "field.required", "new_products[1].name_th"),
        (NewProductIn("ผ้า", 3, 0, 4), "proposal.price_zero", "new_products[1].price_satang"),
        (NewProductIn("ผ้า", 3, -1, 4), "product.price_negative", "new_products[1].price_satang"),
        (NewProductIn("ผ้า", 3, 100, 0), "quantity.not_positive", "new_products[1].quantity"),
        (NewProductIn("ผ้า", 3, 100, -2), "quantity.not_positive", "new_products[1].quantity"),
    ]
    for draft, code, field in cases:
        with pytest.raises(InvalidInputError) as refused:
            clean_new_product(1, draft)
        assert (refused.value.code, refused.value.field) == (code, field)


def test_a_rejection_needs_a_reason() -> None:
    assert check_reason("  ภาพไม่ชัด ") == "ภาพไม่ชัด"
    with pytest.raises(InvalidInputError) as refused:
        check_reason("   ")
    assert refused.value.code == "proposal.reason_required"


def test_only_an_announced_delivery_moves_on() -> None:
    require_status("announced", DeliveryStatus.ANNOUNCED, "DLV-2026-000001")
    for status, code in (
        ("received", "delivery.already_received"),
        ("cancelled", "delivery.already_cancelled"),
    ):
        with pytest.raises(ConflictError) as refused:
            require_status(status, DeliveryStatus.ANNOUNCED, "DLV-2026-000001")
        assert refused.value.code == code
