"""``otop-pos check``, ``backup`` and ``restore`` from the command line.

check on SQLite and PostgreSQL (click's runner); backup and restore on SQLite against a real
``otop-pos serve`` with tills ringing sales over HTTP while the backup runs; both refuse
PostgreSQL, pointing to its own tools.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from integrity.check import RULES, find_violations
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests.db.test_integrity import trade_a_day
from tests.faults.shop import PASSWORD, Shop, TillLogin, prepare_shop, sales_of
from tests.servers import OTOP, Server, server_env
from web.cli import main
from web.commands.check import report
from web.migrate import upgrade
from web.settings import get_settings


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, clock: FixedClock) -> Iterator[CliRunner]:
    monkeypatch.setenv("OTOP_DEMO", "true")
    # The check's time is the test's (its rule of stranded sales depends on it).
    monkeypatch.setattr("web.commands.check.SystemClock", lambda: clock)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def _on(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("OTOP_DATABASE_URL", url)
    get_settings.cache_clear()


def test_check_passes_on_a_day_of_trading_and_says_what_it_went_over(
    db: Database, clock: FixedClock, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    trade_a_day(db, clock)
    _on(monkeypatch, db.url)
    result = cli.invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        rf"check passed: {len(RULES)} rules over 7 sales, 2 refunds, 9 payments, "
        r"8 journal entries, 15 stock movements on \S+ \(\d+\.\d s\)\n",
        result.output,
    ), result.output


def test_check_lists_the_violations_by_rule_and_exits_1(
    db: Database, clock: FixedClock, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = trade_a_day(db, clock)
    with db.write() as conn:
        conn.execute(text("UPDATE stock_levels SET on_hand = on_hand + 1"))  # every level
    _on(monkeypatch, db.url)
    result = cli.invoke(main, ["check"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "stock-movements: 4 violation(s) — on-hand stock is the sum of the movements, "
        "for every product and location"
    )
    shown = (
        rf"  product {day.product_sku} at SKP: on hand is \d+, "
        r"but its \d movement\(s\) add up to \d+"
    )
    assert any(re.fullmatch(shown, line) for line in lines[1:5]), lines
    assert re.fullmatch(
        rf"check FAILED: 4 violation\(s\) of 1 of {len(RULES)} rules on \S+ "
        r"\(\d+\.\d s\)",
        lines[-1],
    )
    with db.read() as conn:
        capped = report(find_violations(conn), shown_per_rule=3)
    assert len(capped) == 1 + 3 + 1 and capped[-1] == "  … and 1 more"


def test_check_refuses_a_missing_or_unmigrated_database(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    _on(monkeypatch, f"sqlite:///{tmp_path / 'none.db'}")
    missing = cli.invoke(main, ["check"])
    sqlite3.connect(tmp_path / "empty.db").close()
    _on(monkeypatch, f"sqlite:///{tmp_path / 'empty.db'}")
    empty = cli.invoke(main, ["check"])
    assert (missing.exit_code, empty.exit_code) == (1, 1)
    assert "no database at" in missing.output
    assert "otop-pos migrate" in empty.output and "Traceback" not in empty.output


def test_backup_and_restore_refuse_postgresql_and_name_its_tools(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    _on(monkeypatch, "postgresql+psycopg://root@127.0.0.1:5432/otop")
    backup = cli.invoke(main, ["backup", str(tmp_path / "copy.db")])
    restore = cli.invoke(main, ["restore", str(tmp_path / "copy.db"), "--yes"])
    assert (backup.exit_code, restore.exit_code) == (1, 1)
    assert "is PostgreSQL" in backup.output and "pg_dump" in backup.output
    assert "is PostgreSQL" in restore.output and "pg_restore" in restore.output
    assert not (tmp_path / "copy.db").exists()


def test_restore_refuses_what_is_not_our_database_and_a_database_being_written(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    stranger = tmp_path / "stranger.db"
    with sqlite3.connect(stranger) as conn:
        conn.execute("CREATE TABLE t (x)")
    (tmp_path / "notes.txt").write_text("not a database")
    live = tmp_path / "live.db"
    upgrade(f"sqlite:///{live}")
    _on(monkeypatch, f"sqlite:///{live}")
    assert cli.invoke(main, ["backup", str(tmp_path / "copy.db")]).exit_code == 0
    refused = [
        cli.invoke(main, ["restore", str(tmp_path / name), "--yes"])
        for name in ("stranger.db", "notes.txt", "missing.db")
    ]
    writer = sqlite3.connect(live, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        busy = cli.invoke(main, ["restore", str(tmp_path / "copy.db"), "--yes"])
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert [r.exit_code for r in [*refused, busy]] == [1, 1, 1, 1]
    assert "not an OTOP POS database" in refused[0].output
    assert "not a usable SQLite database" in refused[1].output
    assert "no file at" in refused[2].output
    assert "stop `otop-pos serve` first" in busy.output


async def _signed_in(url: str, username: str) -> httpx.AsyncClient:
    """A cashier's client: signed in, sending the CSRF header."""
    client = httpx.AsyncClient(base_url=url, timeout=30)
    await client.get("/login")  # hands out the CSRF cookie
    client.headers["x-csrftoken"] = client.cookies.get("csrftoken") or ""
    answer = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    answer.raise_for_status()
    client.headers["x-csrftoken"] = client.cookies.get("csrftoken") or ""  # the session's own
    return client


