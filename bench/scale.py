"""Issue 22's table at ten times: ten years of history (about 1.3 million sales, 9 million
postings) and 73,240 products, built by bench/bulk_history.py and cached under var/bench/.

    python -m bench --only scale            # the 10x data set (builds it the first time)
    python -m bench --only scale --quick    # a tenth of it: 0.13 million sales, 7,324 products

SQLite always; PostgreSQL too when ``OTOP_BENCH_POSTGRESQL`` names a database URL (that
database is dropped and filled when its cached build is missing: copied from the SQLite build
with COPY, bench/bulk_copy.py). Each measure runs in its own read transaction, as a request
does; the plans of the balance, the statement and the payout run's queries are printed with
the figures. Then the database is served (bench/scale_live.py): backup while tills sell, and
the till in Chromium with the 73,240 products.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from bench.bulk_history import Built, cached
from bench.catalogue import measure_lookups
from bench.plans import explain, full_scans
from bench.report import Report, Row, latency, time_each
from bench.reports import _time_report
from bench.scale_live import measure_live
from kernel.access import Actor, Role
from kernel.clock import BANGKOK
from kernel.db.engine import Database
from payments.ledger.models import AccountTotal, LedgerAccount
from pos.consignment.access import entrepreneur_balance, entrepreneur_statement
from pos.consignment.payouts import payout_candidates
from pos.models import Sale, Shift
from pos.tills.shifts import shift_report

MANAGER = Actor(None, "bench", Role.ADMIN)
WINDOW = timedelta(days=7)
MINIMUM_SATANG = 10_000
TARGET_MS = {"balance": 20.0, "statement": 200.0, "z": 1000.0, "month": 2000.0, "payout": 5000.0}
CHECK_TARGET_S = 60.0


def run(directory: Path, *, quick: bool) -> Report:
    scale = 0.1 if quick else 1.0
    report = Report(f"ten years, ten times the catalogue (bulk history at scale {scale:g})")
    built = cached(scale)
    measure(report, "SQLite", built)
    measure_live(report, "SQLite", built, directory, quick)
    postgresql = os.environ.get("OTOP_BENCH_POSTGRESQL")
    if postgresql:
        built = cached(scale, postgresql=postgresql)
        measure(report, "PostgreSQL", built)
        measure_live(report, "PostgreSQL", built, directory, quick)
    else:
        report.rows.append(
            Row(
                "PostgreSQL: the rows above", "—", "not measured: OTOP_BENCH_POSTGRESQL unset", None
            )
        )
    return report


def measure(report: Report, label: str, built: Built) -> None:
    how = "reused from var/bench/" if built.reused else "built now"
    if built.copied:
        how += ", copied from the SQLite build"
    report.rows.append(
        Row(
            f"{label}: bulk history ({built.sales:,} sales over {built.days:,} days; {how})",
            "minutes",
            f"{built.build_seconds:.0f} s",
            None,
        )
    )
    db = Database(built.url)
    try:
        _accounts(report, label, db, built.last_day)
        _z_report(report, label, db)
        month = _last_full_month(built.last_day)
        monthly = latency(_time_report(db, *month))
        report.rows.append(
            Row(
                f"{label}: the centre's monthly report {month[0]:%Y-%m} (every table and chart)",
                f"< {TARGET_MS['month'] / 1000:g} s",
                monthly.describe(),
                monthly.max < TARGET_MS["month"],
            )
        )
        _check(report, label, built.url)
        if db.dialect == "sqlite":
            measure_lookups(db, 200, report)  # server-side scan and search at 73,240 products
    finally:
        db.dispose()


def _busiest(db: Database, n: int = 20) -> list[int]:
    """The entrepreneurs with the most postings (from the running totals' counts)."""
    with db.read() as conn:
        return list(
            conn.execute(
                select(LedgerAccount.entrepreneur_id)
                .join(AccountTotal, AccountTotal.account_id == LedgerAccount.id)
                .where(LedgerAccount.entrepreneur_id.is_not(None))
                .group_by(LedgerAccount.entrepreneur_id)
                .order_by(func.sum(AccountTotal.postings).desc())
                .limit(n)
            ).scalars()
        )


def _last_full_month(last_day: date) -> tuple[date, date]:
    end = last_day.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def _accounts(report: Report, label: str, db: Database, last_day: date) -> None:
    busiest = _busiest(db)
    now = datetime.combine(last_day + timedelta(days=1), clock_time(9), BANGKOK)
    start, end = _last_full_month(last_day)
    cutoff = last_day - timedelta(days=1)

    def balance(conn: Connection, e: int) -> object:
        return entrepreneur_balance(conn, MANAGER, e, now, WINDOW)

    def statement(conn: Connection, e: int) -> object:
        return entrepreneur_statement(conn, MANAGER, e, start, end)

    def payouts(conn: Connection, _: object = None) -> object:
        return payout_candidates(
            conn, MANAGER, now, cutoff=cutoff, minimum_satang=MINIMUM_SATANG, refund_window=WINDOW
        )

    for key, what, call, inputs in (
        ("balance", "an entrepreneur's balance (the 20 busiest)", balance, busiest * 5),
        ("statement", f"a monthly statement {start:%Y-%m} (the 20 busiest)", statement, busiest),
        ("payout", "the payout run for all entrepreneurs (candidates)", payouts, [None] * 3),
    ):
        measured = latency(time_each(_in_read(db, call), inputs))
        target = TARGET_MS[key]
        report.rows.append(
            Row(
                f"{label}: {what}",
                f"p99 < {target:g} ms",
                measured.describe(),
                measured.p99 < target,
            )
        )
        plans = explain(db, lambda conn, call=call, first=inputs[0]: call(conn, first))
        scans = "; ".join(full_scans(plans)) or "none"
        report.notes.append(
            f"{label} plans of the {key} (full scans: {scans}):\n```\n"
            + "\n\n".join(plans)
            + "\n```"
        )


def _in_read(
    db: Database, call: Callable[[Connection, object], object]
) -> Callable[[object], object]:
    def one(value: object) -> object:
        with db.read() as conn:
            return call(conn, value)

    return one


def _z_report(report: Report, label: str, db: Database) -> None:
    """The Z report of the busiest shift, computed as at its close (its stored copy set aside
    in a transaction that is rolled back)."""
    with db.read() as conn:
        shift_id, sales = conn.execute(
            select(Sale.shift_id, func.count())
            .group_by(Sale.shift_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
    samples = []
    for _ in range(4):
        with db.engine.connect() as conn, conn.begin() as tx:
            conn.execute(update(Shift).where(Shift.id == shift_id).values(z_report=None))
            started = time.perf_counter()
            shift_report(conn, MANAGER, shift_id)
            samples.append((time.perf_counter() - started) * 1000)
            tx.rollback()
    measured = latency(samples[1:])
    report.rows.append(
        Row(
            f"{label}: the Z report of a shift of {sales:,} sales (the busiest)",
            f"< {TARGET_MS['z'] / 1000:g} s",
            measured.describe(),
            measured.max < TARGET_MS["z"],
        )
    )


def _check(report: Report, label: str, url: str) -> None:
    """``otop-pos check`` as a person runs it: its time and its peak memory (the process's
    maximum resident set)."""
    command = [str(Path(sys.executable).with_name("otop-pos")), "check"]
    env = {**os.environ, "OTOP_DATABASE_URL": url, "OTOP_DEMO": "true"}
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    peak_mb = usage.ru_maxrss / 1024
    passed = os.waitstatus_to_exitcode(status) == 0
    report.rows.append(
        Row(
            f"{label}: `otop-pos check` on the whole database",
            f"< {CHECK_TARGET_S:g} s, memory bounded",
            f"{seconds:.1f} s, peak {peak_mb:,.0f} MB resident; "
            + ("passed" if passed else "FAILED: " + output.strip().splitlines()[-1][:200]),
            seconds < CHECK_TARGET_S and passed,
        )
    )
