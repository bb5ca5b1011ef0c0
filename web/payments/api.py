"""Payments over JSON: create (cash or PromptPay), read and wait, the live stream, the QR,
manual confirmation, cancel, the bank callback, and the exceptions managers resolve.

The callback is public (it proves itself by signature) and exempt from CSRF; everything else
is for staff, the exceptions for managers. The stream and the long poll read the database,
never process memory, so a confirmation seen by any worker reaches every till.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import ServerSentEvent, ServerSentEventMessage

from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import ConflictError, DomainError, NotFoundError
from payments.lifecycle import (
    ExceptionView,
    OutcomeKind,
    PaymentView,
    ReceivingAccount,
    SlipReusedError,
    cancel_payment,
    check_account,
    create_payment,
    get_payment,
    list_exceptions,
    record_slip_refused,
    resolve_exception,
)
from payments.qr import payload_png, payload_svg
from payments.status import FINAL, PaymentStatus
from payments.webhook import SignatureError, WebhookFormatError, parse_event, verify
from pos.completion.by_payment import confirm_by_cashier, confirm_webhook
from pos.completion.voided_money import complete_voided_sale
from web.accounts.auth import managers_only, staff_only
from web.errors import error_body, language
from web.payments.schemas import ConfirmIn, PaymentIn, ResolveIn
from web.schemas import OptionalBody
from web.settings import Settings

MAX_WAIT_SECONDS = 30
POLL_SECONDS = 0.25
STREAM_SECONDS = 15 * 60  # a till reconnects by itself after this
KEEPALIVE_SECONDS = 15
NO_STORE = {"cache-control": "no-store"}
log = logging.getLogger("otop.payments")


@lru_cache(maxsize=4)
def _checked(
    promptpay_id: str | None, biller_id: str | None, name: str, city: str
) -> ReceivingAccount:
    return check_account(promptpay_id, biller_id, name, city)


def receiving_account(settings: Settings) -> ReceivingAccount:
    """The centre's account from the settings (checked once at start-up, cached here)."""
    return _checked(
        settings.receiving_promptpay_id or None,
        settings.promptpay_biller_id,
        settings.merchant_name,
        settings.merchant_city,
    )


def read_payment(db: Database, payment_id: int, now: datetime) -> PaymentView:
    with db.read() as conn:
        return get_payment(conn, payment_id, now)


async def _status_stream(
    db: Database, clock: Clock, payment_id: int
) -> AsyncIterator[ServerSentEventMessage]:
    last: str | None = None
    started = quiet_since = time.monotonic()
    while time.monotonic() - started < STREAM_SECONDS:
        view = read_payment(db, payment_id, clock.now())
        if view.status != last:
            last, quiet_since = view.status, time.monotonic()
            yield ServerSentEventMessage(data=_status_json(view), event="status", id=view.version)
            if view.status in FINAL:
                return
        elif time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
            quiet_since = time.monotonic()
            yield ServerSentEventMessage(comment="keep-alive")
        await asyncio.sleep(POLL_SECONDS)


def _status_json(view: PaymentView) -> str:
    return json.dumps(
        {
            "id": view.id,
            "status": view.status,
            "confirmation": view.confirmation,
            "confirmed_at": view.confirmed_at.isoformat() if view.confirmed_at else None,
            "version": view.version,
        }
    )


def _qr_payload(db: Database, payment_id: int, now: datetime) -> str:
    view = read_payment(db, payment_id, now)
    if view.payload is None:
        raise NotFoundError("payment.qr_cash", "การชำระเงินสดไม่มี QR", field="payment_id")
    if view.status != PaymentStatus.PENDING:
        # A QR for a finished payment would invite the customer to pay twice.
        raise ConflictError(
            "payment.qr_not_pending",
            "การชำระนี้อยู่ในสถานะ {status} จึงไม่มี QR ให้จ่าย",
            field="status",
            status=view.status,
        )
    return view.payload


_WEBHOOK_STATUS = {
    OutcomeKind.CONFIRMED: 200,
    OutcomeKind.MATCHED: 200,
    OutcomeKind.DUPLICATE: 200,
    OutcomeKind.UNKNOWN_REFERENCE: 404,
    OutcomeKind.AMOUNT_MISMATCH: 422,
    OutcomeKind.NOT_PENDING: 409,
    OutcomeKind.TRANSACTION_REUSED: 409,
    OutcomeKind.SALE_VOIDED: 409,
}


