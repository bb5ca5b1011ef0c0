"""`otop-pos markdowns` from the command line, on a SQLite file of its own: it lists what is
due (--dry-run changes nothing), applies it, and a second run the same day changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from inventory.models import Product
from kernel.clock import SystemClock, business_date
from kernel.db.engine import Database
from tests import factories as f
from web.cli import main
from web.settings import get_settings


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[CliRunner, str]]:
    url = f"sqlite:///{tmp_path / 'otop.db'}"
    monkeypatch.setenv("OTOP_DATABASE_URL", url)
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(main, ["migrate"]).exit_code == 0
    yield runner, url
    get_settings.cache_clear()


def test_the_command_applies_what_is_due_once(cli: tuple[CliRunner, str]) -> None:
    runner, url = cli
    db = Database(url)
    today = business_date(SystemClock().now())
    with db.write() as conn:
        district = f.district(conn)
        location = f.location(conn)
        cat = f.category(conn)
        maker = f.entrepreneur(conn, district)
        aged = f.product(conn, maker, cat, price_satang=45000, name_th="ผ้าซิ่น")
        fresh = f.product(conn, maker, cat, price_satang=9900, name_th="ผ้าพันคอ")
        f.stock(conn, aged, location, 5)
        f.stock(conn, fresh, location, 5)
        f.aged_under_markdowns(conn, aged, today - timedelta(days=61))
        sku = conn.execute(select(Product.sku).where(Product.id == aged)).scalar_one()

    dry = runner.invoke(main, ["markdowns", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"product {aged}: 0% -> 10%" in dry.output
    assert "1 markdown(s) due of 2 products read (dry run)" in dry.output

    first = runner.invoke(main, ["markdowns"])
    assert first.exit_code == 0, first.output
    assert f"{sku} ผ้าซิ่น: 0% -> 10% (450.00 -> 405.00 baht)" in first.output
    assert "1 applied of 2 products read" in first.output
    again = runner.invoke(main, ["markdowns"])
    assert again.exit_code == 0, again.output
    assert "0 applied of 2 products read" in again.output
    with db.read() as conn:
        assert (
            conn.execute(select(Product.markdown_bp).where(Product.id == aged)).scalar_one() == 1000
        )
    db.dispose()
