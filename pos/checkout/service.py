"""Checkout: one sale, all or nothing, exactly once, in the caller's transaction.

In order: the idempotency key (a stored sale under it is the answer), the till and the
cashier's open shift, the lines (products priced from the database, never from the client),
the payments (they must add up to the total), then the writes: the sale row (claiming the
key under its UNIQUE constraint), the stock movements (rows locked in product order; every
short line in one error), the lines, the payments and, when every payment is confirmed (cash),
the receipt number and the ledger entry. A PromptPay sale waits as ``pending_payment`` (its
stock already taken) until a confirmation of its payments completes it in the same transaction
(:mod:`pos.completion.by_payment`). Either way the completion is :mod:`pos.checkout.completion`'s.

The hot path runs on the single writer, which commits many sales per transaction:
:func:`checkout_many` takes a whole batch, checks every sale first (reading only) and writes
the accepted ones together, a statement per table (:mod:`pos.checkout.writes`), so one refused
sale writes nothing and the others commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from inventory.models import Category, Entrepreneur, Product
from inventory.terms.rules import RateCard, marked_down_price
from inventory.terms.service import GoodsTerms, goods_terms
from kernel.access import MANAGERS, STAFF, Actor, Role
from kernel.db.engine import savepoint
from kernel.errors import ConflictError, DomainError, ForbiddenError, InvalidInputError
from kernel.money import format_baht
from payments import promptpay
from payments.confirmations import slip_reference, slip_used_by
from payments.lifecycle import MAX_AMOUNT_SATANG, ReceivingAccount
from pos.approvals import SALE_APPROVAL, ApprovalGrant, approval_used_error, used_approvals
from pos.checkout.pricing import (
    DISCOUNT_APPROVAL_PERCENT,
    LineInput,
    PricedSale,
    cash_change,
    change_too_large,
    check_payments_cover,
    needs_discount_approval,
    price_sale,
)
from pos.checkout.queries import (
    KeyedSale,
    SaleView,
    load_sale,
    sale_id_for_key,
)
from pos.checkout.requests import (
    CheckoutRequest,
    MergedLine,
    Rung,
    check_idempotency_key,
    check_key_holder,
    check_payment_requests,
    merge_lines,
)
from pos.checkout.sale_exceptions import Difference, rung_products
from pos.checkout.writes import SalePlan, write_sales
from pos.models import Sale, SaleExceptionKind, Shift, ShiftStatus
from pos.tills.leases import check_issued
from pos.tills.service import SHIFTS_STILL_OPEN, TILLS_AND_OPEN_SHIFTS, TillShift, check_till_shift

# The hot path's statements are built once; SQLAlchemy caches their compiled forms.
_SALES_BY_KEYS = select(
    Sale.idempotency_key, Sale.id, Sale.request_hash, Sale.cashier_id, Sale.device_id
).where(Sale.idempotency_key.in_(bindparam("keys", expanding=True)))
_PRODUCTS = (
    select(
        Product.id,
        Product.sku,
        Product.barcode,
        Product.name_th,
        Product.name_en,
        Product.price_satang,
        Product.vat_applicable,
        Product.active,
        Product.entrepreneur_id,
        Product.category_id,
        Product.markdown_bp,
        # The rate card (standard terms): the category's rate, when set, else the entrepreneur's.
        Category.commission_bp.label("category_bp"),
        Entrepreneur.commission_bp.label("entrepreneur_bp"),
    )
    .join(Category, Category.id == Product.category_id)
    .join(Entrepreneur, Entrepreneur.id == Product.entrepreneur_id)
    .where(Product.id.in_(bindparam("ids", expanding=True)))
)
_PRODUCT_FIELDS = tuple(column.name for column in _PRODUCTS.exported_columns)


@dataclass(frozen=True, slots=True)
class _Stored:
    """What a batch's checkouts look up, read with one statement each for all of them."""

    sales: dict[str, KeyedSale]  # idempotency key -> the sale made under it
    tills: dict[int, tuple[Any, ...]]  # till id -> the till with its open shift
    products: dict[int, Mapping[Any, Any]]  # id -> the product, priced as sold now
    terms: GoodsTerms  # the terms the goods at each till's location came in under
    # PostgreSQL: the open shifts among the tills', their rows now held (shared) until commit.
    held_shifts: frozenset[int] | None = None
    # The shifts rung sales name: id -> (till id, open?, Z number).
    rung_shifts: Mapping[int, tuple[int, bool, str | None]] | None = None
    # The slips rung sales of this batch claimed so far (a slip confirms one payment, ever).
    claimed_slips: set[str] = field(default_factory=set)
    # Approvals used already, or claimed by a sale planned earlier in this batch (used once).
    used_approvals: set[str] = field(default_factory=set)


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
    job = CheckoutJob(
        actor, now, request, idempotency_key, account, expiry, discount_approval_percent
    )
    [outcome] = checkout_many(conn, [job])
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@dataclass(frozen=True, slots=True)
class CheckoutJob:
    """One checkout, as the single writer's batches carry it to :func:`checkout_many`."""

    actor: Actor
    now: datetime
    request: CheckoutRequest
    idempotency_key: str
    account: ReceivingAccount
    expiry: timedelta
    discount_approval_percent: int = DISCOUNT_APPROVAL_PERCENT


