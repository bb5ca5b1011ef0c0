"""Blocks of receipt numbers leased to a till's devices, so that a till numbers its sales
itself, offline too, and the numbers still run per till without gaps or duplicates.

A device (one browser; its tabs draw from its blocks one number at a time, in one IndexedDB
transaction each) asks for a block while it is online, before it needs one. The block is
taken out of the till's receipt sequence in the leasing transaction, so nothing else can
issue its numbers: not another device, not a sale the server completes (those take the next
number of the sequence, after every block). A device issues only numbers it holds, in order.

At shift close the device says the last number it issued. Its open blocks close: numbers up
to that one are issued (those not yet received are *outstanding*, listed on the Z report and
accepted when their sales arrive), the numbers above it are *void* (never issued; the Z report
lists them too). ``otop-pos check`` accepts a number missing from the sales only where a block
explains it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from kernel import audit
from kernel.access import STAFF, Actor
from kernel.db.engine import next_in_sequence
from kernel.errors import ConflictError, InvalidInputError, NotFoundError
from pos.models import ReceiptLease, Sale, Till
from pos.tills.events import TillEvent
from pos.tills.receipts import receipt_number, receipt_sequence

DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
BLOCK_SIZE = 50  # about an hour of the busiest till's sales, offline
MAX_BLOCK = 500
MAX_OPEN_BLOCKS = 4  # per device: enough to sell through a long outage, not a hoard


@dataclass(frozen=True, slots=True)
class LeaseView:
    id: int
    till_id: int
    till_code: str
    device_id: str
    first_seq: int
    last_seq: int
    leased_at: datetime
    first_number: str  # as printed
    last_number: str
    # The number after the highest one the server has received from this block: a device
    # that lost its local copy goes on from here, never issuing a number twice.
    next_seq: int


@dataclass(frozen=True, slots=True)
class NumberRange:
    """Numbers ``first``..``last`` of a till, as printed."""

    first_seq: int
    last_seq: int
    first: str
    last: str


@dataclass(frozen=True, slots=True)
class ClosedNumbers:
    """What a shift close found in the closing device's blocks (the Z report prints it)."""

    last_issued_seq: int | None
    void: list[NumberRange]  # leased, never issued: void from now on
    outstanding: list[str]  # issued by the device, not yet received by the server


def check_device_id(device_id: object) -> str:
    if not isinstance(device_id, str) or not DEVICE_ID.match(device_id):
        raise InvalidInputError(
            "till.device_id_invalid",
            "รหัสอุปกรณ์ต้องยาว 8-64 ตัวอักษร ใช้ได้เฉพาะ A-Z, a-z, 0-9, '_' และ '-'",
            field="device_id",
        )
    return device_id


def _till_code(conn: Connection, till_id: int) -> str:
    code = conn.execute(select(Till.code).where(Till.id == till_id)).scalar()
    if code is None:
        raise NotFoundError(
            "till.not_found", "ไม่พบเครื่องขาย {till_id}", field="till_id", till_id=till_id
        )
    return str(code)


def _view(r: Mapping[Any, Any], till_code: str, received: int | None = None) -> LeaseView:
    return LeaseView(
        id=r["id"],
        till_id=r["till_id"],
        till_code=till_code,
        device_id=r["device_id"],
        first_seq=r["first_seq"],
        last_seq=r["last_seq"],
        leased_at=r["leased_at"],
        first_number=receipt_number(till_code, r["first_seq"]),
        last_number=receipt_number(till_code, r["last_seq"]),
        next_seq=r["first_seq"] if received is None else received + 1,
    )


