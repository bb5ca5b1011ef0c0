"""A payout run's files for the bank: the bulk-transfer file of the payouts to entrepreneurs
with a valid bank account, and the bank's result file read back to mark the run paid.

The bulk-transfer file (CSV, UTF-8 with a byte-order mark, CRLF, a header row)::

    bank_code,account_number,account_name,amount_baht,reference
    004,1234567890,นางสาวสมศรี ใจดี,1520.00,PR-2026-000001-17

``bank_code`` is the Bank of Thailand's three digits, ``account_number`` digits only,
``amount_baht`` baht with two decimals, ``reference`` the run's number and the payout's id
(what the result file must give back). A plain layout that a bank's bulk-payment upload maps
once (column by column), not any one bank's own format. Waiting payouts without a valid
account are not in it: they are paid by PromptPay QR from the run's page, as before.

The result file (pos.consignment.bank_result_rules) is previewed, then applied in one
transaction: every successful line marks its payout paid through
pos.consignment.paid_together (the same balance check, ledger entry, unique bank reference
and audit as pos.consignment.payouts.mark_paid one by one), or nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from inventory.bank_account_models import EntrepreneurBankAccount
from inventory.catalogue.bank_rules import is_valid
from inventory.models import Entrepreneur
from kernel import audit
from kernel.access import MANAGERS, Actor
from kernel.csv_cells import baht_cell
from kernel.errors import ConflictError
from payments.ledger.payout_models import Payout, PayoutStatus, bank_reference_key
from pos.consignment.bank_result_rules import (
    LineOutcome,
    ResultPlan,
    RunPayout,
    plan_result,
    read_result,
)
from pos.consignment.events import PayoutEvent
from pos.consignment.paid_together import mark_paid_together
from pos.consignment.payout_queries import run_header

TRANSFER_HEADER = ("bank_code", "account_number", "account_name", "amount_baht", "reference")


@dataclass(frozen=True, slots=True)
class TransferFile:
    number: str
    rows: list[list[object]]  # the header first
    left_out: int  # waiting payouts without a valid account (paid by QR)


def _run_payouts(conn: Connection, run_id: int, number: str) -> list[RunPayout]:
    account = EntrepreneurBankAccount
    rows = conn.execute(
        select(
            Payout.id,
            Entrepreneur.code,
            Entrepreneur.name_th,
            account.bank_code,
            account.account_number,
            account.account_name,
            Payout.amount_satang,
            Payout.status,
            Payout.bank_reference,
        )
        .join(Entrepreneur, Entrepreneur.id == Payout.entrepreneur_id)
        .outerjoin(account, account.entrepreneur_id == Payout.entrepreneur_id)
        .where(Payout.run_id == run_id)
        .order_by(Entrepreneur.code, Payout.id)
    )
    return [
        RunPayout(
            payout_id,
            f"{number}-{payout_id}",
            code,
            name_th,
            number_ if bank is not None and is_valid(bank, number_, holder) else None,
            amount,
            status,
            bank_reference,
        )
        for payout_id, code, name_th, bank, number_, holder, amount, status, bank_reference in rows
    ]


def transfer_file(conn: Connection, actor: Actor, run_id: int) -> TransferFile:
    """The run's waiting payouts to a valid bank account, one line each."""
    header = run_header(conn, actor, run_id)
    account = EntrepreneurBankAccount
    found = conn.execute(
        select(
            Payout.id,
            account.bank_code,
            account.account_number,
            account.account_name,
            Payout.amount_satang,
        )
        .join(Entrepreneur, Entrepreneur.id == Payout.entrepreneur_id)
        .join(account, account.entrepreneur_id == Payout.entrepreneur_id)
        .where(Payout.run_id == run_id, Payout.status == PayoutStatus.PENDING.value)
        .order_by(Entrepreneur.code, Payout.id)
    )
    rows: list[list[object]] = [list(TRANSFER_HEADER)]
    rows += [
        [bank, number, name, baht_cell(amount), f"{header.number}-{payout_id}"]
        for payout_id, bank, number, name, amount in found
        if is_valid(bank, number, name)
    ]
    return TransferFile(header.number, rows, header.pending_without_account.count)


def _plan(conn: Connection, actor: Actor, run_id: int, raw: bytes) -> ResultPlan:
    header = run_header(conn, actor, run_id)
    lines = read_result(raw)
    payouts = _run_payouts(conn, run_id, header.number)
    wanted = {
        bank_reference_key(row.get(name))
        for row in lines
        for name in ("bank_reference", "bank_ref")
        if row.get(name)
    }
    used: dict[str, int] = {}
    keys = sorted(k for k in wanted if k)
    for start in range(0, len(keys), 900):
        for payout_id, key in conn.execute(
            select(Payout.id, Payout.bank_reference_key).where(
                Payout.bank_reference_key.in_(keys[start : start + 900])
            )
        ):
            if key is not None:
                used[key] = payout_id
    return plan_result(lines, payouts, used, bank_reference_key)


def preview_result(conn: Connection, actor: Actor, run_id: int, raw: bytes) -> ResultPlan:
    """What applying the bank's result file would do, line by line (reads only)."""
    actor.require(MANAGERS, "pay out")
    return _plan(conn, actor, run_id, raw)


def apply_result(
    conn: Connection,
    actor: Actor,
    now: datetime,
    run_id: int,
    raw: bytes,
    *,
    refund_window: timedelta,
) -> ResultPlan:
    """Mark paid every payout the file says succeeded, in the caller's one transaction; the
    whole file is refused when any line is refused or matches no payout of the run (checked
    again here, on the rows as they are now)."""
    actor.require(MANAGERS, "pay out")
    plan = _plan(conn, actor, run_id, raw)
    if not plan.applicable:
        bad = plan.of(LineOutcome.REFUSED) + plan.of(LineOutcome.NOT_MATCHED)
        raise ConflictError(
            "bank_result.not_applicable",
            "ไม่ได้บันทึกไฟล์ผลการโอน: มี {count} รายการที่ไม่ตรง (บรรทัด {lines})"
            " แก้ไฟล์แล้วส่งใหม่ ไม่มีรายการใดถูกบันทึก",
            field="file",
            count=len(bad),
            lines=", ".join(str(line.line) for line in sorted(bad, key=lambda x: x.line)[:20]),
        )
    mark_paid_together(
        conn,
        actor,
        now,
        [(line.payout.id, line.bank_reference) for line in plan.of(LineOutcome.PAY) if line.payout],
        refund_window=refund_window,
    )
    audit.record(
        conn,
        actor,
        PayoutEvent.BANK_RESULT_APPLIED,
        "payout_run",
        run_id,
        now,
        paid=len(plan.of(LineOutcome.PAY)),
        paid_satang=plan.pay_satang,
        failed=[line.payout.id for line in plan.of(LineOutcome.FAILED) if line.payout],
    )
    return plan
