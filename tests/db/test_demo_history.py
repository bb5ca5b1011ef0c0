"""``seed --demo --history DAYS``: past sales through the till's own code path."""

from __future__ import annotations

from sqlalchemy import func, select

from demo.history import LEFT_WAITING
from integrity.check import find_violations
from inventory.models import StockLevel
from kernel.clock import FixedClock
from kernel.db.engine import Database
from payments.ledger.payout_models import Payout
from payments.ledger.postings import unbalanced_entries
from pos.models import Sale, Shift
from web.commands.seed import seed_demo_database, seed_demo_history, seed_demo_payout_run
from web.settings import Settings


def test_history_rings_completed_sales_closes_every_shift_and_keeps_the_books(
    db: Database, clock: FixedClock
) -> None:
    seed_demo_database(db, clock.now(), scale=0.02)
    summary = seed_demo_history(db, Settings(demo=True, database_url=db.url), days=3, scale=0.05)
    assert summary.days == 3 and summary.sales > 0
    assert 0 < summary.promptpay_sales < summary.sales
    with db.read() as conn:
        statuses = dict(conn.execute(select(Sale.status, func.count()).group_by(Sale.status)).all())
        assert statuses == {"completed": summary.sales}
        assert conn.execute(select(func.count()).where(Shift.status == "open")).scalar_one() == 0
        assert conn.execute(select(func.count(func.distinct(Shift.z_number)))).scalar_one() == 6
        assert unbalanced_entries(conn) == []
        assert conn.execute(select(func.min(StockLevel.on_hand))).scalar_one() >= 0
        for till_id, count, top in conn.execute(
            select(Sale.till_id, func.count(), func.max(Sale.receipt_seq)).group_by(Sale.till_id)
        ):
            assert count == top, f"receipts of till {till_id} have a gap"


def test_a_few_weeks_of_history_leave_a_paid_payout_run_with_some_waiting(
    db: Database, clock: FixedClock
) -> None:
    settings = Settings(demo=True, database_url=db.url, payout_minimum_satang=1_000)
    seed_demo_database(db, clock.now(), scale=0.02)
    seed_demo_history(db, settings, days=20, scale=1.0, sales_per_day=10)
    run = seed_demo_payout_run(db, settings)
    assert run is not None and run.paid > 0 and run.waiting == LEFT_WAITING
    with db.read() as conn:
        statuses = dict(
            conn.execute(select(Payout.status, func.count()).group_by(Payout.status)).all()
        )
        assert statuses == {"paid": run.paid, "pending": LEFT_WAITING}
        assert unbalanced_entries(conn) == []
        assert find_violations(conn) == []


def test_no_payout_run_when_nobody_is_owed_enough(db: Database, clock: FixedClock) -> None:
    settings = Settings(demo=True, database_url=db.url)
    seed_demo_database(db, clock.now(), scale=0.02)
    assert seed_demo_payout_run(db, settings) is None
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(Payout)).scalar_one() == 0
