"""What the audit log says of tax documents."""

from __future__ import annotations

from enum import StrEnum


class TaxDocumentEvent(StrEnum):
    TAX_INVOICE_ISSUED = "tax_invoice_issued"  # a full tax invoice replaced a sale's receipt
    TAX_CREDIT_NOTE_ISSUED = "tax_credit_note_issued"  # a refund credited a full tax invoice
