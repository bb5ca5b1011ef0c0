"""Sales over JSON: checkout (exactly once, by Idempotency-Key), read, complete; tills and
shifts.

Checkout is ``async`` and runs its unit of work on the single writer (group commit), so the
event loop never blocks on the database and many tills' sales share one commit. A replay of
an earlier request (same key, same body) answers **200** with the same sale and the header
``Idempotency-Replayed: true``; a first answer is 201. The same key with another body is 409.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import DomainError, NotFoundError
from pos.approvals import ApprovalGrant
from pos.checkout.queries import SaleView, find_by_receipt, get_sale
from pos.checkout.requests import (
    IDEMPOTENCY_KEY,
    CheckoutRequest,
    LineRequest,
    PaymentRequest,
    Rung,
)
from pos.checkout.sale_exceptions import (
    SaleExceptionView,
    list_sale_exceptions,
    resolve_sale_exception,
)
from pos.checkout.service import CheckoutJob, checkout_many
from pos.checkout.voids import void_sale
from pos.completion.by_payment import complete_if_paid
from pos.completion.rest import take_rest
from pos.tills.leases import LeaseView, check_device_id, lease_block, open_leases
from pos.tills.service import (
    ShiftView,
    TillView,
    create_till,
    current_shift,
    list_tills,
    register_till_machine,
)
from pos.tills.service import open_shift as open_shift_service
from web.accounts.approvals import (
    ApprovalAction,
    action_of,
    approver_of,
    discount_subject,
    sale_subject,
)
from web.accounts.auth import managers_only, staff_only
from web.errors import BadRequestError
from web.payments.api import receiving_account
from web.schemas import IdempotentCreate
from web.settings import Settings
from web.till.schemas import (
    LeaseIn,
    ResolutionIn,
    RestIn,
    SaleIn,
    ShiftIn,
    TillIn,
    TillRegistrationIn,
)

REPLAYED = {"Idempotency-Replayed": "true"}


def idempotency_key(request: Request[Any, Any, Any]) -> str:
    """The header, or 400 naming it."""
    key = request.headers.get("idempotency-key")
    if key is None:
        raise BadRequestError(
            "request.idempotency_key_missing",
            "ต้องส่งหัวข้อ Idempotency-Key มากับคำขอ",
            field="Idempotency-Key",
        )
    if not IDEMPOTENCY_KEY.match(key):
        raise BadRequestError(
            "request.idempotency_key_malformed",
            "Idempotency-Key ต้องยาว 8-100 ตัวอักษร ใช้ได้เฉพาะ A-Z, a-z, 0-9, '_' และ '-'",
            field="Idempotency-Key",
        )
    return key


def discount_of(data: SaleIn) -> str:
    """The subject a discount approval must name for this sale."""
    lines = ((ln.product_id, ln.quantity, ln.discount_satang) for ln in data.lines)
    return discount_subject(lines, data.cart_discount_satang)


def sale_of(data: SaleIn) -> str:
    """The subject a sale approval must name for this sale."""
    lines = (
        (ln.product_id, ln.quantity, ln.discount_satang, ln.unit_price_satang, ln.price_reason)
        for ln in data.lines
    )
    return sale_subject(lines, data.cart_discount_satang, data.allow_short_stock)


def checkout_request(data: SaleIn, approval: ApprovalGrant | None = None) -> CheckoutRequest:
    rung = data.rung
    return CheckoutRequest(
        till_id=data.till_id,
        lines=tuple(
            LineRequest(
                ln.product_id,
                ln.quantity,
                ln.discount_satang,
                ln.unit_price_satang,
                ln.price_reason,
            )
            for ln in data.lines
        ),
        payments=tuple(
            PaymentRequest(
                p.method,
                p.amount_satang,
                getattr(p, "tendered_satang", None),
                getattr(p, "reference", None),
                getattr(p, "slip_payload", None),
                getattr(p, "card_last4", None),
                getattr(p, "approval_code", None),
                getattr(p, "tender_name", None),
                getattr(p, "tender_ref", None),
            )
            for p in data.payments
        ),
        cart_discount_satang=data.cart_discount_satang,
        approved_by_id=None if approval is None else approval.approver_id,
        approval=approval,
        allow_short_stock=data.allow_short_stock,
        rung=None
        if rung is None
        else Rung(
            rung.receipt_seq, rung.device_id, rung.rung_at, rung.clock_skew_ms, rung.shift_id
        ),
    )


class SalesApi(Controller):
    """Sales, tills and shifts as the till reaches them."""

    path = "/api/v1"

    @post("/sales", guards=[staff_only], status_code=201, operation_class=IdempotentCreate)
    async def sale_create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[SaleIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Response[SaleView]:
        """Checkout, all or nothing: 201 with the sale (``completed`` with its receipt number when
        paid in cash; ``pending_payment`` with each PromptPay payment's QR otherwise); a replay 200
        with ``Idempotency-Replayed: true``; short stock 409 listing every short line.

        A sale rung at the till (``rung``: from its queue, maybe after an outage) is a fact:
        recorded ``completed`` with the receipt number the till issued from its block, the
        prices it charged and the shift it was rung in. A price changed since, stock the books
        did not have or a shift closed meanwhile become sale exceptions for a manager
        (``GET /api/v1/sale-exceptions``), never a refusal.

        A manager's ``sale`` approval (``approval_token``, POST /api/v1/approvals naming this
        cart) allows what only a manager may: a line's price changed (``unit_price_satang``
        with ``price_reason``; 403 ``approval.price_change_required`` without one), and, with
        ``allow_short_stock``, lines short of the books sold all the same (the stock goes below
        zero and a ``stock_below_zero`` sale exception asks for a count; 403
        ``approval.short_sale_required`` without one). Used once."""
        key = idempotency_key(request)
        now = clock.now()
        # A rung sale's approval was valid when the manager gave it at the till (and it is
        # used once, so an old token cannot backdate another sale).
        approved_at = now if data.rung is None else min(now, data.rung.rung_at)
        whole_cart = action_of(data.approval_token) == ApprovalAction.SALE
        try:
            approval = approver_of(
                settings.secret,
                data.approval_token,
                action=ApprovalAction.SALE if whole_cart else ApprovalAction.DISCOUNT,
                cashier_id=actor.user_id,
                subject=sale_of(data) if whole_cart else discount_of(data),
                now=approved_at,
            )
        except DomainError:
            if data.rung is None:
                raise
            # A rung sale happened: a discount it could not prove approved is a manager's
            # matter (a sale exception), not a sale lost in the till's queue.
            approval = None
        job = CheckoutJob(
            actor=actor,
            now=now,
            request=checkout_request(data, approval),
            idempotency_key=key,
            account=receiving_account(settings),
            expiry=timedelta(minutes=settings.payment_expiry_minutes),
            discount_approval_percent=settings.discount_approval_percent,
        )
        # The writer hands every checkout queued meanwhile to checkout_many together.
        view, replayed = await db.writer.run_batched(checkout_many, job)
        if replayed:
            return Response(view, status_code=200, headers=REPLAYED)
        return Response(view, status_code=201)

    @get("/sales/{sale_id:int}", sync_to_thread=False, guards=[staff_only])
    def sale_show(
        self,
        sale_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> SaleView:
        """The sale with its lines and payments (a QR past its expiry reads as expired)."""
        with db.read() as conn:
            return get_sale(conn, actor, sale_id, clock.now())

    @post("/sales/{sale_id:int}/payments", guards=[staff_only], status_code=200)
    async def sale_take_rest(
        self,
        sale_id: FromPath[int],
        data: JSONBody[RestIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> SaleView:
        """Take what is still due on a pending sale (a QR expired or withdrawn after another was
        paid): ``cash`` completes it at once (change as at checkout); ``promptpay`` gives a new QR
        for exactly the rest. A QR still pending for the sale is withdrawn first. 409 when the
        sale no longer waits for payment."""
        now = clock.now()
        account = receiving_account(settings)
        expiry = timedelta(minutes=settings.payment_expiry_minutes)
        return await db.writer.run(
            lambda conn: take_rest(
                conn,
                actor,
                now,
                sale_id,
                method=data.method,
                tendered_satang=data.tendered_satang,
                account=account,
                expiry=expiry,
            )
        )

    @post("/sales/{sale_id:int}/complete", guards=[staff_only], status_code=200)
    async def sale_complete(
        self,
        sale_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> SaleView:
        """Complete a pending sale whose confirmed payments add up to its total; otherwise the sale
        as it is. Idempotent. Kept for clients: a payment's confirmation completes its sale in the
        same transaction, so the till no longer calls this."""
        now = clock.now()
        return await db.writer.run(lambda conn: complete_if_paid(conn, now, sale_id, actor=actor))

    @get("/sales", sync_to_thread=False, guards=[staff_only])
    def sale_find(
        self,
        receipt_number: FromQuery[Annotated[str, Parameter(min_length=1, max_length=32)]],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> list[SaleView]:
        """The sale printed with a receipt number (an empty list when there is none); each line
        says how much of it was refunded already."""
        with db.read() as conn:
            return find_by_receipt(conn, actor, receipt_number)

    @post("/sales/{sale_id:int}/void", guards=[staff_only], status_code=200)
    async def sale_void(
        self,
        sale_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> SaleView:
        """Void a sale still waiting for its payment: its pending payments are cancelled and its
        stock returned (idempotent). A PromptPay part already confirmed is recorded as owed back
        to the customer (a ``refund_owed`` exception for a manager). A completed sale answers
        409: refund it instead."""
        now = clock.now()
        return await db.writer.run(lambda conn: void_sale(conn, actor, now, sale_id))

    @post("/tills", guards=[managers_only], status_code=201)
    async def till_create(
        self,
        data: JSONBody[TillIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> TillView:
        """Register a till at a location (its code is printed on every receipt)."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: create_till(
                conn, actor, now, code=data.code, name=data.name, location_id=data.location_id
            )
        )

    @patch("/tills/{till_id:int}", guards=[managers_only])
    async def till_register(
        self,
        till_id: FromPath[int],
        data: JSONBody[TillRegistrationIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> TillView:
        """Set (or clear) the till's Revenue Department POS registration number."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: register_till_machine(conn, actor, now, till_id, data.pos_registration)
        )

    @get("/tills", sync_to_thread=False, guards=[staff_only])
    def till_index(self, db: NamedDependency[Database]) -> list[TillView]:
        with db.read() as conn:
            return list_tills(conn)

    @post("/shifts", guards=[staff_only], status_code=201)
    async def shift_open(
        self,
        data: JSONBody[ShiftIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> ShiftView:
        """Open a shift on a till for the signed-in user (409 when the till has one open; 409
        ``till.not_registered`` when a VAT-registered centre's till has no POS number, outside
        demo mode)."""
        now = clock.now()
        required = settings.vat_registered and not settings.demo
        return await db.writer.run(
            lambda conn: open_shift_service(
                conn,
                actor,
                now,
                data.till_id,
                data.opening_float_satang,
                data.denominations,
                registration_required=required,
            )
        )

    @get("/shifts/current", sync_to_thread=False, guards=[staff_only])
    def shift_current(self, till_id: FromQuery[int], db: NamedDependency[Database]) -> ShiftView:
        """The till's open shift; 404 when none is open."""
        with db.read() as conn:
            shift = current_shift(conn, till_id)
        if shift is None:
            raise NotFoundError(
                "shift.current_none",
                "เครื่อง {till_id} ยังไม่มีกะที่เปิดอยู่",
                field="till_id",
                till_id=till_id,
            )
        return shift

    @post("/tills/{till_id:int}/receipt-blocks", guards=[staff_only], status_code=201)
    async def receipt_block_lease(
        self,
        till_id: FromPath[int],
        data: JSONBody[LeaseIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> LeaseView:
        """Lease the device a block of the till's receipt numbers (``size``, 50 by default), so
        that it numbers its sales itself, offline too. 409 when it holds enough already."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: lease_block(conn, actor, now, till_id, data.device_id, data.size)
        )

    @get("/tills/{till_id:int}/receipt-blocks", sync_to_thread=False, guards=[staff_only])
    def receipt_block_index(
        self,
        till_id: FromPath[int],
        device_id: FromQuery[Annotated[str, Parameter(min_length=8, max_length=64)]],
        db: NamedDependency[Database],
    ) -> list[LeaseView]:
        """The device's blocks not yet closed (a device that lost its local copy asks)."""
        with db.read() as conn:
            return open_leases(conn, till_id, check_device_id(device_id))

    @get("/sale-exceptions", sync_to_thread=False, guards=[staff_only])
    def sale_exception_index(
        self,
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        include_resolved: FromQuery[bool] = False,
    ) -> list[SaleExceptionView]:
        """What sales rung at the till found different on arrival (price, stock, a closed
        shift, a used slip), newest first; the open ones unless ``include_resolved``."""
        with db.read() as conn:
            return list_sale_exceptions(conn, actor, open_only=not include_resolved)

    @post("/sale-exceptions/{exception_id:int}/resolve", guards=[managers_only], status_code=200)
    async def sale_exception_resolve(
        self,
        exception_id: FromPath[int],
        data: JSONBody[ResolutionIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> SaleExceptionView:
        """A manager says what was done (counted the shelf, accepted the price)."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: resolve_sale_exception(conn, actor, now, exception_id, data.resolution)
        )
