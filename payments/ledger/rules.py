"""Rules of the double-entry ledger. Pure: no database, no framework.

Sign convention: a posting's ``amount_satang`` is signed, **debit positive, credit
negative**. An asset account (the till's cash, PromptPay clearing) grows with debits; a
liability or income account (what the centre owes an entrepreneur, its commission) grows with
credits, so its balance reads negative: the centre owes entrepreneur 123 ``-balance``.

Every journal entry sums to zero. Entries are never edited: a mistake or a refund is put
right by a new entry, the mirror of the old one (:func:`reverse`) or a part of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

PROMPTPAY_CLEARING = "promptpay_clearing"
# A card paid on the bank's own terminal: the acquiring bank owes the centre until it settles.
CARD_RECEIVABLE = "card_receivable"
OTHER_RECEIVABLE = "other_receivable:"  # + the tender's name: owed by whoever runs it
BANK = "bank"  # the centre's bank account: refunds by transfer, payouts
COMMISSION_INCOME = "commission_income"


class AccountKind(StrEnum):
    ASSET = "asset"  # cash in a till, money on its way from the bank
    LIABILITY = "liability"  # what the centre owes an entrepreneur
    INCOME = "income"  # the centre's commission


class EntryKind(StrEnum):
    SALE = "sale"
    REFUND = "refund"
    PAYOUT = "payout"
    REVERSAL = "reversal"
    ADJUSTMENT = "adjustment"


class PostingRole(StrEnum):
    """Why a posting moves money, so that an entrepreneur's figures (gross sales, the discounts
    they bore, commission, refunds, payouts) are sums of their postings by role."""

    MONEY = "money"  # the till's cash, PromptPay clearing, the bank
    SALE = "sale"  # the entrepreneur's payable credited with the goods' price
    DISCOUNT = "discount"  # ... debited with a discount the entrepreneur bears
    COMMISSION = "commission"  # ... debited with the centre's commission; income credited
    REFUND = "refund"  # the net of a refund taken back
    PAYOUT = "payout"  # money paid out to the entrepreneur
    OTHER = "other"


class UnbalancedEntryError(ValueError):
    """An entry whose postings do not sum to zero (a bug, never a user's mistake)."""


def cash_account(till_code: str) -> str:
    return f"cash:{till_code}"


def other_receivable(tender_name: str) -> str:
    """What the runner of another tender (a government wallet, a voucher's issuer) owes."""
    return f"{OTHER_RECEIVABLE}{tender_name}"


def money_account(method: str, till_code: str, tender_name: str | None = None) -> str:
    """Where a payment's money is: the till's drawer (cash), PromptPay clearing, the card
    acquirer's receivable, or the receivable of the other tender by its name."""
    if method == "cash":
        return cash_account(till_code)
    if method == "card":
        return CARD_RECEIVABLE
    if method == "other":
        if not tender_name:
            raise ValueError("an other tender's money needs the tender's name")
        return other_receivable(tender_name)
    return PROMPTPAY_CLEARING


def payable_account(entrepreneur_id: int) -> str:
    return f"entrepreneur_payable:{entrepreneur_id}"


def account_kind(code: str) -> AccountKind:
    """The kind follows from the code's prefix."""
    if code.startswith(("cash:", OTHER_RECEIVABLE)) or code in (
        PROMPTPAY_CLEARING,
        BANK,
        CARD_RECEIVABLE,
    ):
        return AccountKind.ASSET
    if code.startswith("entrepreneur_payable:"):
        return AccountKind.LIABILITY
    if code == COMMISSION_INCOME:
        return AccountKind.INCOME
    raise ValueError(f"unknown ledger account {code!r}")


def account_entrepreneur(code: str) -> int | None:
    prefix = "entrepreneur_payable:"
    return int(code.removeprefix(prefix)) if code.startswith(prefix) else None


@dataclass(frozen=True, slots=True)
class Posting:
    account: str  # the account's code
    amount_satang: int  # debit positive, credit negative
    role: PostingRole = PostingRole.OTHER

    def __post_init__(self) -> None:
        if isinstance(self.amount_satang, bool) or not isinstance(self.amount_satang, int):
            raise UnbalancedEntryError(f"posting to {self.account}: amount must be whole satang")
        if self.amount_satang == 0:
            raise UnbalancedEntryError(f"posting to {self.account}: amount must not be zero")

    @property
    def entrepreneur_id(self) -> int | None:
        return account_entrepreneur(self.account)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """Postings that sum to zero; checked when built, so an unbalanced entry never exists."""

    kind: EntryKind
    document: str
    postings: tuple[Posting, ...]
    reverses_entry_id: int | None = None
    detail: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.postings) < 2:
            raise UnbalancedEntryError(f"entry {self.document}: needs at least two postings")
        total = sum(p.amount_satang for p in self.postings)
        if total != 0:
            raise UnbalancedEntryError(f"entry {self.document}: postings sum to {total}, not 0")


