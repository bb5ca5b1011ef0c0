"""The single writer commits many units per transaction, each all or nothing."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from kernel.db import Database, Sequence, current_sequence, next_in_sequence


def _take_number(conn: Connection) -> int:
    return next_in_sequence(conn, "receipt")


def test_every_unit_commits_exactly_once_and_batches_form_under_load(db: Database) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(lambda: db.writer.submit(_take_number).result()) for _ in range(200)]
        numbers = sorted(f.result() for f in futures)
    assert numbers == list(range(1, 201))
    with db.read() as conn:
        assert current_sequence(conn, "receipt") == 200
    assert db.writer.units == 200
    assert db.writer.batches < 200  # several units shared a commit


def test_a_failing_unit_rolls_back_alone(db: Database) -> None:
    def fails(conn: Connection) -> None:
        next_in_sequence(conn, "receipt")
        raise ValueError("short stock")

    good = [db.writer.submit(_take_number) for _ in range(3)]
    bad = db.writer.submit(fails)
    good += [db.writer.submit(_take_number) for _ in range(3)]
    assert sorted(f.result() for f in good) == [1, 2, 3, 4, 5, 6]
    with pytest.raises(ValueError, match="short stock"):
        bad.result()
    with db.read() as conn:
        assert current_sequence(conn, "receipt") == 6
        assert conn.execute(select(func.count()).select_from(Sequence)).scalar() == 1


def test_run_awaits_the_commit_without_blocking_the_loop(db: Database) -> None:
    async def main() -> list[int]:
        return list(await asyncio.gather(*(db.writer.run(_take_number) for _ in range(20))))

    assert sorted(asyncio.run(main())) == list(range(1, 21))
