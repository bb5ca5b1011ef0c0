"""The single writer: one thread owns a write connection and commits work in batches.

Measured on this machine, a till's checkout is bound by commits, not by SQL: one fsync per
sale caps SQLite near a few hundred sales a second, while committing the sales that queued up
meanwhile together (group commit) reaches over a thousand. Each unit of work runs in its own
SAVEPOINT, so a unit that fails (short stock, a duplicate) rolls back alone and its caller
gets the error; the others in the batch commit. Callers wait for the commit before they
answer, so an acknowledged sale is a durable sale.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine

log = logging.getLogger("otop.writer")
T = TypeVar("T")
Work = Callable[[Connection], Any]


@dataclass
class _Job:
    work: Work
    future: Future[Any] = field(default_factory=Future)


class SingleWriter:
    """Runs submitted units of work on one connection, several per transaction."""

    def __init__(self, engine: Engine, *, max_batch: int = 64) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.batches = 0
        self.units = 0

    def submit(self, work: Callable[[Connection], T]) -> Future[T]:
        """Queue a unit of work; the future resolves after its transaction commits."""
        self._ensure_started()
        job = _Job(work)
        self._jobs.put(job)
        return job.future

    async def run(self, work: Callable[[Connection], T]) -> T:
        """Submit and await without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(work))

    def stop(self) -> None:
        with self._lock:
            if self._thread is not None:
                self._jobs.put(None)
                self._thread.join(timeout=30)
                self._thread = None

    def _ensure_started(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._loop, name="otop-single-writer", daemon=True
                    )
                    self._thread.start()

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
            if batch:
                self._commit_batch(batch)
            if stopping:
                return

    def _commit_batch(self, batch: list[_Job]) -> None:
        outcomes: list[tuple[_Job, bool, Any]] = []
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(write=True)
                with conn.begin():
                    for job in batch:
                        if not job.future.set_running_or_notify_cancel():
                            continue
                        try:
                            with conn.begin_nested():
                                outcomes.append((job, True, job.work(conn)))
                        except Exception as error:
                            outcomes.append((job, False, error))
        except Exception as error:
            log.exception("batch of %d failed to commit", len(batch))
            for job in batch:
                if not job.future.done():
                    job.future.set_exception(error)
            return
        self.batches += 1
        self.units += len(outcomes)
        for job, ok, value in outcomes:
            if ok:
                job.future.set_result(value)
            else:
                job.future.set_exception(value)
