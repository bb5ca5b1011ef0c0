"""The database: the declarative base, the engine, and transactions.

Services receive a ``Connection`` inside a transaction and use SQLAlchemy Core on it:
measured on this machine, sync Core is several times faster than the async ORM for the
till's write path, and keeping the choice here lets it change without touching the rules.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from sqlalchemy import (
    DateTime,
    Integer,
    MetaData,
    Select,
    String,
    create_engine,
    event,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

from kernel.db.writer import SingleWriter

T = TypeVar("T")
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out, on SQLite (which keeps no zone) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where aware UTC is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class Sequence(Base):
    """Named counters for numbers people read: goods-received notes, in-store codes, receipts."""

    __tablename__ = "sequences"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


def next_in_sequence(conn: Connection, name: str, count: int = 1) -> int:
    """Reserve ``count`` numbers of a sequence inside the caller's transaction; returns the first.

    The row update takes the write lock, so numbers are gapless and never reused: a rolled
    back transaction gives its numbers back. A sequence's first use creates its row with
    ``ON CONFLICT DO NOTHING`` and bumps it then, so two transactions starting one sequence
    at once queue on the row instead of one failing on its key.
    """
    bump = (
        update(Sequence)
        .where(Sequence.name == name)
        .values(last_value=Sequence.last_value + count)
        .returning(Sequence.last_value)
    )
    bumped = conn.execute(bump).scalar()
    if bumped is None:
        start = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(start(Sequence).values(name=name, last_value=0).on_conflict_do_nothing())
        bumped = conn.execute(bump).scalar_one()
    return int(bumped) - count + 1


@contextmanager
def savepoint(conn: Connection, name: str) -> Iterator[None]:
    """A named SAVEPOINT in the caller's transaction: rolled back to when the block raises
    (and the error goes on), released when it ends.

    For a hot path's one savepoint per batch: ``begin_nested()`` names each savepoint anew,
    so SQLAlchemy compiled a fresh statement for every one (profiled); this sends fixed text.
    ``name`` must be a plain identifier; a nested use needs its own name.
    """
    if not name.isidentifier():
        raise ValueError(f"not a savepoint name: {name!r}")
    conn.exec_driver_sql(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        conn.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {name}")
        conn.exec_driver_sql(f"RELEASE SAVEPOINT {name}")
        raise
    conn.exec_driver_sql(f"RELEASE SAVEPOINT {name}")


def current_sequence(conn: Connection, name: str) -> int:
    value = conn.execute(select(Sequence.last_value).where(Sequence.name == name)).scalar()
    return int(value or 0)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine with the pragmas the rules depend on (SQLite: WAL, foreign keys, write lock).

    The pools hand out the connection returned last (LIFO): the single writer and the
    per-request reads keep reusing a few warm connections (SQLite: their page caches) instead
    of cycling through all of them.
    """
    if url.startswith("sqlite"):
        memory = _in_memory(url)
        pooling: dict[str, Any] = (
            {"poolclass": StaticPool}
            if memory
            else {"pool_size": 8, "max_overflow": 8, "pool_use_lifo": True}
        )
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}, **pooling
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url, echo=echo, pool_size=10, max_overflow=10, pool_pre_ping=True, pool_use_lifo=True
    )


