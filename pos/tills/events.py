"""What happens to a till and its shifts, as the audit log names it.

Cash put into or taken out of the drawer is logged under its
:class:`~pos.models.CashMovementKind` (``pay_in``, ``pay_out``).
"""

from __future__ import annotations

from enum import StrEnum


class TillEvent(StrEnum):
    TILL_CREATED = "till_created"
    TILL_REGISTERED = "till_registered"  # its Revenue Department POS number set or cleared
    SHIFT_OPENED = "shift_opened"  # with its opening float
    SHIFT_CLOSED = "shift_closed"  # the drawer counted: the Z report is numbered
    RECEIPT_BLOCK_LEASED = "receipt_block_leased"  # a device holds a block of receipt numbers
