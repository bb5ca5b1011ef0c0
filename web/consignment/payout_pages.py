"""Paying entrepreneurs, for managers and admins: the runs, a new run from a preview where
staff can leave entrepreneurs out, and a run's page where finance staff scan each payout's
PromptPay QR in the bank's app, then mark it paid with the bank's reference (or cancel it).

A refused form is shown again with the message and what was typed (status 409/422); the
rules themselves (never more than available, never paid twice, audited) are
pos.consignment.payouts'.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kernel.access import Actor
from kernel.clock import Clock, business_date
from kernel.db.engine import Database
from kernel.errors import DomainError, InvalidInputError, NotFoundError
from kernel.money import format_baht, parse_baht
from kernel.text import ascii_digits
from pos.consignment.payout_queries import run_summaries
from pos.consignment.payouts import (
    PayoutCandidate,
    PayoutRunView,
    PayoutView,
    cancel_payout,
    create_run,
    get_payout,
    get_run,
    mark_paid,
    payout_candidates,
)
from pos.reports.periods import parse_date
from web.accounts.auth import managers_only
from web.consignment.schemas import PaidForm, RunForm
from web.errors import status_of
from web.pages import page, redirect, said
from web.settings import Settings


def _window(settings: Settings) -> timedelta:
    return timedelta(days=settings.refund_window_days)


def _default_form(clock: Clock, settings: Settings) -> dict[str, str]:
    yesterday = business_date(clock.now()) - timedelta(days=1)
    minimum = format_baht(settings.payout_minimum_satang).replace(",", "")
    return {"cutoff_date": yesterday.isoformat(), "minimum": minimum}


def _parsed(form: dict[str, str]) -> tuple[date, int]:
    cutoff = parse_date(form.get("cutoff_date"), "cutoff_date")
    try:
        minimum = parse_baht(form.get("minimum") or "")
    except ValueError:
        raise InvalidInputError(
            "payout.minimum_invalid",
            "ยอดขั้นต่ำต้องเป็นจำนวนเงินบาท เช่น 100 หรือ 100.50",
            field="minimum",
        ) from None
    if minimum <= 0:
        raise InvalidInputError(
            "payout.minimum_not_positive", "ยอดขั้นต่ำต้องมากกว่า 0 บาท", field="minimum"
        )
    return cutoff, minimum


def _ticked(values: str | list[str]) -> set[int]:
    found = set()
    for value in [values] if isinstance(values, str) else values:
        if not ascii_digits(value.strip()) or len(value.strip()) > 12:
            raise InvalidInputError(
                "payout.pay_invalid",
                "pay: '{value}' ไม่ใช่หมายเลขผู้ประกอบการ",
                field="pay",
                value=value[:20],
            )
        found.add(int(value))
    return found


def _index(
    request: Request[Any, Any, Any],
    db: Database,
    actor: Actor,
    form: dict[str, str],
    error: DomainError | None = None,
) -> Template:
    with db.read() as conn:
        runs = run_summaries(conn, actor)
    response = page(
        request,
        "payouts/index.html",
        runs=runs,
        form=form,
        error=said(request, error) if error else None,
        field=error.field if error else None,
    )
    if error is not None:
        response.status_code = status_of(error)
    return response


def _preview(
    request: Request[Any, Any, Any],
    candidates: list[PayoutCandidate],
    form: dict[str, str],
    ticked: set[int] | None,
    error: DomainError | None = None,
) -> Template:
    chosen = ticked if ticked is not None else {c.entrepreneur_id for c in candidates}
    total = sum(c.amount_satang for c in candidates if c.entrepreneur_id in chosen)
    response = page(
        request,
        "payouts/preview.html",
        candidates=candidates,
        form=form,
        ticked=chosen,
        total=total,
        no_promptpay=sum(1 for c in candidates if not c.promptpay_id),
        error=said(request, error) if error else None,
    )
    if error is not None:
        response.status_code = status_of(error)
    return response


def _run_page(
    request: Request[Any, Any, Any],
    run: PayoutRunView,
    *,
    notice: tuple[str, PayoutView | None] | None = None,
    errors: dict[int, str] | None = None,
    typed: dict[int, str] | None = None,
    status: int = 200,
) -> Template:
    pending = [p for p in run.payouts if p.status == "pending"]
    done = [p for p in run.payouts if p.status != "pending"]
    response = page(
        request,
        "payouts/run.html",
        run=run,
        pending=pending,
        done=done,
        notice=notice,
        errors=errors or {},
        typed=typed or {},
        pending_satang=sum(p.amount_satang for p in pending),
    )
    response.status_code = status
    return response


def _payout_in_run(db: Database, actor: Actor, run_id: int, payout_id: int) -> None:
    with db.read() as conn:
        payout = get_payout(conn, actor, payout_id)
    if payout.run_id != run_id:
        raise NotFoundError(
            "payout.not_in_run",
            "รายการจ่าย {payout_id} ไม่อยู่ในรอบจ่าย {run_id}",
            field="payout_id",
            payout_id=payout_id,
            run_id=run_id,
        )


class PayoutPages(Controller):
    """The payout run pages."""

    path = "/admin"
    guards = [managers_only]

    @get("/payouts", sync_to_thread=False, include_in_schema=False)
    def payouts_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Template:
        """The runs (number, cut-off, total, paid so far) and the form for a new one."""
        return _index(request, db, actor, _default_form(clock, settings))

    @get("/payouts/new", sync_to_thread=True, include_in_schema=False)
    def preview_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
        cutoff_date: FromQuery[str | None] = None,
        minimum: FromQuery[str | None] = None,
    ) -> Template:
        """Who a run for the cut-off date would pay, each with a box to leave them out."""
        form = _default_form(clock, settings)
        form.update({k: v for k, v in (("cutoff_date", cutoff_date), ("minimum", minimum)) if v})
        try:
            cutoff, minimum_satang = _parsed(form)
            with db.read() as conn:
                candidates = payout_candidates(
                    conn,
                    actor,
                    clock.now(),
                    cutoff=cutoff,
                    minimum_satang=minimum_satang,
                    refund_window=_window(settings),
                )
        except DomainError as error:
            return _index(request, db, actor, form, error)
        return _preview(request, candidates, form, None)

    @post("/payouts", include_in_schema=False)
    async def run_create_form(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[RunForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        """Make the run of the ticked entrepreneurs; anyone not ticked (or not shown when the
        preview was made) is left out."""
        form = {"cutoff_date": data.cutoff_date, "minimum": data.minimum}
        try:
            cutoff, minimum_satang = _parsed(form)
        except DomainError as error:
            return _index(request, db, actor, form, error)
        now, window = clock.now(), _window(settings)
        ticked: set[int] | None = None
        try:
            ticked = _ticked(data.pay)
            if not ticked:
                raise InvalidInputError(
                    "payout.none_ticked",
                    "เลือกผู้ประกอบการที่จะจ่ายอย่างน้อยหนึ่งราย",
                    field="pay",
                )
            candidates = await db.read_on_thread(
                lambda conn: payout_candidates(
                    conn,
                    actor,
                    now,
                    cutoff=cutoff,
                    minimum_satang=minimum_satang,
                    refund_window=window,
                )
            )
            exclude = frozenset(c.entrepreneur_id for c in candidates) - ticked
            run = await db.writer.run(
                lambda conn: create_run(
                    conn,
                    actor,
                    now,
                    cutoff=cutoff,
                    minimum_satang=minimum_satang,
                    refund_window=window,
                    exclude=exclude,
                    candidates=candidates,
                )
            )
        except DomainError as error:
            try:
                with db.read() as conn:
                    candidates = payout_candidates(
                        conn,
                        actor,
                        now,
                        cutoff=cutoff,
                        minimum_satang=minimum_satang,
                        refund_window=window,
                    )
            except DomainError as again:
                return _index(request, db, actor, form, again)
            return _preview(request, candidates, form, ticked, error)
        return redirect(f"/admin/payouts/{run.id}?made=1")

    @get("/payouts/{run_id:int}", sync_to_thread=True, include_in_schema=False)
    def run_page(
        self,
        request: Request[Any, Any, Any],
        run_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        made: FromQuery[str | None] = None,
        paid: FromQuery[str | None] = None,
        cancelled: FromQuery[str | None] = None,
    ) -> Template:
        """Each payout; the waiting ones with a PromptPay QR for the exact amount."""
        with db.read() as conn:
            run = get_run(conn, actor, run_id)
        by_id = {str(p.id): p for p in run.payouts}
        notice: tuple[str, PayoutView | None] | None = None
        if made:
            notice = ("made", None)
        elif paid in by_id:
            notice = ("paid", by_id[paid])
        elif cancelled in by_id:
            notice = ("cancelled", by_id[cancelled])
        return _run_page(request, run, notice=notice)

    @post("/payouts/{run_id:int}/payouts/{payout_id:int}/paid", include_in_schema=False)
    async def payout_paid_form(
        self,
        request: Request[Any, Any, Any],
        run_id: FromPath[int],
        payout_id: FromPath[int],
        data: URLEncodedBody[PaidForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        """The money has left the bank: mark the payout paid with the bank's reference."""
        _payout_in_run(db, actor, run_id, payout_id)
        try:
            now = clock.now()
            await db.writer.run(
                lambda conn: mark_paid(
                    conn,
                    actor,
                    now,
                    payout_id,
                    bank_reference=data.bank_reference,
                    refund_window=_window(settings),
                )
            )
        except DomainError as error:
            with db.read() as conn:
                run = get_run(conn, actor, run_id)
            return _run_page(
                request,
                run,
                errors={payout_id: said(request, error)},
                typed={payout_id: data.bank_reference},
                status=status_of(error),
            )
        return redirect(f"/admin/payouts/{run_id}?paid={payout_id}")

    @post("/payouts/{run_id:int}/payouts/{payout_id:int}/cancel", include_in_schema=False)
    async def payout_cancel_form(
        self,
        request: Request[Any, Any, Any],
        run_id: FromPath[int],
        payout_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        """Withdraw a waiting payout (the money stays owed; a later run may pay it)."""
        _payout_in_run(db, actor, run_id, payout_id)
        try:
            now = clock.now()
            await db.writer.run(lambda conn: cancel_payout(conn, actor, now, payout_id))
        except DomainError as error:
            with db.read() as conn:
                run = get_run(conn, actor, run_id)
            return _run_page(
                request, run, errors={payout_id: said(request, error)}, status=status_of(error)
            )
        return redirect(f"/admin/payouts/{run_id}?cancelled={payout_id}")
