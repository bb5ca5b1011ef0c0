"""``otop-pos backup FILE`` and ``otop-pos restore FILE``: SQLite's online backup, and back.

PostgreSQL has its own tools for both (pg_dump, pg_restore), so these refuse it.
"""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.engine import make_url

from kernel.db.backup import BackupError, CopyReport, backup, inspect, restore, writer_active
from web.commands.check import safe_url
from web.settings import get_settings

COUNTED = (
    "sales",
    "refunds",
    "payments",
    "journal_entries",
    "stock_movements",
    "products",
    "product_photos",
    "entrepreneurs",
    "users",
)


def _sqlite_file(url: str, tool: str) -> Path:
    """The configured SQLite file; PostgreSQL and in-memory databases are refused."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise click.ClickException(
            f"{safe_url(url)} is PostgreSQL: back it up and restore it with its own tools, "
            f"e.g. {tool}"
        )
    if not parsed.database or parsed.database == ":memory:":
        raise click.ClickException(f"{safe_url(url)} is an in-memory database: nothing to copy")
    return Path(parsed.database)


def _figures(report: CopyReport) -> str:
    counts = ", ".join(f"{n:,} {table.replace('_', ' ')}" for table, n in report.counts.items())
    return f"{report.size_bytes / 1_000_000:,.1f} MB, {counts}; schema {report.schema_version}"


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Copy the SQLite database to FILE while the server runs (checked, then renamed)."""
    url = get_settings().database_url
    database = _sqlite_file(url, "pg_dump --format=custom --file=FILE DATABASE")
    try:
        report = backup(database, file, tables=COUNTED)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"backup of {database} written to {report.path} in {report.seconds:.1f} s, "
        f"integrity ok: {_figures(report)}"
    )


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup FILE (stop the server first)."""
    url = get_settings().database_url
    database = _sqlite_file(url, "pg_restore --clean --dbname=DATABASE FILE")
    try:
        found = inspect(file, tables=COUNTED)
        _check_schema(file, found, url)
        busy = writer_active(database)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    if busy:
        raise click.ClickException(
            f"a server is writing to {database}: stop `otop-pos serve` first, then restore"
        )
    if not yes:
        click.confirm(
            f"Replace {database} with {file} ({_figures(found)})? Stop `otop-pos serve` "
            "first: a running server would go on with the restored data",
            abort=True,
        )
    try:
        report = restore(file, database, tables=COUNTED)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {file} into {database} in {report.seconds:.1f} s: {_figures(report)}")
    click.echo("run `otop-pos migrate` (a no-op when current), then start `otop-pos serve`")


def _check_schema(file: Path, found: CopyReport, url: str) -> None:
    """The file is a database of ours: it has alembic's version, one our migrations know."""
    # Imported here: every otop-pos command imports this module, alembic takes a while.
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from web.migrate import alembic_config

    if found.schema_version is None:
        raise click.ClickException(f"{file} is not an OTOP POS database (no alembic_version)")
    scripts = ScriptDirectory.from_config(alembic_config(url))
    try:
        known = scripts.get_revision(found.schema_version) is not None
    except CommandError:
        known = False
    if not known:
        raise click.ClickException(
            f"{file} has schema {found.schema_version}, which this version of OTOP POS does not "
            "know (a newer release made it?)"
        )


COMMANDS = [backup_command, restore_command]