Amount = tuple[str, int] | tuple[str, int, PostingRole]  # account, amount[, role]


def entry(kind: EntryKind, document: str, amounts: Iterable[Amount]) -> JournalEntry:
    """An entry from (account, amount[, role]) tuples: the same account and role merged, zero
    amounts dropped."""
    merged: dict[tuple[str, PostingRole], int] = {}
    for item in amounts:
        role = item[2] if len(item) == 3 else PostingRole.OTHER
        key = (item[0], role)
        merged[key] = merged.get(key, 0) + item[1]
    postings = tuple(
        Posting(account, amount, role) for (account, role), amount in merged.items() if amount
    )
    return JournalEntry(kind, document, postings)


def reverse(
    original: JournalEntry, *, entry_id: int | None = None, document: str = ""
) -> JournalEntry:
    """The mirror of an entry: every posting with the opposite sign."""
    return JournalEntry(
        EntryKind.REVERSAL,
        document or original.document,
        tuple(Posting(p.account, -p.amount_satang, p.role) for p in original.postings),
        reverses_entry_id=entry_id,
    )


@dataclass(frozen=True, slots=True)
class SaleLineShare:
    entrepreneur_id: int
    net_satang: int  # owed to the entrepreneur
    commission_satang: int  # the centre's (may be below zero when it bore a discount)
    gross_satang: int | None = None  # price x quantity; None: net + commission (no discount)
    entrepreneur_discount_satang: int = 0  # the part of the discounts the entrepreneur bears

    @property
    def gross(self) -> int:
        if self.gross_satang is None:
            return self.net_satang + self.commission_satang
        return self.gross_satang


def sale_entry(
    document: str,
    lines: Iterable[SaleLineShare],
    payments: Iterable[tuple[str, int]],
) -> JournalEntry:
    """A sale: debit where the money is (per payment account); on each entrepreneur's payable,
    credit the goods' price, debit the discount they bear and the commission charged (what is
    left is their net); credit the centre's commission income with its commission (less any
    discount the centre bore)."""
    amounts: list[Amount] = [(account, amount, PostingRole.MONEY) for account, amount in payments]
    for line in lines:
        payable = payable_account(line.entrepreneur_id)
        gross = line.gross
        charged = gross - line.entrepreneur_discount_satang - line.net_satang
        amounts.append((payable, -gross, PostingRole.SALE))
        amounts.append((payable, line.entrepreneur_discount_satang, PostingRole.DISCOUNT))
        amounts.append((payable, charged, PostingRole.COMMISSION))
        amounts.append((COMMISSION_INCOME, -line.commission_satang, PostingRole.COMMISSION))
    return entry(EntryKind.SALE, document, amounts)


def refund_entry(
    document: str, lines: Iterable[SaleLineShare], paid_from: str, amount_satang: int
) -> JournalEntry:
    """A refund, the sale's entry in proportion: debit each entrepreneur's payable with the
    net taken back and commission income with the commission taken back; credit where the
    money leaves (the till's cash, or the bank for a transfer)."""
    amounts: list[Amount] = [(paid_from, -amount_satang, PostingRole.MONEY)]
    for line in lines:
        amounts.append((payable_account(line.entrepreneur_id), line.net_satang, PostingRole.REFUND))
        amounts.append((COMMISSION_INCOME, line.commission_satang, PostingRole.COMMISSION))
    return entry(EntryKind.REFUND, document, amounts)


def payout_entry(document: str, entrepreneur_id: int, amount_satang: int) -> JournalEntry:
    """A payout: debit the entrepreneur's payable, credit the bank it was paid from."""
    return entry(
        EntryKind.PAYOUT,
        document,
        [
            (payable_account(entrepreneur_id), amount_satang, PostingRole.PAYOUT),
            (BANK, -amount_satang, PostingRole.MONEY),
        ],
    )
