"""The single writer commits many units per transaction, each all or nothing."""

from __future__ import annotations

import asyncio
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from kernel.db.engine import Database, Sequence, current_sequence, next_in_sequence
from kernel.db.writer import serving


def _take_number(conn: Connection) -> int:
    return next_in_sequence(conn, "receipt")


def test_every_unit_commits_exactly_once_through_both_doors(db: Database) -> None:
    """Handlers on the loop and jobs on threads write at the same time, one transaction at a
    time: no number twice, none lost, and the loop's units share commits."""

    def on_a_thread() -> list[int]:
        numbers = []
        for _ in range(10):
            with db.write() as conn:
                numbers.append(_take_number(conn))
        return numbers

    async def main() -> list[int]:
        threads = [asyncio.to_thread(on_a_thread) for _ in range(4)]
        on_loop = [db.writer.run(_take_number) for _ in range(160)]
        results = await asyncio.gather(*threads, *on_loop)
        return [n for r in results for n in (r if isinstance(r, list) else [r])]

    assert sorted(asyncio.run(main())) == list(range(1, 201))
    with db.read() as conn:
        assert current_sequence(conn, "receipt") == 200
    assert db.writer.units == 160
    assert db.writer.batches < 160  # several units shared a commit


def test_a_blocking_write_on_the_event_loop_is_refused_while_it_serves(db: Database) -> None:
    async def main() -> None:
        with serving(), db.write():
            pass

    with pytest.raises(RuntimeError, match=r"await writer\.run"):
        asyncio.run(main())


def test_a_failing_transaction_on_a_thread_writes_nothing(db: Database) -> None:
    with pytest.raises(ValueError, match="short stock"), db.write() as conn:
        _take_number(conn)
        raise ValueError("short stock")
    with db.read() as conn:
        assert current_sequence(conn, "receipt") == 0


def test_run_awaits_the_commit_without_blocking_the_loop(db: Database) -> None:
    async def main() -> list[int]:
        return list(await asyncio.gather(*(db.writer.run(_take_number) for _ in range(20))))

    assert sorted(asyncio.run(main())) == list(range(1, 21))


def test_callers_on_the_loop_arriving_together_are_one_batch_and_a_failure_stays_theirs(
    db: Database,
) -> None:
    """The loop gathers what its handlers await and writes it there (both databases): ten
    callers arriving together share one commit; the one that fails fails alone."""

    def fails(conn: Connection) -> None:
        next_in_sequence(conn, "receipt")
        raise ValueError("short stock")

    async def main() -> list[object]:
        calls = [db.writer.run(_take_number) for _ in range(9)]
        calls.insert(4, db.writer.run(fails))
        return list(await asyncio.gather(*calls, return_exceptions=True))

    outcomes = asyncio.run(main())
    assert isinstance(outcomes[4], ValueError)
    assert outcomes[:4] + outcomes[5:] == list(range(1, 10))
    assert (db.writer.batches, db.writer.units, db.writer.reruns) == (1, 10, 1)
    with db.read() as conn:
        assert current_sequence(conn, "receipt") == 9


def test_the_loop_serves_on_while_another_connection_holds_sqlites_write_lock(
    sqlite_db: Database,
) -> None:
    """The inline writer's BEGIN IMMEDIATE does not wait on the loop: while another
    connection (a handler on a thread, another worker) writes, the loop goes on, the unit waits
    without losing anything, and it commits once the lock is free."""
    ticks: list[float] = []

    async def main() -> int:
        loop = asyncio.get_running_loop()
        # Another process's connection takes SQLite's write lock (not this writer's).
        with sqlite_db.engine.connect().execution_options(write=True) as conn, conn.begin():
            next_in_sequence(conn, "receipt")
            waiting = asyncio.ensure_future(sqlite_db.writer.run(_take_number))
            started = loop.time()
            while loop.time() - started < 0.05:  # the loop keeps turning meanwhile
                await asyncio.sleep(0.005)
                ticks.append(loop.time())
            assert not waiting.done()
        return await asyncio.wait_for(waiting, timeout=10)

    assert asyncio.run(main()) == 2  # after the other connection's number, none lost
    assert len(ticks) >= 5
    with sqlite_db.read() as conn:
        assert current_sequence(conn, "receipt") == 2


def test_the_loop_serves_on_while_a_thread_holds_the_writers_lock(db: Database) -> None:
    """The loop does not wait for the writer's lock either (a thread's transaction): it goes
    on serving, and its unit commits once the lock is free."""
    started, release = threading.Event(), threading.Event()

    def slow() -> int:
        with db.write() as conn:  # on a thread, holding the writer's lock
            started.set()
            release.wait(10)
            return _take_number(conn)

    async def main() -> tuple[int, int]:
        held = asyncio.ensure_future(asyncio.to_thread(slow))
        assert await asyncio.to_thread(started.wait, 10)
        waiting = asyncio.ensure_future(db.writer.run(_take_number))
        for _ in range(10):  # the loop keeps turning meanwhile (it would stop, blocked)
            await asyncio.sleep(0.005)
        assert not waiting.done()
        release.set()
        return await held, await asyncio.wait_for(waiting, timeout=10)

    assert asyncio.run(main()) == (1, 2)


def _forty_names(conn: Connection) -> None:
    conn.execute(insert(Sequence), [{"name": uuid.uuid4().hex, "last_value": 0} for _ in range(40)])


def test_under_a_steady_stream_of_batches_sqlites_own_checkpoints_bound_the_log(
    sqlite_db: Database,
) -> None:
    """Batch after batch on the loop with no pause: SQLite's own checkpoints (every 1,000
    pages, in the committing connection) keep the log from growing with every commit."""
    log_file = Path(f"{sqlite_db.engine.url.database}-wal")
    frame = 24 + 4096

    async def main() -> int:
        for _ in range(400):  # ~30 frames a commit: ~12,000 frames written in all
            await sqlite_db.writer.run(_forty_names)
        return log_file.stat().st_size // frame  # the file is never cut: its longest extent

    assert asyncio.run(main()) < 3_000
    with sqlite_db.read() as conn:
        assert conn.execute(select(func.count()).select_from(Sequence)).scalar() == 16_000


def test_on_postgresql_a_batch_waits_for_a_row_lock_no_longer_than_the_lock_timeout(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loop writes PostgreSQL's batches itself: a row lock held elsewhere for long (a
    session left open) fails the batch after LOCK_TIMEOUT, with nothing written, instead of
    stopping the worker; once the lock is gone, the next batch goes through. (SQLite's loop
    never waits for the write lock: the test above.)"""
    monkeypatch.setattr("kernel.db.writer.LOCK_TIMEOUT", "200ms")
    name = f"lock-test-{uuid.uuid4().hex}"
    db = Database(postgres_url)

    def take(conn: Connection) -> int:
        return next_in_sequence(conn, name)

    async def main() -> float:
        loop = asyncio.get_running_loop()
        # Another session (another worker) holds the sequence's row.
        with db.engine.connect() as conn, conn.begin():
            next_in_sequence(conn, name)
            started = loop.time()
            with pytest.raises(OperationalError, match="lock timeout"):
                await db.writer.run(take)
            waited = loop.time() - started
            conn.rollback()
        assert await db.writer.run(take) == 2
        return waited

    try:
        with db.write() as conn:
            next_in_sequence(conn, name)
        assert 0.15 < asyncio.run(main()) < 5
        with db.read() as conn:
            assert current_sequence(conn, name) == 2
    finally:
        db.dispose()
