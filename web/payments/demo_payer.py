"""Demo mode only: a "customer phone" that scans a payment's QR and pays it, so that the whole
flow can be watched without a bank.

Paying builds the bank's callback for the amount the QR asks, signs it with the webhook
secret and hands it to the same code path as ``POST /api/v1/payments/webhook`` (signature
check included): the till sees the confirmation exactly as it would from a bank. The page
asks for a signed-in user (any role) rather than being public, so a demo left running on a
network cannot be used by strangers to mark payments paid. Outside demo mode: 404.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import NotFoundError
from payments.lifecycle import PaymentView, get_payment
from payments.models import Payment
from payments.qr import payload_svg
from payments.records import row_by
from payments.status import PaymentStatus
from payments.webhook import sign
from web.accounts.auth import signed_in
from web.pages import page, page_language
from web.payments.api import handle_webhook
from web.payments.pages import decoded
from web.settings import Settings


def _demo_payment(db: Database, clock: Clock, settings: Settings, reference: str) -> PaymentView:
    if not settings.demo:
        raise NotFoundError("demo_payer.off", "หน้าจ่ายเงินจำลองมีเฉพาะในโหมดสาธิต")
    with db.read() as conn:
        row = row_by(conn, Payment.reference, reference)
        if row is None or row["payload"] is None:
            raise NotFoundError(
                "demo_payer.unknown_reference",
                "ไม่มีการชำระพร้อมเพย์เลขอ้างอิง {reference}",
                field="reference",
                reference=reference[:40],
            )
        return get_payment(conn, row["id"], clock.now())


def _render(request: Request[Any, Any, Any], payment: PaymentView, **extra: Any) -> Template:
    assert payment.payload is not None
    pending = payment.status == PaymentStatus.PENDING
    return page(
        request,
        "payments/demo_pay.html",
        payment=payment,
        qr=decoded(payment.payload),
        qr_svg=payload_svg(payment.payload) if pending else None,
        **extra,
    )


class DemoPayer(Controller):
    """The demo bank: pays a PromptPay QR (demo mode only)."""

    path = "/demo/pay"
    guards = [signed_in]

    @get("/{reference:str}", sync_to_thread=False, include_in_schema=False)
    def demo_pay_page(
        self,
        request: Request[Any, Any, Any],
        reference: FromPath[str],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Template:
        """The banking app's "confirm transfer" screen for the payment's QR."""
        return _render(request, _demo_payment(db, clock, settings, reference), result=None)

    @post("/{reference:str}", include_in_schema=False)
    async def demo_pay(
        self,
        request: Request[Any, Any, Any],
        reference: FromPath[str],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Template:
        """Pay: the bank's signed callback for what the QR asks, through the webhook's code path."""
        payment = _demo_payment(db, clock, settings, reference)
        assert payment.payload is not None
        qr = decoded(payment.payload)
        now = clock.now()
        body = json.dumps(
            {
                "reference": qr["reference"],
                "amount_satang": qr["amount_satang"],
                "transaction_id": "DEMO" + secrets.token_hex(8).upper(),
                "paid_at": now.isoformat(),
            }
        ).encode()
        timestamp = str(int(now.timestamp()))
        signature = sign(settings.hook_secret, timestamp, body)
        status, answer = await handle_webhook(
            db, now, settings.hook_secret, timestamp, signature, body, page_language(request)
        )
        response = _render(
            request,
            _demo_payment(db, clock, settings, reference),
            result={"ok": status == 200, "status": status, "detail": answer.get("detail", "")},
        )
        response.status_code = 200 if status == 200 else 409
        return response
