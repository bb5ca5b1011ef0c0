"""bench/bulk_history.py: the benchmarks' ten years, written straight to the tables, must be
data the till could have made: ``otop-pos check`` passes on it and its Z reports are what the
till computes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select, update

from bench.bulk_copy import copy_sqlite_to_postgresql
from bench.bulk_history import build
from integrity.check import find_violations, find_warnings, totals
from kernel.access import Actor, Role
from kernel.clock import BANGKOK
from kernel.db.engine import Database
from payments.ledger.models import AccountTotal, LedgerAccount
from payments.ledger.payout_models import Payout
from payments.ledger.postings import entrepreneur_balance, post_entry
from payments.ledger.rules import EntryKind
from payments.ledger.rules import entry as entry_of
from pos.models import Refund, Sale, Shift
from pos.tills.shifts import shift_report

LAST_DAY = date(2026, 11, 20)
MANAGER = Actor(None, "test", Role.ADMIN)
TALLIED = (
    "sales_count",
    "gross_satang",
    "discount_satang",
    "sales_satang",
    "refunds_count",
    "refunds_satang",
    "net_satang",
    "vat_included_satang",
    "cash_satang",
    "promptpay_satang",
    "cash_taken_satang",
    "change_given_satang",
    "cash_sales_satang",
    "cash_refunds_satang",
    "expected_cash_satang",
)


@pytest.fixture
def built(db: Database) -> dict[str, int]:
    return build(db, scale=0.02, days=70, last_day=LAST_DAY)


def test_a_tiny_bulk_history_passes_every_rule_of_the_check_and_owes_no_less_than_zero(
    db: Database, built: dict[str, int]
) -> None:
    assert built["sales"] > 200 and built["refunds"] > 0 and built["payouts"] > 0
    now = datetime.combine(LAST_DAY + timedelta(days=1), time(9), BANGKOK)
    with db.read() as conn:
        assert find_violations(conn, now) == []
        assert find_warnings(conn) == []
        assert conn.execute(select(func.count()).select_from(Sale)).scalar_one() == built["sales"]
        assert conn.execute(select(func.count()).select_from(Refund)).scalar_one() > 0
        paid = conn.execute(select(func.count()).where(Payout.status == "paid")).scalar_one()
        assert paid == built["payouts"]
        # Payouts never take an entrepreneur below zero.
        people = conn.execute(
            select(LedgerAccount.entrepreneur_id).where(LedgerAccount.entrepreneur_id.is_not(None))
        ).scalars()
        assert all(entrepreneur_balance(conn, e) >= 0 for e in people)
        postings = sorted(
            conn.execute(
                select(func.sum(AccountTotal.postings))
                .join(LedgerAccount, LedgerAccount.id == AccountTotal.account_id)
                .group_by(LedgerAccount.entrepreneur_id)
            ).scalars()
        )
    # Busy and quiet entrepreneurs: the busiest has several times the median's postings.
    assert postings[-1] >= 3 * postings[len(postings) // 2]


def test_the_stored_z_reports_are_what_the_till_computes(
    db: Database, built: dict[str, int]
) -> None:
    with db.engine.connect() as conn, conn.begin() as tx:
        shifts = conn.execute(select(Shift.id).order_by(Shift.id)).scalars().all()
        stored = {s: shift_report(conn, MANAGER, s) for s in shifts}
        conn.execute(update(Shift).values(z_report=None))  # rolled back: computed afresh
        for shift_id in shifts:
            computed = shift_report(conn, MANAGER, shift_id)
            for name in TALLIED:
                assert getattr(stored[shift_id], name) == getattr(computed, name), (
                    shift_id,
                    name,
                )
        tx.rollback()


def test_the_copy_into_postgresql_is_the_same_history_and_passes_the_check(
    sqlite_db: Database, postgres_url: str
) -> None:
    built = build(sqlite_db, scale=0.01, days=40, last_day=LAST_DAY)
    copy_sqlite_to_postgresql(sqlite_db.url.removeprefix("sqlite:///"), postgres_url)
    copy = Database(postgres_url)
    try:
        now = datetime.combine(LAST_DAY + timedelta(days=1), time(9), BANGKOK)
        with copy.read() as conn:
            assert find_violations(conn, now) == []
            assert totals(conn)["sales"] == built["sales"]
        with sqlite_db.read() as conn:
            expected = totals(conn)
        with copy.read() as conn:
            assert totals(conn) == expected
        with copy.write() as conn:  # the id sequences stand past the copied ids
            entry = entry_of(
                EntryKind.ADJUSTMENT, "TEST", [("bank", 100), ("commission_income", -100)]
            )
            assert post_entry(conn, MANAGER, now, entry) == built["entries"] + 1
    finally:
        copy.dispose()
