"""An entrepreneur's bank account, for managers: the page /admin/entrepreneurs/{id}/bank-account
to set (or change) the bank, the account number and the holder's name, or remove the account
(the entrepreneur is then paid by PromptPay QR). The rules are inventory.catalogue.bank_rules';
a refused form comes back with the message beside the field and what was typed (422)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel

from inventory.catalogue import get_entrepreneur
from inventory.catalogue.bank_accounts import (
    bank_account_of,
    remove_bank_account,
    set_bank_account,
)
from inventory.catalogue.bank_rules import BANKS
from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import DomainError
from kernel.text import ascii_digits
from web.accounts.auth import managers_only
from web.errors import status_of
from web.pages import page, redirect, said


class BankAccountForm(BaseModel):
    bank_code: str = ""
    account_number: str = ""
    account_name: str = ""


def _form_page(
    request: Request[Any, Any, Any],
    db: Database,
    actor: Actor,
    entrepreneur_id: int,
    form: dict[str, str] | None = None,
    error: DomainError | None = None,
) -> Template:
    with db.read() as conn:
        entrepreneur = get_entrepreneur(conn, actor, entrepreneur_id)
        stored = bank_account_of(conn, actor, entrepreneur_id)
    if form is None:
        form = (
            {
                "bank_code": stored.account.bank_code,
                "account_number": stored.shown,
                "account_name": stored.account.account_name,
            }
            if stored
            else {"bank_code": "", "account_number": "", "account_name": entrepreneur.name_th}
        )
    response = page(
        request,
        "catalogue/bank_account.html",
        run_id=_run_id(request),
        entrepreneur=entrepreneur,
        stored=stored,
        banks=BANKS,
        form=form,
        error=said(request, error) if error else None,
        field=error.field if error else None,
    )
    if error is not None:
        response.status_code = status_of(error)
    return response


def _run_id(request: Request[Any, Any, Any]) -> int | None:
    """The payout run the manager came from (``?run=``), to go back to it."""
    value = request.query_params.get("run") or ""
    return int(value) if ascii_digits(value) and len(value) < 10 else None


class BankAccountPages(Controller):
    """An entrepreneur's bank account for payouts."""

    path = "/admin/entrepreneurs/{entrepreneur_id:int}/bank-account"
    guards = [managers_only]

    @get("/", sync_to_thread=True, include_in_schema=False)
    def bank_account_page(
        self,
        request: Request[Any, Any, Any],
        entrepreneur_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Template:
        """The account on file (if any) and the form to set or change it."""
        return _form_page(request, db, actor, entrepreneur_id)

    @post("/", include_in_schema=False)
    async def bank_account_save(
        self,
        request: Request[Any, Any, Any],
        entrepreneur_id: FromPath[int],
        data: URLEncodedBody[BankAccountForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        """Check and store the account; the next bank file pays into it."""
        now = clock.now()
        try:
            await db.writer.run(
                lambda conn: set_bank_account(
                    conn,
                    actor,
                    now,
                    entrepreneur_id,
                    bank=data.bank_code,
                    account_number=data.account_number,
                    account_name=data.account_name,
                )
            )
        except DomainError as error:
            return _form_page(request, db, actor, entrepreneur_id, data.model_dump(), error)
        run_id = _run_id(request)
        back = f"&run={run_id}" if run_id else ""
        return redirect(f"/admin/entrepreneurs/{entrepreneur_id}/bank-account?saved=1{back}")

    @post("/remove", include_in_schema=False)
    async def bank_account_remove(
        self,
        entrepreneur_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> Redirect:
        """Forget the account: the entrepreneur is paid by PromptPay QR again."""
        now = clock.now()
        await db.writer.run(lambda conn: remove_bank_account(conn, actor, now, entrepreneur_id))
        return redirect(f"/admin/entrepreneurs/{entrepreneur_id}/bank-account?removed=1")
