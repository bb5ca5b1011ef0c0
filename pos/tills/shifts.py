"""A shift's cash and its reports: pay-ins and pay-outs, the X report (any time), the close
with the counted drawer and the numbered Z report (never changed afterwards).

The X report is computed from the shift's sales, refunds and cash movements each time it is
asked for. Closing computes it once more, in the closing transaction with the shift's row
locked, numbers it (``Z-SKP-01-000001``, per till, gapless) and stores it as printed; from then
on the shift's report is that stored copy.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy import case, column, func, insert, select, table, update
from sqlalchemy.engine import Connection

from kernel import audit
from kernel.access import STAFF, Actor, Role
from kernel.db.engine import next_in_sequence
from kernel.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from kernel.money import format_baht
from kernel.text import check_text
from payments.models import Payment, confirmed_payment
from pos.completion.stranded import void_stranded
from pos.models import (
    CashMovementKind,
    Refund,
    RefundMethod,
    Sale,
    SaleLine,
    SalePayment,
    SaleStatus,
    Shift,
    ShiftCashMovement,
    ShiftStatus,
    Till,
)
from pos.tills.events import TillEvent
from pos.tills.leases import close_leases
from pos.tills.receipts import receipt_number
from pos.tills.service import MAX_FLOAT_SATANG, get_shift
from pos.tills.shift_rules import DrawerCash, count_denominations

# The users table belongs to the web layer (accounts); the report needs only a name from it.
_USERS = table("users", column("id"), column("display_name"), column("username"))
MAX_REASON = 200
# A counted drawer that differs from the expected cash by more than this needs a reason (a
# setting: OTOP_CLOSE_DIFFERENCE_REASON_SATANG). 100 baht: above a coin miscount or a missed
# 20/50-baht note of change, small enough that a lost 100-baht note is always explained.
DIFFERENCE_REASON_SATANG = 10_000


@dataclass(frozen=True, slots=True)
class CashMovementView:
    id: int
    shift_id: int
    kind: str
    amount_satang: int
    reason: str
    actor_id: int | None
    at: datetime


@dataclass(frozen=True, slots=True, order=True)
class TenderTotal:
    """What one other tender (by its name: เป๋าตัง, a voucher) took in a shift."""

    name: str
    count: int
    amount_satang: int


@dataclass(frozen=True, slots=True)
class ShiftReport:
    """An X report (``z_number`` None: the shift is open) or the Z report of a closed shift."""

    shift_id: int
    till_id: int
    till_code: str
    cashier_id: int
    cashier: str
    opened_at: datetime
    closed_at: datetime | None
    z_number: str | None
    sales_count: int
    gross_satang: int  # before discounts
    discount_satang: int
    sales_satang: int  # completed sales' totals
    refunds_count: int
    refunds_satang: int
    net_satang: int  # sales - refunds
    vat_included_satang: int  # of sales, less that of refunds
    cash_satang: int  # taken as cash payments
    promptpay_satang: int  # PromptPay only (card and other below: never in the drawer)
    pending_sales: int
    voided_sales: int
    opening_float_satang: int
    cash_taken_satang: int
    change_given_satang: int
    cash_sales_satang: int
    pay_ins_satang: int
    pay_outs_satang: int
    cash_refunds_satang: int
    transfer_refunds_satang: int
    expected_cash_satang: int
    counted_cash_satang: int | None
    difference_satang: int | None  # counted - expected (below zero: the drawer is short)
    closing_denominations: dict[str, int] | None
    # Z report: the receipt numbers the closing device issued itself (pos.tills.leases): the
    # last one, those not yet received, and the leased ones never issued (void: "first–last").
    last_receipt_number: str | None = None
    outstanding_numbers: list[str] = field(default_factory=list)
    void_numbers: list[str] = field(default_factory=list)
    # The cash of the outstanding sales, as the till counts it: in the drawer, not yet in the
    # books (so the difference above is over by this much until they arrive).
    outstanding_cash_satang: int = 0
    # A line per tender besides cash and PromptPay: card on the bank's terminal, and each other
    # tender by its name; refunds that went back by card or by another tender. (After the
    # fields above so that Z reports stored before them read back with nothing there.)
    card_satang: int = 0
    other_satang: int = 0
    other_tenders: list[TenderTotal] = field(default_factory=list)
    card_refunds_satang: int = 0
    other_refunds_satang: int = 0
    # Why the counted drawer differs from the expected cash (required over a set amount).
    difference_reason: str | None = None
    # Lines sold at a price a manager approved in place of the list price: how many, and by
    # how much below the list price in all (above it counts below zero).
    price_changes_count: int = 0
    price_changes_satang: int = 0


def _may_work_on(actor: Actor, cashier_id: int, action: str) -> None:
    """Staff only; a cashier only on their own shift."""
    actor.require(STAFF, action)
    if actor.role == Role.CASHIER and cashier_id != actor.user_id:
        raise ForbiddenError(
            "shift.not_own", "พนักงานขายทำรายการนี้ได้เฉพาะในกะของตนเอง", action=action
        )


def _checked_amount(amount_satang: object) -> int:
    if (
        isinstance(amount_satang, bool)
        or not isinstance(amount_satang, int)
        or not 0 < amount_satang <= MAX_FLOAT_SATANG
    ):
        raise InvalidInputError(
            "shift.cash_amount_out_of_range",
            "จำนวนเงินต้องอยู่ระหว่าง 0.01 ถึง {max_amount} บาท",
            field="amount_satang",
            max_amount=format_baht(MAX_FLOAT_SATANG),
        )
    return amount_satang


def _checked_reason(reason: object) -> str:
    text = check_text(reason, "reason").strip() if isinstance(reason, str) else ""
    if not 0 < len(text) <= MAX_REASON:
        raise InvalidInputError(
            "shift.cash_reason_required",
            "กรุณาระบุเหตุผล (1-{max_length} ตัวอักษร)",
            field="reason",
            max_length=MAX_REASON,
        )
    return text


def record_cash_movement(
    conn: Connection,
    actor: Actor,
    now: datetime,
    shift_id: int,
    *,
    kind: str,
    amount_satang: int,
    reason: str,
) -> CashMovementView:
    """Cash put into (pay-in) or taken out of (pay-out) the drawer of an open shift."""
    shift = get_shift(conn, shift_id, lock=True)
    _may_work_on(actor, shift.cashier_id, "move cash")
    try:
        movement = CashMovementKind(kind)
    except ValueError:
        raise InvalidInputError(
            "shift.cash_kind_unknown",
            "ประเภทต้องเป็นนำเงินเข้าลิ้นชัก (pay_in) หรือนำเงินออกจากลิ้นชัก (pay_out)",
            field="kind",
        ) from None
    amount = _checked_amount(amount_satang)
    text = _checked_reason(reason)
    if shift.status != ShiftStatus.OPEN:
        raise ConflictError(
            "shift.closed", "กะ {shift_id} ปิดแล้ว", field="shift_id", shift_id=shift_id
        )
    if movement == CashMovementKind.PAY_OUT:
        in_drawer = shift_report(conn, actor, shift_id).expected_cash_satang
        if amount > in_drawer:
            raise ConflictError(
                "shift.pay_out_exceeds_drawer",
                "ลิ้นชักเงินสดควรมีเงิน {in_drawer} บาท: นำเงินออก {amount} บาทไม่ได้",
                field="amount_satang",
                in_drawer=format_baht(in_drawer),
                amount=format_baht(amount),
                expected_cash_satang=in_drawer,
            )
    row: dict[str, Any] = {
        "shift_id": shift_id,
        "kind": movement.value,
        "amount_satang": amount,
        "reason": text,
        "actor_id": actor.user_id,
        "at": now,
    }
    row["id"] = conn.execute(
        insert(ShiftCashMovement).returning(ShiftCashMovement.id), row
    ).scalar_one()
    audit.record(conn, actor, movement, "shift", shift_id, now, amount_satang=amount, reason=text)
    return CashMovementView(**row)


def list_cash_movements(conn: Connection, actor: Actor, shift_id: int) -> list[CashMovementView]:
    shift = get_shift(conn, shift_id)
    _may_work_on(actor, shift.cashier_id, "see the cash")
    rows = conn.execute(
        select(ShiftCashMovement)
        .where(ShiftCashMovement.shift_id == shift_id)
        .order_by(ShiftCashMovement.id)
    ).mappings()
    return [CashMovementView(**{k: r[k] for k in CashMovementView.__slots__}) for r in rows]  # type: ignore[attr-defined]


def shift_report(conn: Connection, actor: Actor, shift_id: int) -> ShiftReport:
    """The X report of an open shift, or the stored Z report of a closed one."""
    row = _shift_row(conn, shift_id)
    _may_work_on(actor, row["cashier_id"], "see shift reports")
    if row["z_report"] is not None:
        return _report_from_json(row["z_report"])
    return _compute(conn, row)


def _shift_row(conn: Connection, shift_id: int, *, lock: bool = False) -> Any:
    query = (
        select(Shift, Till.code.label("till_code"), _USERS.c.display_name, _USERS.c.username)
        .join(Till, Till.id == Shift.till_id)
        .join(_USERS, _USERS.c.id == Shift.cashier_id)
        .where(Shift.id == shift_id)
    )
    row = conn.execute(query.with_for_update(of=Shift) if lock else query).mappings().first()
    if row is None:
        raise NotFoundError(
            "shift.not_found", "ไม่พบกะ {shift_id}", field="shift_id", shift_id=shift_id
        )
    return row


def _compute(
    conn: Connection,
    shift: Any,
    *,
    closed_at: datetime | None = None,
    z_number: str | None = None,
    counted: int | None = None,
    denominations: dict[str, int] | None = None,
) -> ShiftReport:
    shift_id = shift["id"]
    completed = Sale.status == SaleStatus.COMPLETED.value
    sales = conn.execute(
        select(
            func.count().filter(completed),
            func.coalesce(func.sum(Sale.subtotal_satang).filter(completed), 0),
            func.coalesce(func.sum(Sale.discount_satang).filter(completed), 0),
            func.coalesce(func.sum(Sale.total_satang).filter(completed), 0),
            func.coalesce(func.sum(Sale.vat_included_satang).filter(completed), 0),
            func.count().filter(Sale.status == SaleStatus.PENDING_PAYMENT.value),
            func.count().filter(Sale.status == SaleStatus.VOIDED.value),
        ).where(Sale.shift_id == shift_id)
    ).one()
    is_cash = SalePayment.method == "cash"
    is_promptpay = SalePayment.method == "promptpay"
    paid = conn.execute(
        select(
            func.coalesce(func.sum(case((is_cash, SalePayment.amount_satang), else_=0)), 0),
            func.coalesce(func.sum(case((is_promptpay, SalePayment.amount_satang), else_=0)), 0),
            func.coalesce(
                func.sum(
                    case(
                        (
                            is_cash,
                            func.coalesce(SalePayment.tendered_satang, SalePayment.amount_satang),
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
            func.coalesce(func.sum(case((is_cash, SalePayment.change_satang), else_=0)), 0),
        )
        .join(Sale, Sale.id == SalePayment.sale_id)
        # A QR that expired before the rest was taken another way paid nothing.
        .join(Payment, (Payment.id == SalePayment.payment_id) & confirmed_payment())
        .where(Sale.shift_id == shift_id, completed)
    ).one()
    tenders = _tenders(conn, shift_id)
    is_cash_refund = Refund.method == RefundMethod.CASH.value

    def refunded_by(method: RefundMethod) -> Any:
        by = Refund.method == method.value
        return func.coalesce(func.sum(case((by, Refund.total_satang), else_=0)), 0)

    refunds = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(Refund.total_satang), 0),
            func.coalesce(func.sum(case((is_cash_refund, Refund.total_satang), else_=0)), 0),
            func.coalesce(func.sum(Refund.vat_included_satang), 0),
            refunded_by(RefundMethod.TRANSFER),
            refunded_by(RefundMethod.CARD),
            refunded_by(RefundMethod.OTHER),
        ).where(Refund.shift_id == shift_id)
    ).one()
    is_in = ShiftCashMovement.kind == CashMovementKind.PAY_IN.value
    moved = conn.execute(
        select(
            func.coalesce(func.sum(case((is_in, ShiftCashMovement.amount_satang), else_=0)), 0),
            func.coalesce(func.sum(case((~is_in, ShiftCashMovement.amount_satang), else_=0)), 0),
        ).where(ShiftCashMovement.shift_id == shift_id)
    ).one()
    price_changes = conn.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(
                    (SaleLine.list_price_satang - SaleLine.unit_price_satang) * SaleLine.quantity
                ),
                0,
            ),
        )
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(Sale.shift_id == shift_id, completed, SaleLine.list_price_satang.is_not(None))
    ).one()
    drawer = DrawerCash(
        opening_float_satang=shift["opening_float_satang"],
        cash_taken_satang=int(paid[2]),
        change_given_satang=int(paid[3]),
        pay_ins_satang=int(moved[0]),
        pay_outs_satang=int(moved[1]),
        cash_refunds_satang=int(refunds[2]),
    )
    expected = drawer.expected_satang
    return ShiftReport(
        shift_id=shift_id,
        till_id=shift["till_id"],
        till_code=shift["till_code"],
        cashier_id=shift["cashier_id"],
        cashier=shift["display_name"] or shift["username"],
        opened_at=shift["opened_at"],
        closed_at=closed_at,
        z_number=z_number,
        sales_count=int(sales[0]),
        gross_satang=int(sales[1]),
        discount_satang=int(sales[2]),
        sales_satang=int(sales[3]),
        refunds_count=int(refunds[0]),
        refunds_satang=int(refunds[1]),
        net_satang=int(sales[3]) - int(refunds[1]),
        vat_included_satang=int(sales[4]) - int(refunds[3]),
        cash_satang=int(paid[0]),
        promptpay_satang=int(paid[1]),
        pending_sales=int(sales[5]),
        voided_sales=int(sales[6]),
        opening_float_satang=drawer.opening_float_satang,
        cash_taken_satang=drawer.cash_taken_satang,
        change_given_satang=drawer.change_given_satang,
        cash_sales_satang=drawer.cash_sales_satang,
        pay_ins_satang=drawer.pay_ins_satang,
        pay_outs_satang=drawer.pay_outs_satang,
        cash_refunds_satang=drawer.cash_refunds_satang,
        transfer_refunds_satang=int(refunds[4]),
        expected_cash_satang=expected,
        counted_cash_satang=counted,
        difference_satang=None if counted is None else counted - expected,
        closing_denominations=denominations,
        card_satang=sum(t.amount_satang for t in tenders if t.name == ""),
        other_satang=sum(t.amount_satang for t in tenders if t.name != ""),
        other_tenders=[t for t in tenders if t.name != ""],
        card_refunds_satang=int(refunds[5]),
        other_refunds_satang=int(refunds[6]),
        price_changes_count=int(price_changes[0]),
        price_changes_satang=int(price_changes[1] or 0),
    )


def _tenders(conn: Connection, shift_id: int) -> list[TenderTotal]:
    """The shift's completed sales' card payments (name "") and other tenders by name."""
    rows = conn.execute(
        select(Payment.tender_name, func.count(), func.sum(SalePayment.amount_satang))
        .select_from(SalePayment)
        .join(Sale, Sale.id == SalePayment.sale_id)
        .join(Payment, (Payment.id == SalePayment.payment_id) & confirmed_payment())
        .where(
            Sale.shift_id == shift_id,
            Sale.status == SaleStatus.COMPLETED.value,
            SalePayment.method.in_(("card", "other")),
        )
        .group_by(Payment.tender_name)
    ).all()
    return sorted(TenderTotal(name or "", int(count), int(amount)) for name, count, amount in rows)


def close_shift(
    conn: Connection,
    actor: Actor,
    now: datetime,
    shift_id: int,
    *,
    counted_satang: int | None,
    denominations: dict[str, Any] | None = None,
    device_id: str | None = None,
    last_receipt_seq: int | None = None,
    outstanding_cash_satang: int = 0,
    difference_reason: str | None = None,
    reason_over_satang: int | None = None,
) -> ShiftReport:
    """Close a shift with the drawer counted: the numbered Z report, stored as printed.

    Blind count: the cashier counts before seeing the expected cash. A difference (the
    queued sales' cash aside) over ``reason_over_satang`` (the web passes the setting, whose
    default is DIFFERENCE_REASON_SATANG; None asks for no reason) is refused (422
    ``shift.difference_reason_required``, which tells the expected cash and the difference)
    until a reason is given; the reason is stored in the Z report.

    Refused while a sale of the shift waits for its payment (finish or void it first). The
    closing device (``device_id``) says the last receipt number it issued: its blocks close,
    and the report lists the numbers issued but not yet received and those never issued."""
    shift = get_shift(conn, shift_id)
    _may_work_on(actor, shift.cashier_id, "close shifts")
    if counted_satang is not None:
        _check_counted(counted_satang)
    if denominations is not None:
        counted_from_pieces = count_denominations(denominations, "denominations")
        if counted_satang is not None and counted_satang != counted_from_pieces:
            raise InvalidInputError(
                "shift.count_mismatch",
                "เงินสดที่นับได้ {counted} บาท ไม่ตรงกับยอดที่นับตามชนิดธนบัตรและเหรียญ {pieces} บาท",
                field="counted_satang",
                counted=format_baht(counted_satang),
                pieces=format_baht(counted_from_pieces),
            )
        counted_satang = counted_from_pieces
    if counted_satang is None:
        raise InvalidInputError(
            "shift.count_required", "กรุณานับเงินในลิ้นชักก่อนปิดกะ", field="counted_satang"
        )
    _check_counted(counted_satang)
    reason = _checked_difference_reason(difference_reason)
    row = _shift_row(conn, shift_id, lock=True)
    if row["status"] != ShiftStatus.OPEN:
        _refuse_closed(shift_id, row["z_number"])
    # A sale whose QRs all lapsed with nothing paid would otherwise hold the close for ever.
    void_stranded(conn, now, shift_id=shift_id)
    pending = list(
        conn.execute(
            select(Sale.id).where(
                Sale.shift_id == shift_id, Sale.status == SaleStatus.PENDING_PAYMENT.value
            )
        ).scalars()
    )
    if pending:
        raise ConflictError(
            "shift.sales_pending",
            "ยังมีรายการขายรอชำระเงิน {count} รายการ: ให้รับชำระให้เสร็จหรือยกเลิกก่อนปิดกะ",
            field="shift_id",
            count=len(pending),
            pending_sale_ids=pending,
        )
    seq = next_in_sequence(conn, f"z:{row['till_id']}")
    number = f"Z-{row['till_code']}-{seq:06d}"
    pieces = None if denominations is None else {k: int(v) for k, v in denominations.items()}
    report = _compute(
        conn, row, closed_at=now, z_number=number, counted=counted_satang, denominations=pieces
    )
    if device_id is not None:
        numbers = close_leases(conn, now, row["till_id"], device_id, last_receipt_seq, shift_id)
        report = replace(
            report,
            last_receipt_number=None
            if numbers.last_issued_seq is None
            else receipt_number(row["till_code"], numbers.last_issued_seq),
            outstanding_numbers=numbers.outstanding,
            outstanding_cash_satang=outstanding_cash_satang if numbers.outstanding else 0,
            void_numbers=[
                r.first if r.first_seq == r.last_seq else f"{r.first} – {r.last}"
                for r in numbers.void
            ],
        )
    report = _with_difference_reason(report, reason, reason_over_satang)
    changed = conn.execute(
        update(Shift)
        .where(Shift.id == shift_id, Shift.status == ShiftStatus.OPEN.value)
        .values(
            status=ShiftStatus.CLOSED.value,
            closed_at=now,
            closed_by_id=actor.user_id,
            z_seq=seq,
            z_number=number,
            expected_cash_satang=report.expected_cash_satang,
            counted_cash_satang=counted_satang,
            closing_denominations=None if pieces is None else json.dumps(pieces),
            z_report=_report_to_json(report),
        )
    ).rowcount
    if changed != 1:
        _refuse_closed(shift_id, _shift_row(conn, shift_id)["z_number"])
    audit.record(
        conn,
        actor,
        TillEvent.SHIFT_CLOSED,
        "shift",
        shift_id,
        now,
        z_number=number,
        expected_cash_satang=report.expected_cash_satang,
        counted_cash_satang=counted_satang,
        difference_satang=report.difference_satang,
        difference_reason=report.difference_reason,
    )
    return report


def _checked_difference_reason(reason: object) -> str | None:
    if reason is None:
        return None
    text = check_text(reason, "difference_reason").strip() if isinstance(reason, str) else ""
    if len(text) > MAX_REASON:
        raise InvalidInputError(
            "shift.difference_reason_too_long",
            "เหตุผลของผลต่างยาวได้ไม่เกิน {max_length} ตัวอักษร",
            field="difference_reason",
            max_length=MAX_REASON,
        )
    return text or None


def _with_difference_reason(
    report: ShiftReport, reason: str | None, reason_over_satang: int | None
) -> ShiftReport:
    """The report with the cashier's reason, or 422 when the difference needs one. The cash of
    sales still queued at the till is in the drawer but not yet in the books: not a difference."""
    difference = (report.difference_satang or 0) - report.outstanding_cash_satang
    if reason_over_satang is not None and abs(difference) > reason_over_satang and not reason:
        raise InvalidInputError(
            "shift.difference_reason_required",
            "เงินที่นับได้ต่างจากเงินสดที่ควรมี {difference} บาท (เกิน {limit} บาท): นับใหม่หรือบอกเหตุผลของผลต่าง",
            field="difference_reason",
            difference=format_baht(difference),
            limit=format_baht(reason_over_satang),
            expected_cash_satang=report.expected_cash_satang + report.outstanding_cash_satang,
            counted_cash_satang=report.counted_cash_satang,
            difference_satang=difference,
            limit_satang=reason_over_satang,
        )
    return replace(report, difference_reason=reason)


def _check_counted(counted_satang: object) -> None:
    if (
        isinstance(counted_satang, bool)
        or not isinstance(counted_satang, int)
        or not 0 <= counted_satang <= 10 * MAX_FLOAT_SATANG
    ):
        raise InvalidInputError(
            "shift.count_invalid",
            "เงินสดที่นับได้ต้องเป็นจำนวนเงินที่ไม่ติดลบ",
            field="counted_satang",
        )


def _refuse_closed(shift_id: int, z_number: str | None) -> NoReturn:
    raise ConflictError(
        "shift.already_closed",
        "กะ {shift_id} ปิดไปแล้ว (รายงาน Z {z_number})",
        field="shift_id",
        shift_id=shift_id,
        z_number=z_number,
    )


def _report_to_json(report: ShiftReport) -> str:
    return json.dumps(asdict(report), default=lambda v: v.isoformat(), ensure_ascii=False)


def _report_from_json(text: str) -> ShiftReport:
    data = json.loads(text)
    for name in ("opened_at", "closed_at"):
        if data[name] is not None:
            data[name] = datetime.fromisoformat(data[name])
    data["other_tenders"] = [TenderTotal(**t) for t in data.get("other_tenders", [])]
    return ShiftReport(**data)