def lease_block(
    conn: Connection,
    actor: Actor,
    now: datetime,
    till_id: int,
    device_id: str,
    size: int = BLOCK_SIZE,
) -> LeaseView:
    """A new block of ``size`` numbers of the till's sequence for the device, in the caller's
    transaction (the sequence row stays locked until it ends: blocks never overlap)."""
    actor.require(STAFF, "use a till")
    device_id = check_device_id(device_id)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_BLOCK:
        raise InvalidInputError(
            "till.block_size_invalid",
            "ขอเลขที่ใบเสร็จได้ครั้งละ 1 ถึง {limit} เลข",
            field="size",
            limit=MAX_BLOCK,
        )
    code = _till_code(conn, till_id)
    held = len(open_leases(conn, till_id, device_id))
    if held >= MAX_OPEN_BLOCKS:
        raise ConflictError(
            "till.blocks_enough",
            "อุปกรณ์นี้ถือเลขที่ใบเสร็จไว้แล้ว {held} ชุด ใช้ให้หมดก่อนขอชุดใหม่",
            field="device_id",
            held=held,
        )
    first = next_in_sequence(conn, receipt_sequence(till_id), size)
    values = {
        "till_id": till_id,
        "device_id": device_id,
        "first_seq": first,
        "last_seq": first + size - 1,
        "leased_at": now,
        "leased_by": actor.user_id,
    }
    lease_id = conn.execute(insert(ReceiptLease).values(values).returning(ReceiptLease.id)).scalar()
    audit.record(
        conn,
        actor,
        TillEvent.RECEIPT_BLOCK_LEASED,
        "till",
        till_id,
        now,
        device_id=device_id,
        first_seq=first,
        last_seq=first + size - 1,
    )
    return _view({"id": lease_id, **values}, code)


def open_leases(conn: Connection, till_id: int, device_id: str) -> list[LeaseView]:
    """The device's blocks not yet closed, oldest first."""
    code = _till_code(conn, till_id)
    received = (
        select(func.max(Sale.receipt_seq))
        .where(
            Sale.till_id == ReceiptLease.till_id,
            Sale.receipt_seq.between(ReceiptLease.first_seq, ReceiptLease.last_seq),
        )
        .scalar_subquery()
    )
    rows = conn.execute(
        select(ReceiptLease, received.label("received"))
        .where(
            ReceiptLease.till_id == till_id,
            ReceiptLease.device_id == device_id,
            ReceiptLease.closed_at.is_(None),
        )
        .order_by(ReceiptLease.first_seq)
    ).mappings()
    return [_view(row, code, row["received"]) for row in rows]


def check_issued(conn: Connection, till_id: int, device_id: str, seq: int) -> None:
    """Refuse a number the device could not have issued: outside its blocks, above the last
    one issued from a block closed since (void), or held by another sale already."""
    if isinstance(seq, bool) or not isinstance(seq, int) or seq <= 0:
        raise InvalidInputError(
            "sale.receipt_seq_invalid", "เลขที่ใบเสร็จต้องเป็นจำนวนเต็มบวก", field="rung.receipt_seq"
        )
    lease = conn.execute(
        select(ReceiptLease.closed_at, ReceiptLease.last_issued_seq).where(
            ReceiptLease.till_id == till_id,
            ReceiptLease.device_id == device_id,
            ReceiptLease.first_seq <= seq,
            ReceiptLease.last_seq >= seq,
        )
    ).first()
    if lease is None:
        raise ConflictError(
            "sale.receipt_not_leased",
            "เลขที่ใบเสร็จ {seq} ไม่ได้อยู่ในชุดเลขที่อุปกรณ์นี้ได้รับ",
            field="rung.receipt_seq",
            seq=seq,
        )
    closed_at, last_issued = lease
    if closed_at is not None and (last_issued is None or seq > last_issued):
        raise ConflictError(
            "sale.receipt_void",
            "เลขที่ใบเสร็จ {seq} ถูกยกเลิกไปแล้วตอนปิดกะ (ไม่ได้ออกให้การขายใด)",
            field="rung.receipt_seq",
            seq=seq,
        )
    holder = conn.execute(
        select(Sale.id).where(Sale.till_id == till_id, Sale.receipt_seq == seq)
    ).scalar()
    if holder is not None:
        raise ConflictError(
            "sale.receipt_number_used",
            "เลขที่ใบเสร็จ {seq} เป็นของการขายอื่นแล้ว",
            field="rung.receipt_seq",
            seq=seq,
            sale_id=holder,
        )


