"""The payout run reads the running totals and only the recent postings: its candidates are
the same as summing every posting of the history (the way it was read before), whatever the
cut-off and the moment."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from bench.bulk_history import build
from bench.plans import explain, full_scans
from kernel.access import Actor, Role
from kernel.clock import BANGKOK
from kernel.db.engine import Database
from payments.ledger.balance_rules import payable_now
from payments.ledger.balances import day_start, first_entry_since
from payments.ledger.models import JournalEntryRow, PostingRow
from payments.ledger.payout_models import Payout
from payments.ledger.rules import EntryKind
from pos.consignment.payouts import payout_candidates

LAST_DAY = date(2026, 11, 20)
MANAGER = Actor(None, "test", Role.MANAGER)
WINDOW = timedelta(days=7)
MINIMUM = 10_000


def summed_from_every_posting(
    conn: Connection, now: datetime, cutoff: date, minimum: int
) -> dict[int, int]:
    """The amounts as the run computed them before the running totals: every posting summed."""
    cutoff_end = day_start(cutoff + timedelta(days=1))
    is_sale = JournalEntryRow.kind == EntryKind.SALE.value
    amount = PostingRow.amount_satang
    at = JournalEntryRow.at
    sums = conn.execute(
        select(
            PostingRow.entrepreneur_id,
            func.sum(amount),
            func.sum(case((at < cutoff_end, amount), else_=0)),
            func.sum(
                case((is_sale & (at < cutoff_end) & (at >= cutoff_end - WINDOW), amount), else_=0)
            ),
            func.sum(case((is_sale & (at > now - WINDOW), amount), else_=0)),
        )
        .join(JournalEntryRow, JournalEntryRow.id == PostingRow.entry_id)
        .where(PostingRow.entrepreneur_id.is_not(None))
        .group_by(PostingRow.entrepreneur_id)
    )
    waiting = set(
        conn.execute(select(Payout.entrepreneur_id).where(Payout.status == "pending")).scalars()
    )
    amounts = {}
    for e, total, at_cutoff, held_cut, held_now in sums:
        if e in waiting:
            continue
        payable = payable_now(
            -int(at_cutoff) - max(0, int(held_cut) * -1),
            -int(total) - max(0, -int(held_now)),
            0,
        )
        if payable >= minimum:
            amounts[e] = payable
    return amounts


def test_candidates_from_the_running_totals_equal_those_from_every_posting(
    db: Database,
) -> None:
    build(db, scale=0.02, days=70, last_day=LAST_DAY)
    mornings = [datetime.combine(LAST_DAY - timedelta(days=d), time(9), BANGKOK) for d in (0, 3)]
    evening = datetime.combine(LAST_DAY, time(17, 55), BANGKOK)  # inside the day's sales
    cases = 0
    with db.read() as conn:
        for now in [*mornings, evening]:
            for back in (1, 2, 6, 8, 15, 31, 45, 69, 90):
                cutoff = now.astimezone(BANGKOK).date() - timedelta(days=back)
                for minimum in (MINIMUM, 1):
                    got = payout_candidates(
                        conn,
                        MANAGER,
                        now,
                        cutoff=cutoff,
                        minimum_satang=minimum,
                        refund_window=WINDOW,
                    )
                    expected = summed_from_every_posting(conn, now, cutoff, minimum)
                    assert {c.entrepreneur_id: c.amount_satang for c in got} == expected, (
                        now,
                        cutoff,
                    )
                    cases += bool(expected)
    assert cases > 20  # most cases had someone to pay


def test_the_first_entry_of_a_period_is_found_through_the_time_index(db: Database) -> None:
    """Not by walking the entries in id order from the first one ever (a scan of the whole
    history before the period): the plan of the look-up reads the index on ``at``."""
    since = datetime(2026, 11, 1, tzinfo=BANGKOK)
    plans = explain(db, lambda conn: first_entry_since(conn, since))
    assert len(plans) == 1
    if db.dialect == "sqlite":  # PostgreSQL rather reads an empty table whole
        assert full_scans(plans) == []
        assert "USING COVERING INDEX ix_journal_entries_at" in plans[0]
    with db.read() as conn:
        assert first_entry_since(conn, since) is None
