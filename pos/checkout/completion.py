"""Completing sales: the receipt number and the ledger entry a sale paid in full gets.

One rule for every way a sale completes: a cash sale inside the writer's batch
(:mod:`pos.checkout.writes`), a PromptPay sale when its last payment is confirmed (by the bank's
callback, a cashier or a slip: :mod:`pos.completion.by_payment`), a sale whose rest was taken by
another method, a voided sale a manager completes after a late payment. Several at once are
numbered per till in order and posted with one statement per table; the caller sets the
returned columns on the sale rows, in its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from sqlalchemy.engine import Connection

from kernel.access import Actor, Role
from payments.ledger.postings import post_entries
from payments.ledger.rules import JournalEntry, SaleLineShare, money_account
from payments.ledger.rules import sale_entry as ledger_sale_entry
from pos.models import SaleStatus
from pos.tills.receipts import receipt_number, take_receipt_numbers

# Completing a sale after a bank callback acts on nobody's behalf; the audit log says so.
COMPLETION_ACTOR = Actor(user_id=None, username="payment-confirmation", role=Role.ADMIN)


@dataclass(frozen=True, slots=True)
class Completing:
    """A sale about to complete: who and when, its till, its lines' shares and the confirmed
    payments that pay it (method, amount[, an other tender's name])."""

    actor: Actor
    now: datetime
    till_id: int
    till_code: str
    shares: Sequence[SaleLineShare]
    paid: Sequence[tuple[str, int] | tuple[str, int, str | None]]
    seq: int | None = None  # the number a till issued itself (pos.tills.leases); else the next


def sale_entry(till_code: str, receipt_number: str, completing: Completing) -> JournalEntry:
    """The sale's journal entry: the money debited where it is (the till's drawer for cash,
    PromptPay clearing, the card acquirer's or the other tender's receivable), the goods
    credited to their makers and the centre."""
    return ledger_sale_entry(receipt_number, completing.shares, _debits(till_code, completing.paid))


def _debits(
    till_code: str, paid: Iterable[tuple[str, int] | tuple[str, int, str | None]]
) -> list[tuple[str, int]]:
    return [
        (money_account(item[0], till_code, item[2] if len(item) == 3 else None), item[1])
        for item in paid
    ]


class CompletedSale(TypedDict):
    """The columns a sale's row gets when it completes."""

    status: str
    receipt_seq: int
    receipt_number: str
    completed_at: datetime
    journal_entry_id: int


def complete_sales(conn: Connection, sales: Sequence[Completing]) -> list[CompletedSale]:
    """Receipt numbers (per till, gapless, in order) and ledger entries for sales paid in full;
    for each, the columns to set on its row."""
    if not sales:
        return []
    taken = iter(
        take_receipt_numbers(
            conn, [(sale.till_id, sale.till_code) for sale in sales if sale.seq is None]
        )
    )
    numbers = [
        next(taken) if sale.seq is None else (sale.seq, receipt_number(sale.till_code, sale.seq))
        for sale in sales
    ]
    entries = [
        (sale.actor, sale.now, sale_entry(sale.till_code, number, sale))
        for sale, (_, number) in zip(sales, numbers, strict=True)
    ]
    entry_ids = post_entries(conn, entries)
    return [
        {
            "status": SaleStatus.COMPLETED.value,
            "receipt_seq": seq,
            "receipt_number": number,
            "completed_at": sale.now,
            "journal_entry_id": entry_id,
        }
        for sale, (seq, number), entry_id in zip(sales, numbers, entry_ids, strict=True)
    ]
