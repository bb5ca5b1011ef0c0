"""A shift's cash and reports over JSON: pay-ins and pay-outs, the X report, the close with
the counted drawer (the Z report), and the report printed for 80 mm paper."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.response import Template
from pydantic import BaseModel, Field

from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.money import format_baht
from pos.checkout.receipts import receipt_datetime
from pos.tills.service import MAX_FLOAT_SATANG, ShiftView, get_shift
from pos.tills.shifts import (
    CashMovementView,
    ShiftReport,
    close_shift,
    list_cash_movements,
    record_cash_movement,
    shift_report,
)
from web.auth import staff_only
from web.schemas import WholeNumber
from web.settings import Settings


class CashMovementIn(BaseModel):
    kind: Literal["pay_in", "pay_out"]
    amount_satang: Annotated[WholeNumber, Field(gt=0, le=MAX_FLOAT_SATANG)]
    reason: Annotated[str, Field(min_length=1, max_length=200)]


class CloseIn(BaseModel):
    counted_satang: Annotated[WholeNumber, Field(ge=0, le=10 * MAX_FLOAT_SATANG)] | None = None
    # The drawer counted by note and coin: {"1000": 2, "100": 5, "0.50": 4}.
    denominations: dict[str, WholeNumber] | None = None


@get("/api/v1/shifts/{shift_id:int}", sync_to_thread=False, guards=[staff_only])
def shift_show(shift_id: FromPath[int], db: NamedDependency[Database]) -> ShiftView:
    with db.read() as conn:
        return get_shift(conn, shift_id)


@post("/api/v1/shifts/{shift_id:int}/cash-movements", guards=[staff_only],
      status_code=201)  # fmt: skip
async def cash_movement_create(
    shift_id: FromPath[int],
    data: JSONBody[CashMovementIn],
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    clock: NamedDependency[Clock],
) -> CashMovementView:
    """Cash into (``pay_in``) or out of (``pay_out``) the drawer, with a reason. A pay-out
    larger than the drawer should hold is refused (409)."""
    now = clock.now()
    return await db.writer.run(
        lambda conn: record_cash_movement(
            conn,
            actor,
            now,
            shift_id,
            kind=data.kind,
            amount_satang=data.amount_satang,
            reason=data.reason,
        )
    )


@get("/api/v1/shifts/{shift_id:int}/cash-movements", sync_to_thread=False, guards=[staff_only])
def cash_movement_index(
    shift_id: FromPath[int], db: NamedDependency[Database], actor: NamedDependency[Actor]
) -> list[CashMovementView]:
    with db.read() as conn:
        return list_cash_movements(conn, actor, shift_id)


@get("/api/v1/shifts/{shift_id:int}/report", sync_to_thread=True, guards=[staff_only])
def shift_report_show(
    shift_id: FromPath[int], db: NamedDependency[Database], actor: NamedDependency[Actor]
) -> ShiftReport:
    """The X report of an open shift (as of now), or the Z report of a closed one."""
    with db.read() as conn:
        return shift_report(conn, actor, shift_id)


@post("/api/v1/shifts/{shift_id:int}/close", guards=[staff_only],
      status_code=200)  # fmt: skip
async def shift_close(
    shift_id: FromPath[int],
    data: JSONBody[CloseIn],
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    clock: NamedDependency[Clock],
) -> ShiftReport:
    """Close with the drawer counted (``counted_satang``, or ``denominations``, or both if
    they agree): the numbered Z report. 409 while a sale waits for its payment."""
    now = clock.now()
    return await db.writer.run(
        lambda conn: close_shift(
            conn,
            actor,
            now,
            shift_id,
            counted_satang=data.counted_satang,
            denominations=data.denominations,
        )
    )


@get(
    "/api/v1/shifts/{shift_id:int}/report.html",
    sync_to_thread=True,
    guards=[staff_only],
    media_type="text/html",
)
def shift_report_page(
    shift_id: FromPath[int],
    db: NamedDependency[Database],
    actor: NamedDependency[Actor],
    clock: NamedDependency[Clock],
    settings: NamedDependency[Settings],
) -> Template:
    """The X or Z report for 80 mm paper."""
    with db.read() as conn:
        report = shift_report(conn, actor, shift_id)
    return Template(
        template_name="pos/shift_report.html",
        context={
            "report": report,
            "seller_name_th": settings.centre_name_th,
            "seller_name_en": settings.centre_name_en,
            "opened": receipt_datetime(report.opened_at),
            "closed": receipt_datetime(report.closed_at) if report.closed_at else None,
            "printed_at": receipt_datetime(clock.now()),
            "baht": format_baht,
        },
        media_type="text/html",
    )


HANDLERS = [
    shift_show,
    cash_movement_create,
    cash_movement_index,
    shift_report_show,
    shift_close,
    shift_report_page,
]