Answer = tuple[SaleView, bool] | Exception


def checkout_many(conn: Connection, jobs: Sequence[CheckoutJob]) -> list[Answer]:
    """Several checkouts in the caller's transaction (the single writer's batch runner): the
    answers in order, a refused sale's error as its answer. Each sale is all or nothing, and a
    refused one writes nothing, so the others commit with it. A request repeating the key of
    an earlier one in the batch is answered after it (a replay, or a refused different body).
    """
    answers: list[Answer | None] = [None] * len(jobs)
    planned: list[tuple[int, SalePlan]] = []
    keys: set[str] = set()
    later: list[int] = []
    stored = _lookups(conn, jobs)
    for index, job in enumerate(jobs):
        if job.idempotency_key in keys:
            later.append(index)
            continue
        keys.add(job.idempotency_key)
        try:
            plan = _plan(conn, job, stored)
        except DomainError as error:
            answers[index] = error
            continue
        if isinstance(plan, SalePlan):
            planned.append((index, plan))
            # The next sale of the batch sells what this one leaves (and under its terms).
            stored.terms.took(plan.location_id, _taken(plan))
        else:
            answers[index] = (plan, True)
    if planned:
        plans = [plan for _, plan in planned]
        written: list[SaleView | Exception] | None = None
        if conn.dialect.name == "sqlite":
            # One writer at a time, which took the lock before it looked the keys up (BEGIN
            # IMMEDIATE): none can have been claimed since, so no savepoint to fall back to.
            # Inside one, SQLite keeps a copy of every page the batch changes (measured without:
            # the writer's CPU a sale 10% lower in process, checkouts over HTTP 5% more, on
            # average over alternating runs).
            written = write_sales(conn, plans)
        else:
            try:
                with savepoint(conn, "checkout_claim"):  # claims the keys: a lost race rolls back
                    written = write_sales(conn, plans)
            except IntegrityError:
                # A key claimed since we looked (another worker): its sale is the answer; the
                # others go again.
                again = _replays_after_race(conn, planned, answers)
                if len(again) == len(planned):
                    raise
                later = sorted(later + again)
        if written is not None:
            for (index, _), view in zip(planned, written, strict=True):
                answers[index] = view if isinstance(view, Exception) else (view, False)
    if later:
        rerun = checkout_many(conn, [jobs[index] for index in later])
        for index, answer in zip(later, rerun, strict=True):
            answers[index] = answer
    return [answer for answer in answers if answer is not None]


