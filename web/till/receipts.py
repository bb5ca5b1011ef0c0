"""The printable receipt: 80 mm thermal paper from the browser's print dialog.

When the centre is VAT registered it is a Thai abbreviated tax invoice (ใบกำกับภาษีอย่างย่อ):
seller name and tax ID, the running number, date and time with the Buddhist-era year, the
items, the VAT-included amount and the total in Thai words. ``?copy=1`` marks a reprint.
The page stands alone (no site navigation): it is what the printer gets.
"""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from markupsafe import Markup

from inventory.catalogue.code128 import code128_svg
from kernel.access import Actor
from kernel.db.engine import Database
from kernel.errors import ConflictError
from kernel.money import format_baht
from pos.checkout.queries import get_sale
from pos.checkout.thai_words import baht_words
from pos.tax_invoices.queries import invoice_of_sale
from pos.tills.receipts import markdown_label, receipt_datetime, tender_label
from pos.tills.service import get_till
from web.accounts.auth import staff_only
from web.settings import Settings


class ReceiptPages(Controller):
    """Receipts and credit notes for 80 mm paper."""

    path = "/api/v1/sales"
    guards = [staff_only]

    @get(
        "/{sale_id:int}/receipt",
        sync_to_thread=False,
        media_type="text/html",
    )
    def sale_receipt(
        self,
        sale_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        settings: NamedDependency[Settings],
        copy: FromQuery[int] = 0,
    ) -> Template | Response[str]:
        """The receipt as HTML (a completed sale only: a pending one has no number yet)."""
        with db.read() as conn:
            sale = get_sale(conn, actor, sale_id)
            registration = get_till(conn, sale.till_id).pos_registration
            replaced = invoice_of_sale(conn, actor, sale.id)
        if sale.receipt_number is None or sale.completed_at is None:
            raise ConflictError(
                "receipt.not_yet",
                "รายการขาย {sale_id} อยู่ในสถานะ {status} จึงยังไม่มีใบเสร็จ",
                field="status",
                sale_id=sale_id,
                status=sale.status,
            )
        return Template(
            template_name="pos/receipt.html",
            context={
                "sale": sale,
                "pos_registration": registration,
                "replaced_by": replaced.number if replaced else None,
                "copy": bool(copy),
                "vat_registered": settings.vat_registered,
                "seller_tax_id": settings.receipt_tax_id,
                "seller_name_th": settings.centre_name_th,
                "seller_name_en": settings.centre_name_en,
                "printed_at": receipt_datetime(sale.completed_at),
                "baht": format_baht,
                "total_words": baht_words(sale.total_satang),
                # Scanned at the till, it opens the sale for a reprint or a refund.
                "receipt_barcode": Markup(code128_svg(sale.receipt_number)),
                "tender_label": tender_label,
                "markdown_label": markdown_label,
            },
            media_type="text/html",
        )
