"""The database: the declarative base, the engine, and transactions.

Services receive a ``Connection`` inside a transaction and use SQLAlchemy Core on it:
measured on this machine, sync Core is several times faster than the async ORM for the
till's write path, and keeping the choice here lets it change without touching the rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    DateTime,
    Integer,
    MetaData,
    String,
    create_engine,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

from kernel.writer import SingleWriter

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
    back transaction gives its numbers back.
    """
    bumped = conn.execute(
        update(Sequence)
        .where(Sequence.name == name)
        .values(last_value=Sequence.last_value + count)
        .returning(Sequence.last_value)
    ).scalar()
    if bumped is None:
        conn.execute(insert(Sequence).values(name=name, last_value=count))
        bumped = count
    return int(bumped) - count + 1


def current_sequence(conn: Connection, name: str) -> int:
    value = conn.execute(select(Sequence.last_value).where(Sequence.name == name)).scalar()
    return int(value or 0)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine with the pragmas the rules depend on (SQLite: WAL, foreign keys, write lock)."""
    if url.startswith("sqlite"):
        memory = url == "sqlite://" or ":memory:" in url
        pooling: dict[str, Any] = (
            {"poolclass": StaticPool} if memory else {"pool_size": 8, "max_overflow": 8}
        )
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}, **pooling
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that BEGIN IMMEDIATE is ours to emit.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the write lock at BEGIN; upgrading a read lock later can deadlock.
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """One engine and the two kinds of transaction the services run in."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        # The hot write path (checkout) goes through one writer thread that group-commits.
        self.writer = SingleWriter(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that commits when the block ends and rolls back on any error."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only snapshot (rolled back at the end)."""
        with self.engine.connect() as conn, conn.begin() as tx:
            yield conn
            tx.rollback()

    def dispose(self) -> None:
        self.writer.stop()
        self.engine.dispose()
