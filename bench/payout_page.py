"""The payout run page for a run of every entrepreneur (issue 19): how long the page takes
and how many bytes it sends, on a demo catalogue at full scale (2,475 entrepreneurs) with one
pending payout each, over the real app (Litestar's test client, a manager signed in).

The page is judged on its first screen: the totals by status and one page of payouts; a
QR is drawn only when staff ask for it.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path

from litestar.testing import TestClient
from sqlalchemy import insert, select

from bench.report import Report, Row, latency
from inventory.models import Entrepreneur
from kernel.access import SYSTEM, Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from payments.ledger.payout_models import Payout, PayoutRun, PayoutStatus
from web.accounts.users import NewPassword, create_user
from web.app import create_app
from web.commands.seed import seed_demo_database
from web.migrate import upgrade
from web.settings import Settings

TARGET_MS = 1000.0
TARGET_BYTES = 300_000
REPEATS = 5
PASSWORD = "bench payout page"


def _run_of_everyone(db: Database, now: datetime) -> tuple[int, int]:
    """A run with one pending payout for every entrepreneur; its id and size."""
    with db.write() as conn:
        people = conn.execute(select(Entrepreneur.id, Entrepreneur.promptpay_id)).all()
        run_id = conn.execute(
            insert(PayoutRun).returning(PayoutRun.id),
            {
                "number": "PR-2026-900001",
                "cutoff_date": date(2026, 12, 1),
                "minimum_satang": 10_000,
                "created_by": None,
                "created_at": now,
            },
        ).scalar_one()
        conn.execute(
            insert(Payout),
            [
                {
                    "run_id": run_id,
                    "entrepreneur_id": e,
                    "amount_satang": 10_000 + 37 * e,
                    "promptpay_id": promptpay_id,
                    "status": PayoutStatus.PENDING.value,
                }
                for e, promptpay_id in people
            ],
        )
        create_user(
            conn,
            SYSTEM,
            username="bench-manager",
            password=NewPassword.of(PASSWORD),
            role=Role.MANAGER,
            now=now,
        )
    return run_id, len(people)


def run(directory: Path, *, quick: bool) -> Report:
    scale = 0.1 if quick else 1.0
    url = f"sqlite:///{directory / 'payout-page.db'}"
    now = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    upgrade(url)
    db = Database(url)
    report = Report(f"the payout run page (SQLite, demo catalogue at scale {scale:g})")
    try:
        seed_demo_database(db, now, scale=scale)
        run_id, payouts = _run_of_everyone(db, now)
        app = create_app(
            settings=Settings(demo=True, database_url=url), db=db, clock=FixedClock(now)
        )
        with TestClient(app) as client:
            client.get("/login")
            client.headers["x-csrftoken"] = client.cookies.get("csrftoken") or ""
            signed = client.post(
                "/api/v1/auth/login", json={"username": "bench-manager", "password": PASSWORD}
            )
            assert signed.status_code == 200, signed.text
            samples, size = [], 0
            for _ in range(REPEATS + 1):
                began = time.perf_counter()
                page = client.get(f"/admin/payouts/{run_id}")
                samples.append((time.perf_counter() - began) * 1000)
                assert page.status_code == 200, page.text[:500]
                size = len(page.content)
                qr_images = page.text.count("/qr.svg")
        measured = latency(samples[1:])  # the first request warms the templates
        report.rows.append(
            Row(
                f"/admin/payouts/{{id}} for a run of {payouts:,} pending payouts: time",
                f"p50 < {TARGET_MS:g} ms",
                measured.describe(),
                measured.p50 < TARGET_MS,
            )
        )
        report.rows.append(
            Row(
                "the same page: bytes sent",
                f"< {TARGET_BYTES // 1000:,} kB",
                f"{size / 1000:,.1f} kB",
                size < TARGET_BYTES,
            )
        )
        report.rows.append(
            Row(
                "QR images the page makes the browser fetch as it opens",
                "0 (drawn on demand)",
                f"{qr_images:,}",
                qr_images == 0,
            )
        )
        report.notes.append(
            "Before issue 19 the page drew every payout as a card with its QR: p50 320 ms,"
            " 5,130 kB, and the browser fetched a QR image for each of the 2,185 with a"
            " PromptPay ID as the page opened (the 10 s people waited)."
        )
    finally:
        db.dispose()
    return report
