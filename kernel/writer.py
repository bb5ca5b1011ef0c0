"""The single writer: one connection, used by one writer at a time, commits work in batches.

Measured on this machine, a till's checkout is bound by commits, not by SQL: one fsync per
sale caps SQLite near a few hundred sales a second, while committing the sales that queued up
meanwhile together (group commit) reaches over a thousand. Callers wait for the commit before
they answer, so an acknowledged sale is a durable sale.

Two kinds of work go in: a plain unit (``submit``: a function of the connection) and an item
for a batch runner (``submit_batched``: the runner gets every queued item of its kind at once,
so that it can write them with one statement per table instead of one per item, and answers
one result per item; an exception as an item's result means nothing of that item was
written). Every unit is all or nothing, and one that fails does not take the others down:

* First pass, optimistic: everything runs in one transaction without savepoints (they cost
  two statements a unit).
* When a unit raises, that transaction is rolled back whole and the batch runs again in
  savepoints: each plain unit in its own, each runner's items together in one and, when the
  runner raises, one item at a time. A unit may therefore run twice: it must do nothing
  outside the connection (its first run is rolled back before the second).
* A deadlock or a serialization failure (PostgreSQL, several workers) rolls the whole batch
  back and runs it again, a few times, before its units get the error.

Work awaited on the event loop (a request handler's) is gathered and written there, on the
loop itself, on both databases; work submitted from other threads goes to the writer's own
thread (see :class:`SingleWriter`).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from kernel.wal import WalCheckpoints

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
    future: Future[Any] | asyncio.Future[Any] = field(default_factory=Future)


class _Busy(Exception):
    """On the loop: the writer's lock or SQLite's is taken (another thread or process
    writes, a checkpoint copies); nothing ran."""


class _UnitFailed(Exception):
    """A unit raised in the optimistic pass: roll back and run the batch in savepoints."""


Outcome = tuple[bool, Any]  # (succeeded, result or exception)


class SingleWriter:
    """Runs submitted units of work on one connection, several per transaction.

    The async callers' batches run on their event loop, not on the writer thread: the loop
    gathers the checkouts that arrive together and writes them in one transaction once they
    are all queued. On a thread, the writer and the loop took turns with the GIL and stalled
    each other (a thread that gave the GIL up for a statement or a round trip waited up to
    the switch interval to get it back). Measured with 8 tills: SQLite's server used well
    under one core; PostgreSQL, two workers, 224/266/271 checkouts a second on the thread
    against 306/412/399 on the loop, and a third less CPU a checkout. Work submitted from
    other threads still goes to the thread; one lock keeps the two from writing at the same
    time, each on a connection of its own.

    The loop never waits long for a lock. SQLite: its BEGIN IMMEDIATE answers "busy" at once
    while another connection writes (a request handler on a thread, another worker
    process), and the loop serves requests and tries again a millisecond later; the requests
    arriving meanwhile join the batch. Its connection leaves the WAL's checkpoints to a
    thread (:mod:`kernel.wal`), so that no commit on the loop copies the log and syncs the
    files. PostgreSQL: the rows a batch locks are held by other batches and units for
    milliseconds; a lock held longer (a session left open in psql) fails the batch after
    ``LOCK_TIMEOUT`` instead of stopping the worker: its tills retry with their keys.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        max_batch: int = 64,
        checkpoint_wal: bool = False,
    ) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._workers: list[threading.Thread] = []
        self._lock = threading.Lock()
        # Held for each batch: the loop and the thread take turns, and the WAL's checkpoint
        # thread takes it to copy the log's last frames between two batches.
        self._write_lock = threading.Lock()
        # SQLite: the loop's connection leaves the WAL's checkpoints to a thread.
        self.checkpoints = WalCheckpoints(engine, self._write_lock) if checkpoint_wal else None
        self._local = threading.local()  # each writing thread's connection, kept
        self._connections: list[Connection] = []  # all of them, to close at stop
        self._books = threading.Lock()  # for the list above and the counters below
        self._pending: list[_Job] = []  # queued on the event loop for the next batch
        self._seen = 0  # how many were pending at the last look
        self._waits = 0  # loop turns waited for the current batch
        self.batches = 0
        self.units = 0
        self.reruns = 0  # batches run again in savepoints because a unit failed
        self.retries = 0  # batches run again after a deadlock or a serialization failure

    def submit(self, work: Callable[[Connection], T]) -> Future[T]:
        """Queue a unit of work; the future resolves after its transaction commits."""
        return self._put(_Job(work))

    def submit_batched(self, runner: BatchRunner, item: Any) -> Future[Any]:
        """Queue an item for ``runner``, which gets all queued items of its kind together."""
        return self._put(_Job(None, runner, item))

    async def run(self, work: Callable[[Connection], T]) -> T:
        """Submit and await without blocking the event loop."""
        return await self._gather(_Job(work))  # type: ignore[no-any-return]

    async def run_batched(self, runner: BatchRunner, item: Any) -> Any:
        """:meth:`submit_batched` and await without blocking the event loop."""
        return await self._gather(_Job(None, runner, item))

    def stop(self) -> None:
        with self._lock:
            for _ in self._workers:
                self._jobs.put(None)
            for worker in self._workers:
                worker.join(timeout=30)
            self._workers = []
        with self._write_lock, self._books:
            while self._connections:
                _close(self._connections.pop())
        if self.checkpoints is not None:
            self.checkpoints.stop()

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
                self._commit_batch(jobs[start : start + self.max_batch], on_loop=True)
            except _Busy:
                # Another connection is writing (another worker process, a thread of this
                # one): serve requests meanwhile and try again (the requests arriving till
                # then join the batch), never wait on the loop.
                self._pending[:0] = jobs[start:]
                asyncio.get_running_loop().call_later(BUSY_RETRY_SECONDS, self._flush)
                return

    def _put(self, job: _Job) -> Future[Any]:
        self._ensure_started()
        self._jobs.put(job)
        assert isinstance(job.future, Future)
        return job.future

    def _ensure_started(self) -> None:
        if not self._workers:
            with self._lock:
                if not self._workers:
                    worker = threading.Thread(
                        target=self._loop, name="otop-single-writer", daemon=True
                    )
                    worker.start()
                    self._workers.append(worker)

    def _take_batch(self) -> tuple[list[_Job], bool]:
        first = self._jobs.get()
        if first is None:
            return [], True
        batch = [first]
        stopping = False
        while len(batch) < self.max_batch:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is None:
                stopping = True
                break
            batch.append(job)
        return batch, stopping

    def _loop(self) -> None:
        while True:
            batch, stopping = self._take_batch()
            jobs = [
                job
                for job in batch
                if isinstance(job.future, Future) and job.future.set_running_or_notify_cancel()
            ]
            if jobs:
                self._commit_batch(jobs)
            if stopping:
                return

    def _commit_batch(self, jobs: list[_Job], *, on_loop: bool = False) -> None:
        # The loop does not wait for the lock (the thread's batch, a checkpoint's copy): it
        # serves requests and tries again.
        if not self._write_lock.acquire(blocking=not on_loop):
            raise _Busy
        try:
            outcomes = self._outcomes(jobs, on_loop)
        finally:
            self._write_lock.release()
        for job, (ok, value) in zip(jobs, outcomes, strict=True):
            if not job.future.done():  # a caller on the loop may have gone (cancelled)
                if ok:
                    job.future.set_result(value)
                else:
                    job.future.set_exception(value)

    def _outcomes(self, jobs: list[_Job], on_loop: bool) -> list[Outcome]:
        careful = False
        attempt = 1
        while True:
            try:
                outcomes = self._transaction(jobs, careful=careful, on_loop=on_loop)
                break
            except _Busy:
                raise
            except _UnitFailed:
                with self._books:
                    self.reruns += 1
                careful = True
            except Exception as error:
                if is_retryable(error) and attempt < MAX_ATTEMPTS:
                    log.warning("batch of %d rerun after %s", len(jobs), type(error).__name__)
                    with self._books:
                        self.retries += 1
                    attempt += 1
                    continue
                # Not run again (a dropped connection's commit may have gone through): the
                # callers get the error (a till retries with its key); the next batch takes a
                # fresh connection.
                self._drop_connection()
                log.exception("batch of %d failed to commit", len(jobs))
                return [(False, error)] * len(jobs)
        with self._books:
            self.batches += 1
            self.units += len(jobs)
        return outcomes

    def _transaction(self, jobs: list[_Job], *, careful: bool, on_loop: bool) -> list[Outcome]:
        """Run every job in one transaction and commit it; the outcomes in job order."""
        outcomes: list[Outcome | None] = [None] * len(jobs)
        conn: Connection | None = getattr(self._local, "connection", None)
        if conn is None:
            conn = self._local.connection = self.engine.connect().execution_options(write=True)
            driver = conn.connection.driver_connection
            assert driver is not None
            if on_loop and conn.dialect.name == "sqlite":
                # BEGIN IMMEDIATE answers "busy" at once instead of waiting; and a page cache
                # for the index pages that sales touch all over the file (SQLite's default
                # 2 MB made half of a batch's page reads system calls; measured).
                driver.execute("PRAGMA busy_timeout=0")
                driver.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
                if self.checkpoints is not None:
                    driver.execute("PRAGMA wal_autocheckpoint=0")
            elif on_loop:  # PostgreSQL: see the class's docstring
                driver.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
                driver.commit()
            with self._books:
                self._connections.append(conn)
        try:
            transaction = conn.begin()
        except OperationalError as error:
            if on_loop and getattr(error.orig, "sqlite_errorcode", 0) & 0xFF == SQLITE_BUSY:
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
        if on_loop and self.checkpoints is not None:
            self.checkpoints.committed()
        return [outcome for outcome in outcomes if outcome is not None]

    def _drop_connection(self) -> None:
        """Close this thread's connection (after an error: the next batch takes a new one)."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            self._local.connection = None
            with self._books:
                if connection in self._connections:
                    self._connections.remove(connection)
            _close(connection)


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
