"""Paying entrepreneurs, for managers and admins: the runs, a new run from a preview where
staff can leave entrepreneurs out, and a run's page: its totals by status, then a page of
its payouts at a time (searched), where finance staff open a payout's PromptPay QR to scan
in the bank's app, then mark it paid with the bank's reference (or cancel it).

A refused form is shown again with the message and what was typed (status 409/422); the
rules themselves (never more than available, never paid twice, audited) are
pos.consignment.payouts'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from kernel.access import Actor
from kernel.clock import Clock, business_date
from kernel.db.engine import Database
from kernel.errors import DomainError, InvalidInputError, NotFoundError
from kernel.money import format_baht, parse_baht
from kernel.text import ascii_digits
from pos.consignment.payout_queries import RunFilter, run_header, run_payouts, run_summaries
from pos.consignment.payouts import (
    PayoutCandidate,
    cancel_payout,
    create_run,
    get_payout,
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


@dataclass(frozen=True, slots=True)
class RunView:
    """Where a person is on a run's page: which payouts, what search, which page, whose QR."""

    show: RunFilter = RunFilter.PENDING
    q: str = ""
    page: int = 1
    qr: int | None = None

    @classmethod
    def of(
        cls, show: str | None, q: str | None, page: str | None, qr: str | None = None
    ) -> RunView:
        try:
            chosen = RunFilter(show or RunFilter.PENDING)
        except ValueError:
            chosen = RunFilter.PENDING
        number = int(page) if page and ascii_digits(page) and len(page) < 7 else 1
        wanted = int(qr) if qr and ascii_digits(qr) and len(qr) < 13 else None
        return cls(chosen, (q or "").strip()[:100], max(1, number), wanted)

    def query(self, **changes: object) -> str:
        """This view's query string, with ``changes`` (a value of None drops the key)."""
        values: dict[str, object] = {"show": self.show.value, "q": self.q, "page": self.page}
        values.update(changes)
        kept = {k: v for k, v in values.items() if v not in (None, "") and (k, v) != ("page", 1)}
        return urlencode(kept)


def _run_page(
    request: Request[Any, Any, Any],
    db: Database,
    actor: Actor,
    run_id: int,
    view: RunView,
    *,
    notice: tuple[str, Any] | None = None,
    errors: dict[int, str] | None = None,
    typed: dict[int, str] | None = None,
    status: int = 200,
) -> Template:
    """The run's totals by status and one page of its payouts: the page stays small however
    many entrepreneurs the run pays; a QR is drawn only for the payout asked for."""
    with db.read() as conn:
        header = run_header(conn, actor, run_id)
        listed = run_payouts(conn, actor, run_id, show=view.show, search=view.q, page=view.page)
    response = page(
        request,
        "payouts/run.html",
        run=header,
        listed=listed,
        view=view,
        filters=list(RunFilter),
        notice=notice,
        errors=errors or {},
        typed=typed or {},
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
        applied: FromQuery[str | None] = None,
        show: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
        page_number: Annotated[str | None, QueryParameter(name="page")] = None,
        qr: FromQuery[str | None] = None,
    ) -> Template:
        """The run's totals by status, then one page of its payouts (waiting ones first),
        searched by code, name, PromptPay ID, account or bank reference."""
        view = RunView.of(show, q, page_number, qr)
        notice: tuple[str, Any] | None = None
        if made:
            notice = ("made", None)
        elif applied and ascii_digits(applied) and len(applied) < 7:
            notice = ("applied", int(applied))
        else:
            for kind, value in (("paid", paid), ("cancelled", cancelled)):
                if value and ascii_digits(value) and len(value) < 13:
                    with db.read() as conn:
                        try:
                            shown = get_payout(conn, actor, int(value))
                        except NotFoundError:
                            break
                    if shown.run_id == run_id:
                        notice = (kind, shown)
                    break
        return _run_page(request, db, actor, run_id, view, notice=notice)

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
        show: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
        page_number: Annotated[str | None, QueryParameter(name="page")] = None,
    ) -> Template | Redirect:
        """The money has left the bank: mark the payout paid with the bank's reference."""
        view = RunView.of(show, q, page_number)
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
            return _run_page(
                request,
                db,
                actor,
                run_id,
                view,
                errors={payout_id: said(request, error)},
                typed={payout_id: data.bank_reference},
                status=status_of(error),
            )
        return redirect(f"/admin/payouts/{run_id}?{view.query(paid=payout_id)}")

    @post("/payouts/{run_id:int}/payouts/{payout_id:int}/cancel", include_in_schema=False)
    async def payout_cancel_form(
        self,
        request: Request[Any, Any, Any],
        run_id: FromPath[int],
        payout_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        show: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
        page_number: Annotated[str | None, QueryParameter(name="page")] = None,
    ) -> Template | Redirect:
        """Withdraw a waiting payout (the money stays owed; a later run may pay it)."""
        view = RunView.of(show, q, page_number)
        _payout_in_run(db, actor, run_id, payout_id)
        try:
            now = clock.now()
            await db.writer.run(lambda conn: cancel_payout(conn, actor, now, payout_id))
        except DomainError as error:
            return _run_page(
                request,
                db,
                actor,
                run_id,
                view,
                errors={payout_id: said(request, error)},
                status=status_of(error),
            )
        return redirect(f"/admin/payouts/{run_id}?{view.query(cancelled=payout_id)}")
