"""The bulk history copied from its SQLite build into PostgreSQL with COPY: the same rows, in
minutes rather than the hour or two of generating them again through PostgreSQL.

Table by table in foreign-key order, each row as SQLite keeps it (UTC text for times, 0/1 for
booleans, JSON as text: PostgreSQL reads them all in a UTC session), foreign-key triggers off
for the load (``session_replication_role = replica``: the rows were checked where they were
made; ``otop-pos check`` runs on the copy), then each id sequence moved past its table's ids
and the planner's statistics taken.
"""

from __future__ import annotations

import sqlite3
import sys
import time

import psycopg
from sqlalchemy import Table
from sqlalchemy.engine import make_url

from bench.bulk_rows import advance_id_sequences
from kernel.db.engine import Database
from web.models import metadata

SKIPPED = {"alembic_version"}


def copy_sqlite_to_postgresql(sqlite_path: str, postgresql_url: str) -> int:
    """Copy every table of the (migrated, same-revision) SQLite database into the migrated,
    empty PostgreSQL one; returns the rows copied."""
    url = make_url(postgresql_url)
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    source = sqlite3.connect(sqlite_path)
    copied = 0
    started = time.perf_counter()
    tables = [t for t in metadata.sorted_tables if t.name not in SKIPPED]
    with psycopg.connect(conninfo) as target:
        target.execute("SET session_replication_role = replica")
        target.execute("SET TIME ZONE 'UTC'")
        names = ", ".join(f'"{t.name}"' for t in tables)
        target.execute(f"TRUNCATE {names}")  # what the migrations wrote: the copy has it too
        for table in tables:
            copied += _copy_table(source, target, table)
            print(
                f"\rcopied {table.name} ({copied:,} rows, {time.perf_counter() - started:.0f} s)"
                + " " * 20,
                end="",
                file=sys.stderr,
                flush=True,
            )
        target.commit()
    print(file=sys.stderr)
    source.close()
    db = Database(postgresql_url)
    try:
        with db.engine.begin() as conn:
            advance_id_sequences(conn, tuple(_models_with_ids()))
        db.analyze()
    finally:
        db.dispose()
    return copied


def _copy_table(source: sqlite3.Connection, target: psycopg.Connection, table: Table) -> int:
    columns = [column.name for column in table.columns]
    listed = ", ".join(f'"{name}"' for name in columns)
    rows = source.execute(f'SELECT {listed} FROM "{table.name}"')
    count = 0
    with target.cursor().copy(f'COPY "{table.name}" ({listed}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _models_with_ids() -> list[type]:
    """Every mapped table whose primary key is an integer id (its sequence to move on)."""
    from kernel.db.engine import Base

    found = []
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        if isinstance(table, Table) and [c.name for c in table.primary_key.columns] == ["id"]:
            found.append(mapper.class_)
    return found
