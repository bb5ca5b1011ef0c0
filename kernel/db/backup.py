"""Copies of a SQLite database: an online backup while the server writes, and a restore.

Both go through SQLite's backup API, never a file copy: a file copied while the server
writes (or without its -wal file) may be torn. The backup reads one snapshot of the source
(a read transaction held for the whole copy, which in WAL mode never blocks the server's
writers and keeps SQLite from restarting the copy on every write), copies it a few pages at
a time with short pauses so the server keeps the disk and the CPU, then checks the copy
(``PRAGMA integrity_check``) before giving it its name (a rename, so a failed backup never
leaves a half-written file under that name). The restore writes the backup into the
configured database in one transaction of the destination: every connection sees either the
old database or the restored one, and SQLite itself keeps its -wal and -shm files in step.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PAGES_PER_STEP = 256  # 1 MiB with 4 KiB pages
PAUSE_SECONDS = 0.002
SYNC_EVERY_STEPS = 16  # the copy so far to disk every 16 MiB (see _paced)
WRITER_PROBE_SECONDS = 0.5


class BackupError(Exception):
    """The copy cannot be made or used; the message says why."""


@dataclass(frozen=True)
class CopyReport:
    path: Path
    size_bytes: int
    seconds: float
    counts: dict[str, int]  # rows of the tables asked for
    schema_version: str | None  # alembic's revision, None when the file has none


@contextlib.contextmanager
def _connect(
    path: Path, *, read_only: bool = False, timeout: float = 30
) -> Iterator[sqlite3.Connection]:
    uri = f"{path.resolve().as_uri()}{'?mode=ro' if read_only else ''}"
    conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def _describe(conn: sqlite3.Connection, tables: Iterable[str]) -> tuple[dict[str, int], str | None]:
    present = {
        name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    counts = {
        table: int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
        for table in tables
        if table in present
    }
    version = None
    if "alembic_version" in present:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        version = None if row is None else str(row[0])
    return counts, version


def _integrity(conn: sqlite3.Connection, pragma: str = "integrity_check") -> None:
    problems = [row[0] for row in conn.execute(f"PRAGMA {pragma}")]
    if problems != ["ok"]:
        raise BackupError(f"{pragma} failed: " + "; ".join(problems[:5]))


def backup(
    source: Path,
    target: Path,
    *,
    tables: Iterable[str] = (),
    pages_per_step: int = PAGES_PER_STEP,
    pause_seconds: float = PAUSE_SECONDS,
) -> CopyReport:
    """Copy the live database ``source`` to ``target`` (replacing it), checked; the copy is a
    single file (rollback journal, no -wal) that :func:`restore` takes back."""
    started = time.perf_counter()
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    if target.resolve() == source.resolve():
        raise BackupError("the backup cannot be the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    try:
        with _connect(source) as src, _connect(partial) as dst:
            wal = src.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            if wal:  # one snapshot for all the steps (see the module's docstring)
                src.execute("BEGIN")
                src.execute("SELECT count(*) FROM sqlite_master").fetchone()
            src.backup(
                dst, pages=pages_per_step if wal else -1, progress=_paced(partial, pause_seconds)
            )
            if wal:
                src.execute("COMMIT")
            dst.execute("PRAGMA journal_mode=DELETE")
            _integrity(dst)
            counts, version = _describe(dst, tables)
        _fsync(partial)
        partial.replace(target)
        _fsync(target.parent)
    except sqlite3.Error as error:
        raise BackupError(f"backup of {source} failed: {error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return CopyReport(target, target.stat().st_size, time.perf_counter() - started, counts, version)


def _paced(partial: Path, pause_seconds: float) -> Callable[[int, int, int], None]:
    """The copy's progress callback: a short pause after each step, and every SYNC_EVERY_STEPS
    steps the copy so far flushed to disk. Left to itself the kernel writes a copy back on its
    own schedule, a gigabyte or more at once half a minute in; a sale's commit, whose fsync on
    ext4 waits for that writeback, then stalled for half a second (ten years of history, a 4 GB
    copy). Flushed as it goes, each commit waits for at most a few MiB."""
    steps = 0

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal steps
        steps += 1
        if steps % SYNC_EVERY_STEPS == 0:
            _fsync(partial)
        time.sleep(pause_seconds)

    return progress


def inspect(path: Path, *, tables: Iterable[str] = ()) -> CopyReport:
    """What a backup file holds, after checking it is a sound SQLite database."""
    started = time.perf_counter()
    if not path.is_file():
        raise BackupError(f"no file at {path}")
    try:
        with _connect(path, read_only=True) as conn:
            _integrity(conn)
            counts, version = _describe(conn, tables)
    except sqlite3.Error as error:
        raise BackupError(f"{path} is not a usable SQLite database: {error}") from None
    return CopyReport(path, path.stat().st_size, time.perf_counter() - started, counts, version)


def writer_active(path: Path, *, wait_seconds: float = WRITER_PROBE_SECONDS) -> bool:
    """Whether another connection holds the database's write lock (a server busy writing).
    An idle server holds none: this sees a writer at work, not a server that is running."""
    if not path.is_file():
        return False
    with _connect(path, timeout=wait_seconds) as conn:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                return True
            raise BackupError(f"{path} is not a usable SQLite database: {error}") from None
        conn.execute("ROLLBACK")
    return False


def restore(backup_file: Path, database: Path, *, tables: Iterable[str] = ()) -> CopyReport:
    """Replace the database at ``database`` by the backup, in one transaction of the
    destination (see the module's docstring); the caller has checked the backup."""
    started = time.perf_counter()
    if database.exists() and database.resolve() == backup_file.resolve():
        raise BackupError("the backup is the database itself")
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _connect(backup_file, read_only=True) as src, _connect(database) as dst:
            src.backup(dst)
            _integrity(dst, "quick_check")  # the source passed integrity_check (inspect)
            counts, version = _describe(dst, tables)
    except sqlite3.Error as error:
        raise BackupError(f"restore into {database} failed: {error}") from None
    return CopyReport(
        database, database.stat().st_size, time.perf_counter() - started, counts, version
    )


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
