"""Refund shares, the drawer's expected cash, denominations, discount approval, approval tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.errors import ForbiddenError, InvalidInputError
from payments.ledger.rules import BANK, COMMISSION_INCOME, SaleLineShare, refund_entry
from pos.checkout.pricing import needs_discount_approval
from pos.refunds.rules import SoldLine, refund_parts, refunded_part
from pos.tills.shift_rules import DrawerCash, count_denominations
from web.accounts.approvals import ApprovalAction, issue, verify

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
SECRET = "s" * 40


@st.composite
def sold_line_and_steps(draw: st.DrawFn) -> tuple[SoldLine, list[int]]:
    quantity = draw(st.integers(1, 60))
    total = draw(st.integers(0, 5_000_000))
    net = draw(st.integers(0, total))
    vat = draw(st.integers(0, total))
    steps: list[int] = []
    left = quantity
    while left:
        step = draw(st.integers(1, left))
        steps.append(step)
        left -= step
    return SoldLine(1, quantity, 0, total, net, vat), steps


@given(sold_line_and_steps())
def test_refunding_a_whole_line_in_any_steps_gives_back_exactly_its_money(
    case: tuple[SoldLine, list[int]],
) -> None:
    line, steps = case
    refunded_units = 0
    parts = []
    for step in steps:
        current = SoldLine(
            1,
            line.quantity,
            refunded_units,
            line.line_total_satang,
            line.net_satang,
            line.vat_included_satang,
        )
        parts.append(refunded_part(current, step, "q"))
        refunded_units += step
    assert sum(p.amount_satang for p in parts) == line.line_total_satang
    assert sum(p.net_satang for p in parts) == line.net_satang
    assert sum(p.vat_included_satang for p in parts) == line.vat_included_satang
    assert all(p.commission_satang + p.net_satang == p.amount_satang for p in parts)
    assert all(p.amount_satang >= 0 for p in parts)


def test_a_refund_is_refused_beyond_what_is_left_naming_the_line() -> None:
    line = SoldLine(3, 4, 3, 400, 300, 26)
    with pytest.raises(InvalidInputError) as refused:
        refund_parts({3: line}, [(3, 2)])
    assert refused.value.field == "lines[0].quantity" and "only 1 of 4" in refused.value.message
    with pytest.raises(InvalidInputError) as twice:
        refund_parts({3: line}, [(3, 1), (3, 1)])
    assert twice.value.field == "lines[1].line_no"
    with pytest.raises(InvalidInputError):
        refund_parts({3: line}, [])
    with pytest.raises(InvalidInputError):
        refund_parts({3: line}, [(3, 0)])


def test_a_refund_entry_takes_back_from_each_payable_and_the_commission() -> None:
    entry = refund_entry(
        "CN-SKP-01-000001", [SaleLineShare(7, 800, 200), SaleLineShare(8, 450, -50)], BANK, 1400
    )
    amounts = {p.account: p.amount_satang for p in entry.postings}
    assert amounts == {
        BANK: -1400,
        "entrepreneur_payable:7": 800,
        "entrepreneur_payable:8": 450,
        COMMISSION_INCOME: 150,
    }


def test_expected_cash_is_float_plus_cash_less_change_in_less_out_less_refunds() -> None:
    drawer = DrawerCash(200000, 150000, 18250, 10000, 5000, 45000)
    assert drawer.cash_sales_satang == 131750
    assert drawer.expected_satang == 200000 + 150000 - 18250 + 10000 - 5000 - 45000


def test_denominations_add_up_and_unknown_or_negative_ones_are_named() -> None:
    assert count_denominations({"1000": 2, "20": 3, "0.25": 2}, "d") == 206050
    with pytest.raises(InvalidInputError) as unknown:
        count_denominations({"3": 1}, "d")
    assert unknown.value.field == "d.3"
    with pytest.raises(InvalidInputError) as negative:
        count_denominations({"100": -1}, "d")
    assert negative.value.field == "d.100"


def test_a_discount_needs_approval_only_above_the_limit() -> None:
    assert not needs_discount_approval(10000, 1000, 10)
    assert needs_discount_approval(10000, 1001, 10)
    assert needs_discount_approval(10000, 1, 0)


def test_an_approval_token_names_its_approver_and_refuses_misuse() -> None:
    approval = issue(
        SECRET,
        approver_id=5,
        approver_name="M",
        cashier_id=9,
        action=ApprovalAction.DISCOUNT,
        subject="cart-1",
        now=NOW,
    )
    token = approval.approval_token
    grant = verify(
        SECRET, token, action=ApprovalAction.DISCOUNT, cashier_id=9, subject="cart-1", now=NOW
    )
    assert grant.approver_id == 5 and len(grant.approval_id) >= 16
    misuses = [
        dict(secret=SECRET, token=token, action=ApprovalAction.REFUND, cashier_id=9, now=NOW),
        dict(secret=SECRET, token=token, action=ApprovalAction.DISCOUNT, cashier_id=8, now=NOW),
        dict(
            secret=SECRET,
            token=token,
            action=ApprovalAction.DISCOUNT,
            cashier_id=9,
            now=NOW + timedelta(minutes=6),
        ),
        dict(secret="t" * 40, token=token, action=ApprovalAction.DISCOUNT, cashier_id=9, now=NOW),
        dict(
            secret=SECRET,
            token=token[:-1] + "ก",
            action=ApprovalAction.DISCOUNT,
            cashier_id=9,
            now=NOW,
        ),
        dict(
            secret=SECRET,
            token="not-a-token",
            action=ApprovalAction.DISCOUNT,
            cashier_id=9,
            now=NOW,
        ),
    ]
    misuses = [{"subject": "cart-1", **m} for m in misuses]
    misuses.append(
        dict(
            secret=SECRET,
            token=token,
            action=ApprovalAction.DISCOUNT,
            cashier_id=9,
            subject="cart-2",
            now=NOW,
        )
    )
    for misuse in misuses:
        with pytest.raises(ForbiddenError) as refused:
            verify(**misuse)  # type: ignore[arg-type]
        assert refused.value.field == "approval_token"
