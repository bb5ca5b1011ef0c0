"""What the centre owes each entrepreneur, read from the ledger: the balance with its parts,
and the statement of a period with a running balance (payments.ledger.balance_rules does the sums).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from kernel.clock import BANGKOK
from kernel.errors import InvalidInputError
from payments.ledger.balance_rules import (
    EntrepreneurBalance,
    StatementLine,
    balance_from_sums,
    running_lines,
)
from payments.ledger.models import AccountTotal, JournalEntryRow, LedgerAccount, PostingRow
from payments.ledger.payout_models import Payout, PayoutStatus
from payments.ledger.postings import on_entrepreneurs_accounts, on_entrepreneurs_totals
from payments.ledger.rules import EntryKind

MAX_STATEMENT_DAYS = 366
_NO_ENTRY = 2**31 - 1  # above every entry id: the period has no entry yet (an int4 on PostgreSQL)

_BY_ROLE = (
    select(AccountTotal.role, func.sum(AccountTotal.total_satang))
    .where(on_entrepreneurs_totals(bindparam("e")))
    .group_by(AccountTotal.role)
)
# The first entry of a period: every entry of the period has this id or a later one, so an
# account's postings of the period are a range of its (account, entry) index, however long the
# history before it. (Ids follow posting order; an entry's time may be earlier, for a sale rung
# offline, which only widens the range, never misses one.)
#
# ``id + 0``, not ``id``: given min(id), SQLite (and PostgreSQL's min/max rewrite) walks the
# entries in id order from the first one ever until one is late enough, a scan of the whole
# history before the period (at ten years, most of a second); so the min is of an expression
# and the range of the entries' time index is read instead (bench/scale.py prints the plan).
_FIRST_ENTRY_FROM = select(func.min(JournalEntryRow.id + 0)).where(
    JournalEntryRow.at >= bindparam("since")
)
_RECENT_SALES = (
    select(func.coalesce(func.sum(PostingRow.amount_satang), 0))
    .join(JournalEntryRow, JournalEntryRow.id == PostingRow.entry_id)
    .where(
        on_entrepreneurs_accounts(bindparam("e")),
        PostingRow.entry_id >= _FIRST_ENTRY_FROM.scalar_subquery(),
        JournalEntryRow.kind == EntryKind.SALE.value,
        JournalEntryRow.at > bindparam("since"),
    )
)
_PENDING = select(func.coalesce(func.sum(Payout.amount_satang), 0)).where(
    Payout.entrepreneur_id == bindparam("e"), Payout.status == PayoutStatus.PENDING.value
)


def first_entry_since(conn: Connection, since: datetime) -> int | None:
    """The id of the first entry at or after ``since`` (None: there is none): the postings of
    entries since then are a range of the postings' entry index (see ``_FIRST_ENTRY_FROM``)."""
    first = conn.execute(_FIRST_ENTRY_FROM, {"since": since}).scalar()
    return None if first is None else int(first)


_TOTALS_BY_ENTREPRENEUR = (
    select(LedgerAccount.entrepreneur_id, func.sum(AccountTotal.total_satang))
    .join(LedgerAccount, LedgerAccount.id == AccountTotal.account_id)
    .where(LedgerAccount.entrepreneur_id.is_not(None))
    .group_by(LedgerAccount.entrepreneur_id)
)


def totals_by_entrepreneur(conn: Connection) -> dict[int, int]:
    """The sum of every entrepreneur's postings (debit positive: owed reads negative), from
    the running totals: one row per account and role, whatever the length of the history."""
    return {
        int(e): int(total)
        for e, total in conn.execute(_TOTALS_BY_ENTREPRENEUR)
        if e is not None and total is not None
    }


def read_balance(
    conn: Connection, entrepreneur_id: int, now: datetime, refund_window: timedelta
) -> EntrepreneurBalance:
    """The balance and its parts (the caller has checked who may see it)."""
    by_role = {role: int(total) for role, total in conn.execute(_BY_ROLE, {"e": entrepreneur_id})}
    recent = conn.execute(_RECENT_SALES, {"e": entrepreneur_id, "since": now - refund_window})
    pending = conn.execute(_PENDING, {"e": entrepreneur_id}).scalar_one()
    return balance_from_sums(entrepreneur_id, by_role, -int(recent.scalar_one()), int(pending))


@dataclass(frozen=True, slots=True)
class Statement:
    entrepreneur_id: int
    start: date
    end: date
    opening_balance_satang: int
    closing_balance_satang: int
    lines: list[StatementLine]


def day_start(day: date) -> datetime:
    """The first instant of a Bangkok business day."""
    return datetime.combine(day, time(0), BANGKOK)


def read_statement(conn: Connection, entrepreneur_id: int, start: date, end: date) -> Statement:
    """Sales, refunds and payouts of the Bangkok days ``start``..``end`` with a running
    balance, opening with what was owed before ``start`` (the caller has checked access)."""
    if end < start:
        raise InvalidInputError("ledger.period_reversed", "วันที่สิ้นสุดต้องไม่อยู่ก่อนวันที่เริ่มต้น", field="to")
    if (end - start).days >= MAX_STATEMENT_DAYS:
        raise InvalidInputError(
            "ledger.period_too_long",
            "ดูรายการเดินบัญชีได้ครั้งละไม่เกิน {limit} วัน",
            field="to",
            limit=MAX_STATEMENT_DAYS,
        )
    since, until = day_start(start), day_start(end + timedelta(days=1))
    first = conn.execute(_FIRST_ENTRY_FROM, {"since": since}).scalar()
    # What was owed before the period: today's total less what was posted since (a range).
    total = conn.execute(
        select(func.coalesce(func.sum(AccountTotal.total_satang), 0)).where(
            on_entrepreneurs_totals(entrepreneur_id)
        )
    ).scalar_one()
    posted_since = conn.execute(
        select(func.coalesce(func.sum(PostingRow.amount_satang), 0))
        .join(JournalEntryRow, JournalEntryRow.id == PostingRow.entry_id)
        .where(
            on_entrepreneurs_accounts(entrepreneur_id),
            PostingRow.entry_id >= (first if first is not None else _NO_ENTRY),
            JournalEntryRow.at >= since,
        )
    ).scalar_one()
    opening = int(total) - int(posted_since)
    rows = conn.execute(
        select(
            JournalEntryRow.id,
            JournalEntryRow.at,
            JournalEntryRow.kind,
            JournalEntryRow.document,
            PostingRow.role,
            func.sum(PostingRow.amount_satang),
        )
        .join(PostingRow, PostingRow.entry_id == JournalEntryRow.id)
        .where(
            on_entrepreneurs_accounts(entrepreneur_id),
            PostingRow.entry_id >= (first if first is not None else _NO_ENTRY),
            JournalEntryRow.at >= since,
            JournalEntryRow.at < until,
        )
        .group_by(
            JournalEntryRow.id,
            JournalEntryRow.at,
            JournalEntryRow.kind,
            JournalEntryRow.document,
            PostingRow.role,
        )
        .order_by(JournalEntryRow.at, JournalEntryRow.id)
    )
    entries: list[tuple[int, datetime, str, str, dict[str, int]]] = []
    for entry_id, at, kind, document, role, total in rows:
        if not entries or entries[-1][0] != entry_id:
            entries.append((entry_id, at, kind, document, {}))
        entries[-1][4][role] = int(total)
    lines = running_lines(-int(opening), entries)
    closing = lines[-1].balance_satang if lines else -int(opening)
    return Statement(entrepreneur_id, start, end, -int(opening), closing, lines)
