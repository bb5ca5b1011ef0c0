"""The centre's reports on a year of history: the monthly report a manager opens.

The database is built once (``seed --demo`` and ``--history DAYS`` through the till's own code
path, which takes minutes at full scale) and cached under ``var/bench/``, keyed by days and
scale, so that reruns reuse it; a marker file written after a complete build records how long
the build took. Each report is timed in its own read transaction, as a page request runs it.

    python -m bench --only reports            # 365 days at full scale
    python -m bench --only reports --quick    # 365 days at a tenth of the scale
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench.report import Report, Row, latency
from kernel.db.engine import Database
from pos.models import Refund, Sale, SaleLine
from pos.reports.centre import SECTIONS, CentreReport
from pos.reports.periods import Period
from web.commands.seed import seed_demo_database, seed_demo_history
from web.migrate import upgrade
from web.reports.pages import PAGE_TABLES, report_charts, time_group_of
from web.reports.tables import table
from web.settings import Settings

CACHE = Path(__file__).resolve().parents[1] / "var" / "bench"
DAYS = 365
MONTHLY_TARGET_S = 2.0
REPEATS = 5


@dataclass(frozen=True, slots=True)
class Built:
    """A cached history database and how it was made."""

    url: str
    days: int
    scale: float
    build_seconds: float
    sales: int
    reused: bool


def history_database(days: int, scale: float) -> Built:
    """The cached database of ``days`` days of history at ``scale``, built when missing."""
    CACHE.mkdir(parents=True, exist_ok=True)
    name = f"reports-{days}d-scale{scale:g}"
    path = CACHE / f"{name}.db"
    marker = CACHE / f"{name}.json"
    url = f"sqlite:///{path}"
    if path.exists() and marker.exists():
        upgrade(url)  # a migration added since the build applies to the cached copy too
        made = json.loads(marker.read_text())
        return Built(url, days, scale, made["build_seconds"], made["sales"], reused=True)
    for stale in CACHE.glob(f"{name}.db*"):
        stale.unlink()
    started = time.perf_counter()
    upgrade(url)
    db = Database(url)
    try:
        seed_demo_database(db, datetime.now(UTC), scale=scale)
        summary = seed_demo_history(
            db, Settings(demo=True, database_url=url), days=days, scale=scale
        )
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.dispose()
    seconds = time.perf_counter() - started
    marker.write_text(
        json.dumps(
            {
                "build_seconds": round(seconds, 1),
                "sales": summary.sales,
                "refunds": summary.refunds,
                "built": date.today().isoformat(),
            }
        )
    )
    return Built(url, days, scale, seconds, summary.sales, reused=False)


def _last_full_month(db: Database) -> tuple[date, date]:
    """The last calendar month the history covers completely (or its only month)."""
    with db.read() as conn:
        first, last = conn.execute(
            select(func.min(Sale.business_date), func.max(Sale.business_date))
        ).one()
    end = last.replace(day=1) - timedelta(days=1)
    if end < first:
        return first, last
    return end.replace(day=1), end


def _sizes(db: Database) -> str:
    with db.read() as conn:
        sales = conn.execute(select(func.count()).select_from(Sale)).scalar_one()
        lines = conn.execute(select(func.count()).select_from(SaleLine)).scalar_one()
        refunds = conn.execute(select(func.count()).select_from(Refund)).scalar_one()
    return f"{sales:,} sales, {lines:,} lines, {refunds:,} refunds"


def _page_work(db: Database, start: date, end: date) -> None:
    """What the report page does for a period, short of rendering the HTML: every table
    (the time table at the period's natural grain) and every chart."""
    period = Period(start, end)
    with db.read() as conn:
        report = CentreReport(conn, period)
        over_time = table(report, time_group_of(None, period), "th")
        tables = {group: table(report, group, "th") for group in PAGE_TABLES}
    report_charts(over_time, tables, "th")


def _time_report(db: Database, start: date, end: date) -> list[float]:
    samples = []
    for _ in range(REPEATS + 1):
        began = time.perf_counter()
        _page_work(db, start, end)
        samples.append((time.perf_counter() - began) * 1000)
    return samples[1:]  # the first run warms the page cache


def _time_sections(db: Database, start: date, end: date, report: Report) -> None:
    """Which query costs what, for the notes (one run each, after the warm runs)."""
    parts = []
    with db.read() as conn:
        for name, query in SECTIONS.items():
            began = time.perf_counter()
            query(conn, start, end)
            parts.append(f"{name} {(time.perf_counter() - began) * 1000:.0f}")
    report.notes.append("monthly report by section (ms): " + ", ".join(parts))


def run(directory: Path, *, quick: bool) -> Report:
    scale = 0.1 if quick else 1.0
    built = history_database(DAYS, scale)
    report = Report(f"centre reports (SQLite, {DAYS} days of history, demo scale {scale:g})")
    how = "reused from var/bench/" if built.reused else "built now"
    report.rows.append(
        Row(
            f"history seed `seed --demo --history {DAYS}` ({built.sales:,} sales; {how})",
            "—",
            f"{built.build_seconds:.0f} s",
            None,
        )
    )
    db = Database(built.url)
    try:
        report.notes.append(f"database: {_sizes(db)}")
        start, end = _last_full_month(db)
        month = latency(_time_report(db, start, end))
        report.rows.append(
            Row(
                f"monthly report {start:%Y-%m} (every table and chart of the page)",
                f"< {MONTHLY_TARGET_S:g} s",
                month.describe(),
                month.max < MONTHLY_TARGET_S * 1000,
            )
        )
        _time_sections(db, start, end, report)
        with db.read() as conn:
            first = conn.execute(select(func.min(Sale.business_date))).scalar_one()
        year = latency(_time_report(db, first, end))
        report.rows.append(
            Row(f"report of the whole history {first} – {end}", "—", year.describe(), None)
        )
    finally:
        db.dispose()
    return report
