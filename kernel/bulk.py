"""Many rows of one table in one statement: the single writer's batches.

On PostgreSQL, SQLAlchemy's executemany sends one INSERT per row (psycopg pipelines them, but
the server runs each one, and SQLAlchemy and psycopg spend Python on each), and its multi-row
``VALUES`` for ``RETURNING`` renders a new text per row count. There :func:`insert_rows` sends
one array per column instead, ``INSERT ... SELECT * FROM unnest(...)``, the values through
the columns' own bind processors (stored exactly as SQLAlchemy would store them): one
statement whose text does not depend on how many rows there are (the server plans it once;
psycopg prepares it after a few runs). Measured on the till's batches of eight sales: a third
less CPU in the writer and in PostgreSQL. On SQLite (in process, no round trips) it is
SQLAlchemy's executemany.

Inside :func:`sent_together` on PostgreSQL, the writes that return nothing wait and go to the
server together, in one round trip (psycopg's pipeline mode), when the block ends: a batch's
lines, movements, postings, events, links and audit entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Column, Insert, Table, insert
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.sqltypes import NullType

from kernel.db import Base

Processor = Callable[[Any], Any] | None
_WAITING = "otop.bulk.waiting"  # the connection's writes waiting for the end of the block


class _Unnest:
    """PostgreSQL: an INSERT of given columns into a table from one array per column."""

    def __init__(
        self, dialect: Dialect, table: Table, names: tuple[str, ...], returning: tuple[str, ...]
    ) -> None:
        quote = dialect.identifier_preparer
        columns = [table.c[name] for name in names]
        arrays = ", ".join(f"%s::{_sql_type(column, dialect)}[]" for column in columns)
        self.sql = (
            f"INSERT INTO {quote.format_table(table)} "
            f"({', '.join(quote.format_column(column) for column in columns)}) "
            f"SELECT * FROM unnest({arrays})"
        )
        if returning:
            self.sql += " RETURNING " + ", ".join(
                quote.format_column(table.c[name]) for name in returning
            )
        self.names = names
        self.binds: tuple[Processor, ...] = tuple(
            column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns
        )
        self.results: tuple[Processor, ...] = tuple(
            table.c[name].type.dialect_impl(dialect).result_processor(dialect, None)
            for name in returning
        )
        self.returning = bool(returning)

    def run(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        arrays = tuple(
            [row[name] for row in rows] if bind is None else [bind(row[name]) for row in rows]
            for name, bind in zip(self.names, self.binds, strict=True)
        )
        if not self.returning:
            write(conn, self.sql, arrays)
            return []
        result = conn.exec_driver_sql(self.sql, arrays)
        if not any(self.results):
            return [tuple(row) for row in result]
        return [
            tuple(v if p is None else p(v) for v, p in zip(row, self.results, strict=True))
            for row in result
        ]


_compiled: dict[tuple[Any, ...], Any] = {}


def insert_rows(
    conn: Connection,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert the rows (mappings with the same keys: the columns to set) into the model's table
    with one statement; given ``returning`` (column names), those columns of the inserted
    rows, in no particular order (match them by a unique column)."""
    if not rows:
        return []
    table = cast(Table, model.__table__)
    if conn.dialect.name == "postgresql":
        key = (table, tuple(rows[0]), tuple(returning))
        unnest: _Unnest | None = _compiled.get(key)
        if unnest is None:
            unnest = _compiled[key] = _Unnest(conn.dialect, table, key[1], key[2])
        return unnest.run(conn, rows)
    statement: Insert | None = _compiled.get((table, tuple(returning)))
    if statement is None:
        statement = insert(table)
        if returning:
            statement = statement.returning(*(table.c[name] for name in returning))
        _compiled[(table, tuple(returning))] = statement
    result = conn.execute(statement, list(rows))
    return [tuple(row) for row in result] if returning else []


def write(conn: Connection, sql: str, parameters: tuple[Any, ...]) -> None:
    """Run a statement that returns nothing (driver SQL); inside :func:`sent_together` on
    PostgreSQL, when the block ends."""
    waiting: list[tuple[str, tuple[Any, ...]]] | None = conn.info.get(_WAITING)
    if waiting is None:
        conn.exec_driver_sql(sql, parameters)
    else:
        waiting.append((sql, parameters))


@contextmanager
def sent_together(conn: Connection) -> Iterator[None]:
    """On PostgreSQL, hold back the block's writes that return nothing (:func:`insert_rows`
    without ``RETURNING``, :func:`write`) and send them together when it ends, in order, in
    one round trip; an error of one is raised as SQLAlchemy raises it. Elsewhere, nothing."""
    if conn.dialect.name != "postgresql" or _WAITING in conn.info:
        yield
        return
    waiting: list[tuple[str, tuple[Any, ...]]] = []
    conn.info[_WAITING] = waiting
    try:
        yield
    finally:
        del conn.info[_WAITING]
    if waiting:
        _send(conn, waiting)


def _send(conn: Connection, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
    driver = conn.connection.driver_connection
    assert driver is not None
    sql, parameters = statements[0]
    try:
        with driver.pipeline(), driver.cursor() as cursor:
            for sql, parameters in statements:
                cursor.execute(sql, parameters)
    except conn.dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(
            sql, parameters, error, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
        ) from error


def _sql_type(column: Column[Any], dialect: Dialect) -> str:
    sql_type = column.type
    if isinstance(sql_type, NullType) and column.foreign_keys:  # typed by what it refers to
        sql_type = next(iter(column.foreign_keys)).column.type
    return str(sql_type.compile(dialect=dialect))
