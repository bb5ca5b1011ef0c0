"""What the web layer needs of tax documents: the seller from the settings, and the register
as rows for a CSV."""

from __future__ import annotations

from kernel.csv_cells import baht_cell
from kernel.errors import ConflictError
from pos.tax_invoices.queries import TaxRegister
from pos.tax_invoices.rules import Party
from pos.tills.receipts import receipt_datetime
from web.settings import Settings


def seller_of(settings: Settings) -> Party:
    """The centre as a full tax invoice names it; refused until its tax ID and address are set."""
    if not (settings.vat_registered and settings.receipt_tax_id and settings.invoice_address):
        raise ConflictError(
            "tax_invoice.seller_unset",
            "ศูนย์ยังไม่ได้ตั้งค่าการจดทะเบียนภาษีมูลค่าเพิ่ม เลขประจำตัวผู้เสียภาษี หรือที่อยู่ผู้ขาย"
            " (OTOP_VAT_REGISTERED, OTOP_SELLER_TAX_ID, OTOP_SELLER_ADDRESS):"
            " ออกใบกำกับภาษีเต็มรูปไม่ได้",
            field="settings",
        )
    return Party(
        settings.centre_name_th,
        settings.invoice_address,
        settings.receipt_tax_id,
        settings.seller_branch,
    )


REGISTER_HEADER = (
    "ประเภท / kind",
    "เลขที่ / number",
    "วันที่ / date",
    "อ้างถึง / refers to",
    "ผู้ซื้อ / buyer",
    "เลขประจำตัวผู้เสียภาษี / tax ID",
    "สาขา / branch",
    "มูลค่าก่อนภาษี / value before VAT",
    "ภาษีมูลค่าเพิ่ม / VAT",
    "รวม / total",
)
KIND_NAMES = {"invoice": "ใบกำกับภาษี / tax invoice", "credit_note": "ใบลดหนี้ / credit note"}


def register_rows(register: TaxRegister) -> list[tuple[object, ...]]:
    """The register as CSV rows, its totals last (the sums of the documents)."""
    rows: list[tuple[object, ...]] = [REGISTER_HEADER]
    rows += [
        (
            KIND_NAMES[r.kind],
            r.number,
            receipt_datetime(r.issued_at),
            r.refers_to,
            r.buyer_name,
            r.buyer_tax_id,
            r.buyer_branch,
            baht_cell(r.before_vat_satang),
            baht_cell(r.vat_satang),
            baht_cell(r.total_satang),
        )
        for r in register.rows
    ]
    rows.append(
        (
            "รวม / total",
            "",
            "",
            "",
            "",
            "",
            "",
            baht_cell(register.before_vat_satang),
            baht_cell(register.vat_satang),
            baht_cell(register.total_satang),
        )
    )
    return rows