def close_leases(
    conn: Connection,
    now: datetime,
    till_id: int,
    device_id: str,
    last_issued_seq: int | None,
    shift_id: int,
) -> ClosedNumbers:
    """Close the device's open blocks at its shift's close: the numbers above
    ``last_issued_seq`` are void; those up to it not yet received are outstanding."""
    device_id = check_device_id(device_id)
    leases = open_leases(conn, till_id, device_id)
    if last_issued_seq is not None and (
        isinstance(last_issued_seq, bool)
        or not isinstance(last_issued_seq, int)
        or not _in_a_block(conn, till_id, device_id, last_issued_seq)
    ):
        raise InvalidInputError(
            "shift.last_receipt_unknown",
            "เลขที่ใบเสร็จสุดท้าย {seq} ไม่ได้อยู่ในชุดเลขของอุปกรณ์นี้",
            field="last_receipt_seq",
            seq=last_issued_seq,
        )
    code = leases[0].till_code if leases else ""
    void: list[NumberRange] = []
    issued: list[int] = []
    for lease in leases:
        top = lease.first_seq - 1 if last_issued_seq is None else last_issued_seq
        last_here = max(lease.first_seq - 1, min(lease.last_seq, top))
        issued += range(lease.first_seq, last_here + 1)
        if last_here < lease.last_seq:
            void.append(_range(code, last_here + 1, lease.last_seq))
        conn.execute(
            update(ReceiptLease)
            .where(ReceiptLease.id == lease.id)
            .values(closed_at=now, last_issued_seq=last_here, closed_shift_id=shift_id)
        )
    received = set(_received(conn, till_id, issued))
    outstanding = [receipt_number(code, seq) for seq in issued if seq not in received]
    return ClosedNumbers(last_issued_seq, void, outstanding)


def _in_a_block(conn: Connection, till_id: int, device_id: str, seq: int) -> bool:
    """``seq`` lies in a block of the device (open, or closed already: a close retried)."""
    return (
        conn.execute(
            select(ReceiptLease.id).where(
                ReceiptLease.till_id == till_id,
                ReceiptLease.device_id == device_id,
                ReceiptLease.first_seq <= seq,
                ReceiptLease.last_seq >= seq,
            )
        ).first()
        is not None
    )


def _range(code: str, first: int, last: int) -> NumberRange:
    return NumberRange(first, last, receipt_number(code, first), receipt_number(code, last))


def _received(conn: Connection, till_id: int, seqs: Sequence[int]) -> Iterable[int | None]:
    if not seqs:
        return []
    return conn.execute(
        select(Sale.receipt_seq).where(
            Sale.till_id == till_id, Sale.receipt_seq.between(min(seqs), max(seqs))
        )
    ).scalars()


def unexplained_by_leases(
    conn: Connection, till_id: int, missing: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Of the till's ranges of numbers no sale holds (first, last), the parts no block
    explains (leased and not yet issued, void, or issued and on their way)."""
    if not missing:
        return []
    blocks = conn.execute(
        select(ReceiptLease.first_seq, ReceiptLease.last_seq)
        .where(
            ReceiptLease.till_id == till_id,
            or_(
                *(
                    and_(ReceiptLease.first_seq <= last, ReceiptLease.last_seq >= first)
                    for first, last in missing
                )
            ),
        )
        .order_by(ReceiptLease.first_seq)
    ).all()
    left = []
    for first, last in missing:
        at = first
        for b_first, b_last in blocks:
            if b_last < at or b_first > last:
                continue
            if b_first > at:
                left.append((at, b_first - 1))
            at = max(at, b_last + 1)
        if at <= last:
            left.append((at, last))
    return left
