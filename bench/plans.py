"""The query plans of a call: every statement it sends, explained by the database itself
(SQLite ``EXPLAIN QUERY PLAN``, PostgreSQL ``EXPLAIN``), for the bench's output."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection

from kernel.db.engine import Database


def statements_of(db: Database, call: Callable[[Connection], object]) -> list[tuple[str, Any]]:
    """The statements (and their parameters) ``call`` sends, in a read transaction."""
    sent: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, parameters))

    with db.read() as conn:
        event.listen(conn, "before_cursor_execute", note)
        try:
            call(conn)
        finally:
            event.remove(conn, "before_cursor_execute", note)
    return sent


def explain(db: Database, call: Callable[[Connection], object]) -> list[str]:
    """Each statement of ``call`` with its plan, as text."""
    explained = []
    prefix = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN "
    with db.read() as conn:
        for statement, parameters in statements_of(db, call):
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            if db.dialect == "sqlite":  # (id, parent, notused, detail): indent by depth
                depth: dict[int, int] = {0: 0}
                lines = []
                for node, parent, _, detail in rows:
                    depth[node] = depth.get(parent, 0) + 1
                    lines.append("  " * (depth[node] - 1) + str(detail))
            else:
                lines = [str(row[0]) for row in rows]
            explained.append(_one_line(statement) + "\n" + "\n".join(lines))
    return explained


def _one_line(statement: str, limit: int = 300) -> str:
    flat = " ".join(statement.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def full_scans(plans: list[str]) -> list[str]:
    """Plan lines that read a whole table: SQLite's ``SCAN`` (of the table or a whole index),
    a ``SEARCH`` with no index named (its min/max walk of the rowid), or PostgreSQL's ``Seq
    Scan``: what a person waiting on the query should not pay for."""
    found = []
    for plan in plans:
        for line in plan.splitlines()[1:]:
            text = line.strip()
            scan = text.startswith("SCAN ") and not text.startswith("SCAN CONSTANT")
            walk = text.startswith("SEARCH ") and " USING " not in text
            if scan or walk or "Seq Scan" in text:
                found.append(text)
    return found
