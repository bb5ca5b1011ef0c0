"""Tills and shifts: register a till, open a shift on it, find the open shift.

Closing a shift (counting the drawer, X/Z reports) builds on this: the expected cash of a
shift is its opening float plus the cash ``sale_payments`` of its completed sales.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from inventory.models import Location
from kernel import audit
from kernel.access import MANAGERS, STAFF, Actor, Role
from kernel.errors import ConflictError, InvalidInputError, NotFoundError
from kernel.money import format_baht
from kernel.text import check_text
from pos.models import Shift, ShiftStatus, Till
from pos.tills.events import TillEvent
from pos.tills.shift_rules import count_denominations

TILL_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,15}$")
MAX_FLOAT_SATANG = 10_000_000  # a hundred thousand baht


@dataclass(frozen=True, slots=True)
class TillView:
    id: int
    code: str
    name: str
    location_id: int
    active: bool
    pos_registration: str | None = None


@dataclass(frozen=True, slots=True)
class ShiftView:
    id: int
    till_id: int
    cashier_id: int
    opened_at: datetime
    closed_at: datetime | None
    opening_float_satang: int
    status: str
    z_number: str | None = None
    expected_cash_satang: int | None = None
    counted_cash_satang: int | None = None


def _till_view(row: object) -> TillView:
    r = row._mapping  # type: ignore[attr-defined]
    return TillView(
        r["id"], r["code"], r["name"], r["location_id"], r["active"], r["pos_registration"]
    )


def _shift_view(row: object) -> ShiftView:
    r = row._mapping  # type: ignore[attr-defined]
    return ShiftView(
        r["id"],
        r["till_id"],
        r["cashier_id"],
        r["opened_at"],
        r["closed_at"],
        r["opening_float_satang"],
        r["status"],
        r["z_number"],
        r["expected_cash_satang"],
        r["counted_cash_satang"],
    )


def create_till(
    conn: Connection, actor: Actor, now: datetime, *, code: str, name: str, location_id: int
) -> TillView:
    """Register a till at a location (managers)."""
    actor.require(MANAGERS, "register tills")
    code = code.strip().upper()
    if not TILL_CODE.match(code):
        raise InvalidInputError(
            "till.code_invalid",
            "รหัสเครื่องขายต้องยาว 2-16 ตัว ใช้ตัวอักษรภาษาอังกฤษพิมพ์ใหญ่ ตัวเลข หรือ '-' (เช่น SKP-01)",
            field="code",
        )
    name = check_text(name, "name").strip()
    if not 0 < len(name) <= 100:
        raise InvalidInputError("till.name_invalid", "ชื่อเครื่องขายต้องยาว 1-100 ตัวอักษร", field="name")
    if conn.execute(select(Location.id).where(Location.id == location_id)).first() is None:
        raise NotFoundError(
            "till.location_not_found",
            "ไม่พบสถานที่ {location_id}",
            field="location_id",
            location_id=location_id,
        )
    try:
        with conn.begin_nested():
            till_id = conn.execute(
                insert(Till)
                .values(code=code, name=name, location_id=location_id, active=True)
                .returning(Till.id)
            ).scalar_one()
    except IntegrityError:
        raise ConflictError(
            "till.code_taken", "มีเครื่องขายรหัส {till} อยู่แล้ว", field="code", till=code
        ) from None
    audit.record(conn, actor, TillEvent.TILL_CREATED, "till", till_id, now, code=code)
    return get_till(conn, till_id)


POS_REGISTRATION = re.compile(r"^[A-Z0-9][A-Z0-9/-]{0,19}$")


def register_till_machine(
    conn: Connection, actor: Actor, now: datetime, till_id: int, registration: str | None
) -> TillView:
    """Record (or clear, with None or "") the Revenue Department's registration number of the
    till's POS machine (managers). Letters, digits, '-' and '/', up to 20; kept upper case."""
    actor.require(MANAGERS, "register tills with the Revenue Department")
    till = get_till(conn, till_id)
    number = "".join((registration or "").split()).upper() or None
    if number is not None and not POS_REGISTRATION.match(check_text(number, "pos_registration")):
        raise InvalidInputError(
            "till.registration_invalid",
            "หมายเลขเครื่องที่กรมสรรพากรอนุมัติต้องยาว 1-20 ตัว เป็นตัวอักษรภาษาอังกฤษ ตัวเลข '-' หรือ '/'",
            field="pos_registration",
        )
    conn.execute(update(Till).where(Till.id == till_id).values(pos_registration=number))
    audit.record(
        conn,
        actor,
        TillEvent.TILL_REGISTERED,
        "till",
        till_id,
        now,
        code=till.code,
        pos_registration=number,
        before=till.pos_registration,
    )
    return get_till(conn, till_id)


