"""Statements run straight on SQLite's driver: the single writer's, and a few hot reads.

SQLAlchemy's execution of a compiled statement (its cache lookup, the expanding ``IN``
parameters, parameter and result processing, the result object) cost two to four times what
SQLite itself spent on the writer's small statements: about a quarter of a checkout batch's
CPU (measured in process). A :class:`Prepared` statement is compiled once per dialect, and its
text expanded once per size class of each expanding parameter (a power of two: a list is
padded with its last value, which an ``IN`` does not mind, so that a server meets a handful of
texts rather than one per list length). A run turns the named values into the driver's
positional ones through the parameters' bind processors, runs the text on the connection's
own driver connection (in its transaction, begun first if none is) and passes the rows
through the columns' result processors.

A driver error is raised as SQLAlchemy's class for it (``IntegrityError``,
``OperationalError``, ... with the driver's error as ``orig``), but not through SQLAlchemy's
error handling: no ``handle_error`` events, no invalidation of the connection on a
disconnect (SQLite has none), no echo of the statement. The processors are those of the first
engine of each dialect to run the statement (this application's engines differ in their URL
only).

On PostgreSQL, where each statement's round trip to the server outweighs this, the statement
goes through SQLAlchemy's execution as any other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError, InvalidRequestError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.expression import Select, UpdateBase

Processor = Callable[[Any], Any] | None
_REQUIRED = object()  # a named parameter without a value of its own: the caller must give one
# Per position of the text: (name, index in its list or None, processor, default) where
# ``name`` None means the default is the (processed) constant the statement carries.
_Source = tuple[str | None, int | None, Processor, Any]


@dataclass(frozen=True, slots=True)
class _Form:
    """The statement's text for one size class of each expanding parameter, and how to make
    its positional arguments."""

    sql: str
    sources: tuple[_Source, ...]
    results: tuple[Processor, ...]

    def arguments(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        values = []
        for name, index, processor, default in self.sources:
            if name is None:
                values.append(default)
                continue
            if index is not None:
                given = params[name]
                value = given[index] if index < len(given) else given[-1]  # padding
            elif name in params:
                value = params[name]
            elif default is _REQUIRED:
                raise InvalidRequestError(f"A value is required for bind parameter {name!r}")
            else:
                value = default
            values.append(value if processor is None else processor(value))
        return tuple(values)

    def rows(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        if not any(self.results):
            return rows
        return [
            tuple(v if p is None else p(v) for v, p in zip(row, self.results, strict=True))
            for row in rows
        ]


@dataclass(frozen=True, slots=True)
class _Compiled:
    compiled: SQLCompiler
    binds: dict[str, BindParameter[Any]]  # by their names in the text
    expanding: tuple[str, ...]


class Prepared:
    """A statement (a SELECT, an UPDATE, with or without RETURNING) run on the driver on
    SQLite and through SQLAlchemy elsewhere; rows come back as tuples (none for a statement
    that returns none). Safe to share between threads: two threads building the same text
    build equal ones."""

    def __init__(self, statement: Select[*tuple[Any, ...]] | UpdateBase) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}
        self._forms: dict[tuple[str, tuple[int, ...]], _Form] = {}

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """The statement's rows for one set of named values."""
        if conn.dialect.name != "sqlite":
            result = conn.execute(self.statement, params)
            return [tuple(row) for row in result] if result.returns_rows else []
        form = self._form(conn.dialect, params)
        arguments = form.arguments(params)
        cursor = on_driver(conn, form.sql, arguments, many=False)
        return form.rows(cursor.fetchall())

    def run_many(self, conn: Connection, params: Sequence[Mapping[str, Any]]) -> None:
        """Run the statement once per set of named values (it may have no expanding
        parameters: one text serves every set)."""
        if not params:
            return
        if conn.dialect.name != "sqlite":
            conn.execute(self.statement, list(params))
            return
        if self._compile(conn.dialect).expanding:
            raise ValueError("run_many: the statement has expanding parameters")
        form = self._form(conn.dialect, params[0])
        on_driver(conn, form.sql, [form.arguments(p) for p in params], many=True)

    def _form(self, dialect: Dialect, params: Mapping[str, Any]) -> _Form:
        compiled = self._compile(dialect)
        sizes = tuple(_size_class(len(params[name])) for name in compiled.expanding)
        form = self._forms.get((dialect.name, sizes))
        if form is None:
            form = _make_form(dialect, compiled, dict(zip(compiled.expanding, sizes, strict=True)))
            self._forms[(dialect.name, sizes)] = form
        return form

    def _compile(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is not None:
            return found
        compiled = self.statement.compile(dialect=dialect)
        if not compiled.positional:
            raise ValueError(f"{dialect.name}: a Prepared statement needs positional parameters")
        binds = {name: bind for bind, name in compiled.bind_names.items()}
        expanding = tuple(name for name, bind in binds.items() if bind.expanding)
        for name in expanding:
            if binds[name].unique:
                raise ValueError(
                    "a literal IN list: give it as bindparam(name, expanding=True) and pass it"
                )
        found = self._compiled[dialect.name] = _Compiled(compiled, binds, expanding)
        return found


def _size_class(length: int) -> int:
    """The list length a text is expanded for: 0, or the power of two at or above it."""
    return 0 if length == 0 else 1 << (length - 1).bit_length()


def _make_form(dialect: Dialect, compiled: _Compiled, sizes: Mapping[str, int]) -> _Form:
    # The text for lists of these sizes (any values: only the placeholders matter here).
    probe: dict[str, Any] = {name: None for name, bind in compiled.binds.items() if not bind.unique}
    probe.update((name, [None] * size) for name, size in sizes.items())
    state = compiled.compiled.construct_expanded_state(probe, escape_names=False)
    sources: list[_Source] = []
    for position in state.positiontup or ():
        bind = compiled.binds.get(position)
        if bind is not None:
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if bind.unique:  # a value the statement carries (a literal in a WHERE or a SET)
                value = bind.effective_value
                sources.append((None, None, None, value if processor is None else processor(value)))
            else:
                default = _REQUIRED if bind.required else bind.effective_value
                sources.append((position, None, processor, default))
            continue
        name, _, number = position.rpartition("_")  # an expanded value: "ids_3"
        if name not in sizes or not number.isdigit():
            raise ValueError(f"cannot tell where the parameter {position!r} comes from")
        processor = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        sources.append((name, int(number) - 1, processor, None))
    columns = getattr(compiled.compiled.statement, "exported_columns", ())
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
    )
    return _Form(state.statement, tuple(sources), results)


def on_driver(conn: Connection, sql: str, arguments: Any, *, many: bool) -> Any:
    """Run driver SQL on the connection's driver connection, in the connection's transaction
    (begun here if none is, as SQLAlchemy's own execution would); the driver's cursor. A
    driver error is raised as SQLAlchemy's class for it."""
    if not conn.in_transaction():
        conn.begin()
    driver = conn.connection.driver_connection
    assert driver is not None
    try:
        return driver.executemany(sql, arguments) if many else driver.execute(sql, arguments)
    except conn.dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(
            sql, arguments, error, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
        ) from error