async def handle_webhook(
    db: Database,
    now: datetime,
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    lang: str = "en",
) -> tuple[int, dict[str, Any]]:
    """Verify, read and apply one callback; the answer's status and body (its ``detail`` in
    ``lang``; ``outcome`` says what happened, for the bank's program).

    401 bad or stale signature; 400 malformed body; 200 confirmed (its sale completed in the
    same transaction when paid in full) or a repeat (nothing changes); 404 unknown reference;
    422 amount mismatch; 409 not pending / transaction reused / sale voided (an exception for
    a manager). Every signed callback is recorded, whatever the answer."""
    try:
        verify(secret, timestamp, signature, body, now)
    except SignatureError as error:
        log.warning("payment callback refused: %s", error)
        untrusted = DomainError(
            "webhook.untrusted", "ไม่รับการแจ้งชำระเงินนี้ เพราะ: {reason}", reason=str(error)
        )
        return 401, error_body(401, untrusted, lang)
    try:
        event = parse_event(body)
    except WebhookFormatError as error:
        malformed = DomainError(
            "webhook.malformed",
            "ข้อมูลการแจ้งชำระเงินไม่ถูกรูปแบบ: {reason}",
            field=error.field,
            reason=error.message,
        )
        return 400, error_body(400, malformed, lang)
    outcome = await db.writer.run(lambda conn: confirm_webhook(conn, now, event))
    status = _WEBHOOK_STATUS[outcome.kind]
    payment = outcome.payment
    answered = DomainError(
        "webhook.answered",
        "ผลการแจ้งชำระเงิน ({outcome}): {reason}",
        outcome=outcome.kind.value,
        reason=outcome.message,
    )
    return status, error_body(
        status,
        answered,
        lang,
        payment_id=payment.id if payment else None,
        payment_status=payment.status if payment else None,
        exception_id=outcome.exception_id,
    )


# A callback is a few hundred bytes; the endpoint is open to anyone who can reach it, so a
# larger body is refused (413) before it is read whole, let alone hashed.
WEBHOOK_MAX_BODY_BYTES = 16 * 1024


