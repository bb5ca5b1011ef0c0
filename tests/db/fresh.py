"""Fresh seeded databases for the state machines, one per hypothesis example, cheap on both
backends: SQLite copies a file seeded once; PostgreSQL truncates (restarting the ids, so the
seed gives the same ids every time) and seeds again."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import TypeVar

import pytest

from kernel.db.engine import Database
from tests.conftest import _truncate_postgres

W = TypeVar("W")


@contextmanager
def fresh_databases(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, seed: Callable[[Database], W]
) -> Iterator[Callable[[], tuple[Database, W, Callable[[], None]]]]:
    """A maker of (database, what ``seed`` made, release) for the parametrised backend."""
    if backend == "sqlite":
        seeded = tmp_path / "seeded.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), seeded)
        db = Database(f"sqlite:///{seeded}")
        world = seed(db)
        db.dispose()  # the last connection closed: the WAL is checkpointed into the file
        serial = count()

        def fresh_sqlite() -> tuple[Database, W, Callable[[], None]]:
            path = tmp_path / f"example-{next(serial)}.db"
            shutil.copy(seeded, path)
            db = Database(f"sqlite:///{path}")

            def release() -> None:
                db.dispose()
                for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    leftover.unlink(missing_ok=True)

            return db, world, release

        yield fresh_sqlite
    else:
        db = Database(request.getfixturevalue("postgres_url"))

        def fresh_postgres() -> tuple[Database, W, Callable[[], None]]:
            _truncate_postgres(db)
            return db, seed(db), lambda: None

        yield fresh_postgres
        db.dispose()
