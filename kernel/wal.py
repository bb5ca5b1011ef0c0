"""SQLite: the write-ahead log copied back into the database on a thread of its own.

By default SQLite checkpoints inside a commit once the log passes 1,000 pages: the committing
connection copies the pages into the database file and syncs both files. For the till's
writer that commit runs on the event loop (see :class:`kernel.writer.SingleWriter`), so every
few batches the loop stopped serving requests for the copy and two fsyncs (measured: 45% of
the commit's time). Here the writer's connection does not checkpoint; after every few of its
commits a thread of ours runs a PASSIVE checkpoint on its own connection, which SQLite runs
without Python's GIL and without waiting for, or holding up, any writer or reader. Other
connections keep SQLite's own checkpoints.

A PASSIVE checkpoint alone does not bound the log under a steady stream of sales: SQLite
writes the log from its start again only when a write transaction begins after a checkpoint
that copied every frame, and the writer has always committed again before a checkpoint
ends. Measured with 8 tills: the log grew by a megabyte a commit, 650 MB in ten seconds, and
once the file had grown by a few hundred megabytes each commit cost three to four times the
CPU (appending to a file instead of rewriting its cached pages: 1.2 ms a commit became 3 to
5 ms). So once the log has passed ``RESTART_FRAMES`` a second PASSIVE checkpoint follows the
first while it holds the writer's lock (between two batches): it copies the few frames
committed during the first, and the next batch writes the log from its start. The writer's
batches wait for that short copy, not for the long one; the loop never waits for it (it
serves requests and tries again a millisecond later). Two things keep the log from starting
again: a read that began before the copy and is still running when the next batch writes
(the log then starts again at a later turn, after the read), and another worker process
writing to the same file (its batches do not take this process's lock: serve SQLite with one
worker). ``restarts`` counts the times a checkpoint found the log started again.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy.engine import Engine

log = logging.getLogger("otop.wal")
# Writer commits between checkpoints: a batch of eight sales writes ~200 pages to the log, so
# about SQLite's own 1,000-page threshold.
COMMITS_PER_CHECKPOINT = 5
RESTART_FRAMES = 2_000  # ~8 MB of log: copied whole between two batches, then written anew
IDLE_SECONDS = 1.0  # a quiet writer's last commits are checkpointed after this long


class WalCheckpoints:
    """Checkpoints for one SQLite database file, asked for by :meth:`committed`."""

    def __init__(self, engine: Engine, write_lock: threading.Lock) -> None:
        self.engine = engine
        self.write_lock = write_lock  # held by the writer for each of its batches
        self.checkpoints = 0
        self.restarts = 0  # checkpoints that found the log written from its start again
        self._frames = 0  # the log's length at the last checkpoint
        self._commits = 0
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def committed(self) -> None:
        """The writer committed a transaction (cheap: a counter, sometimes an event)."""
        self._commits += 1
        if self._thread is None:
            self._start()
        if self._commits >= COMMITS_PER_CHECKPOINT:
            self._wake.set()

    def stop(self) -> None:
        """Checkpoint what is left and end the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stopping = True
        if thread is not None:
            self._wake.set()
            thread.join(timeout=30)

    def _start(self) -> None:
        with self._lock:
            if self._thread is None and not self._stopping:
                self._thread = threading.Thread(
                    target=self._run, name="otop-wal-checkpoints", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        connection = self._connection()
        try:
            while True:
                self._wake.wait(IDLE_SECONDS)
                self._wake.clear()
                if self._commits:
                    self._commits = 0
                    self._checkpoint(connection)
                if self._stopping:
                    return
        finally:
            connection.close()

    def _checkpoint(self, connection: Any) -> None:
        try:
            _busy, frames, _copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.restarts += 0 <= frames < self._frames  # fewer than last time: written anew
            self._frames = frames
            if frames >= RESTART_FRAMES:
                with self.write_lock:
                    _busy, frames, _copied = connection.execute(
                        "PRAGMA wal_checkpoint(PASSIVE)"
                    ).fetchone()
                self._frames = max(self._frames, frames)
            self.checkpoints += 1
        except Exception:  # SQLite's own checkpoints still run on the other connections
            log.exception("WAL checkpoint failed")

    def _connection(self) -> Any:
        """A driver connection set up by the engine (pragmas), outside its pool."""
        fairy = self.engine.raw_connection()
        fairy.detach()
        return fairy.dbapi_connection
