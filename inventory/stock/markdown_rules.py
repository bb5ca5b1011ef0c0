"""Which agreed markdown a product sells at, pure.

A product has one price on the tills, but its goods came in lots under terms of their own
(inventory.terms.rules). The goods that sell first are the oldest lot's with goods left
(inventory.stock.lot_rules), so **the oldest lot's terms set the markdown**: what they say is
due on the day. When those goods are gone, the next lot, younger, sets it: its own due value,
which may be less (or none). A product with no goods left sells at its list price (no goods
here means nothing under terms to mark down: its next delivery comes in at list price).

Ties (two lots received the same day) go to the lower lot id, as the lots are emptied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from inventory.terms.rules import ConsignmentTerms, MarkdownStep


@dataclass(frozen=True, slots=True)
class LotOnShelf:
    """What the rule reads of a lot."""

    lot_id: int
    received_on: date  # the Bangkok day of its intake: what its age counts from
    remaining: int
    terms_id: int | None  # None: the built-in standard terms
    terms: ConsignmentTerms


@dataclass(frozen=True, slots=True)
class DueMarkdown:
    """The markdown a product is due on a day, and where it comes from."""

    markdown_bp: int  # basis points off the list price; 0 for none
    lot_id: int | None  # the lot whose terms set it; None when no goods are left
    terms_id: int | None
    due_on: date | None  # the day its step came in force; None when no step is


NO_GOODS = DueMarkdown(0, None, None, None)


@dataclass(frozen=True, slots=True)
class MarkdownChange:
    """A product whose price on the tills must change: from the markdown in force to the due."""

    product_id: int
    from_bp: int
    due: DueMarkdown

    @property
    def to_bp(self) -> int:
        return self.due.markdown_bp


def step_in_force(terms: ConsignmentTerms, received_on: date, day: date) -> MarkdownStep | None:
    """The step of the schedule in force on ``day`` (steps rise: the last one reached)."""
    age = (day - received_on).days
    reached = [s for s in terms.markdowns if age >= s.after_days]
    return max(reached, key=lambda s: s.percent_bp) if reached else None


def markdown_due(lots: Iterable[LotOnShelf], today: date) -> DueMarkdown:
    """The markdown a product's lots (anywhere) make due ``today``: its oldest lot with goods
    left sets it."""
    with_goods = [lot for lot in lots if lot.remaining > 0]
    if not with_goods:
        return NO_GOODS
    oldest = min(with_goods, key=lambda lot: (lot.received_on, lot.lot_id))
    step = step_in_force(oldest.terms, oldest.received_on, today)
    if step is None:
        return DueMarkdown(0, oldest.lot_id, oldest.terms_id, None)
    due_on = oldest.received_on + timedelta(days=step.after_days)
    return DueMarkdown(step.percent_bp, oldest.lot_id, oldest.terms_id, due_on)


def markdown_changes(
    in_force: Mapping[int, int], lots: Mapping[int, Iterable[LotOnShelf]], today: date
) -> list[MarkdownChange]:
    """The products (``in_force``: product id -> markdown on the tills now) whose markdown
    differs from what their lots (product id -> lots; none: no goods left) make due, by id."""
    changes = []
    for product_id in sorted(in_force):
        due = markdown_due(lots.get(product_id, ()), today)
        if due.markdown_bp != in_force[product_id]:
            changes.append(MarkdownChange(product_id, in_force[product_id], due))
    return changes


def percent_text(markdown_bp: int) -> str:
    """Basis points as a person reads a percentage: 1000 -> ``10``, 1250 -> ``12.5``,
    1205 -> ``12.05`` (web/static/money.js's percentText writes the same)."""
    whole, part = divmod(markdown_bp, 100)
    return f"{whole}" if part == 0 else f"{whole}.{part:02d}".rstrip("0")
