"""Consignment terms (pure): what the centre keeps under each kind of commission, the agreed
markdowns and the period by date, every refusal of bad terms by its code, and, for random
terms, prices, quantities, markdowns and discounts, a priced sale whose parts add up."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory.terms.rules import (
    MAX_EXTEND_DAYS,
    MAX_MARKDOWN_BP,
    MAX_PERIOD_DAYS,
    MAX_STEPS,
    STANDARD_TERMS,
    CommissionKind,
    ConsignmentTerms,
    EndAction,
    MarkdownStep,
    RateCard,
    Tier,
    check_terms,
    marked_down_price,
)
from kernel.errors import InvalidInputError
from pos.checkout.pricing import DiscountBearer, LineInput, price_sale

CARD = RateCard(category_bp=None, entrepreneur_bp=1500)
RECEIVED = date(2026, 11, 1)
BP = 10_000


def _terms(**changes: Any) -> ConsignmentTerms:
    values: dict[str, Any] = {
        "commission_kind": "flat",
        "commission_bp": 2000,
        "period_days": 90,
        "end_action": "return",
    }
    values.update(changes)
    return check_terms(**values)


# --- commission -----------------------------------------------------------------------------


def test_standard_terms_are_the_rate_card_category_first_then_the_entrepreneur() -> None:
    assert STANDARD_TERMS.commission_kind == CommissionKind.STANDARD
    assert STANDARD_TERMS.commission_bp_for(50000, 3, RateCard(None, 1500)) == 1500
    assert STANDARD_TERMS.commission_bp_for(50000, 3, RateCard(1000, 1500)) == 1000
    assert STANDARD_TERMS.commission_bp_for(50000, 3, RateCard(0, 1500)) == 0  # a set 0 % counts
    assert (STANDARD_TERMS.period_days, STANDARD_TERMS.end_action) == (90, EndAction.RETURN)


def test_a_flat_rate_ignores_the_rate_card_price_and_category() -> None:
    terms = _terms(commission_bp=2250)
    assert terms.commission_bp_for(1, 1, RateCard(1000, 1500)) == 2250
    assert terms.commission_bp_for(10_000_000, 9, CARD) == 2250


def test_a_category_rate_applies_to_its_category_and_the_flat_rate_to_the_others() -> None:
    terms = _terms(commission_kind="category", commission_bp=2000, category_bp={4: 1200, 7: 0})
    assert terms.commission_bp_for(50000, 4, CARD) == 1200
    assert terms.commission_bp_for(50000, 7, CARD) == 0  # listed at 0 %: not the fallback
    assert terms.commission_bp_for(50000, 5, RateCard(1000, 1500)) == 2000  # unlisted: flat


def test_tiers_take_the_rate_of_the_highest_tier_the_list_price_reaches() -> None:
    terms = _terms(
        commission_kind="tiered",
        commission_bp=2500,
        tiers=[(50000, 2000), (200000, 1500)],
    )
    assert terms.tiers == (Tier(50000, 2000), Tier(200000, 1500))
    assert terms.commission_bp_for(0, 1, CARD) == 2500  # below the first tier: the base rate
    assert terms.commission_bp_for(49999, 1, CARD) == 2500
    assert terms.commission_bp_for(50000, 1, CARD) == 2000  # on the boundary: that tier
    assert terms.commission_bp_for(199999, 1, CARD) == 2000
    assert terms.commission_bp_for(200000, 1, CARD) == 1500
    assert terms.commission_bp_for(10**9, 1, CARD) == 1500


def test_a_tier_from_zero_covers_every_price() -> None:
    terms = _terms(commission_kind="tiered", commission_bp=9999, tiers=[(0, 1800)])
    assert terms.commission_bp_for(0, 1, CARD) == terms.commission_bp_for(1, 1, CARD) == 1800


def test_only_the_chosen_kind_keeps_its_parts() -> None:
    flat = _terms(category_bp={4: 1200}, tiers=[(100, 500)], extend_days=30)
    assert (flat.category_bp, flat.tiers, flat.extend_days) == ({}, (), 0)


# --- markdowns and the period ---------------------------------------------------------------

STEPPED = ConsignmentTerms(
    commission_kind=CommissionKind.FLAT,
    commission_bp=2000,
    period_days=90,
    end_action=EndAction.EXTEND,
    markdowns=(MarkdownStep(60, 1000), MarkdownStep(75, 2500)),
    extend_days=30,
)


def test_a_markdown_starts_on_its_day_counted_from_the_intake() -> None:
    on = STEPPED.markdown_bp_on
    assert on(RECEIVED, RECEIVED) == 0
    assert on(RECEIVED, RECEIVED + timedelta(days=59)) == 0
    assert on(RECEIVED, date(2026, 12, 31)) == 1000  # 1 November + 60 days
    assert on(RECEIVED, RECEIVED + timedelta(days=74)) == 1000
    assert on(RECEIVED, RECEIVED + timedelta(days=75)) == 2500
    assert on(RECEIVED, RECEIVED + timedelta(days=400)) == 2500  # the last step stays
    assert on(RECEIVED, RECEIVED - timedelta(days=3)) == 0  # a day before the intake


def test_the_next_markdown_is_the_first_step_after_the_day() -> None:
    after = STEPPED.next_markdown
    assert after(RECEIVED, RECEIVED) == (date(2026, 12, 31), 1000)
    assert after(RECEIVED, date(2026, 12, 30)) == (date(2026, 12, 31), 1000)
    assert after(RECEIVED, date(2026, 12, 31)) == (date(2027, 1, 15), 2500)
    assert after(RECEIVED, date(2027, 1, 15)) is None
    assert STANDARD_TERMS.next_markdown(RECEIVED, RECEIVED) is None


def test_the_period_ends_after_its_days_and_each_extension_adds_its_days() -> None:
    assert STEPPED.period_ends_on(RECEIVED) == date(2027, 1, 30)
    assert STEPPED.period_ends_on(RECEIVED, extensions=1) == date(2027, 3, 1)
    assert STEPPED.period_ends_on(RECEIVED, extensions=2) == date(2027, 3, 31)
    assert STANDARD_TERMS.period_ends_on(date(2028, 2, 1)) == date(2028, 5, 1)  # a leap year


def test_a_marked_down_price_rounds_the_markdown_half_up_to_the_satang() -> None:
    assert marked_down_price(45000, 1000) == 40500
    assert marked_down_price(9999, 1000) == 8999  # 999.9 off -> 1000
    assert marked_down_price(5, 1000) == 4  # 0.5 off -> 1
    assert marked_down_price(4, 1000) == 4  # 0.4 off -> 0
    assert marked_down_price(12345, 0) == 12345
    assert marked_down_price(0, MAX_MARKDOWN_BP) == 0


# --- refusals, one per code -----------------------------------------------------------------

REFUSALS: list[tuple[dict[str, Any], str, str]] = [
    ({"commission_kind": "percent"}, "terms.commission_kind_unknown", "commission_kind"),
    ({"end_action": "sell"}, "terms.end_action_unknown", "end_action"),
    ({"commission_bp": -1}, "terms.commission_out_of_range", "commission_bp"),
    ({"commission_bp": 10001}, "terms.commission_out_of_range", "commission_bp"),
    ({"commission_bp": True}, "terms.commission_out_of_range", "commission_bp"),
    (
        {"commission_kind": "category", "category_bp": {3: 12000}},
        "terms.commission_out_of_range",
        "category_bp.3",
    ),
    (
        {"commission_kind": "tiered", "tiers": [(0, 1000), (500, -5)]},
        "terms.commission_out_of_range",
        "tiers[1].commission_bp",
    ),
    ({"period_days": 0}, "terms.period_out_of_range", "period_days"),
    ({"period_days": MAX_PERIOD_DAYS + 1}, "terms.period_out_of_range", "period_days"),
    ({"end_action": "extend"}, "terms.extend_out_of_range", "extend_days"),
    (
        {"end_action": "extend", "extend_days": MAX_EXTEND_DAYS + 1},
        "terms.extend_out_of_range",
        "extend_days",
    ),
    ({"commission_kind": "tiered"}, "terms.tiers_required", "tiers"),
    (
        {"commission_kind": "tiered", "tiers": [(n * 100, 1000) for n in range(MAX_STEPS + 1)]},
        "terms.tiers_required",
        "tiers",
    ),
    (
        {"commission_kind": "tiered", "tiers": [(500, 1000), (500, 900)]},
        "terms.tiers_not_rising",
        "tiers[1]",
    ),
    (
        {"commission_kind": "tiered", "tiers": [(500, 1000), (400, 900)]},
        "terms.tiers_not_rising",
        "tiers[1]",
    ),
    ({"commission_kind": "tiered", "tiers": [(-1, 1000)]}, "terms.tiers_not_rising", "tiers[0]"),
    (
        {"markdowns": [(n + 1, (n + 1) * 100) for n in range(MAX_STEPS + 1)]},
        "terms.markdowns_too_many",
        "markdowns",
    ),
    ({"markdowns": [(0, 1000)]}, "terms.markdown_day_invalid", "markdowns[0]"),
    ({"markdowns": [(90, 1000)]}, "terms.markdown_day_invalid", "markdowns[0]"),  # = period
    ({"markdowns": [(60, 1000), (60, 2000)]}, "terms.markdown_day_invalid", "markdowns[1]"),
    ({"markdowns": [(60, 0)]}, "terms.markdown_percent_invalid", "markdowns[0]"),
    (
        {"markdowns": [(60, MAX_MARKDOWN_BP + 1)]},
        "terms.markdown_percent_invalid",
        "markdowns[0]",
    ),
    (
        {"markdowns": [(30, 2000), (60, 2000)]},
        "terms.markdown_percent_invalid",
        "markdowns[1]",
    ),
]


@pytest.mark.parametrize(("changes", "code", "field"), REFUSALS)
def test_bad_terms_are_refused_with_a_code_naming_the_part(
    changes: dict[str, Any], code: str, field: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        _terms(**changes)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_every_terms_code_is_refused_by_some_case() -> None:
    codes = {code for _, code, _ in REFUSALS}
    assert codes == {
        "terms.commission_kind_unknown",
        "terms.end_action_unknown",
        "terms.commission_out_of_range",
        "terms.period_out_of_range",
        "terms.extend_out_of_range",
        "terms.tiers_required",
        "terms.tiers_not_rising",
        "terms.markdowns_too_many",
        "terms.markdown_day_invalid",
        "terms.markdown_percent_invalid",
    }


def test_the_limits_themselves_are_accepted() -> None:
    terms = _terms(
        commission_bp=10000,
        period_days=MAX_PERIOD_DAYS,
        end_action="extend",
        extend_days=MAX_EXTEND_DAYS,
        markdowns=[(n + 1, (n + 1) * 900) for n in range(MAX_STEPS)],
    )
    assert terms.markdowns[-1] == MarkdownStep(MAX_STEPS, MAX_MARKDOWN_BP)
    assert terms.extend_days == MAX_EXTEND_DAYS


# --- property: a sale priced under any terms adds up ----------------------------------------


@st.composite
def any_terms(draw: st.DrawFn) -> ConsignmentTerms:
    period = draw(st.integers(1, MAX_PERIOD_DAYS))
    days = sorted(draw(st.sets(st.integers(1, max(1, period - 1)), max_size=MAX_STEPS)))
    days = [d for d in days if d < period]
    percents = sorted(draw(st.sets(st.integers(1, MAX_MARKDOWN_BP), min_size=len(days))))
    prices = sorted(draw(st.sets(st.integers(0, 5_000_000), min_size=1, max_size=MAX_STEPS)))
    end = draw(st.sampled_from(["return", "extend"]))
    return check_terms(
        commission_kind=draw(st.sampled_from(list(CommissionKind))).value,
        commission_bp=draw(st.integers(0, 10_000)),
        period_days=period,
        end_action=end,
        category_bp=draw(st.dictionaries(st.integers(1, 8), st.integers(0, 10_000))),
        tiers=[(p, draw(st.integers(0, 10_000))) for p in prices],
        markdowns=list(zip(days, percents[: len(days)], strict=True)),
        extend_days=draw(st.integers(1, MAX_EXTEND_DAYS)) if end == "extend" else 0,
    )


goods = st.tuples(
    st.integers(0, 5_000_000),  # list price
    st.integers(1, 50),  # quantity
    st.integers(1, 8),  # category
    st.one_of(st.none(), st.integers(0, 10_000)),  # the category's rate on the card
    st.integers(0, 10_000),  # the entrepreneur's rate on the card
    st.integers(0, 800),  # days since the intake
    st.integers(0, 100),  # line discount, % of the marked-down line
)


@given(
    any_terms(),
    st.lists(goods, min_size=1, max_size=12),
    st.integers(0, 100),
    st.sampled_from(list(DiscountBearer)),
)
def test_a_sale_under_any_terms_with_markdowns_and_discounts_adds_up(
    terms: ConsignmentTerms,
    lines: list[tuple[int, int, int, int | None, int, int, int]],
    cart_ratio: int,
    line_bearer: DiscountBearer,
) -> None:
    sale_day = RECEIVED + timedelta(days=800)
    inputs = []
    for listed, quantity, category, category_bp, own_bp, age, discount in lines:
        markdown = terms.markdown_bp_on(sale_day - timedelta(days=age), sale_day)
        price = marked_down_price(listed, markdown)
        assert 0 <= markdown <= MAX_MARKDOWN_BP and 0 <= price <= listed
        assert price * BP >= listed * (BP - MAX_MARKDOWN_BP) - BP  # never below 10 %, in satang
        rate = terms.commission_bp_for(listed, category, RateCard(category_bp, own_bp))
        assert 0 <= rate <= BP
        inputs.append(LineInput(price, quantity, rate, True, price * quantity * discount // 100))
    after_line = sum(ln.unit_price_satang * ln.quantity - ln.discount_satang for ln in inputs)
    cart = after_line * cart_ratio // 100
    sale = price_sale(inputs, cart, line_discount_bearer=line_bearer)
    for line in sale.lines:
        assert line.commission_satang + line.net_satang == line.line_total_satang
        assert line.net_satang >= 0
    assert sum(line.line_total_satang for line in sale.lines) == sale.total_satang
    assert sale.subtotal_satang - sale.discount_satang == sale.total_satang
    assert sum(line.cart_discount_satang for line in sale.lines) == cart
