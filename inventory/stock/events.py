"""What happens to stock, as the audit log names it (each with its document's number)."""

from __future__ import annotations

from enum import StrEnum


class StockEvent(StrEnum):
    INTAKE_RECEIVED = "intake_received"  # a goods-received note
    STOCK_ADJUSTED = "stock_adjusted"  # by hand, with a reason
    STOCK_TRANSFERRED = "stock_transferred"  # from one location to another
    STOCK_COUNTED = "stock_counted"  # a count: the differences became movements
    STOCK_RETURNED = "stock_returned"  # goods given back to their entrepreneur
    MARKDOWN_APPLIED = "markdown_applied"  # a product's agreed markdown set on its date
