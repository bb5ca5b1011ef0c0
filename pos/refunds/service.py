"""Refunds against a receipt: some lines and quantities of a completed sale given back.

All or nothing, exactly once (``Idempotency-Key``), in the caller's transaction: the sale's row
is locked (so two refunds of one sale queue), no line gives back more than was sold minus
what was refunded before, a cashier needs a manager's approval, the refund gets a credit note
number (per till, gapless: ``CN-SKP-01-000001``), the ledger takes back from each
entrepreneur and from the centre's commission in proportion (pos.refunds.rules), and the goods
go back on the shelf at the till's location (``restock``) or are written off.

The money leaves from the refunding till's open shift: its drawer (cash) or the centre's bank
account (transfer), or goes back by the card's terminal (card: the acquirer takes it back) or
through the other tender the sale was paid with (other, by its name).

The money goes back by the tender that paid it (cash to cash, PromptPay by transfer, card to
card, other to the same other) up to what that tender paid, less what was refunded by it
before; any other way (a card sale refunded in cash) needs a manager: a manager refunding,
or a cashier with an approval that names the method (403 ``approval.refund_method_required``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from inventory.models import Product
from inventory.stock.rules import MovementKind
from inventory.stock.service import apply_movements
from kernel import audit
from kernel.access import STAFF, Actor, Role
from kernel.clock import business_date
from kernel.db.engine import next_in_sequence
from kernel.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from kernel.text import check_text
from payments.ledger.postings import post_entry
from payments.ledger.rules import BANK, SaleLineShare, money_account, refund_entry
from payments.status import PaymentStatus
from pos.approvals import ApprovalGrant, use_approval
from pos.checkout.events import SaleEvent
from pos.checkout.queries import SaleView, load_sale
from pos.checkout.requests import check_idempotency_key, check_key_holder
from pos.models import (
    Refund,
    RefundLine,
    RefundMethod,
    Sale,
    SaleLine,
    SaleStatus,
    Till,
)
from pos.refunds.rules import SoldLine, refund_parts
from pos.tax_invoices.service import credit_invoice_for_refund
from pos.tills.service import SHIFTS_STILL_OPEN, TILLS_AND_OPEN_SHIFTS, check_till_shift

MAX_REASON = 200


@dataclass(frozen=True, slots=True)
class RefundRequest:
    sale_id: int
    till_id: int
    lines: tuple[tuple[int, int], ...]  # (line_no, quantity)
    restock: bool
    method: str  # cash | transfer | card | other
    reason: str

    def digest(self) -> str:
        body = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class RefundLineView:
    line_no: int
    sku: str
    name_th: str
    name_en: str
    unit_price_satang: int
    quantity: int
    amount_satang: int
    vat_included_satang: int


@dataclass(frozen=True, slots=True)
class RefundView:
    id: int
    credit_note_number: str
    sale_id: int | None  # None: returned without a receipt (pos.refunds.receiptless)
    receipt_number: str | None
    till_id: int
    till_code: str
    shift_id: int
    method: str
    restock: bool
    reason: str
    total_satang: int
    vat_included_satang: int
    created_at: datetime
    cashier_id: int | None
    approved_by_id: int | None
    lines: list[RefundLineView]
    tender_name: str | None = None  # refunded by another tender: its name


def refund_sale(
    conn: Connection,
    actor: Actor,
    now: datetime,
    request: RefundRequest,
    *,
    idempotency_key: str,
    approved_by_id: int | None,
    approval: ApprovalGrant | None = None,
    method_approved: bool = False,
) -> tuple[RefundView, bool]:
    """Refund lines of a sale (see the module's docstring); the view, and whether it is the
    replay of an earlier request under the same key. A manager's ``approval`` is used up here,
    in the refund's transaction (403 ``approval.used`` the second time). ``method_approved``:
    the approval names the refund's method (needed to refund a cashier's sale another way than
    it was paid)."""
    actor.require(STAFF, "refund sales")
    key = check_idempotency_key(idempotency_key)
    digest = request.digest()
    sale = load_sale(conn, request.sale_id, lock=True)  # refunds of one sale queue here
    replay = replay_of(conn, actor, key, digest)
    if replay is not None:
        return replay, True
    if actor.role == Role.CASHIER and approved_by_id is None:
        raise ForbiddenError(
            "approval.refund_required", "การคืนเงินต้องให้ผู้จัดการอนุมัติ", field="approval_token"
        )
    method = refund_method(request.method)
    reason = refund_reason(request.reason)
    if sale.status != SaleStatus.COMPLETED or sale.receipt_number is None:
        raise ConflictError(
            "refund.sale_not_completed",
            "รายการขาย {sale_id} ยังไม่เสร็จสมบูรณ์: คืนสินค้าได้เฉพาะการขายที่เสร็จสมบูรณ์แล้ว",
            field="sale_id",
            sale_id=sale.id,
            sale_status=sale.status,
        )
    till_id, till_code, location_id, shift_id = till_and_shift(conn, actor, request.till_id)
    sold = {
        line.line_no: SoldLine(
            line.line_no,
            line.quantity,
            line.refunded_quantity,
            line.line_total_satang,
            line.net_satang,
            line.vat_included_satang,
        )
        for line in sale.lines
    }
    parts = refund_parts(sold, list(request.lines))
    total = sum(p.amount_satang for p in parts)
    if total <= 0:
        raise InvalidInputError(
            "refund.nothing_to_refund",
            "รายการที่เลือกมียอดเป็นศูนย์: ไม่มีเงินที่ต้องคืน",
            field="lines",
        )
    tender_name = _check_refund_method(conn, actor, sale, method, total, approved=method_approved)
    by_no = {line.line_no: line for line in sale.lines}
    seq = next_in_sequence(conn, f"credit_note:{till_id}")
    number = f"CN-{till_code}-{seq:06d}"
    shares = [
        SaleLineShare(by_no[p.line_no].entrepreneur_id, p.net_satang, p.commission_satang)
        for p in parts
    ]
    paid_from = (
        BANK
        if method == RefundMethod.TRANSFER
        else money_account(method.value, till_code, tender_name)
    )
    entry_id = post_entry(conn, actor, now, refund_entry(number, shares, paid_from, total))
    line_ids = {
        line_no: line_id
        for line_no, line_id in conn.execute(
            select(SaleLine.line_no, SaleLine.id).where(SaleLine.sale_id == sale.id)
        )
    }
    row: dict[str, Any] = {
        "sale_id": sale.id,
        "till_id": till_id,
        "shift_id": shift_id,
        "credit_note_seq": seq,
        "credit_note_number": number,
        "idempotency_key": key,
        "request_hash": digest,
        "method": method.value,
        "tender_name": tender_name,
        "restock": bool(request.restock),
        "reason": reason,
        "total_satang": total,
        "vat_included_satang": sum(p.vat_included_satang for p in parts),
        "cashier_id": actor.user_id,
        "approved_by_id": approved_by_id,
        "created_at": now,
        "business_date": business_date(now),
        "journal_entry_id": entry_id,
    }
    stored = store_refund(
        conn,
        actor,
        now,
        row,
        [
            {
                "sale_line_id": line_ids[p.line_no],
                "line_no": p.line_no,
                "quantity": p.quantity,
                "amount_satang": p.amount_satang,
                "commission_satang": p.commission_satang,
                "net_satang": p.net_satang,
                "vat_included_satang": p.vat_included_satang,
            }
            for p in parts
        ],
        key=key,
        digest=digest,
        approval=approval,
    )
    if isinstance(stored, RefundView):
        return stored, True
    refund_id = stored
    if request.restock:
        back: dict[int, int] = {}
        for p in parts:
            product_id = by_no[p.line_no].product_id
            back[product_id] = back.get(product_id, 0) + p.quantity
        apply_movements(
            conn,
            actor,
            now,
            location_id=location_id,
            deltas=back,
            kind=MovementKind.REFUND,
            reason=reason,
            document=number,
        )
    audit.record(
        conn,
        actor,
        SaleEvent.SALE_REFUNDED,
        "sale",
        sale.id,
        now,
        credit_note=number,
        total_satang=total,
        method=method.value,
        restock=bool(request.restock),
        approved_by_id=approved_by_id,
    )
    credit_invoice_for_refund(conn, actor, now, refund_id)  # when a full tax invoice replaced it
    return load_refund(conn, refund_id), False


def refund_method(method: str) -> RefundMethod:
    try:
        return RefundMethod(method)
    except ValueError:
        raise InvalidInputError(
            "refund.method_unknown",
            "วิธีคืนเงินต้องเป็นเงินสดจากลิ้นชัก (cash) โอนคืนลูกค้า (transfer) คืนเข้าบัตร (card)"
            " หรือคืนทางช่องทางอื่นที่ลูกค้าใช้ชำระ (other)",
            field="method",
        ) from None


def refund_reason(text: object) -> str:
    reason = check_text(text, "reason").strip() if isinstance(text, str) else ""
    if not 0 < len(reason) <= MAX_REASON:
        raise InvalidInputError(
            "refund.reason_required",
            "กรุณาระบุเหตุผลการคืน (1-{max_length} ตัวอักษร)",
            field="reason",
            max_length=MAX_REASON,
        )
    return reason


# How each tender is paid back without a manager's say: PromptPay by a transfer.
REFUND_BY_TENDER = {
    "cash": RefundMethod.CASH,
    "promptpay": RefundMethod.TRANSFER,
    "card": RefundMethod.CARD,
    "other": RefundMethod.OTHER,
}


def _check_refund_method(
    conn: Connection,
    actor: Actor,
    sale: SaleView,
    method: RefundMethod,
    total: int,
    *,
    approved: bool,
) -> str | None:
    """The refund goes back by a tender that paid the sale, up to what it paid less what was
    refunded by it before; otherwise a manager decides. An other tender's refund goes back
    through the sale's other tender (its name, returned)."""
    paid: dict[str, int] = {}
    names = []
    for payment in sale.payments:
        if payment.status != PaymentStatus.CONFIRMED.value:
            continue
        back = REFUND_BY_TENDER.get(payment.method)
        if back is not None:
            paid[back.value] = paid.get(back.value, 0) + payment.amount_satang
        if payment.method == "other" and payment.tender_name:
            names.append(payment.tender_name)
    tender_name = names[0] if method == RefundMethod.OTHER and names else None
    if method == RefundMethod.OTHER and tender_name is None:
        raise InvalidInputError(
            "refund.other_not_paid",
            "การขายนี้ไม่ได้ชำระด้วยช่องทางอื่น: เลือกวิธีคืนเงินแบบอื่น",
            field="method",
        )
    refunded = conn.execute(
        select(func.coalesce(func.sum(Refund.total_satang), 0)).where(
            Refund.sale_id == sale.id, Refund.method == method.value
        )
    ).scalar_one()
    by_its_tender = int(refunded) + total <= paid.get(method.value, 0)
    if not by_its_tender and actor.role == Role.CASHIER and not approved:
        raise ForbiddenError(
            "approval.refund_method_required",
            "คืนเงินด้วยวิธีอื่นจากที่ลูกค้าชำระ (หรือเกินยอดที่ชำระด้วยวิธีนั้น) ต้องให้ผู้จัดการอนุมัติวิธีคืนเงินนี้",
            field="approval_token",
            method=method.value,
        )
    return tender_name


