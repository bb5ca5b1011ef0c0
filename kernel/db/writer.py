"""The single writer: the one path by which anything is written to the database.

This is the rule, for every change to the database, in every package:

1. **Every write goes through the writer.** On the event loop, ``await db.writer.run(work)``
   (``work`` is a function of a connection: one use case, all or nothing); on a thread or
   outside a server, ``with db.write() as conn`` (:meth:`SingleWriter.transaction`). Nothing
   else opens a write transaction.
2. **Write transactions are short.** CPU work (password hashing, CSV parsing, rendering,
   pricing a whole catalogue) happens before or after the transaction, never inside it. A
   long job (an import, a payout run, seeding history) writes in chunks of a few hundred
   rows, each its own transaction, so that the tills' sales go in between; it reports its
   progress as it goes.
3. **The event loop never waits for a lock.** It gathers the units that arrive together,
   commits them together, and while another transaction holds the lock it serves requests
   and tries again a millisecond later.
4. **Reads never block the loop for long.** A request that reads more than a few indexed
   rows (reports, statements, previews, exports) runs on a thread (``sync_to_thread=True``)
   in a read-only snapshot (``db.read()``); readers never wait for the writer (SQLite's WAL,
   PostgreSQL's MVCC).
5. **Acknowledged means durable.** A unit's caller gets its answer after the commit, and a
   commit is synced to disk (SQLite: ``synchronous=FULL`` on every connection).

Committing the units that queued up together (group commit) makes the sync affordable: one
sync of the log for a batch of sales instead of one each.

Two kinds of unit go in: a plain unit (:meth:`SingleWriter.run`) and an item for a batch
runner (:meth:`SingleWriter.run_batched`: the runner gets every queued item of its kind at
once, so that it can write them with one statement per table instead of one per item, and
answers one result per item; an exception as an item's result means nothing of that item
was written). Every unit is all or nothing, and one that fails does not take the others down:

* First pass, optimistic: everything runs in one transaction without savepoints (they cost
  two statements a unit).
* When a unit raises, that transaction is rolled back whole and the batch runs again in
  savepoints: each plain unit in its own, each runner's items together in one and, when the
  runner raises, one item at a time. A unit may therefore run twice: it must do nothing
  outside the connection (its first run is rolled back before the second).
* A deadlock or a serialization failure (PostgreSQL, several workers) rolls the whole batch
  back and runs it again, a few times, before its units get the error.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

log = logging.getLogger("otop.writer")
T = TypeVar("T")
Work = Callable[[Connection], Any]
# Given the items of one batch, in order: one result per item (an exception: that item failed
# and wrote nothing).
BatchRunner = Callable[[Connection, list[Any]], Sequence[Any]]

# SQLite's SQLITE_BUSY: another connection (another worker process) holds the write lock.
SQLITE_BUSY = 5
# How long the loop serves requests before it tries a taken lock again (SQLite's, the writer's).
BUSY_RETRY_SECONDS = 0.001
WRITER_CACHE_KIB = 64 * 1024
# PostgreSQL: the longest the event loop's batch waits for a row lock.
LOCK_TIMEOUT = "5s"
# PostgreSQL's serialization_failure and deadlock_detected: the transaction may simply be rerun.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
MAX_ATTEMPTS = 5
# Loop turns a batch may wait while requests keep arriving (measured with 8 tills on SQLite:
# batches of ~3 sales without waiting, ~7 with; the CPU a sale costs fell by a third).
GATHER_WAITS = 3


def is_retryable(error: BaseException) -> bool:
    """A database error that a rerun of the whole transaction may not meet again."""
    original = getattr(error, "orig", None)
    return getattr(original, "sqlstate", None) in RETRYABLE_SQLSTATES


@dataclass
class _Job:
    work: Work | None
    runner: BatchRunner | None = None
    item: Any = None
    future: asyncio.Future[Any] = field(init=False)


class _Busy(Exception):
    """On the loop: the writer's lock or SQLite's is taken (another thread or process
    writes); nothing ran."""


class _UnitFailed(Exception):
    """A unit raised in the optimistic pass: roll back and run the batch in savepoints."""


Outcome = tuple[bool, Any]  # (succeeded, result or exception)


class SingleWriter:
    """The one way to write: every transaction that changes the database goes through here.

    Two doors, one lock (``_write_lock``), so that at most one transaction of this process
    writes at a time and nothing waits for SQLite's own lock inside a commit:

    * :meth:`run` / :meth:`run_batched`, awaited on the event loop (request handlers). The
      loop gathers the units that arrive together and commits them in one transaction (group
      commit: one sync of the log for the batch). It never blocks: while the lock is taken
      (a thread's transaction, another worker process's on SQLite) it serves requests and
      tries again a millisecond later, and the requests arriving meanwhile join the batch. On
      a thread, the writer and the loop took turns with the GIL and stalled each other
      (measured: PostgreSQL, two workers, 224/266/271 checkouts a second on a thread against
      306/412/399 on the loop).
    * :meth:`transaction`, a context manager for code that runs on a thread of its own or
      outside a server (the command line, a long job's chunks, tests). It blocks until the
      lock is free, and it refuses to run on the event loop while the loop serves a request.

    The rule that keeps the tills fast: a write transaction is short. CPU work (hashing,
    parsing, rendering) is done before or after it, never inside; a long job is split into
    chunks of a few hundred rows, each its own transaction, so that sales go in between.

    PostgreSQL: the rows a batch locks are held by other batches for milliseconds; a lock
    held longer (a session left open in psql) fails the batch after ``LOCK_TIMEOUT`` instead
    of stopping the worker: its tills retry with their keys.
    """

    def __init__(self, engine: Engine, *, max_batch: int = 64) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._write_lock = threading.Lock()
        self._connection: Connection | None = None  # the event loop's, kept
        self._pending: list[_Job] = []  # queued on the event loop for the next batch
        self._seen = 0  # how many were pending at the last look
        self._waits = 0  # loop turns waited for the current batch
        self.batches = 0
        self.units = 0
        self.reruns = 0  # batches run again in savepoints because a unit failed
        self.retries = 0  # batches run again after a deadlock or a serialization failure

    async def run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in a write transaction (shared with the units arriving together) and
        return its result once committed; its exception if it failed (nothing of it written)."""
        return await self._gather(_Job(work))  # type: ignore[no-any-return]

    async def run_batched(self, runner: BatchRunner, item: Any) -> Any:
        """Queue an item for ``runner``, which gets every queued item of its kind at once (to
        write them with one statement per table) and answers one result per item."""
        return await self._gather(_Job(None, runner, item))

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction on the calling thread: commits when the block ends, rolls back
        on any error. Blocks while another transaction writes: refused on the event loop while
        it serves a request (see :func:`serving`)."""
        if _serving.get() and _on_event_loop():
            raise RuntimeError("a blocking write on the event loop: await writer.run(work)")
        with self._write_lock, self.engine.connect() as conn:
            conn = conn.execution_options(write=True)
            with conn.begin():
                yield conn

    def stop(self) -> None:
        with self._write_lock:
            if self._connection is not None:
                _close(self._connection)
                self._connection = None

    async def _gather(self, job: _Job) -> Any:
        """Queue the job on the event loop, with the others arriving together: one batch."""
        loop = asyncio.get_running_loop()
        job.future = loop.create_future()
        self._pending.append(job)
        if len(self._pending) == 1:
            # After the callbacks already due: the requests that arrived together queue first.
            loop.call_soon(self._flush)
        return await job.future

    def _flush(self) -> None:
        pending = len(self._pending)
        if pending != self._seen and pending < self.max_batch and self._waits < GATHER_WAITS:
            # More arrived since the last look: let the loop turn once more (it reads the
            # sockets again) so that the requests on their way join this batch.
            self._seen = pending
            self._waits += 1
            asyncio.get_running_loop().call_soon(self._flush)
            return
        self._seen = self._waits = 0
        jobs, self._pending = self._pending, []
        jobs = [job for job in jobs if not job.future.cancelled()]
        for start in range(0, len(jobs), self.max_batch):
            try:
                self._commit_batch(jobs[start : start + self.max_batch])
            except _Busy:
                # Another transaction is writing (a thread's, another worker process's):
                # serve requests meanwhile and try again (the requests
                # arriving till then join the batch), never wait on the loop.
                self._pending[:0] = jobs[start:]
                asyncio.get_running_loop().call_later(BUSY_RETRY_SECONDS, self._flush)
                return

    def _commit_batch(self, jobs: list[_Job]) -> None:
        if not self._write_lock.acquire(blocking=False):
            raise _Busy
        try:
            outcomes = self._outcomes(jobs)
        finally:
            self._write_lock.release()
        for job, (ok, value) in zip(jobs, outcomes, strict=True):
            if not job.future.done():  # the caller may have gone (cancelled)
                if ok:
                    job.future.set_result(value)
                else:
                    job.future.set_exception(value)

    def _outcomes(self, jobs: list[_Job]) -> list[Outcome]:
        careful = False
        attempt = 1
        while True:
            try:
                outcomes = self._transaction(jobs, careful=careful)
                break
            except _Busy:
                raise
            except _UnitFailed:
                self.reruns += 1
                careful = True
            except Exception as error:
                if is_retryable(error) and attempt < MAX_ATTEMPTS:
                    log.warning("batch of %d rerun after %s", len(jobs), type(error).__name__)
                    self.retries += 1
                    attempt += 1
                    continue
                # Not run again (a dropped connection's commit may have gone through): the
                # callers get the error (a till retries with its key); the next batch takes a
                # fresh connection.
                self._drop_connection()
                log.exception("batch of %d failed to commit", len(jobs))
                return [(False, error)] * len(jobs)
        self.batches += 1
        self.units += len(jobs)
        return outcomes

    def _loop_connection(self) -> Connection:
        conn = self._connection
        if conn is None:
            conn = self._connection = self.engine.connect().execution_options(write=True)
            driver = conn.connection.driver_connection
            assert driver is not None
            if conn.dialect.name == "sqlite":
                # BEGIN IMMEDIATE answers "busy" at once instead of waiting; and a page cache
                # for the index pages that sales touch all over the file (SQLite's default
                # 2 MB made half of a batch's page reads system calls; measured).
                driver.execute("PRAGMA busy_timeout=0")
                driver.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
            else:  # PostgreSQL: see the class's docstring
                driver.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
                driver.commit()
        return conn

    def _transaction(self, jobs: list[_Job], *, careful: bool) -> list[Outcome]:
        """Run every job in one transaction and commit it; the outcomes in job order."""
        outcomes: list[Outcome | None] = [None] * len(jobs)
        conn = self._loop_connection()
        try:
            transaction = conn.begin()
        except OperationalError as error:
            if getattr(error.orig, "sqlite_errorcode", 0) & 0xFF == SQLITE_BUSY:
                raise _Busy from error
            raise
        with transaction:
            groups: dict[BatchRunner, list[int]] = {}
            for index, job in enumerate(jobs):
                if job.runner is not None:
                    groups.setdefault(job.runner, []).append(index)
            for index, job in enumerate(jobs):
                if job.runner is None:
                    assert job.work is not None
                    outcomes[index] = _unit(conn, job.work, careful)
                elif groups.get(job.runner, [None])[0] == index:
                    indexes = groups[job.runner]
                    items = [jobs[i].item for i in indexes]
                    for i, outcome in zip(
                        indexes, _group(conn, job.runner, items, careful), strict=True
                    ):
                        outcomes[i] = outcome
        return [outcome for outcome in outcomes if outcome is not None]

    def _drop_connection(self) -> None:
        """Close the loop's connection (after an error: the next batch takes a new one)."""
        if self._connection is not None:
            _close(self._connection)
            self._connection = None


# Set while the event loop serves a request (the web layer's middleware): a blocking write
# there would stop every till until it commits.
_serving: ContextVar[bool] = ContextVar("serving_a_request", default=False)


@contextmanager
def serving() -> Iterator[None]:
    """Mark the block as serving a request: :meth:`SingleWriter.transaction` refuses in it
    on the event loop (a handler on a thread of its own may still use it)."""
    token = _serving.set(True)
    try:
        yield
    finally:
        _serving.reset(token)


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _close(connection: Connection) -> None:
    try:
        connection.close()
    except Exception:  # already broken: the pool discards it
        log.debug("closing a writer's connection failed", exc_info=True)


def _unit(conn: Connection, work: Work, careful: bool) -> Outcome:
    if not careful:
        try:
            return True, work(conn)
        except Exception as error:
            if is_retryable(error):
                raise
            raise _UnitFailed from error
    try:
        with conn.begin_nested():
            return True, work(conn)
    except Exception as error:
        if is_retryable(error):
            raise
        return False, error


def _group(conn: Connection, runner: BatchRunner, items: list[Any], careful: bool) -> list[Outcome]:
    if not careful:
        try:
            return _outcomes(runner(conn, items), len(items))
        except Exception as error:
            if is_retryable(error):
                raise
            raise _UnitFailed from error
    try:
        with conn.begin_nested():
            return _outcomes(runner(conn, items), len(items))
    except Exception as error:
        if is_retryable(error):
            raise
        if len(items) == 1:
            return [(False, error)]
    # The runner failed as a whole: one item at a time, so that the culprit fails alone.
    return [_group(conn, runner, [item], careful)[0] for item in items]


def _outcomes(results: Sequence[Any], expected: int) -> list[Outcome]:
    if len(results) != expected:
        raise RuntimeError(f"a batch runner answered {len(results)} results for {expected} items")
    return [(not isinstance(r, BaseException), r) for r in results]
