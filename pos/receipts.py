"""Receipt numbers: per till, sequential without gaps or duplicates.

A number is taken only when a sale completes, from the sequence ``receipt:<till id>`` in the
sale's own transaction: the row update holds the sequence's lock until commit, and a rolled
back sale gives its number back, so the numbers a till prints run 1, 2, 3... with no hole.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection

from kernel.clock import BANGKOK, buddhist_year
from kernel.db import Sequence, next_in_sequence

SEQ_DIGITS = 6
# kernel.db.next_in_sequence's bump by one, built once for the hot path (a statement built
# per call is re-keyed per call); the first number of a till still goes through it.
_BUMP = (
    update(Sequence)
    .where(Sequence.name == bindparam("seq_name"))
    .values(last_value=Sequence.last_value + 1)
    .returning(Sequence.last_value)
)


def receipt_sequence(till_id: int) -> str:
    return f"receipt:{till_id}"


def receipt_number(till_code: str, seq: int) -> str:
    """``SKP-01``, 123 -> ``SKP-01-000123`` (the till's code makes it unique across tills)."""
    return f"{till_code}-{seq:0{SEQ_DIGITS}d}"


def take_receipt_number(conn: Connection, till_id: int, till_code: str) -> tuple[int, str]:
    """The till's next receipt number, in the caller's transaction."""
    name = receipt_sequence(till_id)
    bumped = conn.execute(_BUMP, {"seq_name": name}).scalar()
    seq = next_in_sequence(conn, name) if bumped is None else int(bumped)
    return seq, receipt_number(till_code, seq)


def receipt_datetime(at: datetime) -> str:
    """Bangkok time with the Buddhist-era year: ``21/11/2569 10:00``."""
    local = at.astimezone(BANGKOK)
    return f"{local.day:02d}/{local.month:02d}/{buddhist_year(local.year)} {local:%H:%M}"