def get_till(conn: Connection, till_id: int) -> TillView:
    row = conn.execute(select(Till).where(Till.id == till_id)).first()
    if row is None:
        raise NotFoundError(
            "till.not_found", "ไม่พบเครื่องขาย {till_id}", field="till_id", till_id=till_id
        )
    return _till_view(row)


def list_tills(conn: Connection) -> list[TillView]:
    return [_till_view(row) for row in conn.execute(select(Till).order_by(Till.code))]


def current_shift(conn: Connection, till_id: int) -> ShiftView | None:
    """The till's open shift, if any."""
    row = conn.execute(
        select(Shift).where(Shift.till_id == till_id, Shift.status == ShiftStatus.OPEN.value)
    ).first()
    return None if row is None else _shift_view(row)


def get_shift(conn: Connection, shift_id: int, *, lock: bool = False) -> ShiftView:
    query = select(Shift).where(Shift.id == shift_id)
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFoundError(
            "shift.not_found", "ไม่พบกะ {shift_id}", field="shift_id", shift_id=shift_id
        )
    return _shift_view(row)


def open_shift(
    conn: Connection,
    actor: Actor,
    now: datetime,
    till_id: int,
    opening_float_satang: int | None,
    denominations: Mapping[str, object] | None = None,
    *,
    registration_required: bool = False,
) -> ShiftView:
    """Open a shift on a till for the actor; a till has at most one open shift. The float
    may be counted by denomination (then ``opening_float_satang``, if given, must agree).
    ``registration_required``: a VAT-registered centre's till issues abbreviated tax invoices,
    which the Revenue Department allows only from a registered machine: one without its
    number opens no shift (so sells nothing)."""
    actor.require(STAFF, "open shifts")
    if opening_float_satang is not None:
        _check_float(opening_float_satang)
    if denominations is not None:
        counted = count_denominations(denominations, "denominations")
        if opening_float_satang is not None and opening_float_satang != counted:
            raise InvalidInputError(
                "shift.float_mismatch",
                "เงินทอนตั้งต้น {opening} บาท ไม่ตรงกับยอดที่นับตามชนิดธนบัตรและเหรียญ {counted} บาท",
                field="opening_float_satang",
                opening=format_baht(opening_float_satang),
                counted=format_baht(counted),
            )
        opening_float_satang = counted
    if opening_float_satang is None:
        opening_float_satang = 0
    if actor.user_id is None:
        raise InvalidInputError("shift.no_user", "กะต้องเป็นของผู้ใช้ที่เข้าสู่ระบบแล้ว", field="cashier_id")
    _check_float(opening_float_satang)
    till = get_till(conn, till_id)
    if not till.active:
        raise ConflictError(
            "till.inactive", "เครื่องขาย {till} ปิดใช้งานอยู่", field="till_id", till=till.code
        )
    if registration_required and not till.pos_registration:
        raise ConflictError(
            "till.not_registered",
            "เครื่องขาย {till} ยังไม่มีหมายเลขเครื่องที่กรมสรรพากรอนุมัติ: ให้ผู้จัดการบันทึกหมายเลขที่"
            " หน้าเครื่องขาย ก่อนเปิดกะ (ศูนย์จดทะเบียนภาษีมูลค่าเพิ่ม)",
            field="till_id",
            till=till.code,
        )
    if current_shift(conn, till_id) is not None:
        raise ConflictError(
            "shift.already_open",
            "เครื่องขาย {till} มีกะที่เปิดอยู่แล้ว",
            field="till_id",
            till=till.code,
        )
    try:
        with conn.begin_nested():
            shift_id = conn.execute(
                insert(Shift)
                .values(
                    till_id=till_id,
                    cashier_id=actor.user_id,
                    opened_at=now,
                    closed_at=None,
                    opening_float_satang=opening_float_satang,
                    status=ShiftStatus.OPEN.value,
                    opening_denominations=None
                    if denominations is None
                    else json.dumps({k: denominations[k] for k in sorted(denominations)}),
                )
                .returning(Shift.id)
            ).scalar_one()
    except IntegrityError:
        raise ConflictError(
            "shift.already_open",
            "เครื่องขาย {till} มีกะที่เปิดอยู่แล้ว",
            field="till_id",
            till=till.code,
        ) from None
    audit.record(
        conn,
        actor,
        TillEvent.SHIFT_OPENED,
        "shift",
        shift_id,
        now,
        till_id=till_id,
        opening_float_satang=opening_float_satang,
    )
    shift = current_shift(conn, till_id)
    assert shift is not None
    return shift