def _taken(plan: SalePlan) -> dict[int, int]:
    units: dict[int, int] = {}
    for line in plan.lines:
        units[line["product_id"]] = units.get(line["product_id"], 0) + line["quantity"]
    return units


def _replays_after_race(
    conn: Connection, planned: list[tuple[int, SalePlan]], answers: list[Answer | None]
) -> list[int]:
    """Answer the planned sales whose keys are stored now, or whose approval another worker
    used meanwhile; the indexes of the others."""
    again = []
    used = used_approvals(conn, (p.approval.approval_id for _, p in planned if p.approval))
    for index, plan in planned:
        try:
            replay = _replay(conn, plan.actor, plan.key, plan.digest)
        except DomainError as error:
            answers[index] = error
            continue
        if replay is None and plan.approval is not None and plan.approval.approval_id in used:
            answers[index] = approval_used_error()
        elif replay is None:
            again.append(index)
        else:
            answers[index] = (replay, True)
    return again


def _lookups(conn: Connection, jobs: Sequence[CheckoutJob]) -> _Stored:
    """The stored sales of the jobs' keys, their tills and their products."""
    keys = sorted({job.idempotency_key for job in jobs if isinstance(job.idempotency_key, str)})
    tills = sorted({job.request.till_id for job in jobs if _whole(job.request.till_id)})
    products = sorted(
        {line.product_id for job in jobs for line in job.request.lines if _whole(line.product_id)}
    )
    sales = {
        row[0]: KeyedSale(row[1], row[2], row[3], row[4])
        for row in conn.execute(_SALES_BY_KEYS, {"keys": keys})
    }
    found_tills: dict[int, tuple[Any, ...]] = {}
    if tills:
        for row in conn.execute(TILLS_AND_OPEN_SHIFTS, {"till_ids": tills}):
            found_tills.setdefault(row[0], row)
    found_products: dict[int, Mapping[Any, Any]] = {}
    if products:
        for product_row in conn.execute(_PRODUCTS, {"ids": products}):
            product = dict(zip(_PRODUCT_FIELDS, product_row, strict=True))
            # Sold at the list price less the agreed markdown in force (inventory.terms).
            product["list_price_satang"] = product["price_satang"]
            product["price_satang"] = marked_down_price(
                product["price_satang"], product["markdown_bp"]
            )
            found_products[product["id"]] = product
    terms = goods_terms(
        conn,
        found_products,
        {p["entrepreneur_id"] for p in found_products.values()},
        max(job.now for job in jobs),
    )
    rung_ids = sorted(
        {job.request.rung.shift_id for job in jobs if job.request.rung is not None} - {None}  # type: ignore[arg-type]
    )
    held: frozenset[int] | None = None
    if conn.dialect.name == "postgresql":
        # A sale holds its open shift's row (shared) until it commits, so that a racing close
        # waits and counts it; a shift closed meanwhile is not among these. In id order.
        shifts = sorted(
            {row[4] for row in found_tills.values() if row[4] is not None} | set(rung_ids)
        )
        held = frozenset(
            conn.execute(SHIFTS_STILL_OPEN, {"shift_ids": shifts}).scalars() if shifts else ()
        )
    rung_shifts = None
    if rung_ids:
        rung_shifts = {
            shift_id: (
                till_id,
                status == ShiftStatus.OPEN and (held is None or shift_id in held),
                z,
            )
            for shift_id, till_id, status, z in conn.execute(
                select(Shift.id, Shift.till_id, Shift.status, Shift.z_number).where(
                    Shift.id.in_(rung_ids)
                )
            )
        }
    used = used_approvals(
        conn, (j.request.approval.approval_id for j in jobs if j.request.approval)
    )
    return _Stored(
        sales, found_tills, found_products, terms, held, rung_shifts, used_approvals=used
    )


