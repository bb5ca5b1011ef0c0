"""An entrepreneur's figures from their postings. Pure: no database, no framework.

Every figure is a sum of the entrepreneur's payable postings by role (payments.ledger.rules):
gross sales (the goods' prices, credited), the discounts they bore, the commission charged,
refunds and payouts (debited). The balance owed is what is left. The part *available* to pay
out holds back what recent sales brought in (a refund may still come within the refund
window) and what waiting payouts already promise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from payments.ledger.rules import PostingRole


@dataclass(frozen=True, slots=True)
class EntrepreneurBalance:
    entrepreneur_id: int
    gross_sales_satang: int
    discounts_satang: int  # borne by the entrepreneur
    commission_satang: int
    refunds_satang: int
    payouts_satang: int
    balance_satang: int  # owed by the centre
    held_satang: int  # recent sales' net, inside the refund window
    pending_payouts_satang: int
    available_satang: int


def balance_from_sums(
    entrepreneur_id: int,
    by_role: Mapping[str, int],
    recent_net_satang: int,
    pending_payouts_satang: int,
) -> EntrepreneurBalance:
    """``by_role``: the sums of the entrepreneur's payable postings per role (debit positive,
    so credits read negative); ``recent_net_satang``: the net the sales inside the refund
    window brought (positive)."""
    unknown = set(by_role) - {r.value for r in PostingRole}
    if unknown:
        raise ValueError(f"unknown posting roles {sorted(unknown)}")
    total = sum(by_role.values())
    balance = -total
    held = max(0, min(recent_net_satang, balance))
    available = max(0, balance - held - pending_payouts_satang)
    return EntrepreneurBalance(
        entrepreneur_id=entrepreneur_id,
        gross_sales_satang=-by_role.get(PostingRole.SALE.value, 0),
        discounts_satang=by_role.get(PostingRole.DISCOUNT.value, 0),
        commission_satang=by_role.get(PostingRole.COMMISSION.value, 0),
        refunds_satang=by_role.get(PostingRole.REFUND.value, 0),
        payouts_satang=by_role.get(PostingRole.PAYOUT.value, 0),
        balance_satang=balance,
        held_satang=held,
        pending_payouts_satang=pending_payouts_satang,
        available_satang=available,
    )


@dataclass(frozen=True, slots=True)
class StatementLine:
    entry_id: int
    at: datetime
    kind: str  # sale | refund | payout | reversal | adjustment
    document: str
    gross_satang: int
    discount_satang: int
    commission_satang: int
    amount_satang: int  # what it changed the balance by (owed: positive)
    balance_satang: int  # the running balance after it


def running_lines(
    opening_satang: int, rows: Sequence[tuple[int, datetime, str, str, Mapping[str, int]]]
) -> list[StatementLine]:
    """Statement lines with a running balance; ``rows`` are (entry id, at, kind, document,
    sums by role) in order."""
    balance = opening_satang
    lines = []
    for entry_id, at, kind, document, by_role in rows:
        change = -sum(by_role.values())
        balance += change
        lines.append(
            StatementLine(
                entry_id=entry_id,
                at=at,
                kind=kind,
                document=document,
                gross_satang=-by_role.get(PostingRole.SALE.value, 0),
                discount_satang=by_role.get(PostingRole.DISCOUNT.value, 0),
                commission_satang=by_role.get(PostingRole.COMMISSION.value, 0),
                amount_satang=change,
                balance_satang=balance,
            )
        )
    return lines


def payable_now(
    available_at_cutoff_satang: int, available_now_satang: int, pending_payouts_satang: int
) -> int:
    """What a payout run may promise: what was available at the cut-off, never more than is
    available now (a later refund lowers it), less what waiting payouts already promise."""
    return max(0, min(available_at_cutoff_satang, available_now_satang) - pending_payouts_satang)