def _check_float(opening_float_satang: object) -> None:
    if (
        isinstance(opening_float_satang, bool)
        or not isinstance(opening_float_satang, int)
        or not (0 <= opening_float_satang <= MAX_FLOAT_SATANG)
    ):
        raise InvalidInputError(
            "shift.float_out_of_range",
            "เงินทอนตั้งต้นต้องอยู่ระหว่าง 0 ถึง {max_float} บาท",
            field="opening_float_satang",
            max_float=format_baht(MAX_FLOAT_SATANG),
        )


# A till with its open shift (if any), for the checks below; built once (checkout's hot path).
TILLS_AND_OPEN_SHIFTS = (
    select(Till.id, Till.code, Till.location_id, Till.active, Shift.id, Shift.cashier_id)
    .outerjoin(Shift, (Shift.till_id == Till.id) & (Shift.status == ShiftStatus.OPEN.value))
    .where(Till.id.in_(bindparam("till_ids", expanding=True)))
)
# PostgreSQL: hold the open shifts' rows (shared) until the sale or refund commits, so that a
# close of the shift, which locks its row for update, waits for it and counts it; one that
# comes after the close sees the shift closed. (SQLite's single writer serialises them.)
SHIFTS_STILL_OPEN = (
    select(Shift.id)
    .where(
        Shift.id.in_(bindparam("shift_ids", expanding=True)),
        Shift.status == ShiftStatus.OPEN.value,
    )
    .order_by(Shift.id)
    .with_for_update(read=True)
)


@dataclass(frozen=True, slots=True)
class TillShift:
    till_id: int
    code: str
    location_id: int
    shift_id: int


def check_till_shift(
    actor: Actor, till_id: int, row: Any | None, held_shifts: Collection[int] | None
) -> TillShift:
    """The till and the open shift money moves on (a row of ``TILLS_AND_OPEN_SHIFTS``): the
    till must exist and be active, have an open shift, and a cashier's must be their own; with
    ``held_shifts`` (the shifts ``SHIFTS_STILL_OPEN`` locked), the shift must not have just
    closed."""
    if row is None:
        raise InvalidInputError(
            "till.not_found", "ไม่พบเครื่องขาย {till_id}", field="till_id", till_id=till_id
        )
    till_id, code, location_id, active, shift_id, cashier_id = row
    if not active:
        raise ConflictError(
            "till.inactive", "เครื่องขาย {till} ปิดใช้งานอยู่", field="till_id", till=code
        )
    if shift_id is None:
        raise ConflictError(
            "shift.none_open",
            "เครื่องขาย {till} ยังไม่เปิดกะ: กรุณาเปิดกะก่อน",
            field="till_id",
            till=code,
        )
    if actor.role == Role.CASHIER and cashier_id != actor.user_id:
        raise ConflictError(
            "shift.another_cashiers",
            "กะที่เปิดอยู่ที่เครื่องขาย {till} เป็นของพนักงานคนอื่น: ให้ผู้นั้นปิดกะก่อน แล้วเปิดกะของคุณ",
            field="till_id",
            till=code,
        )
    if held_shifts is not None and shift_id not in held_shifts:
        # Closing took the shift's row first and has committed: the Z report is final.
        raise ConflictError(
            "shift.just_closed",
            "กะของเครื่องขาย {till} เพิ่งปิดไป: กรุณาเปิดกะใหม่ก่อน",
            field="till_id",
            till=code,
        )
    return TillShift(till_id, code, location_id, shift_id)
