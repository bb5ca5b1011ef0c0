"""Marking a whole payout run paid from the bank's result file: upload it, see line by line
what would be marked paid, what the bank says failed, what matches nothing or is refused,
then confirm. Confirming reads the same file again (carried in the form) and applies it in
one transaction, or nothing (pos.consignment.bank_files)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import DomainError, InvalidInputError
from pos.consignment.bank_files import apply_result, preview_result
from pos.consignment.bank_result_rules import LineOutcome, ResultPlan
from pos.consignment.payout_queries import run_header
from web.accounts.auth import managers_only
from web.catalogue.spreadsheets import ConfirmForm, Multipart, UploadForm, _check_size, _read
from web.consignment.api import refund_window
from web.errors import status_of
from web.pages import page, redirect, said
from web.settings import Settings


def _result_page(
    request: Request[Any, Any, Any],
    db: Database,
    actor: Actor,
    run_id: int,
    *,
    plan: ResultPlan | None = None,
    raw: bytes = b"",
    error: DomainError | None = None,
) -> Template:
    with db.read() as conn:
        header = run_header(conn, actor, run_id)
    response = page(
        request,
        "payouts/bank_result.html",
        run=header,
        plan=plan,
        outcomes=list(LineOutcome),
        problems={
            line.line: said(request, line.problem)
            for line in (plan.lines if plan else [])
            if line.problem is not None
        },
        content_b64=base64.b64encode(raw).decode("ascii") if plan and plan.applicable else "",
        error=said(request, error) if error else None,
    )
    if error is not None:
        response.status_code = status_of(error)
    elif plan is not None and not plan.applicable:
        response.status_code = 422
    return response


class BankResultPages(Controller):
    """Upload, preview and confirm a bank's result file for a payout run."""

    path = "/admin/payouts/{run_id:int}/bank-result"
    guards = [managers_only]

    @get("/", sync_to_thread=True, include_in_schema=False)
    def bank_result_page(
        self,
        request: Request[Any, Any, Any],
        run_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Template:
        """The upload form and the layout the file must have."""
        return _result_page(request, db, actor, run_id)

    @post("/", sync_to_thread=True, include_in_schema=False)
    def bank_result_preview(
        self,
        request: Request[Any, Any, Any],
        run_id: FromPath[int],
        data: Annotated[UploadForm, Multipart],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        settings: NamedDependency[Settings],
    ) -> Template:
        """What the file would mark paid, failed, not matched or refused; nothing is written."""
        try:
            raw = _read(data.file, settings)
            with db.read() as conn:
                plan = preview_result(conn, actor, run_id, raw)
        except DomainError as error:
            return _result_page(request, db, actor, run_id, error=error)
        return _result_page(request, db, actor, run_id, plan=plan, raw=raw)

    @post("/confirm", include_in_schema=False)
    async def bank_result_confirm(
        self,
        request: Request[Any, Any, Any],
        run_id: FromPath[int],
        data: Annotated[ConfirmForm, Multipart],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        """Apply the previewed file in one transaction (checked again), or nothing."""
        now, window = clock.now(), refund_window(settings)
        raw = b""
        try:
            try:
                raw = base64.b64decode(data.content_b64, validate=True)
            except binascii.Error:
                raise InvalidInputError(
                    "upload.damaged", "ไฟล์ที่ยืนยันเสียหาย: อัปโหลดใหม่อีกครั้ง", field="file"
                ) from None
            _check_size(len(raw), settings)
            plan = await db.writer.run(
                lambda conn: apply_result(conn, actor, now, run_id, raw, refund_window=window)
            )
        except DomainError as error:
            again = None
            if raw:  # show the file's lines as they are now, beside the refusal
                try:
                    with db.read() as conn:
                        again = preview_result(conn, actor, run_id, raw)
                except DomainError:
                    pass
            return _result_page(request, db, actor, run_id, plan=again, error=error)
        paid = len(plan.of(LineOutcome.PAY))
        return redirect(f"/admin/payouts/{run_id}?applied={paid}&show=paid")
