"""How stock by intake follows stock by movement, pure.

The lots of a product at a location hold its on-hand: the sum of what they have left is the
on-hand when it is zero or more, and nothing while the stock is below zero (goods a sale rung
offline already took). So goods taken leave the oldest lot first, and goods coming in fill
the hole below zero before they make a lot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True, slots=True)
class LotLeft:
    """A lot with goods left, as the oldest-first order of a product's lots lists it."""

    lot_id: int
    remaining: int
    room: int = 0  # how many of its goods are out (quantity - remaining): a refund's place


@dataclass(frozen=True, slots=True)
class LotPiece:
    """Goods arriving as a lot, or leaving one for another location: under which terms, since
    when, from which intake."""

    terms_id: int | None  # None: the built-in standard terms
    received_at: datetime
    units: int
    intake_id: int | None = None
    extensions: int = 0


def take_oldest(lots: Sequence[LotLeft], units: int) -> list[tuple[int, int]]:
    """(lot id, units) taken from ``lots`` (oldest first) for ``units``; what the lots do not
    hold is taken from no lot (the stock goes below zero)."""
    taken = []
    for lot in lots:
        if units <= 0:
            break
        part = min(units, lot.remaining)
        if part > 0:
            taken.append((lot.lot_id, part))
            units -= part
    return taken


def filling_units(on_hand_before: int, delta: int) -> int:
    """Of ``delta`` units coming in, how many make lots: the rest fills the stock below zero."""
    return max(0, delta + min(on_hand_before, 0))


def drop_oldest(pieces: Sequence[LotPiece], units: int) -> list[LotPiece]:
    """``pieces`` less ``units`` from the oldest: the part of an arrival that fills the stock
    below zero (those goods were sold before they were on the books)."""
    kept = []
    for piece in sorted(pieces, key=lambda p: p.received_at):
        if units >= piece.units:
            units -= piece.units
            continue
        kept.append(replace(piece, units=piece.units - units))
        units = 0
    return kept


def put_back_newest(lots: Sequence[LotLeft], units: int) -> tuple[list[tuple[int, int]], int]:
    """Goods coming back (a refund, a count that found more): into the newest lots that have
    room, as (lot id, units); and how many are left over for a new lot."""
    placed = []
    for lot in reversed(lots):
        if units <= 0:
            break
        part = min(units, lot.room)
        if part > 0:
            placed.append((lot.lot_id, part))
            units -= part
    return placed, units
