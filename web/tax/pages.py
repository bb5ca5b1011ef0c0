"""Pages of full tax invoices: issue one from a receipt number (at the till right after the
sale, or later by staff), print it on A4 or 80 mm paper, and the month's register."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel

from kernel.access import Actor
from kernel.clock import Clock, buddhist_year, business_date
from kernel.csv_cells import csv_text
from kernel.db.engine import Database
from kernel.errors import DomainError
from kernel.money import format_baht
from pos.checkout.queries import SaleView, find_by_receipt
from pos.checkout.thai_words import baht_words
from pos.consignment.portal import parse_month
from pos.tax_invoices.queries import (
    Replacement,
    get_credit_note,
    get_tax_invoice,
    invoice_of_sale,
    month_register,
)
from pos.tax_invoices.rules import checked_party, last_day_to_issue
from pos.tax_invoices.service import issue_tax_invoice
from pos.tills.receipts import receipt_datetime
from web.accounts.auth import managers_only, staff_only
from web.downloads import csv_download
from web.pages import page, redirect, said
from web.settings import Settings
from web.tax.documents import register_rows, seller_of

Paper = Literal["a4", "80mm"]


def be_date(day: date) -> str:
    """``2026-11-30`` -> ``30/11/2569``."""
    return f"{day.day:02d}/{day.month:02d}/{buddhist_year(day.year)}"


class InvoiceForm(BaseModel):
    receipt: str = ""
    name: str = ""
    address: str = ""
    tax_id: str = ""
    branch: str = ""


def _print_context(paper: Paper, copy: int) -> dict[str, Any]:
    return {
        "paper": paper,
        "copy": bool(copy),
        "baht": format_baht,
        "words": baht_words,
        "printed": receipt_datetime,
    }


class TaxInvoicePages(Controller):
    """Issuing and printing full tax invoices and credit notes."""

    include_in_schema = False

    @get("/tax-invoices/new", sync_to_thread=True, guards=[staff_only])
    def tax_invoice_new(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        receipt: FromQuery[str] = "",
    ) -> Template:
        """The buyer's form for a receipt (its number typed or scanned)."""
        return self._form(request, db, actor, InvoiceForm(receipt=receipt[:40]), None)

    @post("/tax-invoices/new", guards=[staff_only])
    async def tax_invoice_create(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[InvoiceForm],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Template | Redirect:
        try:
            seller = seller_of(settings)
            buyer = checked_party(data.name, data.address, data.tax_id, data.branch)
            with db.read() as conn:
                found = find_by_receipt(conn, actor, data.receipt)
            if not found:
                return self._form(request, db, actor, data, None, status=404)
            now = clock.now()
            issued = await db.writer.run(
                lambda conn: issue_tax_invoice(conn, actor, now, found[0].id, buyer, seller)
            )
        except DomainError as error:
            return self._form(request, db, actor, data, error)
        return redirect(f"/tax-invoices/{issued.id}?paper=a4")

    def _form(
        self,
        request: Request[Any, Any, Any],
        db: Database,
        actor: Actor,
        data: InvoiceForm,
        error: DomainError | None,
        status: int | None = None,
    ) -> Template:
        sale: SaleView | None = None
        issued: Replacement | None = None
        if data.receipt.strip():
            with db.read() as conn:
                found = find_by_receipt(conn, actor, data.receipt)
                if found:
                    sale = found[0]
                    issued = invoice_of_sale(conn, actor, sale.id)
        response = page(
            request,
            "tax/new.html",
            form=data,
            sale=sale,
            issued=issued,
            last_day=be_date(last_day_to_issue(sale.business_date)) if sale else "",
            error=said(request, error) if error else None,
            error_field=error.field if error else None,
            not_found=bool(data.receipt.strip()) and sale is None,
        )
        if error is not None or status is not None:
            response.status_code = status or (409 if error and "already" in error.code else 422)
        return response

    @get("/tax-invoices/{invoice_id:int}", sync_to_thread=True, guards=[staff_only])
    def tax_invoice_print(
        self,
        invoice_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        paper: FromQuery[Paper] = "a4",
        copy: FromQuery[int] = 0,
    ) -> Template:
        """The invoice for the printer: A4 or 80 mm, ``copy=1`` marks a reprint."""
        with db.read() as conn:
            invoice = get_tax_invoice(conn, actor, invoice_id)
        return Template(
            template_name="tax/invoice.html",
            context={"invoice": invoice, **_print_context(paper, copy)},
            media_type="text/html",
        )

    @get("/tax-credit-notes/{note_id:int}", sync_to_thread=True, guards=[staff_only])
    def tax_credit_note_print(
        self,
        note_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        paper: FromQuery[Paper] = "a4",
        copy: FromQuery[int] = 0,
    ) -> Template:
        with db.read() as conn:
            document = get_credit_note(conn, actor, note_id)
        return Template(
            template_name="tax/credit_note.html",
            context={
                "invoice": document.invoice,
                "note": document.note,
                **_print_context(paper, copy),
            },
            media_type="text/html",
        )

    @get("/admin/tax-invoices", sync_to_thread=True, guards=[managers_only])
    def tax_register_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        month: FromQuery[str] = "",
        format: FromQuery[str] = "",
    ) -> Template | Response[bytes]:
        """The month's register, printable; ``format=csv`` downloads it for the accountant."""
        wanted = parse_month(month, business_date(clock.now()))
        with db.read() as conn:
            register = month_register(conn, actor, wanted.start)
        if format == "csv":
            return csv_download(csv_text(register_rows(register)), f"tax-register-{wanted.key}.csv")
        return page(
            request, "tax/register.html", register=register, month=wanted, printed=receipt_datetime
        )
