"""The tills as machines: a manager records each one's Revenue Department POS registration
number, which its abbreviated tax invoices and Z reports print."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel

from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import DomainError
from pos.tills.service import list_tills, register_till_machine
from web.accounts.auth import managers_only
from web.pages import page, redirect, said
from web.settings import Settings


class RegistrationForm(BaseModel):
    pos_registration: str = ""


class TillMachinePages(Controller):
    """/admin/tills: every till with its POS registration number."""

    path = "/admin/tills"
    guards = [managers_only]
    include_in_schema = False

    @get("/", sync_to_thread=False)
    def tills_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        settings: NamedDependency[Settings],
    ) -> Template:
        return self._page(request, db, settings, None, None)

    @post("/{till_id:int}/registration")
    async def till_registration_form(
        self,
        request: Request[Any, Any, Any],
        till_id: FromPath[int],
        data: URLEncodedBody[RegistrationForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        now = clock.now()
        try:
            await db.writer.run(
                lambda conn: register_till_machine(conn, actor, now, till_id, data.pos_registration)
            )
        except DomainError as error:
            return self._page(request, db, settings, till_id, error)
        return redirect("/admin/tills")

    def _page(
        self,
        request: Request[Any, Any, Any],
        db: Database,
        settings: Settings,
        failed_till: int | None,
        error: DomainError | None,
    ) -> Template:
        with db.read() as conn:
            tills = list_tills(conn)
        response = page(
            request,
            "till/machines.html",
            tills=tills,
            required=settings.vat_registered,
            failed_till=failed_till,
            error=said(request, error) if error else None,
        )
        if error is not None:
            response.status_code = 422 if error.code.endswith("invalid") else 404
        return response
