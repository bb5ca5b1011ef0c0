"""`otop-pos seed --demo` from the command line, on a SQLite file of its own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from web.cli import main
from web.commands.seed import DEMO_LOGINS
from web.settings import get_settings

LOGIN_LINE = re.compile(r"^\s*(\S+) / (\S+)\s+\((\w+)\)$", re.MULTILINE)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("OTOP_DATABASE_URL", f"sqlite:///{tmp_path / 'otop.db'}")
    monkeypatch.setenv("OTOP_DEMO", "true")
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(main, ["migrate"]).exit_code == 0
    yield runner
    get_settings.cache_clear()


def seed(cli: CliRunner, *args: str) -> Result:
    return cli.invoke(main, ["seed", "--demo", "--scale", "0.02", *args])


def logins(output: str) -> list[tuple[str, str, str]]:
    return [(m[1], m[2], m[3]) for m in LOGIN_LINE.finditer(output)]


def test_seed_prints_one_login_line_per_demo_user_with_its_role(cli: CliRunner) -> None:
    result = seed(cli)
    assert result.exit_code == 0, result.output
    assert "50 entrepreneurs, 146 products" in result.output
    assert logins(result.output) == [(u.username, u.password, u.role.value) for u in DEMO_LOGINS]
    assert "admin / otop-admin-2026" in result.output
    assert {role for _, _, role in logins(result.output)} == {
        "admin",
        "manager",
        "cashier",
        "entrepreneur",
    }


def test_seed_if_empty_on_seeded_data_prints_logins_again_and_leaves_data_alone(
    cli: CliRunner,
) -> None:
    first = seed(cli, "--if-empty")
    again = seed(cli, "--if-empty")
    assert first.exit_code == again.exit_code == 0, again.output
    assert "left it alone" in again.output
    assert "seeded" not in again.output.replace("nothing seeded", "")
    assert logins(again.output) == logins(first.output)


def test_seed_without_if_empty_on_seeded_data_refuses_with_exit_1(cli: CliRunner) -> None:
    assert seed(cli).exit_code == 0
    refused = seed(cli)
    assert refused.exit_code == 1
    assert "already has catalogue data" in refused.output
    assert "--if-empty" in refused.output


@pytest.mark.parametrize(
    ("args", "message"),
    [(["seed"], "--demo"), (["seed", "--demo", "--scale", "0"], "--scale")],
)
def test_seed_refuses_bad_options_naming_them(
    cli: CliRunner, args: list[str], message: str
) -> None:
    result = cli.invoke(main, args)
    assert result.exit_code == 2
    assert message in result.output


def test_seed_outside_demo_mode_warns_that_the_passwords_are_public(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTOP_DEMO", "false")
    monkeypatch.setenv("OTOP_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("OTOP_PROMPTPAY_ID", "0812345678")
    monkeypatch.setenv("OTOP_WEBHOOK_SECRET", "y" * 40)
    monkeypatch.setenv("OTOP_SELLER_TAX_ID", "0105559000727")
    get_settings.cache_clear()
    result = seed(cli)
    assert result.exit_code == 0, result.output
    assert "passwords below are public" in result.stderr
    assert len(logins(result.stdout)) == len(DEMO_LOGINS)


def test_settings_that_cannot_be_used_are_a_sentence_not_a_traceback(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTOP_DEMO", "false")
    monkeypatch.delenv("OTOP_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    result = cli.invoke(main, ["migrate"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: settings: OTOP_SECRET_KEY must be set")
    assert "Traceback" not in result.output


def test_history_seeds_a_payout_run_and_says_so(cli: CliRunner) -> None:
    result = seed(cli, "--history", "18", "--sales-per-day", "15")
    assert result.exit_code == 0, result.output
    assert "18 days of history" in result.output
    assert re.search(r"payout run PR-\d{4}-000001: [\d,]+ paid, 3 waiting", result.output)
