"""Ledger rules (pure): entries sum to zero, reversals mirror, sales split by payment."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.ledger.rules import (
    COMMISSION_INCOME,
    PROMPTPAY_CLEARING,
    EntryKind,
    JournalEntry,
    Posting,
    SaleLineShare,
    UnbalancedEntryError,
    account_kind,
    entry,
    reverse,
    sale_entry,
)


def test_an_unbalanced_entry_cannot_be_built() -> None:
    with pytest.raises(UnbalancedEntryError, match="sum to 5"):
        JournalEntry(
            EntryKind.SALE, "X", (Posting("cash:T", 105), Posting(COMMISSION_INCOME, -100))
        )
    with pytest.raises(UnbalancedEntryError, match="two postings"):
        JournalEntry(EntryKind.SALE, "X", (Posting("cash:T", 0 + 1),))
    with pytest.raises(UnbalancedEntryError, match="zero"):
        Posting("cash:T", 0)


def test_reverse_mirrors_every_posting() -> None:
    original = entry(
        EntryKind.SALE, "SKP-01-000001", [("cash:SKP-01", 500), (COMMISSION_INCOME, -500)]
    )
    mirror = reverse(original, entry_id=7)
    assert mirror.kind == EntryKind.REVERSAL and mirror.reverses_entry_id == 7
    assert [(p.account, p.amount_satang) for p in mirror.postings] == [
        ("cash:SKP-01", -500),
        (COMMISSION_INCOME, 500),
    ]


def test_a_sale_debits_where_the_money_is_and_credits_payables_and_commission() -> None:
    made = sale_entry(
        "SKP-01-000009",
        [SaleLineShare(3, 8000, 2000), SaleLineShare(3, 400, 100), SaleLineShare(4, 900, 100)],
        [("cash:SKP-01", 6000), (PROMPTPAY_CLEARING, 5500)],
    )
    amounts: dict[str, int] = {}
    for p in made.postings:
        amounts[p.account] = amounts.get(p.account, 0) + p.amount_satang
    assert amounts == {
        "cash:SKP-01": 6000,
        PROMPTPAY_CLEARING: 5500,
        "entrepreneur_payable:3": -8400,
        "entrepreneur_payable:4": -900,
        COMMISSION_INCOME: -2200,
    }
    roles = {(p.account, p.role.value): p.amount_satang for p in made.postings}
    assert roles[("entrepreneur_payable:3", "sale")] == -10500  # the goods' price
    assert roles[("entrepreneur_payable:3", "commission")] == 2100
    assert {p.entrepreneur_id for p in made.postings} == {None, 3, 4}


def test_a_discount_the_entrepreneur_bears_is_its_own_posting() -> None:
    # Price 10,000; the entrepreneur bears 1,000 discount; 20% commission on 9,000 = 1,800.
    made = sale_entry("R", [SaleLineShare(3, 7200, 1800, 10000, 1000)], [("cash:T", 9000)])
    roles = {(p.account, p.role.value): p.amount_satang for p in made.postings}
    assert roles == {
        ("cash:T", "money"): 9000,
        ("entrepreneur_payable:3", "sale"): -10000,
        ("entrepreneur_payable:3", "discount"): 1000,
        ("entrepreneur_payable:3", "commission"): 1800,
        (COMMISSION_INCOME, "commission"): -1800,
    }
    assert account_kind("entrepreneur_payable:3").value == "liability"


@given(
    st.lists(
        st.tuples(st.integers(1, 50), st.integers(0, 10**7), st.integers(-(10**5), 10**6)),
        min_size=1,
        max_size=20,
    )
)
def test_every_sale_entry_sums_to_zero(shares: list[tuple[int, int, int]]) -> None:
    lines = [SaleLineShare(e, net, commission) for e, net, commission in shares]
    total = sum(net + commission for _, net, commission in shares)
    if total <= 0:
        return
    made = sale_entry("R", lines, [("cash:T", total)])
    assert sum(p.amount_satang for p in made.postings) == 0
    assert sum(p.amount_satang for p in reverse(made).postings) == 0