def _still_open(shift_id: int, status: str, held: frozenset[int] | None) -> bool:
    return status == ShiftStatus.OPEN and (held is None or shift_id in held)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _plan(conn: Connection, job: CheckoutJob, stored: _Stored) -> SalePlan | SaleView:
    """Check a checkout, writing nothing: the sale to write, or the one its key already made."""
    actor, now, request = job.actor, job.now, job.request
    discount_approval_percent = job.discount_approval_percent
    actor.require(STAFF, "sell")
    key = check_idempotency_key(job.idempotency_key)
    digest = request.digest()
    replay = _replay(conn, actor, key, digest, stored.sales)
    if replay is not None:
        return replay
    rung = request.rung
    merged = merge_lines(request.lines)
    if rung is None:
        place = _till_and_shift(actor, request.till_id, stored)
        products = _products(merged, stored.products)
        differences: list[Difference] = []
    else:
        place, closed = _rung_place(conn, request, rung, stored)
        products, differences = rung_products(merged, stored.products)
        if closed is not None:
            differences.append(closed)
    products = _under_terms(products, merged, place.location_id, stored.terms)
    approval = request.approval
    if approval is not None and approval.approval_id in stored.used_approvals:
        if rung is None:
            raise approval_used_error()
        approval = None  # a rung sale happened: its discount is a manager's matter below
    changes_approver = _sale_approver(actor, approval, rung is not None)
    if rung is None:
        _check_price_changes(merged, products, changes_approver)
        if request.allow_short_stock and changes_approver is None:
            raise ForbiddenError(
                "approval.short_sale_required",
                "ขายสินค้าเกินจำนวนในระบบต้องให้ผู้จัดการอนุมัติ",
                field="approval_token",
            )
    else:  # an approved price change, with its reason, is not a difference to review
        approved = {m.product_id for m in merged if _approved_change(m, products, changes_approver)}
        differences = [d for d in differences if not _is_price_difference(d, approved)]
    priced = price_sale(
        [_line_input(m, products[m.product_id], changes_approver) for m in merged],
        request.cart_discount_satang,
    )
    if priced.subtotal_satang > MAX_AMOUNT_SATANG:  # a typo, or a hostile price: not a sale
        raise InvalidInputError(
            "sale.too_large",
            "ยอดขายก่อนส่วนลดเกิน {limit} บาท: ตรวจราคาและจำนวนอีกครั้ง",
            field="lines",
            limit=format_baht(MAX_AMOUNT_SATANG),
        )
    unapproved = (
        actor.role == Role.CASHIER
        and (request.approved_by_id is None or (approval is None and request.approval is not None))
        and needs_discount_approval(
            priced.subtotal_satang, priced.discount_satang, discount_approval_percent
        )
    )
    if unapproved and rung is not None:
        detail = {"discount_satang": priced.discount_satang, "percent": discount_approval_percent}
        differences.append(Difference(SaleExceptionKind.DISCOUNT_UNAPPROVED, detail))
    elif unapproved:
        raise ForbiddenError(
            "approval.discount_required",
            "ส่วนลดเกิน {percent}% ของยอดขาย ต้องให้ผู้จัดการอนุมัติ",
            field="approval_token",
            percent=discount_approval_percent,
        )
    payments = check_payment_requests(request.payments, rung=rung is not None)
    check_payments_cover(priced.total_satang, [p.amount_satang for p in payments])
    tenders = [
        cash_change(p.amount_satang, p.tendered_satang, f"payments[{i}]", bounded=rung is None)
        if p.method == "cash"
        else None
        for i, p in enumerate(payments)
    ]
    for i, tender in enumerate(tenders):  # rung: the change was given; a manager looks at it
        if tender is not None and change_too_large(tender.amount_satang, tender.tendered_satang):
            detail = {"payment": i, "tendered_satang": tender.tendered_satang}
            differences.append(Difference(SaleExceptionKind.CHANGE_TOO_LARGE, detail))
    received_at = None
    if rung is not None:
        received_at, now = now, min(now, rung_time(rung, now))
    if approval is not None:
        stored.used_approvals.add(approval.approval_id)
    return SalePlan(
        actor,
        now,
        key,
        digest,
        place.till_id,
        place.code,
        place.location_id,
        place.shift_id,
        priced,
        _line_rows(merged, products, priced, changes_approver),
        list(zip(payments, tenders, strict=True)),
        job.account,
        job.expiry,
        # Who approved the discount, unless its approval was dropped above (a rung sale's).
        None if approval is None and request.approval is not None else request.approved_by_id,
        rung,
        differences,
        _slips(conn, request, differences, stored.claimed_slips),
        received_at,
        approval,
        changes_approver if request.allow_short_stock else None,
    )


