"""The managers' terms form: per cent, days and rows as typed, into terms and back."""

from __future__ import annotations

import pytest

from inventory.terms.rules import STANDARD_TERMS, check_terms
from kernel.errors import InvalidInputError
from web.consignment.terms_form import TermsForm, days, form_of, percent_bp, terms_of


def test_per_cent_is_read_exactly_into_basis_points() -> None:
    assert [percent_bp(t, "f") for t in ("20", "12.5", "12.25", " 7 %", "0", "100")] == [
        2000,
        1250,
        1225,
        700,
        0,
        10000,
    ]
    for bad in ("", "abc", "12.345", "-5", "1,5", "๒๐"):
        with pytest.raises(InvalidInputError) as refused:
            percent_bp(bad, "tiers[0].commission_bp")
        assert refused.value.code == "terms.percent_invalid"
        assert refused.value.field == "tiers[0].commission_bp"


def test_days_are_whole_numbers() -> None:
    assert days(" 90 ", "period_days") == 90
    for bad in ("", "9.5", "-1", "ninety", "123456"):
        with pytest.raises(InvalidInputError) as refused:
            days(bad, "period_days")
        assert refused.value.code == "terms.days_invalid"


def test_a_half_filled_row_is_refused_and_empty_rows_are_skipped() -> None:
    form = TermsForm(
        commission_kind="flat",
        commission_percent="20",
        markdown_days=["", "60", "75"],
        markdown_percent=["", "10", ""],
        period_days="90",
        end_action="return",
    )
    with pytest.raises(InvalidInputError) as refused:
        terms_of(form)
    assert (refused.value.code, refused.value.field) == ("terms.row_incomplete", "markdowns[2]")
    filled = form.model_copy(update={"markdown_percent": ["", "10", "25"]})
    assert [(s.after_days, s.percent_bp) for s in terms_of(filled).markdowns] == [
        (60, 1000),
        (75, 2500),
    ]


@pytest.mark.parametrize(
    "terms",
    [
        STANDARD_TERMS,
        check_terms(
            commission_kind="tiered",
            commission_bp=2500,
            period_days=120,
            end_action="extend",
            extend_days=30,
            tiers=[(0, 2200), (50050, 1850)],
            markdowns=[(60, 1000), (90, 2550)],
        ),
        check_terms(
            commission_kind="category",
            commission_bp=2000,
            period_days=90,
            end_action="return",
            category_bp={3: 1250, 8: 0},
        ),
    ],
)
def test_a_version_shown_in_the_form_reads_back_as_itself(terms: object) -> None:
    shown = form_of(terms)  # type: ignore[arg-type]
    typed = TermsForm(
        commission_kind=shown["commission_kind"],
        commission_percent=shown["commission_percent"],
        category_id=list(shown["categories"]),
        category_percent=list(shown["categories"].values()),
        tier_from_baht=[a for a, _ in shown["tiers"]],
        tier_percent=[b for _, b in shown["tiers"]],
        markdown_days=[a for a, _ in shown["markdowns"]],
        markdown_percent=[b for _, b in shown["markdowns"]],
        period_days=shown["period_days"],
        end_action=shown["end_action"],
        extend_days=shown["extend_days"],
    )
    assert terms_of(typed) == terms