class PaymentsApi(Controller):
    """Payments, the bank's callback and the exceptions queue."""

    path = "/api/v1"

    @post("/payments", guards=[staff_only], status_code=201)
    async def payment_create(
        self,
        data: JSONBody[PaymentIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> PaymentView:
        """A PromptPay payment (pending, with its QR payload and expiry) or a cash one
        (confirmed)."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: create_payment(
                conn,
                actor,
                now,
                amount_satang=data.amount_satang,
                method=data.method,
                sale_id=data.sale_id,
                account=receiving_account(settings),
                expiry=timedelta(minutes=settings.payment_expiry_minutes),
            )
        )

    @get("/payments/{payment_id:int}", guards=[staff_only])
    async def payment_show(
        self,
        payment_id: FromPath[int],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
        wait: FromQuery[int] = 0,
        status: FromQuery[str | None] = None,
    ) -> Response[PaymentView]:
        """The payment. Long poll: ``?wait=10&status=pending`` answers as soon as the status is no
        longer ``status`` (default: the status when asked), or after ``wait`` seconds (max 30)."""
        view = read_payment(db, payment_id, clock.now())
        seen = status or view.status
        deadline = time.monotonic() + max(0, min(wait, MAX_WAIT_SECONDS))
        while view.status == seen and time.monotonic() < deadline:
            await asyncio.sleep(POLL_SECONDS)
            view = read_payment(db, payment_id, clock.now())
        return Response(view, headers=NO_STORE)

    @get(
        "/payments/{payment_id:int}/events",
        guards=[staff_only],
        media_type="text/event-stream",
    )
    async def payment_events(
        self,
        payment_id: FromPath[int],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
    ) -> ServerSentEvent:
        """Server-sent events: ``status`` with the payment's status, when it changes; the stream
        ends once the status is final (or after 15 minutes; EventSource then reconnects)."""
        read_payment(db, payment_id, clock.now())  # 404 before the stream starts
        return ServerSentEvent(_status_stream(db, clock, payment_id), headers=NO_STORE)

    @get(
        "/payments/{payment_id:int}/qr.svg",
        sync_to_thread=False,
        guards=[staff_only],
        media_type="image/svg+xml",
    )
    def payment_qr_svg(
        self,
        payment_id: FromPath[int],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
    ) -> Response[str]:
        """The payment's QR as SVG (pending payments only)."""
        svg = payload_svg(_qr_payload(db, payment_id, clock.now()))
        return Response(svg, media_type="image/svg+xml", headers=NO_STORE)

    @get(
        "/payments/{payment_id:int}/qr.png",
        sync_to_thread=True,
        guards=[staff_only],
        media_type="image/png",
    )
    def payment_qr_png(
        self,
        payment_id: FromPath[int],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
    ) -> Response[bytes]:
        """The payment's QR as PNG (pending payments only)."""
        png = payload_png(_qr_payload(db, payment_id, clock.now()))
        return Response(png, media_type="image/png", headers=NO_STORE)

    @post(
        "/payments/{payment_id:int}/confirm",
        guards=[staff_only],
        status_code=200,
        operation_class=OptionalBody,
    )
    async def payment_confirm(
        self,
        payment_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        data: JSONBody[ConfirmIn | None] = None,
    ) -> PaymentView:
        """A cashier confirms having seen the money; ``slip_payload`` is the slip's mini-QR text.
        The payment's sale completes in the same transaction when this pays it in full. A slip
        already accepted for any payment is refused (409) and the refusal recorded."""
        now = clock.now()
        slip = (
            data.slip_payload if data and data.slip_payload and data.slip_payload.strip() else None
        )
        try:
            return await db.writer.run(
                lambda conn: confirm_by_cashier(conn, actor, now, payment_id, slip)
            )
        except SlipReusedError as error:
            refused = error  # recorded in a transaction of its own: the refusal rolled back
            await db.writer.run(lambda conn: record_slip_refused(conn, actor, now, refused))
            raise

    @post(
        "/payments/{payment_id:int}/cancel",
        guards=[staff_only],
        status_code=200,
    )
    async def payment_cancel(
        self,
        payment_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> PaymentView:
        """Withdraw a pending payment; a final one answers 409."""
        now = clock.now()
        return await db.writer.run(lambda conn: cancel_payment(conn, actor, now, payment_id))

    @post("/payments/webhook", status_code=200, request_max_body_size=WEBHOOK_MAX_BODY_BYTES)
    async def payments_webhook(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Response[dict[str, Any]]:
        """The bank/gateway callback: JSON ``{reference, amount_satang, transaction_id, paid_at}``,
        headers ``X-Timestamp`` (Unix seconds) and ``X-Signature: sha256=<hex HMAC-SHA256 of
        timestamp + "." + raw body>``. A stale timestamp (over 5 minutes) is a 401 like a bad
        signature: either way the request cannot be trusted."""
        body = await request.body()
        status, content = await handle_webhook(
            db,
            clock.now(),
            settings.hook_secret,
            request.headers.get("x-timestamp"),
            request.headers.get("x-signature"),
            body,
            language(request),
        )
        return Response(content, status_code=status, media_type=MediaType.JSON)

    @get("/payments/exceptions", sync_to_thread=True, guards=[managers_only])
    def payment_exceptions(
        self,
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        open_only: FromQuery[bool] = True,
        limit: FromQuery[int] = 100,
        offset: FromQuery[int] = 0,
    ) -> list[ExceptionView]:
        """Money that confirmed nothing, newest first (``open_only=false`` includes resolved)."""
        with db.read() as conn:
            return list_exceptions(conn, actor, open_only=open_only, limit=limit, offset=offset)

    @post(
        "/payments/exceptions/{exception_id:int}/resolve",
        guards=[managers_only],
        status_code=200,
    )
    async def payment_exception_resolve(
        self,
        exception_id: FromPath[int],
        data: JSONBody[ResolveIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> ExceptionView:
        """Close an exception with what was done about it (returned, accepted, ...). For money
        paid for a voided sale, ``action: complete_sale`` completes the sale after all (stock
        taken again, receipt number, ledger entry; 409 naming short lines when the goods are
        gone, or when the money does not pay the sale)."""
        now = clock.now()
        if data.action == "complete_sale":
            return await db.writer.run(
                lambda conn: complete_voided_sale(conn, actor, now, exception_id, data.resolution)
            )
        return await db.writer.run(
            lambda conn: resolve_exception(conn, actor, now, exception_id, data.resolution)
        )
