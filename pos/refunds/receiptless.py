"""A return without a receipt: the customer brings goods back but not the receipt, and a
manager approves giving the money back, product by product.

Like a refund against a receipt (pos.refunds.service), all or nothing and exactly once
(``Idempotency-Key``), in the caller's transaction: a numbered credit note from the till's own
credit-note sequence (``CN-SKP-01-000002``), the money from the till's open shift (its drawer,
or the bank for a transfer), the goods back on the shelf or written off. With no sale to take
the money from, each line is priced here: the unit price given back is the product's price
today, or less (a customer who bought it marked down), never more. The entrepreneur bears the
return of their own product as they bear a refund: their payable is debited the net, the
centre's commission income the commission at the rate the product sells under today (its
category's, else its entrepreneur's). A manager approves every such return: a cashier sends
the manager's approval (used once, bound to this till and these lines); a manager or admin
returning goods themself is the approver.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from inventory.models import Category, Entrepreneur, Product
from inventory.stock.rules import MovementKind
from inventory.stock.service import apply_movements
from inventory.terms.rules import RateCard
from inventory.terms.service import current_versions
from kernel import audit
from kernel.access import MANAGERS, STAFF, Actor
from kernel.clock import business_date
from kernel.db.engine import next_in_sequence
from kernel.errors import ForbiddenError, InvalidInputError
from kernel.money import format_baht
from payments.ledger.postings import post_entry
from payments.ledger.rules import BANK, SaleLineShare, cash_account, refund_entry
from payments.lifecycle import MAX_AMOUNT_SATANG
from pos.approvals import ApprovalGrant
from pos.checkout.pricing import commission_of, vat_included
from pos.checkout.requests import check_idempotency_key
from pos.models import RefundMethod
from pos.refunds.service import (
    RefundView,
    load_refund,
    refund_method,
    refund_reason,
    replay_of,
    store_refund,
    till_and_shift,
)

MAX_LINES = 50
MAX_QUANTITY = 999
MAX_TOTAL_SATANG = MAX_AMOUNT_SATANG  # what one payment may be: ten million baht


class ReturnEvent(StrEnum):
    RETURNED_WITHOUT_RECEIPT = "returned_without_receipt"  # goods back, a manager approved


@dataclass(frozen=True, slots=True)
class ReturnLine:
    product_id: int
    quantity: int
    unit_price_satang: int | None = None  # None: the product's price today


@dataclass(frozen=True, slots=True)
class ReturnRequest:
    till_id: int
    lines: tuple[ReturnLine, ...]
    restock: bool
    method: str  # cash | transfer
    reason: str

    def digest(self) -> str:
        body = json.dumps(
            {"return": asdict(self)}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class _Priced:
    line_no: int
    product_id: int
    entrepreneur_id: int
    quantity: int
    unit_price_satang: int
    amount_satang: int
    commission_satang: int
    vat_included_satang: int

    @property
    def net_satang(self) -> int:
        return self.amount_satang - self.commission_satang


_PRODUCTS = (
    select(
        Product.id,
        Product.price_satang,
        Product.vat_applicable,
        Product.entrepreneur_id,
        Product.category_id,
        Category.commission_bp.label("category_bp"),
        Entrepreneur.commission_bp.label("entrepreneur_bp"),
    )
    .join(Category, Category.id == Product.category_id)
    .join(Entrepreneur, Entrepreneur.id == Product.entrepreneur_id)
)


def price_return(conn: Connection, lines: tuple[ReturnLine, ...], now: datetime) -> list[_Priced]:
    """Each line's money (the commission by the entrepreneur's terms in force: which goods
    came back is not known): refused with the line named when a product is unknown, listed twice,
    a quantity is out of range or the price is above the product's price today."""
    if not lines:
        raise InvalidInputError("refund.no_lines", "เลือกจำนวนที่จะคืนอย่างน้อยหนึ่งรายการ", field="lines")
    if len(lines) > MAX_LINES:
        raise InvalidInputError(
            "return.too_many_lines",
            "คืนสินค้าได้ครั้งละไม่เกิน {max_lines} รายการ",
            field="lines",
            max_lines=MAX_LINES,
        )
    ids = sorted({line.product_id for line in lines})
    found = {row.id: row for row in conn.execute(_PRODUCTS.where(Product.id.in_(ids)))}
    terms = current_versions(conn, {row.entrepreneur_id for row in found.values()}, now)
    seen: set[int] = set()
    priced = []
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        product = found.get(line.product_id)
        if product is None:
            raise InvalidInputError(
                "return.no_such_product",
                "ไม่พบสินค้ารหัส {product_id}",
                field=f"{where}.product_id",
                product_id=line.product_id,
            )
        if line.product_id in seen:
            raise InvalidInputError(
                "return.product_twice",
                "สินค้ารหัส {product_id} ถูกระบุซ้ำ: รวมเป็นบรรทัดเดียว",
                field=f"{where}.product_id",
                product_id=line.product_id,
            )
        seen.add(line.product_id)
        if not 0 < line.quantity <= MAX_QUANTITY:
            raise InvalidInputError(
                "return.quantity_range",
                "จำนวนที่คืนต้องอยู่ระหว่าง 1 ถึง {max_quantity} ชิ้น",
                field=f"{where}.quantity",
                max_quantity=MAX_QUANTITY,
            )
        price = product.price_satang if line.unit_price_satang is None else line.unit_price_satang
        if not 0 < price <= product.price_satang:
            raise InvalidInputError(
                "return.price_range",
                "ราคาคืนต่อชิ้นต้องมากกว่า 0 และไม่เกินราคาขายวันนี้ {price} บาท",
                field=f"{where}.unit_price_satang",
                price=format_baht(product.price_satang),
            )
        amount = price * line.quantity
        rate = terms[product.entrepreneur_id].terms.commission_bp_for(
            product.price_satang,
            product.category_id,
            RateCard(product.category_bp, product.entrepreneur_bp),
        )
        priced.append(
            _Priced(
                line_no=index + 1,
                product_id=product.id,
                entrepreneur_id=product.entrepreneur_id,
                quantity=line.quantity,
                unit_price_satang=price,
                amount_satang=amount,
                commission_satang=commission_of(amount, int(rate)),
                vat_included_satang=vat_included(amount) if product.vat_applicable else 0,
            )
        )
    return priced


