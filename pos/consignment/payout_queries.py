"""The list of payout runs as the payouts page shows it: one grouped query for every run's
totals, instead of loading each run's payouts (a run may pay thousands of entrepreneurs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from kernel.access import MANAGERS, Actor
from payments.ledger.payout_models import Payout, PayoutRun, PayoutStatus

RUNS_SHOWN = 100


@dataclass(frozen=True, slots=True)
class RunSummary:
    id: int
    number: str
    cutoff_date: date
    minimum_satang: int
    created_at: datetime
    payouts: int  # not cancelled
    pending: int
    total_satang: int  # not cancelled
    paid_satang: int


def run_summaries(conn: Connection, actor: Actor, limit: int = RUNS_SHOWN) -> list[RunSummary]:
    """The newest runs with their totals, what is paid so far and how many still wait."""
    actor.require(MANAGERS, "see payouts")
    live = Payout.status != PayoutStatus.CANCELLED.value
    paid = Payout.status == PayoutStatus.PAID.value
    pending = Payout.status == PayoutStatus.PENDING.value
    amount = Payout.amount_satang
    rows = conn.execute(
        select(
            PayoutRun.id,
            PayoutRun.number,
            PayoutRun.cutoff_date,
            PayoutRun.minimum_satang,
            PayoutRun.created_at,
            func.coalesce(func.sum(case((live, 1), else_=0)), 0),
            func.coalesce(func.sum(case((pending, 1), else_=0)), 0),
            func.coalesce(func.sum(case((live, amount), else_=0)), 0),
            func.coalesce(func.sum(case((paid, amount), else_=0)), 0),
        )
        .outerjoin(Payout, Payout.run_id == PayoutRun.id)
        .group_by(
            PayoutRun.id,
            PayoutRun.number,
            PayoutRun.cutoff_date,
            PayoutRun.minimum_satang,
            PayoutRun.created_at,
        )
        .order_by(PayoutRun.id.desc())
        .limit(max(1, min(limit, RUNS_SHOWN)))
    )
    return [
        RunSummary(i, number, cutoff, minimum, created, int(n), int(waiting), int(total), int(done))
        for i, number, cutoff, minimum, created, n, waiting, total, done in rows
    ]
