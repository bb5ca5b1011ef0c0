"""The markdown a product sells at: its oldest lot with goods left sets it, by that lot's own
terms; when those goods are gone the next lot's due value (perhaps none) takes over."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory.stock.markdown_rules import (
    NO_GOODS,
    DueMarkdown,
    LotOnShelf,
    markdown_changes,
    markdown_due,
    percent_text,
)
from inventory.terms.rules import STANDARD_TERMS, MarkdownStep

AGREED = replace(
    STANDARD_TERMS, markdowns=(MarkdownStep(60, 1000), MarkdownStep(75, 2500))
)  # -10 % after 60 days, -25 % after 75, of 90
RECEIVED = date(2026, 10, 1)


def lot(lot_id: int, received_on: date = RECEIVED, remaining: int = 5, **kw: object) -> LotOnShelf:
    terms = kw.get("terms", AGREED)
    return LotOnShelf(lot_id, received_on, remaining, kw.get("terms_id", 7), terms)  # type: ignore[arg-type]


def test_nothing_is_due_before_the_first_step() -> None:
    day_before = RECEIVED + timedelta(days=59)
    assert markdown_due([lot(1)], day_before) == DueMarkdown(0, 1, 7, None)


def test_the_step_is_due_on_its_day_exactly() -> None:
    on_the_day = RECEIVED + timedelta(days=60)
    assert markdown_due([lot(1)], on_the_day) == DueMarkdown(1000, 1, 7, on_the_day)


def test_the_later_step_replaces_the_earlier_and_keeps_its_own_date() -> None:
    later = RECEIVED + timedelta(days=80)
    due = markdown_due([lot(1)], later)
    assert (due.markdown_bp, due.due_on) == (2500, RECEIVED + timedelta(days=75))


def test_the_oldest_lot_with_goods_sets_the_markdown_whatever_the_order_given() -> None:
    today = RECEIVED + timedelta(days=61)
    young = lot(2, received_on=RECEIVED + timedelta(days=30))
    assert markdown_due([young, lot(1)], today).lot_id == 1
    assert markdown_due([young, lot(1)], today).markdown_bp == 1000


def test_when_the_old_goods_are_gone_the_younger_lots_value_takes_over() -> None:
    today = RECEIVED + timedelta(days=61)
    young = lot(2, received_on=RECEIVED + timedelta(days=30))
    assert markdown_due([lot(1, remaining=0), young], today) == DueMarkdown(0, 2, 7, None)


def test_the_younger_lot_may_be_due_a_markdown_of_its_own() -> None:
    today = RECEIVED + timedelta(days=80)
    younger = lot(2, received_on=RECEIVED + timedelta(days=15))  # 65 days old: -10 %
    due = markdown_due([lot(1, remaining=0), younger], today)
    assert (due.markdown_bp, due.lot_id) == (1000, 2)


def test_the_younger_lot_keeps_its_own_terms() -> None:
    today = RECEIVED + timedelta(days=80)
    plain = lot(2, received_on=RECEIVED - timedelta(days=10), terms=STANDARD_TERMS, terms_id=None)
    # The plain-terms lot is older still: it sells first, and its terms have no markdown.
    assert markdown_due([lot(1), plain], today) == DueMarkdown(0, 2, None, None)


def test_lots_received_the_same_day_go_by_lot_id() -> None:
    today = RECEIVED + timedelta(days=61)
    other = lot(9, terms=STANDARD_TERMS, terms_id=None)
    assert markdown_due([other, lot(3)], today).lot_id == 3


def test_no_goods_left_means_the_list_price() -> None:
    assert markdown_due([], RECEIVED) is NO_GOODS
    assert markdown_due([lot(1, remaining=0)], RECEIVED + timedelta(days=70)) is NO_GOODS


def test_only_the_products_whose_markdown_differs_change() -> None:
    today = RECEIVED + timedelta(days=60)
    changes = markdown_changes(
        {1: 0, 2: 1000, 3: 1000, 4: 0},
        {1: [lot(11)], 2: [lot(12)], 4: [lot(14, received_on=today)]},
        today,
    )
    assert [(c.product_id, c.from_bp, c.to_bp) for c in changes] == [(1, 0, 1000), (3, 1000, 0)]
    assert changes[1].due is NO_GOODS  # product 3: nothing left anywhere


@given(
    ages=st.lists(st.integers(0, 200), min_size=1, max_size=6),
    left=st.lists(st.integers(0, 3), min_size=6, max_size=6),
    day=st.integers(0, 300),
)
def test_the_due_markdown_is_always_the_oldest_remaining_lots(
    ages: list[int], left: list[int], day: int
) -> None:
    today = RECEIVED + timedelta(days=day)
    lots = [lot(i + 1, today - timedelta(days=a), left[i]) for i, a in enumerate(ages)]
    due = markdown_due(lots, today)
    remaining = [x for x in lots if x.remaining > 0]
    if not remaining:
        assert due is NO_GOODS
        return
    oldest = min(remaining, key=lambda x: (x.received_on, x.lot_id))
    assert due.lot_id == oldest.lot_id
    assert due.markdown_bp == AGREED.markdown_bp_on(oldest.received_on, today)
    assert due.markdown_bp == 0 or (due.due_on is not None and due.due_on <= today)


@pytest.mark.parametrize(
    ("bp", "text"),
    [(0, "0"), (1000, "10"), (1250, "12.5"), (1205, "12.05"), (5, "0.05"), (9000, "90")],
)
def test_a_markdown_reads_as_a_percentage(bp: int, text: str) -> None:
    assert percent_text(bp) == text
