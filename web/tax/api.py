"""Full tax invoices over JSON: issue one for a sale's receipt, find a buyer again, and the
month's register for the accountant."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from kernel.access import Actor
from kernel.clock import Clock, business_date
from kernel.db.engine import Database
from pos.consignment.portal import parse_month
from pos.tax_invoices.queries import month_register
from pos.tax_invoices.rules import checked_party
from pos.tax_invoices.service import find_buyers, issue_tax_invoice
from web.accounts.auth import managers_only, staff_only
from web.settings import Settings
from web.tax.documents import seller_of
from web.tax.schemas import BuyerOut, IssuedOut, RegisterOut, RegisterRowOut, TaxInvoiceIn


def print_url(invoice_id: int) -> str:
    return f"/tax-invoices/{invoice_id}"


class TaxInvoicesApi(Controller):
    """Full tax invoices (ใบกำกับภาษีเต็มรูป)."""

    path = "/api/v1"

    @post("/sales/{sale_id:int}/tax-invoice", status_code=201, guards=[staff_only])
    async def tax_invoice_issue(
        self,
        sale_id: FromPath[int],
        data: JSONBody[TaxInvoiceIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> IssuedOut:
        """Replace the sale's receipt with a full tax invoice for the buyer: 201 with its number;
        asked again 409 ``tax_invoice.already_issued`` naming it; after the sale's tax month
        409 ``tax_invoice.too_late``; a wrong tax ID 422 naming the field."""
        seller = seller_of(settings)
        b = data.buyer
        buyer = checked_party(b.name, b.address, b.tax_id, b.branch)
        now = clock.now()
        issued = await db.writer.run(
            lambda conn: issue_tax_invoice(conn, actor, now, sale_id, buyer, seller)
        )
        return IssuedOut(id=issued.id, number=issued.number, print_url=print_url(issued.id))

    @get("/tax-buyers", sync_to_thread=False, guards=[staff_only])
    def tax_buyers_find(
        self, db: NamedDependency[Database], actor: NamedDependency[Actor], q: FromQuery[str] = ""
    ) -> list[BuyerOut]:
        """Buyers remembered from earlier invoices whose tax ID starts with ``q`` or whose name
        holds it (ten at most, the most recent first)."""
        with db.read() as conn:
            found = find_buyers(conn, actor, q[:200])
        return [
            BuyerOut(name=p.name, address=p.address, tax_id=p.tax_id, branch=p.branch)
            for p in found
        ]

    @get("/tax-invoices", sync_to_thread=True, guards=[managers_only])
    def tax_register(
        self,
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        month: FromQuery[str] = "",
    ) -> RegisterOut:
        """The month's full tax invoices and credit notes (``YYYY-MM``, this month by default),
        credit notes negative; the totals are the documents' sums."""
        wanted = parse_month(month, business_date(clock.now()))
        with db.read() as conn:
            register = month_register(conn, actor, wanted.start)
        return RegisterOut(
            month=wanted.key,
            rows=[
                RegisterRowOut.model_validate(row, from_attributes=True) for row in register.rows
            ],
            before_vat_satang=register.before_vat_satang,
            vat_satang=register.vat_satang,
            total_satang=register.total_satang,
        )
