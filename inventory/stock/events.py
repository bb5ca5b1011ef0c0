"""What happens to stock, as the audit log names it (each with its document's number)."""

from __future__ import annotations

from enum import StrEnum


class StockEvent(StrEnum):
    INTAKE_RECEIVED = "intake_received"  # a goods-received note
    STOCK_ADJUSTED = "stock_adjusted"  # by hand, with a reason
    STOCK_TRANSFERRED = "stock_transferred"  # from one location to another
    STOCK_COUNTED = "stock_counted"  # a count: the differences became movements
    STOCK_RETURNED = "stock_returned"  # goods given back to their entrepreneur
    # Return notes (inventory.stock.return_notes): goods at the end of their period.
    RETURN_NOTE_PREPARED = "return_note_prepared"  # set aside for pickup; no stock moved
    RETURN_NOTE_COLLECTED = "return_note_collected"  # signed for; stock left (stock_returned)
    RETURN_NOTE_CANCELLED = "return_note_cancelled"  # called off before pickup
    LOTS_EXTENDED = "lots_extended"  # lots whose terms say extend, kept extend_days more
    MARKDOWN_APPLIED = "markdown_applied"  # a product's agreed markdown set on its date
