"""Refunds against a receipt (and returns without one) over JSON, and the printable credit note.

``POST /api/v1/refunds`` takes an ``Idempotency-Key`` like a sale: a retry answers 200 with
the first refund and ``Idempotency-Replayed: true``. A cashier sends a manager's
``approval_token`` (POST /api/v1/approvals, action ``refund``, naming this sale and these
lines; used once); a manager needs none. ``POST /api/v1/returns`` takes goods back without a
receipt, product by product, in the same way; a cashier's needs an approval of action
``return`` naming the till and the lines.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Template

from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import ForbiddenError
from kernel.money import format_baht
from pos.approvals import ApprovalGrant
from pos.checkout.thai_words import baht_words
from pos.refunds.receiptless import ReturnLine, ReturnRequest, return_without_receipt
from pos.refunds.service import RefundRequest, RefundView, get_refund, refund_sale, refunds_of_sale
from pos.tax_invoices.queries import credit_note_of_refund, get_credit_note
from pos.tills.receipts import receipt_datetime
from web.accounts.approvals import ApprovalAction, approver_of, refund_subject, return_subject
from web.accounts.auth import staff_only
from web.schemas import IdempotentCreate
from web.settings import Settings
from web.till.sales import REPLAYED, idempotency_key
from web.till.schemas import RefundIn, ReturnIn


def _refund_approval(
    settings: Settings, data: RefundIn, actor: Actor, lines: list[tuple[int, int]], now: datetime
) -> tuple[ApprovalGrant | None, bool]:
    """The refund's approval, and whether it names the refund's method (an approval for this
    sale and lines that names it also approves refunding another way than it was paid)."""

    def grant(method: str | None) -> ApprovalGrant | None:
        return approver_of(
            settings.secret,
            data.approval_token,
            action=ApprovalAction.REFUND,
            cashier_id=actor.user_id,
            subject=refund_subject(data.sale_id, lines, method),
            now=now,
        )

    try:
        named = grant(data.method)
    except ForbiddenError as error:
        if error.code != "approval.other_subject":
            raise
        return grant(None), False
    return named, named is not None


class RefundsApi(Controller):
    """Refunds against a receipt."""

    path = "/api/v1"
    guards = [staff_only]

    @post("/refunds", status_code=201, operation_class=IdempotentCreate)
    async def refund_create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[RefundIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Response[RefundView]:
        """Refund lines of a completed sale: 201 with the numbered credit note; a replay 200;
        more than is left to refund 422 naming the line; a cashier without approval 403."""
        key = idempotency_key(request)
        now = clock.now()
        lines = [(line.line_no, line.quantity) for line in data.lines]
        approval, method_approved = _refund_approval(settings, data, actor, lines, now)
        wanted = RefundRequest(
            sale_id=data.sale_id,
            till_id=data.till_id,
            lines=tuple((line.line_no, line.quantity) for line in data.lines),
            restock=data.restock,
            method=data.method,
            reason=data.reason,
        )
        work = partial(
            refund_sale,
            actor=actor,
            now=now,
            request=wanted,
            idempotency_key=key,
            approved_by_id=None if approval is None else approval.approver_id,
            approval=approval,
            method_approved=method_approved,
        )
        view, replayed = await db.writer.run(lambda conn: work(conn))
        return Response(
            view, status_code=200 if replayed else 201, headers=REPLAYED if replayed else None
        )

    @post("/returns", status_code=201, operation_class=IdempotentCreate)
    async def return_create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ReturnIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Response[RefundView]:
        """Goods back without a receipt: 201 with the numbered credit note (no receipt named);
        a replay 200; a cashier without a manager's approval for these lines 403; an unknown
        product, a product twice or a price above today's 422 naming the line."""
        key = idempotency_key(request)
        now = clock.now()
        lines = tuple(
            ReturnLine(line.product_id, line.quantity, line.unit_price_satang)
            for line in data.lines
        )
        approval = approver_of(
            settings.secret,
            data.approval_token,
            action=ApprovalAction.RETURN,
            cashier_id=actor.user_id,
            subject=return_subject(
                data.till_id, ((ln.product_id, ln.quantity, ln.unit_price_satang) for ln in lines)
            ),
            now=now,
        )
        wanted = ReturnRequest(
            till_id=data.till_id,
            lines=lines,
            restock=data.restock,
            method=data.method,
            reason=data.reason,
        )
        work = partial(
            return_without_receipt,
            actor=actor,
            now=now,
            request=wanted,
            idempotency_key=key,
            approval=approval,
        )
        view, replayed = await db.writer.run(lambda conn: work(conn))
        return Response(
            view, status_code=200 if replayed else 201, headers=REPLAYED if replayed else None
        )

    @get("/refunds/{refund_id:int}", sync_to_thread=False)
    def refund_show(
        self, refund_id: FromPath[int], db: NamedDependency[Database], actor: NamedDependency[Actor]
    ) -> RefundView:
        with db.read() as conn:
            return get_refund(conn, actor, refund_id)

    @get("/sales/{sale_id:int}/refunds", sync_to_thread=False)
    def sale_refunds(
        self, sale_id: FromPath[int], db: NamedDependency[Database], actor: NamedDependency[Actor]
    ) -> list[RefundView]:
        """The refunds made against a sale, oldest first."""
        with db.read() as conn:
            return refunds_of_sale(conn, actor, sale_id)

    @get(
        "/refunds/{refund_id:int}/credit-note",
        sync_to_thread=False,
        media_type="text/html",
    )
    def refund_credit_note(
        self,
        refund_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        settings: NamedDependency[Settings],
        copy: FromQuery[int] = 0,
    ) -> Template:
        """The credit note (ใบลดหนี้) for 80 mm paper, referring to the original receipt; when
        a full tax invoice had replaced that receipt, the tax credit note that credits it."""
        with db.read() as conn:
            refund = get_refund(conn, actor, refund_id)
            tax_note = credit_note_of_refund(conn, actor, refund_id)
            document = None if tax_note is None else get_credit_note(conn, actor, tax_note)
        if document is not None:
            return Template(
                template_name="tax/credit_note.html",
                context={
                    "invoice": document.invoice,
                    "note": document.note,
                    "paper": "80mm",
                    "copy": bool(copy),
                    "baht": format_baht,
                    "words": baht_words,
                    "printed": receipt_datetime,
                },
                media_type="text/html",
            )
        return Template(
            template_name="pos/credit_note.html",
            context={
                "refund": refund,
                "copy": bool(copy),
                "vat_registered": settings.vat_registered,
                "seller_tax_id": settings.receipt_tax_id,
                "seller_name_th": settings.centre_name_th,
                "seller_name_en": settings.centre_name_en,
                "printed_at": receipt_datetime(refund.created_at),
                "baht": format_baht,
                "total_words": baht_words(refund.total_satang),
            },
            media_type="text/html",
        )
