"""``otop-pos check``: verify every rule of integrity.check on the configured database."""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from integrity.check import (
    RULES,
    WARNINGS,
    Violation,
    find_violations,
    find_warnings,
    snapshot,
    totals,
)
from kernel.clock import SystemClock
from kernel.db.engine import Database
from web.settings import get_settings

SHOWN_PER_RULE = 20


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def existing_sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL); a missing file is refused."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise click.ClickException(f"{safe_url(url)} is an in-memory database: nothing to do")
    path = Path(parsed.database)
    if not path.is_file():
        raise click.ClickException(f"no database at {path} (set OTOP_DATABASE_URL)")
    return path


def report(
    violations: list[Violation], shown_per_rule: int = SHOWN_PER_RULE, noun: str = "violation"
) -> list[str]:
    """The violations (or warnings) grouped by rule, at most ``shown_per_rule`` lines of each."""
    by_rule: dict[str, list[Violation]] = defaultdict(list)
    for violation in violations:
        by_rule[violation.rule].append(violation)
    summaries = {known.slug: known.summary for known in (*RULES, *WARNINGS)}
    lines = []
    for slug, found in by_rule.items():
        lines.append(f"{slug}: {len(found):,} {noun}(s) — {summaries.get(slug, '')}".rstrip())
        lines += [f"  {v.where}: {v.detail}" for v in found[:shown_per_rule]]
        if len(found) > shown_per_rule:
            lines.append(f"  … and {len(found) - shown_per_rule:,} more")
    return lines


@click.command("check")
def check() -> None:
    """Verify the ledger, stock, numbering and payments; exit 1 on any violation."""
    url = get_settings().database_url
    existing_sqlite_path(url)
    started = time.perf_counter()
    db = Database(url)
    try:
        with snapshot(db) as conn:
            violations = find_violations(conn, SystemClock().now())
            warnings = find_warnings(conn)
            counted = totals(conn)
    except DBAPIError as error:
        raise click.ClickException(
            f"cannot check {safe_url(url)}: {error.orig} (is it migrated? `otop-pos migrate`)"
        ) from None
    finally:
        db.dispose()
    seconds = time.perf_counter() - started
    for line in report(warnings, noun="warning"):
        click.echo(line)
    if violations:
        for line in report(violations):
            click.echo(line)
        rules_broken = len({v.rule for v in violations})
        click.echo(
            f"check FAILED: {len(violations):,} violation(s) of {rules_broken} of "
            f"{len(RULES)} rules on {safe_url(url)} ({seconds:.1f} s)"
        )
        click.get_current_context().exit(1)
    over = ", ".join(f"{count:,} {name}" for name, count in counted.items())
    warned = f", {len(warnings):,} warning(s)" if warnings else ""
    click.echo(
        f"check passed: {len(RULES)} rules over {over} on {safe_url(url)}{warned} ({seconds:.1f} s)"
    )


COMMANDS = [check]
