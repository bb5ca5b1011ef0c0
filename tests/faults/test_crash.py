"""The crash test, short form (in ``make test``): 4 tills, the server SIGKILLed 2-3 times.

On SQLite with one worker and on PostgreSQL with ``--workers 2``. The long form (8 tills,
8 kills, three configurations, with the table) is ``make test-faults``.
"""

from __future__ import annotations

from pathlib import Path

from tests.faults.crash import run_crash, table
from tests.servers import fresh_postgres, require_postgres

TILLS = 4
BETWEEN = (3, 12)  # sales answered between a restart and the next kill


def test_sqlite_loses_and_duplicates_no_sale_through_sigkills(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    result = run_crash("sqlite", url, tmp_path, workers=1, tills=TILLS, kills=3, between=BETWEEN)
    assert result.ok, table([result])
    assert result.crashes == 3 and result.retried > 0, table([result])


def test_postgresql_with_two_workers_loses_and_duplicates_no_sale_through_sigkills(
    tmp_path: Path,
) -> None:
    require_postgres()
    with fresh_postgres("otop_crash") as url:
        result = run_crash(
            "postgresql", url, tmp_path, workers=2, tills=TILLS, kills=2, between=BETWEEN
        )
    assert result.ok, table([result])
    assert result.crashes == 2 and result.retried > 0, table([result])
