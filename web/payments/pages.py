"""Staff pages to try a payment before the till exists: take an amount, show the QR with a
countdown, and watch the status turn paid by itself (server-sent events). The till issue
reuses the pieces: ``payments/_qr_panel.html`` and ``/static/payments.js``. Managers also get
the list of payment exceptions to resolve."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import DomainError, InvalidInputError
from kernel.i18n import N_
from payments import promptpay
from payments.lifecycle import create_payment, events_of, get_payment, list_exceptions
from payments.qr import payload_svg
from payments.references import reference_in
from payments.status import PaymentStatus
from web.accounts.auth import managers_only, staff_only
from web.pages import form_baht, page, redirect, said
from web.payments.api import receiving_account
from web.payments.schemas import NewPaymentForm
from web.settings import Settings

# What each kind of exception means, for the manager's queue (the page translates it).
EXCEPTION_KINDS = {
    "amount_mismatch": N_("ยอดที่โอนไม่ตรง"),
    "paid_not_pending": N_("ชำระหลังหมดอายุหรือชำระครบแล้ว"),
    "transaction_reused": N_("รายการโอนซ้ำ"),
    "paid_sale_voided": N_("ชำระให้การขายที่ยกเลิกแล้ว"),
    "refund_owed": N_("ต้องโอนคืนลูกค้า (ยกเลิกการขาย)"),
}


def decoded(payload: str) -> dict[str, Any]:
    """What a banking app shows after scanning: amount, reference and the receiving account."""
    qr = promptpay.parse(payload)
    account = qr.biller_id if qr.kind == "bill_payment" else qr.proxy_value
    return {
        "kind": qr.kind,
        "amount_satang": qr.amount_satang,
        "reference": reference_in(qr),
        "account": account or "",
        "account_type": qr.proxy_type or ("biller_id" if qr.biller_id else ""),
        "merchant_name": qr.merchant_name or "",
        "merchant_city": qr.merchant_city or "",
    }


def _refused(request: Request[Any, Any, Any], data: NewPaymentForm, error: DomainError) -> Template:
    """The form again, with what was wrong (422), in the page's language."""
    response = page(
        request,
        "payments/new.html",
        error=said(request, error),
        amount=data.amount,
        method=data.method,
    )
    response.status_code = 422
    return response


class PaymentPages(Controller):
    """Taking a PromptPay payment from a page."""

    path = "/admin/payments"

    @get("/new", sync_to_thread=False, guards=[staff_only], include_in_schema=False)
    def new_payment_page(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "payments/new.html", error=None, amount="", method="promptpay")

    @post("/new", guards=[staff_only], include_in_schema=False)
    async def new_payment_form(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[NewPaymentForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        """Amount in baht (e.g. 150 or 150.25) -> a payment -> its page."""
        try:
            amount_satang = form_baht(data.amount, "amount")
            now = clock.now()
            payment = await db.writer.run(
                lambda conn: create_payment(
                    conn,
                    actor,
                    now,
                    amount_satang=amount_satang,
                    method=data.method,
                    account=receiving_account(settings),
                    expiry=timedelta(minutes=settings.payment_expiry_minutes),
                )
            )
        except ValueError as error:  # the PromptPay payload cannot carry it
            refused = InvalidInputError(
                "payment.not_payable",
                "สร้างการชำระนี้ไม่ได้: {reason}",
                field="amount",
                reason=str(error),
            )
            return _refused(request, data, refused)
        except DomainError as error:
            return _refused(request, data, error)
        return redirect(f"/admin/payments/{payment.id}")

    @get(
        "/{payment_id:int}",
        sync_to_thread=True,
        guards=[staff_only],
        include_in_schema=False,
    )
    def payment_page(
        self,
        request: Request[Any, Any, Any],
        payment_id: FromPath[int],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Template:
        """The payment with its big QR, countdown, live status and the cashier's buttons."""
        with db.read() as conn:
            payment = get_payment(conn, payment_id, clock.now())
            events = events_of(conn, payment_id)
        pending = payment.status == PaymentStatus.PENDING
        left = (payment.expires_at - clock.now()).total_seconds() if payment.expires_at else 0
        return page(
            request,
            "payments/show.html",
            payment=payment,
            events=events,
            demo=settings.demo,
            qr_svg=payload_svg(payment.payload) if pending and payment.payload else None,
            merchant_name=settings.merchant_name,
            remaining=max(0, int(left)),
        )

    @get(
        "/exceptions",
        sync_to_thread=False,
        guards=[managers_only],
        include_in_schema=False,
    )
    def exceptions_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Template:
        with db.read() as conn:
            exceptions = list_exceptions(conn, actor, open_only=False, limit=200)
        return page(
            request, "payments/exceptions.html", exceptions=exceptions, kinds=EXCEPTION_KINDS
        )