def store_refund(
    conn: Connection,
    actor: Actor,
    now: datetime,
    row: dict[str, Any],
    lines: list[dict[str, Any]],
    *,
    key: str,
    digest: str,
    approval: ApprovalGrant | None,
) -> int | RefundView:
    """Insert a refund (or a return without a receipt) and its lines, using up the manager's
    approval in the same transaction; its id, or the refund a replay of the key answers."""
    try:
        with conn.begin_nested():
            refund_id = int(conn.execute(insert(Refund).returning(Refund.id), row).scalar_one())
    except IntegrityError:
        replay = replay_of(conn, actor, key, digest)
        if replay is None:
            raise
        return replay
    if approval is not None:
        use_approval(conn, approval, now)
    conn.execute(insert(RefundLine), [{"refund_id": refund_id, **line} for line in lines])
    return refund_id


def till_and_shift(conn: Connection, actor: Actor, till_id: int) -> tuple[int, str, int, int]:
    """The refunding till's open shift, held (shared) until the refund commits."""
    rows = conn.execute(TILLS_AND_OPEN_SHIFTS, {"till_ids": [till_id]}).all()
    row = rows[0] if rows else None
    shift_id = None if row is None else row[4]
    held = conn.execute(SHIFTS_STILL_OPEN, {"shift_ids": [shift_id or 0]}).scalars()
    place = check_till_shift(actor, till_id, row, set(held))
    return place.till_id, place.code, place.location_id, place.shift_id