def _sale_approver(actor: Actor, approval: ApprovalGrant | None, rung: bool) -> int | None:
    """Who allowed what only a manager may (a changed price, a short sale): the manager of a
    ``sale`` approval, or the manager ringing the sale (not a rung one: whoever is signed in
    when the till's queue is sent did not ring it); None for a cashier without one."""
    if approval is not None and approval.action == SALE_APPROVAL:
        return approval.approver_id
    return actor.user_id if actor.role in MANAGERS and not rung else None


def _approved_change(
    m: MergedLine, products: Mapping[int, Mapping[Any, Any]], approver_id: int | None
) -> bool:
    """A line charged another price than the catalogue's, with its reason and a manager."""
    price = m.unit_price_satang
    listed = products[m.product_id]["price_satang"]
    return approver_id is not None and m.price_reason is not None and price not in (None, listed)


def _is_price_difference(d: Difference, approved: set[int]) -> bool:
    return d.kind == SaleExceptionKind.PRICE_DIFFERS and d.detail["product_id"] in approved


def _check_price_changes(
    merged: list[MergedLine], products: Mapping[int, Mapping[Any, Any]], approver_id: int | None
) -> None:
    """A price other than the catalogue's needs a manager (403) and a reason (422)."""
    for m in merged:
        product = products[m.product_id]
        if m.unit_price_satang is None or m.unit_price_satang == product["price_satang"]:
            continue
        where = f"lines[{m.first_index}]"
        if m.price_reason is None:
            raise InvalidInputError(
                "sale.price_reason_required",
                "เปลี่ยนราคา {name} ต้องบอกเหตุผล",
                field=f"{where}.price_reason",
                name=product["name_th"],
            )
        if approver_id is None:
            raise ForbiddenError(
                "approval.price_change_required",
                "เปลี่ยนราคา {name} จาก {listed} เป็น {charged} บาท ต้องให้ผู้จัดการอนุมัติ",
                field="approval_token",
                name=product["name_th"],
                listed=format_baht(product["price_satang"]),
                charged=format_baht(m.unit_price_satang),
            )


def _replay(
    conn: Connection,
    actor: Actor,
    key: str,
    digest: str,
    known: Mapping[str, KeyedSale] | None = None,
) -> SaleView | None:
    """The sale stored under the key (given ``known``, the keys looked up already), if any;
    to another user only when it is the same sale rung at a till again (check_key_holder)."""
    found = sale_id_for_key(conn, key) if known is None else known.get(key)
    if found is None:
        return None
    sale_id, stored_digest = found.sale_id, found.request_hash
    same_body = stored_digest == digest
    check_key_holder(actor, found.cashier_id, same_body=same_body, device_id=found.device_id)
    if not same_body:
        raise ConflictError(
            "idempotency.key_reused",
            "Idempotency-Key นี้เคยใช้กับคำขอที่มีเนื้อหาต่างกันแล้ว",
            field="Idempotency-Key",
            sale_id=sale_id,
        )
    return load_sale(conn, sale_id)


def _till_and_shift(actor: Actor, till_id: int, stored: _Stored) -> TillShift:
    if isinstance(till_id, bool) or not isinstance(till_id, int):
        raise InvalidInputError("till.id_invalid", "รหัสเครื่องขายต้องเป็นจำนวนเต็มบวก", field="till_id")
    return check_till_shift(actor, till_id, stored.tills.get(till_id), stored.held_shifts)


