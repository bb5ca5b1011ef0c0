"""The payout pages' reads: the list of runs (one grouped query for every run's totals), a
run's totals by status, and one page of its payouts, filtered and searched: the page never
holds every payout of a run (a run may pay all 2,475 entrepreneurs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.engine import Connection

from inventory.bank_account_models import EntrepreneurBankAccount
from inventory.catalogue.bank_rules import BankAccount, is_valid, shown_number
from inventory.models import Entrepreneur
from kernel.access import MANAGERS, Actor
from kernel.errors import NotFoundError
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


PAGE_SIZE = 50
MAX_SEARCH = 100


class RunFilter(StrEnum):
    """Which of a run's payouts the page lists."""

    PENDING = "pending"
    PAID = "paid"
    CANCELLED = "cancelled"
    NO_ACCOUNT = "no_account"  # pending, with no valid bank account: paid by PromptPay QR
    ALL = "all"


@dataclass(frozen=True, slots=True)
class StatusTotal:
    count: int
    satang: int


@dataclass(frozen=True, slots=True)
class RunHeader:
    """A run and its totals by status, without loading its payouts."""

    id: int
    number: str
    cutoff_date: date
    minimum_satang: int
    created_at: datetime
    pending: StatusTotal
    paid: StatusTotal
    cancelled: StatusTotal
    pending_with_account: StatusTotal  # in the bank file
    pending_without_account: StatusTotal  # paid by PromptPay QR

    @property
    def total_satang(self) -> int:
        return self.pending.satang + self.paid.satang


@dataclass(frozen=True, slots=True)
class PayoutRow:
    id: int
    entrepreneur_id: int
    code: str
    name_th: str
    name_en: str
    promptpay_id: str | None
    amount_satang: int
    status: str
    bank_reference: str | None
    paid_at: datetime | None
    cancelled_at: datetime | None
    account: BankAccount | None  # valid accounts only

    @property
    def account_shown(self) -> str:
        return "" if self.account is None else shown_number(self.account)


@dataclass(frozen=True, slots=True)
class PayoutPage:
    rows: list[PayoutRow]
    matching: int  # rows the filter and search match, over every page
    page: int
    pages: int


def _run_row(conn: Connection, run_id: int) -> Any:
    run = conn.execute(select(PayoutRun).where(PayoutRun.id == run_id)).mappings().first()
    if run is None:
        raise NotFoundError(
            "payout.run_not_found", "ไม่พบรอบจ่ายเงิน {run_id}", field="run_id", run_id=run_id
        )
    return run


def run_header(conn: Connection, actor: Actor, run_id: int) -> RunHeader:
    """The run with its count and sum by status: grouped in the database, a few rows back."""
    actor.require(MANAGERS, "see payouts")
    run = _run_row(conn, run_id)
    totals: dict[tuple[str, bool], StatusTotal] = {}
    account = EntrepreneurBankAccount
    for status, bank, number, name, count, satang in conn.execute(
        select(
            Payout.status,
            account.bank_code,
            account.account_number,
            account.account_name,
            func.count(),
            func.sum(Payout.amount_satang),
        )
        .outerjoin(account, account.entrepreneur_id == Payout.entrepreneur_id)
        .where(Payout.run_id == run_id)
        .group_by(Payout.status, account.bank_code, account.account_number, account.account_name)
    ):
        valid = bank is not None and is_valid(bank, number, name)
        before = totals.get((status, valid), StatusTotal(0, 0))
        totals[(status, valid)] = StatusTotal(before.count + count, before.satang + int(satang))

    def of(status: str, *valid: bool) -> StatusTotal:
        parts = [totals.get((status, v), StatusTotal(0, 0)) for v in valid]
        return StatusTotal(sum(p.count for p in parts), sum(p.satang for p in parts))

    both = (True, False)
    return RunHeader(
        run["id"],
        run["number"],
        run["cutoff_date"],
        run["minimum_satang"],
        run["created_at"],
        pending=of(PayoutStatus.PENDING, *both),
        paid=of(PayoutStatus.PAID, *both),
        cancelled=of(PayoutStatus.CANCELLED, *both),
        pending_with_account=of(PayoutStatus.PENDING, True),
        pending_without_account=of(PayoutStatus.PENDING, False),
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def run_payouts(
    conn: Connection,
    actor: Actor,
    run_id: int,
    *,
    show: RunFilter = RunFilter.PENDING,
    search: str = "",
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> PayoutPage:
    """One page of a run's payouts (by entrepreneur code), filtered by status and searched by
    code, Thai or English name, PromptPay ID or account number."""
    actor.require(MANAGERS, "see payouts")
    _run_row(conn, run_id)
    account = EntrepreneurBankAccount
    where: list[Any] = [Payout.run_id == run_id]
    if show in (RunFilter.PENDING, RunFilter.PAID, RunFilter.CANCELLED):
        where.append(Payout.status == show.value)
    search = " ".join(search.split())[:MAX_SEARCH]
    if search:
        pattern = _like(search)
        where.append(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (
                        Entrepreneur.code,
                        Entrepreneur.name_th,
                        Entrepreneur.name_en,
                        Payout.promptpay_id,
                        account.account_number,
                        Payout.bank_reference,
                    )
                )
            )
        )
    query = (
        select(
            Payout.id,
            Payout.entrepreneur_id,
            Entrepreneur.code,
            Entrepreneur.name_th,
            Entrepreneur.name_en,
            Payout.promptpay_id,
            Payout.amount_satang,
            Payout.status,
            Payout.bank_reference,
            Payout.paid_at,
            Payout.cancelled_at,
            account.bank_code,
            account.account_number,
            account.account_name,
        )
        .join(Entrepreneur, Entrepreneur.id == Payout.entrepreneur_id)
        .outerjoin(account, account.entrepreneur_id == Payout.entrepreneur_id)
        .where(*where)
        .order_by(Entrepreneur.code, Payout.id)
    )
    if show is not RunFilter.NO_ACCOUNT:
        matching = conn.execute(
            select(func.count()).select_from(query.order_by(None).subquery())
        ).scalar_one()
        pages = max(1, -(-matching // page_size))
        page = min(max(1, page), pages)
        found = conn.execute(query.limit(page_size).offset((page - 1) * page_size)).all()
        return PayoutPage([_payout_row(r) for r in found], matching, page, pages)
    # Whether an account is valid is the pure rules' call: filter in Python (a run's pending
    # payouts are a few thousand short rows at most).
    waiting = [
        row
        for row in map(_payout_row, conn.execute(query.where(Payout.status == "pending")))
        if row.account is None
    ]
    pages = max(1, -(-len(waiting) // page_size))
    page = min(max(1, page), pages)
    start = (page - 1) * page_size
    return PayoutPage(waiting[start : start + page_size], len(waiting), page, pages)


def _payout_row(r: Any) -> PayoutRow:
    valid = r.bank_code is not None and is_valid(r.bank_code, r.account_number, r.account_name)
    account = BankAccount(r.bank_code, r.account_number, r.account_name) if valid else None
    return PayoutRow(
        r.id,
        r.entrepreneur_id,
        r.code,
        r.name_th,
        r.name_en,
        r.promptpay_id,
        r.amount_satang,
        r.status,
        r.bank_reference,
        r.paid_at,
        r.cancelled_at,
        account,
    )
