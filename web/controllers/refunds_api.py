"""Refunds against a receipt over JSON, and the printable credit note.

``POST /api/v1/refunds`` takes an ``Idempotency-Key`` like a sale: a retry answers 200 with
the first refund and ``Idempotency-Replayed: true``. A cashier sends a manager's
``approval_token`` (POST /api/v1/approvals, action ``refund``); a manager needs none.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Template
from pydantic import BaseModel, Field

from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.money import format_baht
from pos.checkout.pricing import MAX_LINES, MAX_QUANTITY
from pos.checkout.receipts import receipt_datetime
from pos.checkout.thai_words import baht_words
from pos.refunds.service import RefundRequest, RefundView, get_refund, refund_sale, refunds_of_sale
from web.approvals import ApprovalAction, approver_of
from web.auth import staff_only
from web.controllers.sales_api import REPLAYED, idempotency_key
from web.schemas import IdempotentCreate, WholeNumber
from web.settings import Settings


class RefundLineIn(BaseModel):
    line_no: Annotated[WholeNumber, Field(gt=0, le=MAX_LINES)]
    quantity: Annotated[WholeNumber, Field(gt=0, le=MAX_QUANTITY)]


class RefundIn(BaseModel):
    sale_id: Annotated[WholeNumber, Field(gt=0)]
    till_id: Annotated[WholeNumber, Field(gt=0)]
    lines: Annotated[list[RefundLineIn], Field(min_length=1, max_length=MAX_LINES)]
    restock: bool = True  # False: the goods are written off (damaged)
    method: Literal["cash", "transfer"] = "cash"
    reason: Annotated[str, Field(min_length=1, max_length=200)]
    approval_token: Annotated[str | None, Field(max_length=1000)] = None


@post("/api/v1/refunds", guards=[staff_only], status_code=201, operation_class=IdempotentCreate)
async def refund_create(
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
    approved_by_id = approver_of(
        settings.secret,
        data.approval_token,
        action=ApprovalAction.REFUND,
        cashier_id=actor.user_id,
        now=now,
    )
    wanted = RefundRequest(
        sale_id=data.sale_id, till_id=data.till_id,
        lines=tuple((line.line_no, line.quantity) for line in data.lines),
        restock=data.restock, method=data.method, reason=data.reason,
    )  # fmt: skip
    work = partial(refund_sale, actor=actor, now=now, request=wanted, idempotency_key=key,
                   approved_by_id=approved_by_id)  # fmt: skip
    view, replayed = await db.writer.run(lambda conn: work(conn))
    return Response(view, status_code=200 if replayed else 201,
                    headers=REPLAYED if replayed else None)  # fmt: skip


@get("/api/v1/refunds/{refund_id:int}", sync_to_thread=False, guards=[staff_only])
def refund_show(
    refund_id: FromPath[int], db: NamedDependency[Database], actor: NamedDependency[Actor]
) -> RefundView:
    with db.read() as conn:
        return get_refund(conn, actor, refund_id)


@get("/api/v1/sales/{sale_id:int}/refunds", sync_to_thread=False, guards=[staff_only])
def sale_refunds(
    sale_id: FromPath[int], db: NamedDependency[Database], actor: NamedDependency[Actor]
) -> list[RefundView]:
    """The refunds made against a sale, oldest first."""
    with db.read() as conn:
        return refunds_of_sale(conn, actor, sale_id)


@get(
    "/api/v1/refunds/{refund_id:int}/credit-note",
    sync_to_thread=False,
    guards=[staff_only],
    media_type="text/html",
)
def refund_credit_note(
    refund_id: FromPath[int],
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    copy: FromQuery[int] = 0,
) -> Template:
    """The credit note (ใบลดหนี้) for 80 mm paper, referring to the original receipt."""
    with db.read() as conn:
        refund = get_refund(conn, actor, refund_id)
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


HANDLERS = [refund_create, refund_show, sale_refunds, refund_credit_note]