def _products(
    merged: list[MergedLine], found: Mapping[int, Mapping[Any, Any]]
) -> Mapping[int, Mapping[Any, Any]]:
    """The products, priced from the database, with the commission rate that applies."""
    for m in merged:
        row = found.get(m.product_id)
        where = f"lines[{m.first_index}].product_id"
        if row is None:
            raise InvalidInputError(
                "sale.product_not_found",
                "ไม่พบสินค้ารหัส {product_id}",
                field=where,
                product_id=m.product_id,
            )
        if not row["active"]:
            raise InvalidInputError(
                "sale.product_not_for_sale",
                "สินค้า {name} ({sku}) งดจำหน่ายแล้ว",
                field=where,
                sku=row["sku"],
                name=row["name_th"],
            )
    return found


def _under_terms(
    products: Mapping[int, Mapping[Any, Any]],
    merged: Sequence[MergedLine],
    location_id: int,
    terms: GoodsTerms,
) -> dict[int, Mapping[Any, Any]]:
    """The sale's products with the terms of the goods sold (the oldest here: they leave
    first) and the commission rate those terms give."""
    out: dict[int, Mapping[Any, Any]] = {}
    for m in merged:
        product = products[m.product_id]
        version = terms.of(location_id, m.product_id, product["entrepreneur_id"])
        rate = version.terms.commission_bp_for(
            product["list_price_satang"],
            product["category_id"],
            RateCard(product["category_bp"], product["entrepreneur_bp"]),
        )
        out[m.product_id] = {**product, "terms_id": version.id, "commission_bp": rate}
    return out


def _commission_bp(product: Mapping[Any, Any]) -> int:
    return int(product["commission_bp"])


def _rung_place(
    conn: Connection, request: CheckoutRequest, rung: Rung, stored: _Stored
) -> tuple[TillShift, Difference | None]:
    """The till and the shift a rung sale names: the shift must be the till's, but may have
    closed since (a difference, not a refusal); the receipt number must be one the till's
    device could issue."""
    till = stored.tills.get(request.till_id) if _whole(request.till_id) else None
    if till is None:
        raise InvalidInputError(
            "till.not_found",
            "ไม่พบเครื่องขาย {till_id}",
            field="till_id",
            till_id=request.till_id,
        )
    till_id, code, location_id = till[0], till[1], till[2]
    shift = (stored.rung_shifts or {}).get(rung.shift_id)
    if shift is None or shift[0] != till_id:
        raise InvalidInputError(
            "sale.rung_shift_unknown",
            "ไม่พบกะ {shift_id} ของเครื่องขาย {till}",
            field="rung.shift_id",
            shift_id=rung.shift_id,
            till=code,
        )
    check_issued(conn, till_id, rung.device_id, rung.receipt_seq)
    _, still_open, z_number = shift
    closed = None
    if not still_open:
        closed = Difference(
            SaleExceptionKind.SHIFT_CLOSED, {"shift_id": rung.shift_id, "z_number": z_number}
        )
    return TillShift(till_id, code, location_id, rung.shift_id), closed


RUNG_WITHIN = timedelta(days=90)  # a till offline longer than a season is not a till


def rung_time(rung: Rung, now: datetime) -> datetime:
    """When a rung sale happened by the server's clock: the till's clock and its known offset,
    within a season before now (and not after it: a fast clock counts as now)."""
    rung_at = rung.rung_at
    if (
        not isinstance(rung_at, datetime)
        or rung_at.tzinfo is None
        or not (now - RUNG_WITHIN <= rung_at <= now + RUNG_WITHIN)
    ):
        raise InvalidInputError(
            "sale.rung_time_invalid",
            "เวลาที่เครื่องขายบันทึกการขายต้องอยู่ภายใน {days} วันก่อนเวลานี้",
            field="rung.rung_at",
            days=RUNG_WITHIN.days,
        )
    return min(now, rung.server_time)


