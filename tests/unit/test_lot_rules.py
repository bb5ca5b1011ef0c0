"""Stock by intake, pure: goods leave the oldest lot first, come back into the newest lot
with room, and an arrival fills the stock below zero before it makes lots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from inventory.stock.lot_rules import (
    LotLeft,
    LotPiece,
    drop_oldest,
    filling_units,
    put_back_newest,
    take_oldest,
)

DAY = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)


def _lots(remaining_and_room: list[tuple[int, int]]) -> list[LotLeft]:
    return [LotLeft(i + 1, r, room) for i, (r, room) in enumerate(remaining_and_room)]


def test_a_take_empties_the_oldest_lot_before_touching_the_next() -> None:
    assert take_oldest(_lots([(3, 0), (5, 0), (2, 0)]), 4) == [(1, 3), (2, 1)]


def test_a_take_skips_empty_lots_and_takes_nothing_for_nothing() -> None:
    assert take_oldest(_lots([(0, 4), (2, 0)]), 1) == [(2, 1)]
    assert take_oldest(_lots([(2, 0)]), 0) == []
    assert take_oldest([], 3) == []


def test_a_take_beyond_the_lots_takes_all_they_hold_and_no_more() -> None:
    # The rest goes below zero on the level: no lot holds it.
    assert take_oldest(_lots([(1, 0), (2, 0)]), 9) == [(1, 1), (2, 2)]


def test_an_arrival_into_stock_below_zero_fills_the_hole_first() -> None:
    assert filling_units(-3, 5) == 2  # 3 fill the hole, 2 make a lot
    assert filling_units(-3, 3) == 0
    assert filling_units(-3, 1) == 0
    assert filling_units(0, 4) == 4
    assert filling_units(7, 4) == 4


def test_drop_oldest_drops_the_oldest_pieces_and_keeps_dates_and_terms() -> None:
    old = LotPiece(1, DAY, 2, intake_id=10)
    mid = LotPiece(2, DAY + timedelta(days=3), 4, intake_id=11, extensions=1)
    new = LotPiece(None, DAY + timedelta(days=9), 1, intake_id=None)
    # Given out of order: the oldest still goes first.
    assert drop_oldest([new, mid, old], 3) == [LotPiece(2, mid.received_at, 3, 11, 1), new]
    assert drop_oldest([new, old], 0) == [old, new]
    assert drop_oldest([new, old], 3) == []
    assert drop_oldest([new, old], 30) == []


def test_goods_coming_back_go_into_the_newest_lot_with_room() -> None:
    lots = _lots([(0, 3), (1, 2), (4, 0)])  # oldest first; the newest is full
    assert put_back_newest(lots, 3) == ([(2, 2), (1, 1)], 0)


def test_goods_no_lot_has_room_for_are_left_over_for_a_new_lot() -> None:
    assert put_back_newest(_lots([(1, 1)]), 4) == ([(1, 1)], 3)
    assert put_back_newest([], 2) == ([], 2)
    assert put_back_newest(_lots([(1, 1)]), 0) == ([], 0)


# --- properties --------------------------------------------------------------------------

LOTS = st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), max_size=8).map(_lots)
UNITS = st.integers(0, 200)


@given(LOTS, UNITS)
def test_a_take_takes_what_is_asked_up_to_what_the_lots_hold_oldest_first(
    lots: list[LotLeft], units: int
) -> None:
    taken = take_oldest(lots, units)
    held = {lot.lot_id: lot.remaining for lot in lots}
    assert sum(part for _, part in taken) == min(units, sum(held.values()))
    assert all(0 < part <= held[lot_id] for lot_id, part in taken)
    # Only the last lot touched may keep goods; every lot before it with goods is emptied.
    touched = [lot_id for lot_id, _ in taken]
    assert touched == sorted(touched)
    if taken:
        last = touched[-1]
        before = [lot for lot in lots if lot.lot_id < last and lot.remaining > 0]
        assert [(lot.lot_id, lot.remaining) for lot in before] == taken[:-1]


@given(LOTS, UNITS)
def test_goods_put_back_fill_the_newest_room_first_and_the_rest_is_left_over(
    lots: list[LotLeft], units: int
) -> None:
    placed, left = put_back_newest(lots, units)
    room = {lot.lot_id: lot.room for lot in lots}
    assert sum(part for _, part in placed) + left == units
    assert left == max(0, units - sum(room.values()))
    assert all(0 < part <= room[lot_id] for lot_id, part in placed)
    touched = [lot_id for lot_id, _ in placed]
    assert touched == sorted(touched, reverse=True)
    if placed:  # every lot newer than the last touched, with room, is full now
        last = touched[-1]
        newer = [lot for lot in reversed(lots) if lot.lot_id > last and lot.room > 0]
        assert [(lot.lot_id, lot.room) for lot in newer] == placed[:-1]


@given(st.integers(-50, 50), st.integers(1, 50))
def test_the_lots_grow_by_what_the_on_hand_grows_above_zero(before: int, delta: int) -> None:
    assert filling_units(before, delta) == max(before + delta, 0) - max(before, 0)


PIECES = st.lists(
    st.builds(
        LotPiece,
        st.one_of(st.none(), st.integers(1, 3)),
        st.integers(0, 30).map(lambda d: DAY + timedelta(days=d)),
        st.integers(1, 10),
        st.one_of(st.none(), st.integers(1, 99)),
    ),
    max_size=6,
)


@given(PIECES, UNITS)
def test_dropping_keeps_the_newest_units_with_their_dates_and_terms(
    pieces: list[LotPiece], units: int
) -> None:
    kept = drop_oldest(pieces, units)
    total = sum(p.units for p in pieces)
    assert sum(p.units for p in kept) == max(0, total - units)
    assert all(p.units > 0 for p in kept)

    # Unit by unit, oldest first: what is kept is the tail of the pieces' units.
    def units_of(ps: list[LotPiece]) -> list[tuple[object, ...]]:
        ordered = sorted(ps, key=lambda p: p.received_at)
        return [(p.terms_id, p.received_at, p.intake_id) for p in ordered for _ in range(p.units)]

    everything = units_of(pieces)
    assert units_of(kept) == everything[len(everything) - sum(p.units for p in kept) :]
