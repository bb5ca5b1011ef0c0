"""An entrepreneur's balance from postings (hypothesis: after any sequence of sales, refunds and
payouts the balance equals the sum of the postings, and no payout exceeds what was available)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from payments.ledger.balance_rules import balance_from_sums, payable_now, running_lines
from payments.ledger.rules import (
    JournalEntry,
    SaleLineShare,
    payable_account,
    payout_entry,
    refund_entry,
    sale_entry,
)
from pos.checkout.pricing import LineInput, price_sale
from pos.refunds.rules import SoldLine, refunded_part

E = 7
PAYABLE = payable_account(E)

operation = st.one_of(
    st.tuples(
        st.just("sale"),
        st.integers(1, 500_000),
        st.integers(1, 5),
        st.integers(0, 3000),
        st.integers(0, 50),
    ),
    st.tuples(st.just("refund"), st.integers(0, 20), st.integers(1, 5)),
    st.tuples(st.just("payout"), st.integers(1, 100)),
)


def _sums(entries: list[JournalEntry]) -> dict[str, int]:
    by_role: dict[str, int] = {}
    for made in entries:
        for p in made.postings:
            if p.account == PAYABLE:
                by_role[p.role.value] = by_role.get(p.role.value, 0) + p.amount_satang
    return by_role


@given(st.lists(operation, max_size=30))
def test_the_balance_is_always_the_sum_of_the_postings_and_payouts_stay_within_it(
    operations: list[tuple[object, ...]],
) -> None:
    entries: list[JournalEntry] = []
    sold: list[SoldLine] = []
    for op in operations:
        if op[0] == "sale":
            _, price, quantity, bp, discount_pct = op
            gross = int(price) * int(quantity)  # type: ignore[call-overload]
            discount = gross * int(discount_pct) // 100  # type: ignore[call-overload]
            priced = price_sale([LineInput(int(price), int(quantity), int(bp), True, discount)])  # type: ignore[call-overload]
            line = priced.lines[0]
            if line.line_total_satang == 0:
                continue
            share = SaleLineShare(E, line.net_satang, line.commission_satang, gross, discount)
            entries.append(sale_entry("S", [share], [("cash:T", line.line_total_satang)]))
            sold.append(
                SoldLine(
                    len(sold) + 1,
                    int(quantity),
                    0,
                    line.line_total_satang,  # type: ignore[call-overload]
                    line.net_satang,
                    line.vat_included_satang,
                )
            )
        elif op[0] == "refund" and sold:
            index = int(op[1]) % len(sold)  # type: ignore[call-overload]
            line = sold[index]
            left = line.quantity - line.refunded_quantity
            if left == 0:
                continue
            part = refunded_part(line, min(left, int(op[2])), "q")  # type: ignore[call-overload]
            sold[index] = SoldLine(
                line.line_no,
                line.quantity,
                line.refunded_quantity + part.quantity,
                line.line_total_satang,
                line.net_satang,
                line.vat_included_satang,
            )
            if part.amount_satang:
                entries.append(
                    refund_entry(
                        "R",
                        [SaleLineShare(E, part.net_satang, part.commission_satang)],
                        "cash:T",
                        part.amount_satang,
                    )
                )
        elif op[0] == "payout":
            before = balance_from_sums(E, _sums(entries), 0, 0)
            amount = payable_now(before.available_satang, before.available_satang, 0)
            amount = amount * int(op[1]) // 100  # type: ignore[call-overload]
            if amount:
                assert amount <= before.available_satang
                entries.append(payout_entry("P", E, amount))
        assert all(sum(p.amount_satang for p in made.postings) == 0 for made in entries)
        figures = balance_from_sums(E, _sums(entries), 0, 0)
        posted = -sum(
            p.amount_satang for made in entries for p in made.postings if p.account == PAYABLE
        )
        # (A refund after a payout may leave the entrepreneur owing: the balance may go below
        # zero, and the next payout waits until sales make it up.)
        assert figures.balance_satang == posted
        assert figures.balance_satang == (
            figures.gross_sales_satang
            - figures.discounts_satang
            - figures.commission_satang
            - figures.refunds_satang
            - figures.payouts_satang
        )


def test_held_money_and_waiting_payouts_reduce_what_is_available() -> None:
    figures = balance_from_sums(E, {"sale": -10000, "commission": 2000}, 3000, 1000)
    assert (figures.balance_satang, figures.held_satang, figures.available_satang) == (
        8000,
        3000,
        4000,
    )
    assert payable_now(5000, 4000, 1000) == 3000
    assert payable_now(100, 4000, 1000) == 0


def test_statement_lines_run_from_the_opening_balance() -> None:
    lines = running_lines(
        500,
        [
            (1, None, "sale", "S-1", {"sale": -1000, "commission": 200}),
            (2, None, "payout", "P-1", {"payout": 1300}),
        ],
    )
    assert [(ln.amount_satang, ln.balance_satang) for ln in lines] == [(800, 1300), (-1300, 0)]