async def _ring_through_backup(
    server: Server, shop: Shop, copy: Path
) -> tuple[dict[str, float], float, float]:
    """Tills ring cash sales before, during and after ``otop-pos backup``: the keys of the
    acknowledged sales with when they were acknowledged, and when the backup started and
    ended."""
    acknowledged: dict[str, float] = {}
    stop = asyncio.Event()

    async def ring(login: TillLogin) -> None:
        client = await _signed_in(server.url, login.username)
        products = itertools.cycle(sorted(shop.prices))
        try:
            for count in itertools.count(1):
                if stop.is_set():
                    return
                product = next(products)
                key = f"backup-{login.code}-{count}"
                answer = await client.post(
                    "/api/v1/sales",
                    json={
                        "till_id": login.till_id,
                        "lines": [{"product_id": product, "quantity": 1}],
                        "payments": [{"method": "cash", "amount_satang": shop.prices[product]}],
                    },
                    headers={"Idempotency-Key": key},
                )
                assert answer.status_code == 201, answer.text
                acknowledged[key] = time.monotonic()
        finally:
            await client.aclose()

    ringing = [asyncio.create_task(ring(login)) for login in shop.tills]
    while len(acknowledged) < 20:
        await asyncio.wait(ringing, timeout=0.05)
        if any(task.done() for task in ringing):  # a till failed: say why
            await asyncio.gather(*ringing)
    started = time.monotonic()
    backup = await asyncio.create_subprocess_exec(
        str(OTOP),
        "backup",
        str(copy),
        env=server_env(server.database_url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    said, _ = await backup.communicate()
    ended = time.monotonic()
    await asyncio.sleep(0.3)
    stop.set()
    await asyncio.gather(*ringing)
    assert backup.returncode == 0, said.decode()
    assert b"integrity ok" in said, said.decode()
    return acknowledged, started, ended


def test_a_backup_taken_while_tills_ring_restores_and_passes_the_check(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = f"sqlite:///{tmp_path / 'live.db'}"
    shop = prepare_shop(live, tills=2)
    copy = tmp_path / "backups" / "otop-backup.db"
    with Server(live, tmp_path / "server.log") as server:
        acknowledged, started, ended = asyncio.run(_ring_through_backup(server, shop, copy))
    restored = f"sqlite:///{tmp_path / 'restored' / 'otop.db'}"
    _on(monkeypatch, restored)
    said = cli.invoke(main, ["restore", str(copy), "--yes"])
    checked = cli.invoke(main, ["check"])
    copied = {sale.key for sale in sales_of(restored)}
    before = {key for key, at in acknowledged.items() if at < started}
    during = {key for key, at in acknowledged.items() if started <= at <= ended}
    assert said.exit_code == 0 and "restored" in said.output, said.output
    assert checked.exit_code == 0 and checked.output.startswith("check passed:"), checked.output
    assert during, "no sale was acknowledged while the backup ran"
    assert before <= copied <= set(acknowledged)
    assert len(copied) < len(acknowledged)  # the sales after the backup are not in it
    assert not list(copy.parent.glob(".*partial*"))
