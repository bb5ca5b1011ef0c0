"""The pure rules of return notes and extensions: pickup takes what is there, oldest line
first; a lot is extended past today; notes move on only from waiting."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory.stock.return_rules import (
    NoteLine,
    ReturnNoteStatus,
    check_collector,
    collected_per_line,
    extensions_needed,
    refuse_repeated_lots,
    require_waiting,
    units_by_product,
)
from kernel.errors import ConflictError, InvalidInputError


def test_pickup_takes_every_unit_when_the_stock_is_there() -> None:
    lines = [NoteLine(1, 10, 4), NoteLine(2, 10, 3), NoteLine(3, 20, 5)]
    assert collected_per_line(lines, {10: 50, 20: 5}) == {1: 4, 2: 3, 3: 5}


def test_pickup_gives_what_is_left_to_the_oldest_lines_first() -> None:
    lines = [NoteLine(1, 10, 4), NoteLine(2, 10, 3)]
    assert collected_per_line(lines, {10: 5}) == {1: 4, 2: 1}
    assert collected_per_line(lines, {10: 2}) == {1: 2, 2: 0}


def test_pickup_takes_nothing_of_stock_at_or_below_zero() -> None:
    lines = [NoteLine(1, 10, 4), NoteLine(2, 20, 1)]
    assert collected_per_line(lines, {10: -3}) == {1: 0, 2: 0}


@given(
    st.lists(st.tuples(st.integers(1, 3), st.integers(1, 20)), min_size=1, max_size=8),
    st.dictionaries(st.integers(1, 3), st.integers(-5, 60)),
)
def test_pickup_never_takes_more_than_the_note_or_the_stock(
    raw: list[tuple[int, int]], stock: dict[int, int]
) -> None:
    lines = [NoteLine(i, pid, units) for i, (pid, units) in enumerate(raw)]
    given_ = collected_per_line(lines, stock)
    for line in lines:
        assert 0 <= given_[line.line_id] <= line.units
    for pid in {line.product_id for line in lines}:
        wanted = sum(line.units for line in lines if line.product_id == pid)
        taken = sum(given_[line.line_id] for line in lines if line.product_id == pid)
        assert taken == min(wanted, max(stock.get(pid, 0), 0))


def test_units_by_product_adds_up_and_leaves_out_zeros() -> None:
    assert units_by_product([(1, 2), (2, 0), (1, 3)]) == {1: 5}


def test_a_lot_not_yet_at_its_end_needs_no_extension() -> None:
    assert extensions_needed(date(2026, 1, 1), 90, 30, 0, date(2026, 3, 31)) == 0


def test_a_lot_at_its_end_is_extended_once() -> None:
    # Received 1 Jan, 90 days: due 1 Apr; extended by 30 days it ends 1 May.
    assert extensions_needed(date(2026, 1, 1), 90, 30, 0, date(2026, 4, 1)) == 1
    assert extensions_needed(date(2026, 1, 1), 90, 30, 0, date(2026, 4, 30)) == 1


def test_a_lot_left_long_past_its_end_is_extended_past_today() -> None:
    assert extensions_needed(date(2026, 1, 1), 90, 30, 0, date(2026, 5, 1)) == 2
    assert extensions_needed(date(2026, 1, 1), 90, 30, 1, date(2026, 5, 1)) == 1


@given(st.integers(1, 365), st.integers(1, 365), st.integers(0, 5), st.integers(0, 2000))
def test_after_its_extensions_a_lot_ends_after_today(
    period: int, extend: int, done: int, age: int
) -> None:
    received = date(2025, 1, 1)
    today = date.fromordinal(received.toordinal() + age)
    more = extensions_needed(received, period, extend, done, today)
    ends = received.toordinal() + period + (done + more) * extend
    assert ends > today.toordinal()
    if more:  # and not one period later than needed
        assert ends - extend <= today.toordinal()


def test_terms_without_extend_days_extend_nothing() -> None:
    assert extensions_needed(date(2026, 1, 1), 90, 0, 0, date(2027, 1, 1)) == 0


def test_only_a_waiting_note_can_move_on() -> None:
    require_waiting(ReturnNoteStatus.WAITING_PICKUP, "RTN-2026-000001")
    with pytest.raises(ConflictError) as collected:
        require_waiting(ReturnNoteStatus.COLLECTED, "RTN-2026-000001")
    assert collected.value.code == "return_note.already_collected"
    with pytest.raises(ConflictError) as cancelled:
        require_waiting(ReturnNoteStatus.CANCELLED, "RTN-2026-000001")
    assert cancelled.value.code == "return_note.already_cancelled"


def test_the_collector_is_named_on_one_line() -> None:
    assert check_collector("  นางคำ   ใจดี \n") == "นางคำ ใจดี"
    with pytest.raises(InvalidInputError) as empty:
        check_collector("   ")
    assert empty.value.code == "return_note.collector_required"
    with pytest.raises(InvalidInputError) as long:
        check_collector("ก" * 101)
    assert long.value.code == "return_note.collector_too_long"


def test_a_lot_named_twice_is_refused_with_the_line() -> None:
    refuse_repeated_lots([1, 2, 3])
    with pytest.raises(InvalidInputError) as twice:
        refuse_repeated_lots([1, 2, 1])
    assert (twice.value.code, twice.value.field) == ("return_note.lot_repeated", "lots[2].lot_id")
