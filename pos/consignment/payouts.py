"""Paying entrepreneurs: a payout run for a cut-off date, then each payout paid by the
centre's finance staff (scanning the entrepreneur's PromptPay QR in the bank's app) and
marked paid with the bank's reference, or cancelled.

Never more than available: a run promises at most what was available at the cut-off and is
available now (payments.ledger.balance_rules.payable_now); an entrepreneur has at most one
payout waiting (a partial unique index), and marking it paid checks the balance again.
Never paid twice: a paid payout stays paid (marking it again with the same bank reference is
answered with it unchanged), and a bank reference is accepted once however it is spelled
(case, spaces, dashes: a UNIQUE normalised key). Managers and admins only;
every action is audited; the ledger entry is posted when the payout is paid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from inventory.models import Entrepreneur
from kernel import audit
from kernel.access import MANAGERS, Actor
from kernel.db.engine import next_in_sequence
from kernel.errors import ConflictError, InvalidInputError, NotFoundError
from kernel.money import format_baht
from kernel.text import check_text
from payments.ledger.balance_rules import payable_now
from payments.ledger.balances import (
    day_start,
    first_entry_since,
    read_balance,
    totals_by_entrepreneur,
)
from payments.ledger.models import JournalEntryRow, PostingRow
from payments.ledger.payout_models import Payout, PayoutRun, PayoutStatus, bank_reference_key
from payments.ledger.postings import post_entry
from payments.ledger.rules import EntryKind, payout_entry
from pos.consignment.events import PayoutEvent

MAX_MINIMUM_SATANG = 100_000_000


@dataclass(frozen=True, slots=True)
class PayoutCandidate:
    entrepreneur_id: int
    code: str
    name_th: str
    name_en: str
    promptpay_id: str | None
    amount_satang: int


@dataclass(frozen=True, slots=True)
class PayoutView:
    id: int
    run_id: int
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


@dataclass(frozen=True, slots=True)
class PayoutRunView:
    id: int
    number: str
    cutoff_date: date
    minimum_satang: int
    created_at: datetime
    total_satang: int
    paid_satang: int
    payouts: list[PayoutView]


def _checked_minimum(minimum_satang: int) -> int:
    if (
        isinstance(minimum_satang, bool)
        or not isinstance(minimum_satang, int)
        or not 0 < minimum_satang <= MAX_MINIMUM_SATANG
    ):
        raise InvalidInputError(
            "payout.minimum_out_of_range",
            "ยอดขั้นต่ำต้องอยู่ระหว่าง 0.01 ถึง {max_minimum} บาท",
            field="minimum_satang",
            max_minimum=format_baht(MAX_MINIMUM_SATANG),
        )
    return minimum_satang


def payout_candidates(
    conn: Connection,
    actor: Actor,
    now: datetime,
    *,
    cutoff: date,
    minimum_satang: int,
    refund_window: timedelta,
) -> list[PayoutCandidate]:
    """Every entrepreneur whose payable amount reaches the minimum, with the amount."""
    actor.require(MANAGERS, "prepare payouts")
    minimum = _checked_minimum(minimum_satang)
    cutoff_end = day_start(cutoff + timedelta(days=1))
    if cutoff_end > now + timedelta(days=1):
        raise InvalidInputError(
            "payout.cutoff_in_future", "วันตัดยอดต้องไม่อยู่ในอนาคต", field="cutoff_date"
        )
    totals = totals_by_entrepreneur(conn)
    recent = _recent_sums(conn, now, cutoff_end, refund_window)
    pending = {
        e: int(total)
        for e, total in conn.execute(
            select(Payout.entrepreneur_id, func.sum(Payout.amount_satang))
            .where(Payout.status == PayoutStatus.PENDING.value)
            .group_by(Payout.entrepreneur_id)
        )
    }
    amounts: dict[int, int] = {}
    for entrepreneur_id, total in totals.items():
        if entrepreneur_id in pending:
            continue  # one waiting payout at a time: pay or cancel it first
        since_cutoff, held_at_cutoff, held_now = recent.get(entrepreneur_id, (0, 0, 0))
        at_cutoff = total - since_cutoff
        balance_now, balance_at_cutoff = -int(total), -int(at_cutoff)
        available_at_cutoff = balance_at_cutoff - max(0, -int(held_at_cutoff))
        available_now = balance_now - max(0, -int(held_now))
        payable = payable_now(available_at_cutoff, available_now, 0)
        if payable >= minimum:
            amounts[entrepreneur_id] = payable
    if not amounts:
        return []
    people = conn.execute(
        select(
            Entrepreneur.id,
            Entrepreneur.code,
            Entrepreneur.name_th,
            Entrepreneur.name_en,
            Entrepreneur.promptpay_id,
        )
        .where(Entrepreneur.id.in_(list(amounts)))
        .order_by(Entrepreneur.code)
    )
    return [
        PayoutCandidate(e, code, name_th, name_en, promptpay_id, amounts[e])
        for e, code, name_th, name_en, promptpay_id in people
    ]


def _recent_sums(
    conn: Connection, now: datetime, cutoff_end: datetime, refund_window: timedelta
) -> dict[int, tuple[int, int, int]]:
    """Per entrepreneur, the sums of their postings the run needs beside the running totals:
    posted since the cut-off (taken off today's total: the balance at the cut-off), and the
    sales inside the refund window before the cut-off and before now (held back). Only the
    entries since the earliest of those moments are read: a range of the postings' entry
    index, however long the history before it."""
    since = min(cutoff_end, now) - refund_window
    first = first_entry_since(conn, since)
    if first is None:
        return {}
    at = JournalEntryRow.at
    is_sale = JournalEntryRow.kind == EntryKind.SALE.value
    amount = PostingRow.amount_satang
    rows = conn.execute(
        select(
            PostingRow.entrepreneur_id,
            func.sum(case((at >= cutoff_end, amount), else_=0)),
            func.sum(
                case(
                    (is_sale & (at < cutoff_end) & (at >= cutoff_end - refund_window), amount),
                    else_=0,
                )
            ),
            func.sum(case((is_sale & (at > now - refund_window), amount), else_=0)),
        )
        .join(JournalEntryRow, JournalEntryRow.id == PostingRow.entry_id)
        .where(
            PostingRow.entry_id >= first,
            # Said of the entries too: PostgreSQL otherwise reads every entry to join them.
            JournalEntryRow.id >= first,
            PostingRow.entrepreneur_id.is_not(None),
        )
        .group_by(PostingRow.entrepreneur_id)
    )
    return {int(e): (int(a), int(b), int(c)) for e, a, b, c in rows}


def create_run(
    conn: Connection,
    actor: Actor,
    now: datetime,
    *,
    cutoff: date,
    minimum_satang: int,
    refund_window: timedelta,
    exclude: frozenset[int] = frozenset(),
    candidates: Sequence[PayoutCandidate] | None = None,
) -> PayoutRunView:
    """A run of pending payouts for the candidates that were not left out.

    ``candidates``: read beforehand in a snapshot (:func:`payout_candidates`, which reads the
    running totals and the recent postings), so that the run's write transaction stays short;
    read here when not given. Two runs racing for one entrepreneur still meet the unique
    pending payout."""
    if candidates is None:
        candidates = payout_candidates(
            conn,
            actor,
            now,
            cutoff=cutoff,
            minimum_satang=minimum_satang,
            refund_window=refund_window,
        )
    candidates = [c for c in candidates if c.entrepreneur_id not in exclude]
    if not candidates:
        raise ConflictError(
            "payout.nobody_owed",
            "ณ วันตัดยอดนี้ ไม่มีผู้ประกอบการรายใดมียอดค้างจ่ายถึงขั้นต่ำ: ไม่ได้สร้างรอบจ่ายเงิน",
            field="cutoff_date",
        )
    seq = next_in_sequence(conn, f"payout_run:{now.year}")
    number = f"PR-{now.year}-{seq:06d}"
    run_id = conn.execute(
        insert(PayoutRun).returning(PayoutRun.id),
        {
            "number": number,
            "cutoff_date": cutoff,
            "minimum_satang": minimum_satang,
            "created_by": actor.user_id,
            "created_at": now,
        },
    ).scalar_one()
    try:
        with conn.begin_nested():
            conn.execute(
                insert(Payout),
                [
                    {
                        "run_id": run_id,
                        "entrepreneur_id": c.entrepreneur_id,
                        "amount_satang": c.amount_satang,
                        "promptpay_id": c.promptpay_id,
                        "status": PayoutStatus.PENDING.value,
                        "bank_reference": None,
                        "bank_reference_key": None,
                        "paid_at": None,
                        "paid_by": None,
                        "cancelled_at": None,
                        "cancelled_by": None,
                        "journal_entry_id": None,
                    }
                    for c in candidates
                ],
            )
    except IntegrityError:
        raise ConflictError(
            "payout.run_raced",
            "มีรอบจ่ายเงินอื่นสร้างรายการโอนให้ผู้ประกอบการบางรายในเวลาเดียวกัน: กรุณาตรวจรอบจ่ายเงินใหม่",
            field="cutoff_date",
        ) from None
    audit.record(
        conn,
        actor,
        PayoutEvent.PAYOUT_RUN_CREATED,
        "payout_run",
        run_id,
        now,
        number=number,
        payouts=len(candidates),
        total_satang=sum(c.amount_satang for c in candidates),
        left_out=sorted(exclude),
    )
    return get_run(conn, actor, run_id)


def get_run(conn: Connection, actor: Actor, run_id: int) -> PayoutRunView:
    actor.require(MANAGERS, "see payouts")
    run = conn.execute(select(PayoutRun).where(PayoutRun.id == run_id)).mappings().first()
    if run is None:
        raise NotFoundError(
            "payout.run_not_found", "ไม่พบรอบจ่ายเงิน {run_id}", field="run_id", run_id=run_id
        )
    payouts = _payouts(conn, Payout.run_id == run_id)
    return PayoutRunView(
        id=run["id"],
        number=run["number"],
        cutoff_date=run["cutoff_date"],
        minimum_satang=run["minimum_satang"],
        created_at=run["created_at"],
        total_satang=sum(p.amount_satang for p in payouts if p.status != PayoutStatus.CANCELLED),
        paid_satang=sum(p.amount_satang for p in payouts if p.status == PayoutStatus.PAID),
        payouts=payouts,
    )


def list_runs(conn: Connection, actor: Actor) -> list[PayoutRunView]:
    actor.require(MANAGERS, "see payouts")
    ids = conn.execute(select(PayoutRun.id).order_by(PayoutRun.id.desc()).limit(100)).scalars()
    return [get_run(conn, actor, run_id) for run_id in ids]


def _payouts(conn: Connection, where: object) -> list[PayoutView]:
    rows = conn.execute(
        select(Payout, Entrepreneur.code, Entrepreneur.name_th, Entrepreneur.name_en)
        .join(Entrepreneur, Entrepreneur.id == Payout.entrepreneur_id)
        .where(where)  # type: ignore[arg-type]
        .order_by(Entrepreneur.code)
    ).mappings()
    return [
        PayoutView(
            r["id"],
            r["run_id"],
            r["entrepreneur_id"],
            r["code"],
            r["name_th"],
            r["name_en"],
            r["promptpay_id"],
            r["amount_satang"],
            r["status"],
            r["bank_reference"],
            r["paid_at"],
            r["cancelled_at"],
        )
        for r in rows
    ]


def get_payout(conn: Connection, actor: Actor, payout_id: int) -> PayoutView:
    actor.require(MANAGERS, "see payouts")
    found = _payouts(conn, Payout.id == payout_id)
    if not found:
        raise NotFoundError(
            "payout.not_found",
            "ไม่พบรายการโอนเงิน {payout_id}",
            field="payout_id",
            payout_id=payout_id,
        )
    return found[0]


def payouts_of(conn: Connection, entrepreneur_id: int) -> list[PayoutView]:
    """An entrepreneur's payouts, newest first (the caller has checked access)."""
    return sorted(
        _payouts(conn, Payout.entrepreneur_id == entrepreneur_id), key=lambda p: p.id, reverse=True
    )


def mark_paid(
    conn: Connection,
    actor: Actor,
    now: datetime,
    payout_id: int,
    *,
    bank_reference: str,
    refund_window: timedelta,
) -> PayoutView:
    """The money has left the bank: post the ledger entry. Idempotent for the same reference."""
    actor.require(MANAGERS, "pay out")
    reference = (
        check_text(bank_reference, "bank_reference").strip()
        if isinstance(bank_reference, str)
        else ""
    )
    if not 0 < len(reference) <= 64 or not bank_reference_key(reference):
        raise InvalidInputError(
            "payout.bank_reference_required",
            "กรุณาระบุเลขอ้างอิงของธนาคาร (1-64 ตัวอักษร)",
            field="bank_reference",
        )
    row = (
        conn.execute(select(Payout).where(Payout.id == payout_id).with_for_update())
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError(
            "payout.not_found",
            "ไม่พบรายการโอนเงิน {payout_id}",
            field="payout_id",
            payout_id=payout_id,
        )
    key = bank_reference_key(reference)
    if row["status"] == PayoutStatus.PAID:
        if row["bank_reference_key"] == key:
            return get_payout(conn, actor, payout_id)
        raise ConflictError(
            "payout.already_paid",
            "รายการโอนเงิน {payout_id} โอนแล้ว (เลขอ้างอิง {bank_reference})",
            field="payout_id",
            payout_id=payout_id,
            bank_reference=row["bank_reference"],
        )
    if row["status"] == PayoutStatus.CANCELLED:
        raise ConflictError(
            "payout.cancelled",
            "รายการโอนเงิน {payout_id} ถูกยกเลิกแล้ว",
            field="payout_id",
            payout_id=payout_id,
        )
    balance = read_balance(conn, row["entrepreneur_id"], now, refund_window)
    # This payout's own amount is among the pending ones: it may take what the others leave.
    others = balance.pending_payouts_satang - row["amount_satang"]
    room = balance.balance_satang - balance.held_satang - others
    if row["amount_satang"] > room:
        raise ConflictError(
            "payout.balance_short",
            "ตอนนี้โอนได้เพียง {available} บาท (มีการคืนสินค้าเข้ามา): ยกเลิกรายการนี้แล้วจ่ายใหม่",
            field="payout_id",
            available=format_baht(room),
            available_satang=room,
        )
    entry_id = post_entry(
        conn,
        actor,
        now,
        payout_entry(f"PAYOUT-{payout_id}", row["entrepreneur_id"], row["amount_satang"]),
    )
    try:
        with conn.begin_nested():
            conn.execute(
                update(Payout)
                .where(Payout.id == payout_id, Payout.status == PayoutStatus.PENDING.value)
                .values(
                    status=PayoutStatus.PAID.value,
                    bank_reference=reference,
                    bank_reference_key=key,
                    paid_at=now,
                    paid_by=actor.user_id,
                    journal_entry_id=entry_id,
                )
            )
    except IntegrityError:
        holder = conn.execute(
            select(Payout.id, Payout.bank_reference).where(Payout.bank_reference_key == key)
        ).first()
        raise ConflictError(
            "payout.bank_reference_used",
            "เลขอ้างอิงของธนาคาร {bank_reference} ถูกใช้กับรายการโอนเงินอื่นแล้ว",
            field="bank_reference",
            bank_reference=reference,
            used_by_payout_id=None if holder is None else holder.id,
            used_as=None if holder is None else holder.bank_reference,
        ) from None
    audit.record(
        conn,
        actor,
        PayoutEvent.PAYOUT_PAID,
        "payout",
        payout_id,
        now,
        bank_reference=reference,
        amount_satang=row["amount_satang"],
        entrepreneur_id=row["entrepreneur_id"],
    )
    return get_payout(conn, actor, payout_id)


def cancel_payout(conn: Connection, actor: Actor, now: datetime, payout_id: int) -> PayoutView:
    """Withdraw a waiting payout (nothing was posted, so nothing is reversed)."""
    actor.require(MANAGERS, "cancel payouts")
    payout = get_payout(conn, actor, payout_id)
    if payout.status == PayoutStatus.CANCELLED:
        return payout
    changed = conn.execute(
        update(Payout)
        .where(Payout.id == payout_id, Payout.status == PayoutStatus.PENDING.value)
        .values(status=PayoutStatus.CANCELLED.value, cancelled_at=now, cancelled_by=actor.user_id)
    ).rowcount
    if not changed:
        raise ConflictError(
            "payout.paid_cannot_cancel",
            "รายการโอนเงิน {payout_id} โอนแล้ว ยกเลิกไม่ได้",
            field="payout_id",
            payout_id=payout_id,
        )
    audit.record(
        conn,
        actor,
        PayoutEvent.PAYOUT_CANCELLED,
        "payout",
        payout_id,
        now,
        amount_satang=payout.amount_satang,
    )
    return get_payout(conn, actor, payout_id)
