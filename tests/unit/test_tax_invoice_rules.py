"""What a full tax invoice and a credit note must carry: the buyer's details checked, the tax
month, and credit figures that always add back up to the invoice."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.errors import ConflictError, InvalidInputError
from pos.checkout.pricing import vat_included
from pos.tax_invoices.rules import (
    HEAD_OFFICE,
    check_within_tax_month,
    checked_party,
    credit_figures,
    last_day_to_issue,
)

TAX_ID = "0105558000014"


def test_a_buyer_is_tidied_dashes_and_spaces_dropped_branch_padded() -> None:
    buyer = checked_party("  บริษัท  ตัวอย่าง  จำกัด ", "เชียงใหม่\n50100", "0-1055-58000-01-4", "3")
    assert buyer.name == "บริษัท ตัวอย่าง จำกัด" and buyer.address == "เชียงใหม่ 50100"
    assert buyer.tax_id == TAX_ID and buyer.branch == "00003"
    assert buyer.branch_label_th == "สาขาที่ 00003" and buyer.branch_label_en == "Branch 00003"
    head = checked_party("ร้านหนึ่ง", "ลำพูน", TAX_ID, "")
    assert head.branch == HEAD_OFFICE and head.branch_label_th == "สำนักงานใหญ่"


@pytest.mark.parametrize(
    ("name", "address", "tax_id", "branch", "code", "field"),
    [
        ("", "ที่อยู่", TAX_ID, "0", "tax_invoice.text_required", "buyer.name"),
        ("ชื่อ", "   ", TAX_ID, "0", "tax_invoice.text_required", "buyer.address"),
        ("ชื่อ", "x" * 501, TAX_ID, "0", "tax_invoice.text_required", "buyer.address"),
        ("ชื่อ", "ที่อยู่", "010555800001", "0", "tax_invoice.tax_id_format", "buyer.tax_id"),
        ("ชื่อ", "ที่อยู่", "0105558000019", "0", "tax_invoice.tax_id_check_digit", "buyer.tax_id"),
        ("ชื่อ", "ที่อยู่", "๐๑๐๕๕๕๘๐๐๐๐๑๔", "0", "tax_invoice.tax_id_format", "buyer.tax_id"),
        ("ชื่อ", "ที่อยู่", TAX_ID, "123456", "tax_invoice.branch_format", "buyer.branch"),
        ("ชื่อ", "ที่อยู่", TAX_ID, "12a", "tax_invoice.branch_format", "buyer.branch"),
        ("ชื่อ\u202e", "ที่อยู่", TAX_ID, "0", "text.direction_character", "buyer.name"),
        (None, "ที่อยู่", TAX_ID, "0", "tax_invoice.text_required", "buyer.name"),
        ("ชื่อ", "ที่อยู่", 105558000014, "0", "tax_invoice.tax_id_format", "buyer.tax_id"),
    ],
)
def test_a_buyer_with_something_wrong_is_refused_naming_the_field(
    name: object, address: object, tax_id: object, branch: object, code: str, field: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        checked_party(name, address, tax_id, branch)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.message_in("th") != refused.value.message_in("en")


def test_a_receipt_may_be_replaced_until_the_end_of_its_tax_month() -> None:
    assert last_day_to_issue(date(2026, 2, 3)) == date(2026, 2, 28)
    assert last_day_to_issue(date(2028, 2, 29)) == date(2028, 2, 29)
    assert last_day_to_issue(date(2026, 12, 31)) == date(2026, 12, 31)
    check_within_tax_month(date(2026, 11, 1), date(2026, 11, 30), "SKP-01-000001")
    with pytest.raises(ConflictError) as late:
        check_within_tax_month(date(2026, 11, 30), date(2026, 12, 1), "SKP-01-000001")
    assert late.value.params["last_day"] == "2026-11-30"


def test_a_credit_note_states_the_vat_of_its_difference_and_refuses_more_than_is_left() -> None:
    figures = credit_figures(67000, 25000, 42000, 42000)
    assert (figures.original_satang, figures.corrected_satang) == (42000, 0)
    assert figures.vat_difference_satang == 2748
    assert figures.difference_before_vat_satang == 42000 - 2748
    with pytest.raises(ValueError):
        credit_figures(67000, 25000, 42001, 0)
    with pytest.raises(ValueError):
        credit_figures(67000, 0, 100, 101)


@given(st.integers(1, 10**9), st.lists(st.integers(1, 10**6), min_size=1, max_size=8))
def test_credit_notes_always_take_an_invoice_down_exactly_to_what_is_left(
    total: int, refunds: list[int]
) -> None:
    credited = 0
    for amount in refunds:
        if amount > total - credited:
            break
        figures = credit_figures(total, credited, amount, amount)
        assert figures.original_satang - figures.difference_satang == figures.corrected_satang
        assert figures.vat_difference_satang == vat_included(amount)
        assert 0 <= figures.vat_difference_satang <= figures.difference_satang
        credited += amount
        assert figures.corrected_satang == total - credited