def return_without_receipt(
    conn: Connection,
    actor: Actor,
    now: datetime,
    request: ReturnRequest,
    *,
    idempotency_key: str,
    approval: ApprovalGrant | None,
) -> tuple[RefundView, bool]:
    """Take goods back without a receipt (see the module's docstring); the credit note's view
    and whether it is the replay of an earlier request under the same key."""
    actor.require(STAFF, "return goods")
    key = check_idempotency_key(idempotency_key)
    digest = request.digest()
    replay = replay_of(conn, actor, key, digest)
    if replay is not None:
        return replay, True
    approved_by_id: int | None
    if approval is not None:
        approved_by_id = approval.approver_id
    elif actor.role in MANAGERS:
        approved_by_id = actor.user_id
    else:
        raise ForbiddenError(
            "approval.return_required",
            "การคืนสินค้าโดยไม่มีใบเสร็จต้องให้ผู้จัดการอนุมัติ",
            field="approval_token",
        )
    method = refund_method(request.method)
    reason = refund_reason(request.reason)
    till_id, till_code, location_id, shift_id = till_and_shift(conn, actor, request.till_id)
    priced = price_return(conn, request.lines, now)
    total = sum(p.amount_satang for p in priced)
    if total > MAX_TOTAL_SATANG:
        raise InvalidInputError(
            "return.total_too_large",
            "ยอดคืนรวม {total} บาท เกินกว่าที่คืนได้ในครั้งเดียว ({max_total} บาท)",
            field="lines",
            total=format_baht(total),
            max_total=format_baht(MAX_TOTAL_SATANG),
        )
    seq = next_in_sequence(conn, f"credit_note:{till_id}")
    number = f"CN-{till_code}-{seq:06d}"
    shares = [SaleLineShare(p.entrepreneur_id, p.net_satang, p.commission_satang) for p in priced]
    paid_from = cash_account(till_code) if method == RefundMethod.CASH else BANK
    entry_id = post_entry(conn, actor, now, refund_entry(number, shares, paid_from, total))
    row: dict[str, Any] = {
        "sale_id": None,
        "till_id": till_id,
        "shift_id": shift_id,
        "credit_note_seq": seq,
        "credit_note_number": number,
        "idempotency_key": key,
        "request_hash": digest,
        "method": method.value,
        "restock": bool(request.restock),
        "reason": reason,
        "total_satang": total,
        "vat_included_satang": sum(p.vat_included_satang for p in priced),
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
                "sale_line_id": None,
                "product_id": p.product_id,
                "unit_price_satang": p.unit_price_satang,
                "line_no": p.line_no,
                "quantity": p.quantity,
                "amount_satang": p.amount_satang,
                "commission_satang": p.commission_satang,
                "net_satang": p.net_satang,
                "vat_included_satang": p.vat_included_satang,
            }
            for p in priced
        ],
        key=key,
        digest=digest,
        approval=approval,
    )
    if isinstance(stored, RefundView):
        return stored, True
    refund_id = stored
    if request.restock:
        apply_movements(
            conn,
            actor,
            now,
            location_id=location_id,
            deltas={p.product_id: p.quantity for p in priced},
            kind=MovementKind.REFUND,
            reason=reason,
            document=number,
        )
    audit.record(
        conn,
        actor,
        ReturnEvent.RETURNED_WITHOUT_RECEIPT,
        "refund",
        refund_id,
        now,
        credit_note=number,
        total_satang=total,
        method=method.value,
        restock=bool(request.restock),
        approved_by_id=approved_by_id,
    )
    return load_refund(conn, refund_id), False