def _slips(
    conn: Connection, request: CheckoutRequest, differences: list[Difference], claimed: set[str]
) -> list[str | None]:
    """The slips' identities of a rung sale's PromptPay payments (None: seen by eye). A slip
    that confirmed another payment (a known fraud) is not a refusal of what already happened:
    the payment stands as seen by eye, and a manager is told."""
    slips: list[str | None] = []
    for p in request.payments:
        slip = None if p.slip_payload is None else slip_reference(p.slip_payload)
        if slip is not None:
            used = slip_used_by(conn, slip)  # both compared as the banks write them
            key = promptpay.slip_key(slip)
            if used is not None or key in claimed:
                detail = {"slip_ref": slip, "reference": p.reference, "used_by_payment_id": used}
                differences.append(Difference(SaleExceptionKind.SLIP_REUSED, detail))
                slip = None
            else:
                claimed.add(key)
        slips.append(slip)
    return slips


def _changed_price(
    m: MergedLine, product: Mapping[Any, Any], approver_id: int | None
) -> int | None:
    """The catalogue's price of a line sold at another price a manager approved with a reason
    (a rung sale's other price without them is a difference, charged as it was); else None."""
    if approver_id is None or m.price_reason is None:
        return None
    if m.unit_price_satang in (None, product["price_satang"]):
        return None
    return int(product["price_satang"])


def _line_input(
    m: MergedLine, product: Mapping[Any, Any], approver_id: int | None = None
) -> LineInput:
    return LineInput(
        unit_price_satang=product["price_satang"]
        if m.unit_price_satang is None
        else m.unit_price_satang,
        quantity=m.quantity,
        commission_bp=_commission_bp(product),
        vat_applicable=bool(product["vat_applicable"]),
        discount_satang=m.discount_satang,
        list_price_satang=_changed_price(m, product, approver_id),
    )


def _line_rows(
    merged: list[MergedLine],
    products: Mapping[int, Mapping[Any, Any]],
    priced: PricedSale,
    changes_approver: int | None = None,
) -> list[dict[str, Any]]:
    """The sale's lines, snapshotting each product's name, SKU, price and entrepreneur."""
    lines = []
    for line_no, (m, p) in enumerate(zip(merged, priced.lines, strict=True), start=1):
        product = products[m.product_id]
        lines.append(
            {
                "line_no": line_no,
                "product_id": m.product_id,
                "entrepreneur_id": product["entrepreneur_id"],
                "sku": product["sku"],
                "barcode": product["barcode"],
                "name_th": product["name_th"],
                "name_en": product["name_en"],
                "unit_price_satang": (
                    product["price_satang"] if m.unit_price_satang is None else m.unit_price_satang
                ),
                "quantity": m.quantity,
                "discount_satang": p.discount_satang,
                "cart_discount_satang": p.cart_discount_satang,
                "line_total_satang": p.line_total_satang,
                "commission_bp": _commission_bp(product),
                "commission_satang": p.commission_satang,
                "net_satang": p.net_satang,
                "vat_applicable": bool(product["vat_applicable"]),
                "vat_included_satang": p.vat_included_satang,
                "line_discount_bearer": p.line_discount_bearer.value,
                "cart_discount_bearer": p.cart_discount_bearer.value,
                "terms_id": product["terms_id"],
                "markdown_bp": product["markdown_bp"]
                if m.unit_price_satang in (None, product["price_satang"])
                else 0,
                **_price_change(m, product, changes_approver),
            }
        )
    return lines


def _price_change(
    m: MergedLine, product: Mapping[Any, Any], approver_id: int | None
) -> dict[str, Any]:
    """A line's price change as stored: the catalogue's price, the reason and who approved it
    (all None for a line sold at the catalogue's price, or rung at the till)."""
    listed = _changed_price(m, product, approver_id)
    return {
        "list_price_satang": listed,
        "price_reason": None if listed is None else m.price_reason,
        "price_approved_by_id": None if listed is None else approver_id,
    }
