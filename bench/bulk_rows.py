"""Rows of the bulk history, buffered and written a table at a time with explicit ids.

The ids are given here (each table's next one), so that a sale knows its lines', payments' and
journal entry's ids without asking the database; rows go in foreign-key order through
kernel.db.bulk.insert_rows (SQLite: the driver's executemany; PostgreSQL: one array per
column), values processed as SQLAlchemy stores them. On PostgreSQL the tables' id sequences
are moved past the ids given (:func:`advance_id_sequences`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from inventory.models import StockLot, StockMovement
from kernel.db.bulk import insert_rows
from kernel.db.engine import Base
from payments.ledger.models import JournalEntryRow, PostingRow
from payments.ledger.payout_models import Payout, PayoutRun
from payments.models import Payment, PaymentEventRow
from pos.models import Refund, RefundLine, Sale, SaleLine, SalePayment, Shift

# Parents before children: a flush writes the tables in this order.
TABLES: tuple[type[Base], ...] = (
    Shift,
    JournalEntryRow,
    PostingRow,
    Sale,
    SaleLine,
    Payment,
    PaymentEventRow,
    SalePayment,
    StockLot,
    StockMovement,
    Refund,
    RefundLine,
    PayoutRun,
    Payout,
)
CHUNK = 20_000  # rows a statement


class Rows:
    """Each table's waiting rows and next id."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.waiting: dict[type[Base], list[dict[str, Any]]] = {model: [] for model in TABLES}
        self.next_id = {
            model: int(conn.execute(select(func.coalesce(func.max(_id(model)), 0))).scalar_one())
            + 1
            for model in TABLES
        }
        self.written = 0

    def add(self, model: type[Base], row: dict[str, Any]) -> int:
        """Queue ``row`` (without its id) for ``model``'s table; returns the id it gets."""
        row_id = self.next_id[model]
        self.next_id[model] = row_id + 1
        row["id"] = row_id
        self.waiting[model].append(row)
        return row_id

    def count(self, model: type[Base]) -> int:
        return len(self.waiting[model])

    def flush(self) -> None:
        for model in TABLES:
            rows = self.waiting[model]
            for start in range(0, len(rows), CHUNK):
                insert_rows(self.conn, model, rows[start : start + CHUNK])
            self.written += len(rows)
            rows.clear()


def _id(model: type[Base]) -> Any:
    return model.__table__.c.id  # type: ignore[attr-defined]


def advance_id_sequences(conn: Connection, models: tuple[type[Base], ...] = TABLES) -> None:
    """PostgreSQL: each table's id sequence past the largest id (rows were given theirs)."""
    if conn.dialect.name != "postgresql":
        return
    for model in models:
        name = model.__tablename__
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)"
            )
        )


Progress = Callable[[int, int, int], None]  # days done, of days, sales so far