_BY_KEY = select(Refund.id, Refund.request_hash, Refund.cashier_id).where(
    Refund.idempotency_key == bindparam("k")
)


def replay_of(conn: Connection, actor: Actor, key: str, digest: str) -> RefundView | None:
    """The refund stored under the key, if any: to the user who made it only (a refund is not
    queued on a device; check_key_holder)."""
    found = conn.execute(_BY_KEY, {"k": key}).first()
    if found is None:
        return None
    check_key_holder(actor, found[2], same_body=found[1] == digest)
    if found[1] != digest:
        raise ConflictError(
            "idempotency.key_reused",
            "Idempotency-Key นี้เคยใช้กับคำขอที่มีเนื้อหาต่างกันแล้ว",
            field="Idempotency-Key",
            refund_id=found[0],
        )
    return load_refund(conn, found[0])


def load_refund(conn: Connection, refund_id: int) -> RefundView:
    row = (
        conn.execute(
            select(Refund, Till.code.label("till_code"), Sale.receipt_number)
            .join(Till, Till.id == Refund.till_id)
            .outerjoin(Sale, Sale.id == Refund.sale_id)
            .where(Refund.id == refund_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError(
            "refund.not_found",
            "ไม่พบรายการคืนสินค้า {refund_id}",
            field="refund_id",
            refund_id=refund_id,
        )
    # A line returned without a receipt names its product and price instead of a sale line.
    lines = conn.execute(
        select(
            RefundLine.line_no,
            RefundLine.quantity,
            RefundLine.amount_satang,
            RefundLine.vat_included_satang,
            func.coalesce(SaleLine.sku, Product.sku).label("sku"),
            func.coalesce(SaleLine.name_th, Product.name_th).label("name_th"),
            func.coalesce(SaleLine.name_en, Product.name_en).label("name_en"),
            func.coalesce(SaleLine.unit_price_satang, RefundLine.unit_price_satang).label(
                "unit_price_satang"
            ),
        )
        .outerjoin(SaleLine, SaleLine.id == RefundLine.sale_line_id)
        .outerjoin(Product, Product.id == RefundLine.product_id)
        .where(RefundLine.refund_id == refund_id)
        .order_by(RefundLine.line_no)
    ).mappings()
    return RefundView(
        id=row["id"],
        credit_note_number=row["credit_note_number"],
        sale_id=row["sale_id"],
        receipt_number=row["receipt_number"],
        till_id=row["till_id"],
        till_code=row["till_code"],
        shift_id=row["shift_id"],
        method=row["method"],
        restock=row["restock"],
        reason=row["reason"],
        total_satang=row["total_satang"],
        vat_included_satang=row["vat_included_satang"],
        created_at=row["created_at"],
        cashier_id=row["cashier_id"],
        approved_by_id=row["approved_by_id"],
        tender_name=row["tender_name"],
        lines=[
            RefundLineView(
                ln["line_no"],
                ln["sku"],
                ln["name_th"],
                ln["name_en"],
                ln["unit_price_satang"],
                ln["quantity"],
                ln["amount_satang"],
                ln["vat_included_satang"],
            )
            for ln in lines
        ],
    )


def get_refund(conn: Connection, actor: Actor, refund_id: int) -> RefundView:
    actor.require(STAFF, "see refunds")
    return load_refund(conn, refund_id)


def refunds_of_sale(conn: Connection, actor: Actor, sale_id: int) -> list[RefundView]:
    actor.require(STAFF, "see refunds")
    ids = conn.execute(
        select(Refund.id).where(Refund.sale_id == sale_id).order_by(Refund.id)
    ).scalars()
    return [load_refund(conn, refund_id) for refund_id in ids]
