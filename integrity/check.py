"""``otop-pos check``: the rules PRODUCT.md calls not negotiable, verified on the stored data.

Every rule is a few set-based statements that return only the rows breaking it (a year of
sales is scanned by the database, never looped over in Python), on SQLite and PostgreSQL:
the books and stock in :mod:`integrity.books`, the sales and payments in
:mod:`integrity.sales`, the numbering (receipts, credit notes, Z reports) in
:mod:`integrity.numbers`. Run them in one snapshot (:func:`snapshot`): under
PostgreSQL's READ COMMITTED, two statements of one rule could see two moments of a live
database and report a gap that is not there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from integrity.books import BOOK_RULES, WARNING_RULES
from integrity.consignment import CONSIGNMENT_RULES
from integrity.numbers import NUMBER_RULES, NUMBER_WARNINGS
from integrity.sales import SALE_RULES
from integrity.violations import Rule, Violation
from inventory.models import StockMovement
from kernel.db.engine import Database
from payments.ledger.models import JournalEntryRow
from payments.models import Payment
from pos.models import Refund, Sale

RULES: tuple[Rule, ...] = (*BOOK_RULES, *CONSIGNMENT_RULES, *SALE_RULES, *NUMBER_RULES)
WARNINGS: tuple[Rule, ...] = (*WARNING_RULES, *NUMBER_WARNINGS)

__all__ = [
    "RULES",
    "WARNINGS",
    "Rule",
    "Violation",
    "find_violations",
    "find_warnings",
    "snapshot",
    "totals",
]


def find_violations(conn: Connection, now: datetime | None = None) -> list[Violation]:
    """Every violation of every rule, rule by rule (none: the data keeps them all). The rules
    that depend on the time (a sale stranded past its QR's expiry) check only given ``now``."""
    return [violation for known in RULES for violation in known.violations(conn, now)]


def find_warnings(conn: Connection) -> list[Violation]:
    """What a manager should look at but breaks no rule: sale exceptions not yet resolved and
    stock a sale rung offline took below zero (``otop-pos check`` prints them, and passes)."""
    return [warning for known in WARNINGS for warning in known.violations(conn, None)]


@contextmanager
def snapshot(db: Database) -> Iterator[Connection]:
    """A read-only transaction that sees one moment of the database in all its statements
    (PostgreSQL: REPEATABLE READ; SQLite in WAL mode: its deferred BEGIN does so by itself)."""
    with db.engine.connect() as conn:
        if db.dialect == "postgresql":
            conn = conn.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        with conn.begin() as tx:
            yield conn
            tx.rollback()


_COUNTED = {
    "sales": Sale,
    "refunds": Refund,
    "payments": Payment,
    "journal entries": JournalEntryRow,
    "stock movements": StockMovement,
}


def totals(conn: Connection) -> dict[str, int]:
    """What the check went over: the rows of the main tables."""
    return {
        name: int(conn.execute(select(func.count()).select_from(model)).scalar_one())
        for name, model in _COUNTED.items()
    }
