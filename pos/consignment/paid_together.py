"""Many payouts marked paid in one transaction (a bank's result file): the same rules as
pos.consignment.payouts.mark_paid, one payout at a time (each waiting, never more than its
entrepreneur has available now, a bank reference used once however spelled, a ledger entry
and an audit entry each), with a statement per table for all of them instead of a handful
per payout, so that a run of every entrepreneur holds the writer for a moment, not seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from kernel import audit
from kernel.access import MANAGERS, Actor
from kernel.errors import ConflictError
from kernel.money import format_baht
from payments.ledger.balance_rules import balance_from_sums
from payments.ledger.models import JournalEntryRow, LedgerAccount, PostingRow
from payments.ledger.payout_models import Payout, PayoutStatus, bank_reference_key
from payments.ledger.postings import post_entries
from payments.ledger.rules import EntryKind, payout_entry
from pos.consignment.events import PayoutEvent

CHUNK = 500  # bound parameters a statement: well inside SQLite's and PostgreSQL's limits


def _chunks(values: Sequence[int]) -> list[list[int]]:
    return [list(values[i : i + CHUNK]) for i in range(0, len(values), CHUNK)]


def _room(
    conn: Connection, entrepreneurs: Sequence[int], now: datetime, refund_window: timedelta
) -> dict[int, tuple[int, int]]:
    """Each entrepreneur's (balance less held, pending payouts), as read_balance has them."""
    by_role: dict[int, dict[str, int]] = defaultdict(dict)
    recent: dict[int, int] = defaultdict(int)
    pending: dict[int, int] = defaultdict(int)
    amount = PostingRow.amount_satang
    is_recent_sale = (JournalEntryRow.kind == EntryKind.SALE.value) & (
        JournalEntryRow.at > now - refund_window
    )
    for chunk in _chunks(entrepreneurs):
        accounts = select(LedgerAccount.id).where(LedgerAccount.entrepreneur_id.in_(chunk))
        for e, role, total, recently in conn.execute(
            select(
                PostingRow.entrepreneur_id,
                PostingRow.role,
                func.sum(amount),
                func.sum(case((is_recent_sale, amount), else_=0)),
            )
            .join(JournalEntryRow, JournalEntryRow.id == PostingRow.entry_id)
            .where(PostingRow.account_id.in_(accounts))
            .group_by(PostingRow.entrepreneur_id, PostingRow.role)
        ):
            by_role[e][role] = int(total)
            recent[e] += int(recently)
        for e, total in conn.execute(
            select(Payout.entrepreneur_id, func.sum(Payout.amount_satang))
            .where(Payout.entrepreneur_id.in_(chunk), Payout.status == PayoutStatus.PENDING.value)
            .group_by(Payout.entrepreneur_id)
        ):
            pending[e] = int(total)
    found = {}
    for e in entrepreneurs:
        balance = balance_from_sums(e, by_role[e], -recent[e], pending[e])
        found[e] = (balance.balance_satang - balance.held_satang, balance.pending_payouts_satang)
    return found


def mark_paid_together(
    conn: Connection,
    actor: Actor,
    now: datetime,
    paid: Sequence[tuple[int, str]],
    *,
    refund_window: timedelta,
) -> int:
    """Mark each ``(payout id, bank reference)`` paid in the caller's transaction, or raise
    (ConflictError) naming the first payout that may not be: nothing is then kept. The
    references are checked (1-64 characters) by the caller's rules."""
    actor.require(MANAGERS, "pay out")
    ids = [payout_id for payout_id, _ in paid]
    if not ids:
        return 0
    rows = {}
    for chunk in _chunks(ids):
        for row in conn.execute(
            select(Payout.id, Payout.entrepreneur_id, Payout.amount_satang, Payout.status)
            .where(Payout.id.in_(chunk))
            .with_for_update()
        ):
            rows[row.id] = row
    for payout_id in ids:
        found = rows.get(payout_id)
        if found is None or found.status != PayoutStatus.PENDING.value:
            raise ConflictError(
                "payout.not_waiting",
                "รายการโอนเงิน {payout_id} ไม่ได้รอโอนแล้ว: ตรวจไฟล์ใหม่",
                field="payout_id",
                payout_id=payout_id,
            )
    room = _room(conn, sorted({rows[i].entrepreneur_id for i in ids}), now, refund_window)
    for payout_id in ids:
        row = rows[payout_id]
        available, pending = room[row.entrepreneur_id]
        # This payout is among the pending ones: it may take what the others leave.
        can_pay = available - (pending - row.amount_satang)
        if row.amount_satang > can_pay:
            raise ConflictError(
                "payout.balance_short",
                "ตอนนี้โอนได้เพียง {available} บาท (มีการคืนสินค้าเข้ามา): ยกเลิกรายการนี้แล้วจ่ายใหม่",
                field="payout_id",
                available=format_baht(can_pay),
                available_satang=can_pay,
                payout_id=payout_id,
            )
    entry_ids = post_entries(
        conn,
        [
            (
                actor,
                now,
                payout_entry(f"PAYOUT-{i}", rows[i].entrepreneur_id, rows[i].amount_satang),
            )
            for i in ids
        ],
    )
    references = dict(paid)
    try:
        with conn.begin_nested():
            conn.execute(
                update(Payout)
                .where(
                    Payout.id == bindparam("payout_id"),
                    Payout.status == PayoutStatus.PENDING.value,
                )
                .values(
                    status=PayoutStatus.PAID.value,
                    bank_reference=bindparam("reference"),
                    bank_reference_key=bindparam("key"),
                    paid_at=now,
                    paid_by=actor.user_id,
                    journal_entry_id=bindparam("entry_id"),
                ),
                [
                    {
                        "payout_id": i,
                        "reference": references[i],
                        "key": bank_reference_key(references[i]),
                        "entry_id": entry_id,
                    }
                    for i, entry_id in zip(ids, entry_ids, strict=True)
                ],
            )
    except IntegrityError:
        raise ConflictError(
            "payout.bank_reference_raced",
            "เลขอ้างอิงของธนาคารบางรายการถูกใช้กับรายการโอนเงินอื่นไปแล้วระหว่างนี้: ตรวจไฟล์ใหม่",
            field="bank_reference",
        ) from None
    audit.record_many(
        conn,
        [
            audit.entry(
                actor,
                PayoutEvent.PAYOUT_PAID,
                "payout",
                i,
                now,
                bank_reference=references[i],
                amount_satang=rows[i].amount_satang,
                entrepreneur_id=rows[i].entrepreneur_id,
            )
            for i in ids
        ],
    )
    return len(ids)
