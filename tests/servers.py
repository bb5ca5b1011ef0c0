"""Real servers for tests: the ``otop-pos`` commands and ``otop-pos serve`` on a database.

One way to start a server, for the browser tests, the crash test, the several-workers tests
and the soak: :class:`Server` starts ``otop-pos serve --port P --workers N`` in a process
group of its own, waits for ``/health``, kills the whole group with SIGKILL (the uvicorn
supervisor and every worker at once, as a power cut would) and starts it again on the same
port and database. :func:`fresh_postgres` makes a PostgreSQL database for one run and drops
it afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType

from sqlalchemy import create_engine, text

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get(
    "OTOP_TEST_POSTGRES_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)
OTOP = Path(sys.executable).with_name("otop-pos")


def postgres_reason() -> str | None:
    """Why PostgreSQL cannot be used (None when it can)."""
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as error:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(error).__name__}"


def require_postgres() -> None:
    """Skip the calling test when PostgreSQL is not there; with CI=true, fail it."""
    reason = postgres_reason()
    if reason:
        _missing(reason)


def require_program(name: str) -> str:
    """The path of a program the calling test runs (.ci/run installs it); without it the test
    is skipped, or fails with CI=true."""
    found = shutil.which(name)
    if found is None:
        _missing(f"{name} is not installed")
    return str(found)


def _missing(reason: str) -> None:
    import pytest

    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@contextmanager
def fresh_postgres(prefix: str = "otop_test") -> Iterator[str]:
    """A new, empty PostgreSQL database for one run; dropped (connections and all) on leaving."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str) -> dict[str, str]:
    return {**os.environ, "OTOP_DATABASE_URL": database_url, "OTOP_DEMO": "true"}


def otop(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    """Run an ``otop-pos`` command on the database; raises CalledProcessError when it fails."""
    return subprocess.run(
        [str(OTOP), *args],
        env=server_env(database_url),
        capture_output=True,
        text=True,
        check=True,
    )


class Server:
    """``otop-pos serve`` on a database, in a process group of its own.

    ``start`` waits for ``/health``; ``kill`` sends SIGKILL to the group; ``start`` again
    serves the same database on the same port. The output of every start is appended to
    ``log``. As a context manager: started on entering, stopped (SIGTERM) on leaving.
    """

    def __init__(
        self,
        database_url: str,
        log: Path,
        *,
        workers: int = 1,
        port: int | None = None,
        wrapper: Sequence[str] = (),
    ) -> None:
        self.database_url = database_url
        self.wrapper = list(wrapper)  # a command the server runs under (strace, say)
        self.log = log
        self.workers = workers
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        """Start serving and return once ``/health`` answers (RuntimeError with the log's
        tail when the server exits or does not answer in time)."""
        assert self.process is None, "the server is running"
        command = [
            *self.wrapper,
            *(str(OTOP), "serve", "--port", str(self.port), "--workers", str(self.workers)),
        ]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command,
                env=server_env(self.database_url),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2):
                    return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.kill()
                    tail = self.log.read_text(errors="replace")[-4000:]
                    raise RuntimeError(f"otop-pos serve did not start:\n{tail}") from None
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL to the supervisor and every worker at once."""
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process = None

    def stop(self, timeout: float = 20.0) -> None:
        """Shut down gracefully (SIGTERM to the group); SIGKILL when that takes too long."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def pids(self) -> list[int]:
        """The processes of the server's group: the supervisor and its workers (Linux)."""
        if self.process is None:
            return []
        group = self.process.pid
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                found.append(int(entry.name))
        return sorted(found)

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: the workers, or the one process when there
        are none (``--workers 1``)."""
        pids = self.pids()
        workers = [pid for pid in pids if b"spawn_main" in _cmdline(pid)]
        return workers or pids[:1]

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def rss_bytes(pid: int) -> int:
    """The process's resident memory (VmRSS, Linux); 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
