"""The single writer's statements run straight on SQLite's driver.

SQLAlchemy's execution of a compiled statement (its cache lookup, the expanding ``IN``
parameters, parameter and result processing, the result object) cost two to four times what
SQLite itself spent on the writer's small statements: about a quarter of a checkout batch's
CPU (measured in process). A :class:`Prepared` statement is compiled once per dialect, and
once per number of values of each expanding parameter; a run turns the named values into the
driver's positional ones through the parameters' bind processors, runs the text on the
connection's own driver connection (in its transaction) and passes the rows through the
columns' result processors. A driver error is raised as SQLAlchemy raises it
(``IntegrityError``, ``OperationalError``, ...).

On PostgreSQL, where each statement's round trip to the server outweighs this, the statement
goes through SQLAlchemy's execution as any other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.expression import Select, UpdateBase

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Form:
    """The statement's text for one number of values of each expanding parameter, and how to
    make its positional arguments."""

    sql: str
    # Per position: (parameter name, index in its list or None, processor) or a constant.
    sources: tuple[tuple[str, int | None, Processor] | tuple[None, Any, None], ...]
    results: tuple[Processor, ...]

    def arguments(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        values = []
        for name, index, processor in self.sources:
            if name is None:
                values.append(index)  # a constant of the statement's own
                continue
            value = params[name] if index is None else params[name][index]
            values.append(value if processor is None else processor(value))
        return tuple(values)

    def rows(self, rows: list[Any]) -> list[tuple[Any, ...]]:
        if not any(self.results):
            return rows
        return [
            tuple(v if p is None else p(v) for v, p in zip(row, self.results, strict=True))
            for row in rows
        ]


class Prepared:
    """A statement (a SELECT, an UPDATE, with or without RETURNING) run on the driver on
    SQLite and through SQLAlchemy elsewhere; rows come back as tuples."""

    def __init__(self, statement: Select[*tuple[Any, ...]] | UpdateBase) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[Any, tuple[str, ...]]] = {}
        self._forms: dict[tuple[str, tuple[int, ...]], _Form] = {}

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """The statement's rows for one set of named values."""
        if conn.dialect.name != "sqlite":
            return [tuple(row) for row in conn.execute(self.statement, params)]
        form = self._form(conn.dialect, params)
        arguments = form.arguments(params)
        return form.rows(on_driver(conn, form.sql, arguments, many=False).fetchall())

    def run_many(self, conn: Connection, params: Sequence[Mapping[str, Any]]) -> None:
        """Run the statement once per set of named values (no expanding parameters)."""
        if not params:
            return
        if conn.dialect.name != "sqlite":
            conn.execute(self.statement, list(params))
            return
        form = self._form(conn.dialect, params[0])
        on_driver(conn, form.sql, [form.arguments(p) for p in params], many=True)

    def _form(self, dialect: Dialect, params: Mapping[str, Any]) -> _Form:
        compiled, expanding = self._compiled.get(dialect.name) or self._compile(dialect)
        key = (dialect.name, tuple(len(params[name]) for name in expanding))
        form = self._forms.get(key)
        if form is None:
            form = self._forms[key] = _make_form(dialect, compiled, expanding, params)
        return form

    def _compile(self, dialect: Dialect) -> tuple[Any, tuple[str, ...]]:
        compiled = self.statement.compile(dialect=dialect)
        if not compiled.positional:
            raise ValueError(f"{dialect.name}: a Prepared statement needs positional parameters")
        expanding = tuple(name for name, bind in compiled.binds.items() if bind.expanding)
        self._compiled[dialect.name] = (compiled, expanding)
        return compiled, expanding


def _make_form(
    dialect: Dialect, compiled: Any, expanding: tuple[str, ...], params: Mapping[str, Any]
) -> _Form:
    state = compiled.construct_expanded_state({**params}, escape_names=False)
    binds: dict[str, BindParameter[Any]] = compiled.binds
    sources: list[tuple[str, int | None, Processor] | tuple[None, Any, None]] = []
    for position in state.positiontup or ():
        bind = binds.get(position)
        if bind is not None and not bind.expanding:
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if position in params:
                sources.append((position, None, processor))
            else:  # a value the statement carries (a literal in a WHERE or SET)
                value = bind.effective_value
                sources.append((None, value if processor is None else processor(value), None))
            continue
        name, _, number = position.rpartition("_")  # an expanded value: "ids_3"
        if name not in expanding or not number.isdigit():
            raise ValueError(f"cannot tell where the parameter {position!r} comes from")
        processor = binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        sources.append((name, int(number) - 1, processor))
    columns = getattr(compiled.statement, "exported_columns", ())
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
    )
    return _Form(state.statement, tuple(sources), results)


def on_driver(conn: Connection, sql: str, arguments: Any, *, many: bool) -> Any:
    """Run driver SQL on the connection's driver connection (in its transaction); a driver
    error raised as SQLAlchemy's."""
    driver = conn.connection.driver_connection
    assert driver is not None
    try:
        return driver.executemany(sql, arguments) if many else driver.execute(sql, arguments)
    except conn.dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(
            sql, arguments, error, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
        ) from error
