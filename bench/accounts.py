"""Entrepreneurs' accounts on a year of history (issue 5's figures): a balance, a monthly
statement and the payout run for every entrepreneur, on the cached history database that
bench/reports.py builds (through the till's code path) under var/bench/.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench.report import Report, Row, latency, time_each
from bench.reports import DAYS, history_database
from kernel.access import Actor, Role
from kernel.clock import BANGKOK
from kernel.db.engine import Database
from payments.ledger.models import PostingRow
from pos.consignment.access import entrepreneur_balance, entrepreneur_statement
from pos.consignment.payouts import payout_candidates
from pos.models import Sale

MANAGER = Actor(None, "bench", Role.MANAGER)
WINDOW = timedelta(days=7)
TARGETS_MS = {"balance": 20.0, "statement": 200.0, "payout run": 5000.0}


def run(directory: Path, *, quick: bool) -> Report:
    scale = 0.1 if quick else 1.0
    built = history_database(DAYS, scale)
    report = Report(f"entrepreneurs' accounts (SQLite, {DAYS} days of history, scale {scale:g})")
    db = Database(built.url)
    try:
        with db.read() as conn:
            last = conn.execute(select(func.max(Sale.business_date))).scalar_one()
            busiest = [
                e
                for e, _ in conn.execute(
                    select(PostingRow.entrepreneur_id, func.count())
                    .where(PostingRow.entrepreneur_id.is_not(None))
                    .group_by(PostingRow.entrepreneur_id)
                    .order_by(func.count().desc())
                    .limit(20)
                )
            ]
        now = datetime.combine(last + timedelta(days=1), time(9), BANGKOK)
        start = (last.replace(day=1) - timedelta(days=1)).replace(day=1)
        end = last.replace(day=1) - timedelta(days=1)

        def balance(e: int) -> None:
            with db.read() as conn:
                entrepreneur_balance(conn, MANAGER, e, now, WINDOW)

        def statement(e: int) -> None:
            with db.read() as conn:
                entrepreneur_statement(conn, MANAGER, e, start, end)

        def payout_run(cutoff: date) -> None:
            with db.read() as conn:
                payout_candidates(
                    conn, MANAGER, now, cutoff=cutoff, minimum_satang=10_000, refund_window=WINDOW
                )

        for name, call, inputs in (
            ("balance", balance, busiest * 5),
            ("statement", statement, busiest),
            ("payout run", payout_run, [last - timedelta(days=1)] * 3),
        ):
            measured = latency(time_each(call, inputs))  # type: ignore[arg-type]
            what = {
                "balance": "an entrepreneur's balance (the 20 busiest)",
                "statement": f"a monthly statement {start:%Y-%m} (the 20 busiest)",
                "payout run": "the payout run for all entrepreneurs (candidates and amounts)",
            }[name]
            # Judged on the median: the tail on this shared 2-core machine is mostly other load.
            report.rows.append(
                Row(
                    what,
                    f"p50 < {TARGETS_MS[name]:g} ms",
                    measured.describe(),
                    measured.p50 < TARGETS_MS[name],
                )
            )
    finally:
        db.dispose()
    return report
