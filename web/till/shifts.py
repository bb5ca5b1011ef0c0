"""A shift's cash and reports over JSON: pay-ins and pay-outs, the X report, the close with
the counted drawer (the Z report), and the report printed for 80 mm paper."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.response import Template

from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.money import format_baht
from pos.tills.receipts import receipt_datetime
from pos.tills.service import ShiftView, get_shift
from pos.tills.shifts import (
    CashMovementView,
    ShiftReport,
    close_shift,
    list_cash_movements,
    record_cash_movement,
    shift_report,
)
from web.accounts.auth import staff_only
from web.settings import Settings
from web.till.schemas import CashMovementIn, CloseIn


class ShiftsApi(Controller):
    """A shift's cash and reports."""

    path = "/api/v1/shifts"
    guards = [staff_only]

    @get("/{shift_id:int}", sync_to_thread=False)
    def shift_show(self, shift_id: FromPath[int], db: NamedDependency[Database]) -> ShiftView:
        with db.read() as conn:
            return get_shift(conn, shift_id)

    @post("/{shift_id:int}/cash-movements", status_code=201)
    async def cash_movement_create(
        self,
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

    @get("/{shift_id:int}/cash-movements", sync_to_thread=False)
    def cash_movement_index(
        self, shift_id: FromPath[int], db: NamedDependency[Database], actor: NamedDependency[Actor]
    ) -> list[CashMovementView]:
        with db.read() as conn:
            return list_cash_movements(conn, actor, shift_id)

    @get("/{shift_id:int}/report", sync_to_thread=True)
    def shift_report_show(
        self, shift_id: FromPath[int], db: NamedDependency[Database], actor: NamedDependency[Actor]
    ) -> ShiftReport:
        """The X report of an open shift (as of now), or the Z report of a closed one."""
        with db.read() as conn:
            return shift_report(conn, actor, shift_id)

    @post("/{shift_id:int}/close", status_code=200)
    async def shift_close(
        self,
        shift_id: FromPath[int],
        data: JSONBody[CloseIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> ShiftReport:
        """Close with the drawer counted (``counted_satang``, or ``denominations``, or both if
        they agree): the numbered Z report. 409 while a sale waits for its payment. The till's
        device sends ``device_id`` and the last receipt number it issued
        (``last_receipt_seq``): its blocks of numbers close, and the report lists the numbers
        issued but not yet received (``outstanding_numbers``) and those never issued
        (``void_numbers``). Blind count: a count further from the expected cash than
        ``OTOP_CLOSE_DIFFERENCE_REASON_SATANG`` is refused (422
        ``shift.difference_reason_required``, telling the expected cash and the difference)
        until ``difference_reason`` says why; the Z report keeps the reason."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: close_shift(
                conn,
                actor,
                now,
                shift_id,
                counted_satang=data.counted_satang,
                denominations=data.denominations,
                device_id=data.device_id,
                last_receipt_seq=data.last_receipt_seq,
                outstanding_cash_satang=data.outstanding_cash_satang,
                difference_reason=data.difference_reason,
                reason_over_satang=settings.close_difference_reason_satang,
            )
        )

    @get(
        "/{shift_id:int}/report.html",
        sync_to_thread=True,
        media_type="text/html",
    )
    def shift_report_page(
        self,
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