def _in_memory(url: str) -> bool:
    return url == "sqlite://" or ":memory:" in url


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that BEGIN IMMEDIATE is ours to emit.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Every commit is synced to disk: an acknowledged sale survives a power cut. (NORMAL
        # syncs the log only at checkpoints: a power cut could lose the last commits, and a
        # printed receipt number could be issued again.) Group commit pays for it.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        # Statement journals (a multi-row statement in a transaction) in memory, not temp files.
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the write lock at BEGIN; upgrading a read lock later can deadlock.
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class PreparedRead:
    """A SELECT compiled once per dialect and run straight on the driver.

    For the one read every request makes (its session): SQLAlchemy's execution of it cost
    about 100 µs a call on SQLite (connection, BEGIN, compiled-cache lookup, result rows,
    ROLLBACK), the driver alone about 10 µs (measured). Parameters go through their types'
    bind processors; rows come back as the driver gives them (tuples, no result types).
    """

    def __init__(self, statement: Select[*tuple[Any, ...]]) -> None:
        self.statement = statement
        self._by_dialect: dict[str, tuple[str, Callable[[Mapping[str, Any]], Any]]] = {}

    def compiled(self, dialect: Dialect) -> tuple[str, Callable[[Mapping[str, Any]], Any]]:
        """The SQL text and a function making the driver's parameters from named values."""
        found = self._by_dialect.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            processors = {
                name: processor
                for name, bind in compiled.binds.items()
                if (processor := bind.type.bind_processor(dialect)) is not None
            }

            def value(name: str, params: Mapping[str, Any]) -> Any:
                processor = processors.get(name)
                return params[name] if processor is None else processor(params[name])

            if compiled.positional:
                order = tuple(compiled.positiontup or ())
                found = (compiled.string, lambda params: tuple(value(n, params) for n in order))
            else:
                found = (compiled.string, lambda params: {n: value(n, params) for n in params})
            self._by_dialect[dialect.name] = found
        return found


class Database:
    """One engine and the two kinds of transaction the services run in."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        # Every write goes through the one writer (see kernel.db.writer for the rule).
        self.writer = SingleWriter(self.engine)
        # Driver connections kept for lookup(), in autocommit, outside the engine's pool.
        self._lookup_connections: list[Any] = []
        self._shared_connection = _in_memory(url)

    def lookup(self, read: PreparedRead, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row of one SELECT, outside any transaction (a single statement reads a
        consistent snapshot by itself), straight on the driver: the cheap per-request read.
        Nothing is cached: every call asks the database."""
        sql, arguments = read.compiled(self.engine.dialect)
        if self._shared_connection:  # in-memory SQLite: one connection, shared with writers
            with self.read() as conn:
                row = conn.exec_driver_sql(sql, arguments(params)).first()
                return None if row is None else tuple(row)
        try:
            return self._lookup_once(sql, arguments(params))
        except self.engine.dialect.loaded_dbapi.OperationalError:
            # A dropped connection (the server restarted): once more, on a new connection.
            return self._lookup_once(sql, arguments(params))

    def _lookup_once(self, sql: str, arguments: Any) -> tuple[Any, ...] | None:
        pool = self._lookup_connections
        connection = pool.pop() if pool else self._lookup_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, arguments)
            row = cursor.fetchone()
            cursor.close()
        except Exception:
            connection.close()
            raise
        pool.append(connection)  # list.pop and list.append are atomic: threads may share it
        return None if row is None else tuple(row)

    def _lookup_connection(self) -> Any:
        """A driver connection of our own, set up by the engine (SQLite's pragmas) and then
        detached from its pool, in autocommit."""
        fairy = self.engine.raw_connection()
        fairy.detach()
        connection = fairy.dbapi_connection
        assert connection is not None
        if self.engine.dialect.name == "postgresql":
            connection.rollback()
            connection.autocommit = True
        return connection

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def write(self) -> AbstractContextManager[Connection]:
        """A write transaction on a thread or outside a server (the writer's; see
        :mod:`kernel.db.writer`): commits when the block ends, rolls back on any error. On the
        event loop, ``await db.writer.run(work)`` instead."""
        return self.writer.transaction()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only snapshot (rolled back at the end)."""
        with self.engine.connect() as conn, conn.begin() as tx:
            yield conn
            tx.rollback()

    async def read_on_thread(self, query: Callable[[Connection], T]) -> T:
        """``query`` in a read-only snapshot on a thread, for a read that takes long (sums
        over history): the event loop serves the tills meanwhile."""

        def run() -> T:
            with self.read() as conn:
                return query(conn)

        return await asyncio.to_thread(run)

    def analyze(self) -> None:
        """Refresh PostgreSQL's planner statistics, after a bulk load (seed, import).

        Until autovacuum gets round to it (a minute or more), tables without statistics are
        planned as if nearly empty: the till's prepared statements and the foreign-key checks
        of every inserted row, planned once per connection, scanned whole tables (measured on
        a freshly seeded catalogue: ~2,500 rows read per check). SQLite's planner goes by its
        indexes without statistics: nothing to do there.
        """
        if self.dialect == "postgresql":
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")

    def dispose(self) -> None:
        self.writer.stop()
        while self._lookup_connections:
            self._lookup_connections.pop().close()
        self.engine.dispose()
