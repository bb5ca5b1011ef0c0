"""Checkout: one sale, all or nothing, exactly once, in the caller's transaction.

In order: the idempotency key (a stored sale under it is the answer), the till and the
cashier's open shift, the lines (products priced from the database, never from the client),
the payments (they must add up to the total), then the writes: the sale row (claiming the
key under its UNIQUE constraint), the stock movements (rows locked in product order; every
short line in one error), the lines, the payments and, when every payment is confirmed (cash),
the receipt number and the ledger entry. A PromptPay sale waits as ``pending_payment`` (its
stock already taken) until :func:`complete_if_paid` sees its payments confirmed.

The hot path runs on the single writer (``await db.writer.run(...)``), which commits many
sales per transaction; each runs in its own SAVEPOINT, so one refused sale rolls back alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from inventory.models import Category, Entrepreneur, Product
from inventory.stock import MovementKind
from inventory.stock_service import apply_movements
from kernel import audit
from kernel.access import STAFF, Actor, Role
from kernel.clock import business_date
from kernel.errors import ConflictError, ForbiddenError, InvalidInputError
from payments.ledger import post_entry
from payments.ledger_rules import PROMPTPAY_CLEARING, SaleLineShare, cash_account, sale_entry
from payments.lifecycle import ReceivingAccount, create_payment
from payments.models import Payment
from payments.status import PaymentStatus
from pos.ledger_shares import line_share, priced_share
from pos.models import Sale, SaleLine, SalePayment, SaleStatus, Shift, ShiftStatus, Till
from pos.pricing import (
    DISCOUNT_APPROVAL_PERCENT,
    LineInput,
    PricedSale,
    cash_change,
    check_payments_cover,
    needs_discount_approval,
    price_sale,
)
from pos.receipts import take_receipt_number
from pos.sale_queries import (
    SaleView,
    load_sale,
    payment_view,
    sale_id_for_key,
    sale_view,
)
from pos.sale_requests import (
    CheckoutRequest,
    MergedLine,
    check_idempotency_key,
    check_payment_requests,
    merge_lines,
)

# The hot path's statements are built once: building and cache-keying a statement per call
# cost more than running it on SQLite (profiled).
_TILL_AND_SHIFT = (
    select(Till.id, Till.code, Till.location_id, Till.active, Shift.id, Shift.cashier_id)
    .outerjoin(Shift, (Shift.till_id == Till.id) & (Shift.status == ShiftStatus.OPEN.value))
    .where(Till.id == bindparam("till_id"))
)
_PRODUCTS = (
    select(
        Product.id, Product.sku, Product.barcode, Product.name_th, Product.name_en,
        Product.price_satang, Product.vat_applicable, Product.active, Product.entrepreneur_id,
        # The category's rate, when set, overrides the entrepreneur's.
        Category.commission_bp.label("category_bp"),
        Entrepreneur.commission_bp.label("entrepreneur_bp"),
    )
    .join(Category, Category.id == Product.category_id)
    .join(Entrepreneur, Entrepreneur.id == Product.entrepreneur_id)
    .where(Product.id.in_(bindparam("ids", expanding=True)))
)  # fmt: skip
# PostgreSQL: hold the open shift's row (shared) until the sale commits, so that a close of
# the shift, which locks the row for update, waits for the sale and counts it; a sale that
# comes after the close sees the shift closed. (SQLite's single writer serialises the two.)
_SHIFT_STILL_OPEN = (
    select(Shift.id)
    .where(Shift.id == bindparam("shift_id"), Shift.status == ShiftStatus.OPEN.value)
    .with_for_update(read=True)
)
_INSERT_SALE = insert(Sale).returning(Sale.id)
_INSERT_LINES = insert(SaleLine)
_INSERT_SALE_PAYMENTS = insert(SalePayment)

# Completing a sale after a bank callback acts on nobody's behalf; the audit log says so.
COMPLETION_ACTOR = Actor(user_id=None, username="payment-confirmation", role=Role.ADMIN)
KEY_REUSED = "Idempotency-Key reused with a different body"


@dataclass(frozen=True, slots=True)
class _TillShift:
    till_id: int
    code: str
    location_id: int
    shift_id: int


def checkout(
    conn: Connection,
    actor: Actor,
    now: datetime,
    request: CheckoutRequest,
    *,
    idempotency_key: str,
    account: ReceivingAccount,
    expiry: timedelta,
) -> SaleView:
    """Ring up a sale (see the module's docstring); a retry returns the first result."""
    view, _ = checkout_or_replay(
        conn, actor, now, request, idempotency_key=idempotency_key, account=account, expiry=expiry
    )
    return view


def checkout_or_replay(
    conn: Connection,
    actor: Actor,
    now: datetime,
    request: CheckoutRequest,
    *,
    idempotency_key: str,
    account: ReceivingAccount,
    expiry: timedelta,
    discount_approval_percent: int = DISCOUNT_APPROVAL_PERCENT,
) -> tuple[SaleView, bool]:
    """:func:`checkout`, also saying whether the answer is a replay of an earlier request."""
    actor.require(STAFF, "sell")
    key = check_idempotency_key(idempotency_key)
    digest = request.digest()
    replay = _replay(conn, key, digest)
    if replay is not None:
        return replay, True
    place = _till_and_shift(conn, actor, request.till_id)
    merged = merge_lines(request.lines)
    products = _products(conn, merged)
    priced = price_sale(
        [_line_input(m, products[m.product_id]) for m in merged], request.cart_discount_satang
    )
    if (
        actor.role == Role.CASHIER
        and request.approved_by_id is None
        and needs_discount_approval(
            priced.subtotal_satang, priced.discount_satang, discount_approval_percent
        )
    ):
        raise ForbiddenError(
            f"a discount above {discount_approval_percent}% needs a manager's approval",
            field="approval_token",
        )
    check_payment_requests(request.payments)
    check_payments_cover(priced.total_satang, [p.amount_satang for p in request.payments])
    tenders = [
        cash_change(p.amount_satang, p.tendered_satang, f"payments[{i}]")
        if p.method == "cash"
        else None
        for i, p in enumerate(request.payments)
    ]
    completes = all(p.method == "cash" for p in request.payments)
    split = [(p.method, p.amount_satang) for p in request.payments]
    try:
        with conn.begin_nested():  # claims the key; a lost race rolls back to here alone
            sale = _insert_sale(conn, actor, now, place, priced, key, digest, completes, merged,
                                products, split, request.approved_by_id)  # fmt: skip
    except IntegrityError:
        replay = _replay(conn, key, digest)
        if replay is None:
            raise
        return replay, True
    apply_movements(
        conn, actor, now, location_id=place.location_id,
        deltas={m.product_id: -m.quantity for m in merged}, kind=MovementKind.SALE,
        reason="sale", document=f"SALE-{sale['id']}",
    )  # fmt: skip
    lines = _insert_lines(conn, sale["id"], merged, products, priced)
    payments = []
    for request_payment, tender in zip(request.payments, tenders, strict=True):
        made = create_payment(
            conn, actor, now, amount_satang=request_payment.amount_satang,
            method=request_payment.method, sale_id=sale["id"], account=account, expiry=expiry,
        )  # fmt: skip
        payments.append(
            payment_view(
                {name: getattr(made, name) for name in made.__slots__},  # type: ignore[attr-defined]
                tender.tendered_satang if tender else None,
                tender.change_satang if tender else None,
            )
        )
    conn.execute(
        _INSERT_SALE_PAYMENTS,
        [
            {"sale_id": sale["id"], "payment_id": p.payment_id, "method": p.method,
             "amount_satang": p.amount_satang, "tendered_satang": p.tendered_satang,
             "change_satang": p.change_satang}
            for p in payments
        ],
    )  # fmt: skip
    audit.record(conn, actor, "sale_completed" if completes else "sale_created", "sale",
                 sale["id"], now, total_satang=priced.total_satang,
                 receipt_number=sale["receipt_number"])  # fmt: skip
    return sale_view(sale, place.code, lines, payments), False


def _replay(conn: Connection, key: str, digest: str) -> SaleView | None:
    found = sale_id_for_key(conn, key)
    if found is None:
        return None
    sale_id, stored_digest = found
    if stored_digest != digest:
        raise ConflictError(KEY_REUSED, field="Idempotency-Key", sale_id=sale_id)
    return load_sale(conn, sale_id)


def _till_and_shift(conn: Connection, actor: Actor, till_id: int) -> _TillShift:
    if isinstance(till_id, bool) or not isinstance(till_id, int):
        raise InvalidInputError("till_id must be a whole number", field="till_id")
    row = conn.execute(_TILL_AND_SHIFT, {"till_id": till_id}).first()
    if row is None:
        raise InvalidInputError(f"till {till_id} not found", field="till_id")
    till_id, code, location_id, active, shift_id, cashier_id = row
    if not active:
        raise ConflictError(f"till {code} is not active", field="till_id")
    if shift_id is None:
        raise ConflictError(f"no open shift on till {code}: open a shift first", field="till_id")
    if actor.role == Role.CASHIER and cashier_id != actor.user_id:
        raise ConflictError(
            f"the open shift on till {code} is another cashier's: open a shift first",
            field="till_id",
        )
    if (
        conn.dialect.name == "postgresql"
        and conn.execute(_SHIFT_STILL_OPEN, {"shift_id": shift_id}).first() is None
    ):
        # Closing took the shift's row first and has committed: the Z report is final.
        raise ConflictError(f"the shift on till {code} has just closed: open a shift first",
                            field="till_id")  # fmt: skip
    return _TillShift(till_id, code, location_id, shift_id)


def _products(conn: Connection, merged: list[MergedLine]) -> dict[int, Mapping[Any, Any]]:
    """The products, priced from the database, with the commission rate that applies."""
    ids = [m.product_id for m in merged]
    rows = conn.execute(_PRODUCTS, {"ids": ids}).mappings()
    found: dict[int, Mapping[Any, Any]] = {row["id"]: row for row in rows}
    for m in merged:
        row = found.get(m.product_id)
        where = f"lines[{m.first_index}].product_id"
        if row is None:
            raise InvalidInputError(f"product {m.product_id} not found", field=where)
        if not row["active"]:
            raise InvalidInputError(f"product {row['sku']} is not for sale", field=where)
    return found


def _commission_bp(product: Mapping[Any, Any]) -> int:
    category_bp = product["category_bp"]
    return int(product["entrepreneur_bp"] if category_bp is None else category_bp)


def _line_input(m: MergedLine, product: Mapping[Any, Any]) -> LineInput:
    return LineInput(
        unit_price_satang=product["price_satang"], quantity=m.quantity,
        commission_bp=_commission_bp(product), vat_applicable=bool(product["vat_applicable"]),
        discount_satang=m.discount_satang,
    )  # fmt: skip


def _insert_sale(
    conn: Connection,
    actor: Actor,
    now: datetime,
    place: _TillShift,
    priced: PricedSale,
    key: str,
    digest: str,
    completes: bool,
    merged: list[MergedLine],
    products: Mapping[int, Mapping[Any, Any]],
    payments: list[tuple[str, int]],
    approved_by_id: int | None,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "till_id": place.till_id, "shift_id": place.shift_id, "cashier_id": actor.user_id,
        "receipt_number": None, "receipt_seq": None, "idempotency_key": key,
        "request_hash": digest, "status": SaleStatus.PENDING_PAYMENT.value,
        "subtotal_satang": priced.subtotal_satang, "discount_satang": priced.discount_satang,
        "cart_discount_satang": sum(p.cart_discount_satang for p in priced.lines),
        "total_satang": priced.total_satang, "vat_included_satang": priced.vat_included_satang,
        "created_at": now, "completed_at": None, "business_date": business_date(now),
        "journal_entry_id": None, "approved_by_id": approved_by_id,
    }  # fmt: skip
    if completes:
        shares = [
            priced_share(products[m.product_id]["entrepreneur_id"], p)
            for m, p in zip(merged, priced.lines, strict=True)
        ]
        row.update(_completion(conn, actor, now, place.till_id, place.code, shares, payments))
    row["id"] = conn.execute(_INSERT_SALE, row).scalar_one()
    return row


def _completion(
    conn: Connection,
    actor: Actor,
    now: datetime,
    till_id: int,
    till_code: str,
    shares: Iterable[SaleLineShare],
    payments: Iterable[tuple[str, int]],
) -> dict[str, Any]:
    """The receipt number and the ledger entry that complete a sale: the columns to set."""
    seq, number = take_receipt_number(conn, till_id, till_code)
    debit = [
        (cash_account(till_code) if method == "cash" else PROMPTPAY_CLEARING, amount)
        for method, amount in payments
    ]
    entry_id = post_entry(conn, actor, now, sale_entry(number, shares, debit))
    return {
        "status": SaleStatus.COMPLETED.value,
        "receipt_seq": seq,
        "receipt_number": number,
        "completed_at": now,
        "journal_entry_id": entry_id,
    }


def _insert_lines(
    conn: Connection,
    sale_id: int,
    merged: list[MergedLine],
    products: Mapping[int, Mapping[Any, Any]],
    priced: PricedSale,
) -> list[dict[str, Any]]:
    lines = []
    for line_no, (m, p) in enumerate(zip(merged, priced.lines, strict=True), start=1):
        product = products[m.product_id]
        lines.append({
            "sale_id": sale_id, "line_no": line_no, "product_id": m.product_id,
            "entrepreneur_id": product["entrepreneur_id"], "sku": product["sku"],
            "barcode": product["barcode"], "name_th": product["name_th"],
            "name_en": product["name_en"], "unit_price_satang": product["price_satang"],
            "quantity": m.quantity, "discount_satang": p.discount_satang,
            "cart_discount_satang": p.cart_discount_satang,
            "line_total_satang": p.line_total_satang, "commission_bp": _commission_bp(product),
            "commission_satang": p.commission_satang, "net_satang": p.net_satang,
            "vat_applicable": bool(product["vat_applicable"]),
            "vat_included_satang": p.vat_included_satang,
            "line_discount_bearer": p.line_discount_bearer.value,
            "cart_discount_bearer": p.cart_discount_bearer.value,
        })  # fmt: skip
    conn.execute(_INSERT_LINES, lines)
    return lines


def complete_if_paid(
    conn: Connection, now: datetime, sale_id: int, *, actor: Actor | None = None
) -> SaleView:
    """Complete a pending sale whose payments are all confirmed (receipt number and ledger
    entry); otherwise leave it as it is. Idempotent: a completed sale is returned unchanged."""
    actor = actor or COMPLETION_ACTOR
    sale = load_sale(conn, sale_id, lock=True)
    if sale.status != SaleStatus.PENDING_PAYMENT:
        return sale
    statuses = conn.execute(
        select(Payment.status)
        .join(SalePayment, SalePayment.payment_id == Payment.id)
        .where(SalePayment.sale_id == sale_id)
    ).scalars()
    if any(status != PaymentStatus.CONFIRMED for status in statuses):
        return sale
    shares = [line_share(ln) for ln in sale.lines]
    payments = [(p.method, p.amount_satang) for p in sale.payments]
    values = _completion(conn, actor, now, sale.till_id, sale.till_code, shares, payments)
    conn.execute(
        update(Sale)
        .where(Sale.id == sale_id, Sale.status == SaleStatus.PENDING_PAYMENT.value)
        .values(**values)
    )
    audit.record(conn, actor, "sale_completed", "sale", sale_id, now,
                 receipt_number=values["receipt_number"])  # fmt: skip
    return load_sale(conn, sale_id)
