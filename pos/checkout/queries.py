"""Reading sales: the view the till, the API and the receipt share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from kernel.access import STAFF, Actor
from kernel.errors import NotFoundError
from payments.models import Payment
from payments.records import is_due
from payments.status import PaymentStatus
from pos.models import RefundLine, Sale, SaleLine, SalePayment, Till


@dataclass(frozen=True, slots=True)
class SaleLineView:
    line_no: int
    product_id: int
    entrepreneur_id: int
    sku: str
    barcode: str
    name_th: str
    name_en: str
    unit_price_satang: int
    quantity: int
    discount_satang: int
    cart_discount_satang: int
    line_total_satang: int
    commission_bp: int
    commission_satang: int
    net_satang: int
    vat_applicable: bool
    vat_included_satang: int
    line_discount_bearer: str
    cart_discount_bearer: str
    # A price changed at the till: the catalogue's price (unit_price_satang is the charged
    # one), the reason and the approving manager; None for a line sold at the catalogue's.
    list_price_satang: int | None = None
    price_reason: str | None = None
    price_approved_by_id: int | None = None
    # The agreed markdown the unit price carries (basis points off the list price, borne by the
    # entrepreneur); 0 for none. The receipt says so.
    markdown_bp: int = 0
    refunded_quantity: int = 0  # given back by refunds so far


@dataclass(frozen=True, slots=True)
class SalePaymentView:
    payment_id: int
    method: str
    amount_satang: int
    status: str
    reference: str
    tendered_satang: int | None
    change_satang: int | None
    qr_payload: str | None  # PromptPay only: the Thai QR text for the exact amount
    qr_url: str | None  # PromptPay only: the QR as SVG
    expires_at: datetime | None
    confirmed_at: datetime | None
    card_last4: str | None = None  # card: printed as ****1234
    approval_code: str | None = None  # card: the terminal's approval code
    tender_name: str | None = None  # other: เป๋าตัง, a voucher
    tender_ref: str | None = None  # other: its reference


@dataclass(frozen=True, slots=True)
class SaleView:
    id: int
    till_id: int
    till_code: str
    shift_id: int
    cashier_id: int | None
    status: str
    receipt_number: str | None
    subtotal_satang: int
    discount_satang: int
    cart_discount_satang: int
    total_satang: int
    vat_included_satang: int
    change_satang: int
    created_at: datetime
    completed_at: datetime | None
    business_date: date
    lines: list[SaleLineView]
    payments: list[SalePaymentView]


LINE_FIELDS = tuple(
    name
    for name in SaleLineView.__slots__  # type: ignore[attr-defined]
    if name != "refunded_quantity"
)


def qr_url(payment_id: int) -> str:
    return f"/api/v1/payments/{payment_id}/qr.svg"


def payment_view(
    payment: Mapping[Any, Any],
    tendered: int | None,
    change: int | None,
    now: datetime | None = None,
) -> SalePaymentView:
    """``payment`` has the payments table's columns (a row, or a PaymentView's fields); given
    ``now``, a pending one past its expiry reads as expired."""
    is_qr = payment["method"] == "promptpay"
    return SalePaymentView(
        payment_id=payment["id"],
        method=payment["method"],
        amount_satang=payment["amount_satang"],
        status=PaymentStatus.EXPIRED.value if now and is_due(payment, now) else payment["status"],
        reference=payment["reference"],
        tendered_satang=tendered,
        change_satang=change,
        qr_payload=payment["payload"] if is_qr else None,
        qr_url=qr_url(payment["id"]) if is_qr else None,
        expires_at=payment["expires_at"],
        confirmed_at=payment["confirmed_at"],
        card_last4=payment.get("card_last4"),
        approval_code=payment.get("approval_code"),
        tender_name=payment.get("tender_name"),
        tender_ref=payment.get("tender_ref"),
    )


def sale_view(
    sale: Mapping[Any, Any],
    till_code: str,
    lines: Sequence[Mapping[Any, Any]],
    payments: list[SalePaymentView],
) -> SaleView:
    return SaleView(
        id=sale["id"],
        till_id=sale["till_id"],
        till_code=till_code,
        shift_id=sale["shift_id"],
        cashier_id=sale["cashier_id"],
        status=sale["status"],
        receipt_number=sale["receipt_number"],
        subtotal_satang=sale["subtotal_satang"],
        discount_satang=sale["discount_satang"],
        cart_discount_satang=sale["cart_discount_satang"],
        total_satang=sale["total_satang"],
        vat_included_satang=sale["vat_included_satang"],
        change_satang=sum(p.change_satang or 0 for p in payments),
        created_at=sale["created_at"],
        completed_at=sale["completed_at"],
        business_date=sale["business_date"],
        lines=[
            SaleLineView(
                **{k: line[k] for k in LINE_FIELDS},
                refunded_quantity=line.get("refunded_quantity", 0),
            )
            for line in lines
        ],
        payments=payments,
    )


def load_sale(
    conn: Connection, sale_id: int, *, lock: bool = False, now: datetime | None = None
) -> SaleView:
    """The sale as stored; ``lock`` takes its row lock first (PostgreSQL); given ``now``, its
    payments past their expiry read as expired."""
    query = select(Sale, Till.code.label("till_code")).join(Till, Till.id == Sale.till_id)
    query = query.where(Sale.id == sale_id)
    sale = conn.execute(query.with_for_update(of=Sale) if lock else query).mappings().first()
    if sale is None:
        raise NotFoundError(
            "sale.not_found", "ไม่พบรายการขาย {sale_id}", field="sale_id", sale_id=sale_id
        )
    refunded = (
        select(func.coalesce(func.sum(RefundLine.quantity), 0))
        .where(RefundLine.sale_line_id == SaleLine.id)
        .scalar_subquery()
    )
    lines = conn.execute(
        select(SaleLine, refunded.label("refunded_quantity"))
        .where(SaleLine.sale_id == sale_id)
        .order_by(SaleLine.line_no)
    ).mappings()
    paid = conn.execute(
        select(Payment, SalePayment.tendered_satang, SalePayment.change_satang)
        .join(SalePayment, SalePayment.payment_id == Payment.id)
        .where(SalePayment.sale_id == sale_id)
        .order_by(SalePayment.id)
    ).mappings()
    payments = [payment_view(p, p["tendered_satang"], p["change_satang"], now) for p in paid]
    return sale_view(sale, sale["till_code"], list(lines), payments)


def get_sale(conn: Connection, actor: Actor, sale_id: int, now: datetime | None = None) -> SaleView:
    """A sale, for staff (given ``now``, its payments past their expiry read as expired)."""
    actor.require(STAFF, "see sales")
    return load_sale(conn, sale_id, now=now)


def find_by_receipt(conn: Connection, actor: Actor, receipt_number: str) -> list[SaleView]:
    """The sale printed with a receipt number (none or one), for staff."""
    actor.require(STAFF, "see sales")
    found = conn.execute(
        select(Sale.id).where(Sale.receipt_number == receipt_number.strip().upper())
    ).scalar()
    return [] if found is None else [load_sale(conn, found)]


_BY_KEY = select(Sale.id, Sale.request_hash, Sale.cashier_id, Sale.device_id).where(
    Sale.idempotency_key == bindparam("key")
)


@dataclass(frozen=True, slots=True)
class KeyedSale:
    """The sale made under an idempotency key: who made it and whether a till rang it."""

    sale_id: int
    request_hash: str  # of the request that made it
    cashier_id: int | None
    device_id: str | None  # the till device that rang it (its queue may replay it)


def sale_id_for_key(conn: Connection, idempotency_key: str) -> KeyedSale | None:
    """The sale made under an idempotency key, and the hash of the request that made it."""
    row = conn.execute(_BY_KEY, {"key": idempotency_key}).first()
    return None if row is None else KeyedSale(row[0], row[1], row[2], row[3])
