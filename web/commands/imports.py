"""``otop-pos import entrepreneurs FILE`` and ``otop-pos import products FILE``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from web.settings import get_settings


def _run(kind: str, path: Path, dry_run: bool) -> None:
    from inventory import spreadsheets
    from kernel.access import SYSTEM
    from kernel.clock import SystemClock
    from kernel.db.engine import Database
    from kernel.errors import DomainError

    settings = get_settings()
    raw = path.read_bytes()
    if len(raw) > settings.max_upload_bytes:
        click.echo(
            f"{path}: {len(raw)} bytes is more than the limit of {settings.max_upload_bytes} "
            "(OTOP_MAX_UPLOAD_BYTES)",
            err=True,
        )
        raise SystemExit(1)
    previewer = (
        spreadsheets.preview_products if kind == "products" else spreadsheets.preview_entrepreneurs
    )
    planner = (
        spreadsheets.plan_product_import
        if kind == "products"
        else spreadsheets.plan_entrepreneur_import
    )
    db = Database(settings.database_url)
    try:
        with db.read() as conn:
            preview = previewer(conn, raw)
        for error in preview.errors:
            click.echo(f"line {error.line}: {error.field}: {error.reason}", err=True)
        if preview.errors:
            click.echo(f"{len(preview.errors)} problem(s); nothing was imported", err=True)
            raise SystemExit(1)
        click.echo(f"{preview.rows_total} rows: {preview.new} new, {preview.updates} updates")
        if dry_run:
            return
        now = SystemClock().now()
        with db.read() as conn:
            job = planner(conn, SYSTEM, now, raw)
        # Chunk by chunk, each its own short transaction: a server's tills sell in between.
        with click.progressbar(job.chunks, label=f"importing {kind}", file=sys.stderr) as chunks:
            for chunk in chunks:
                with db.write() as conn:
                    chunk(conn)
        result = job.result
        db.analyze()
        click.echo(f"imported {kind}: {result.created} created, {result.updated} updated")
    except DomainError as error:
        click.echo(f"{error.field or 'file'}: {error.message}", err=True)
        raise SystemExit(1) from None
    finally:
        db.dispose()


@click.group("import")
def import_group() -> None:
    """Import the catalogue from CSV (UTF-8); existing codes/SKUs are updated."""


@import_group.command("entrepreneurs")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="only check the file and print the preview")
def import_entrepreneurs_command(file: Path, dry_run: bool) -> None:
    """Entrepreneurs: code,name_th,name_en,district_code,...,commission_percent,star_rating."""
    _run("entrepreneurs", file, dry_run)


@import_group.command("products")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="only check the file and print the preview")
def import_products_command(file: Path, dry_run: bool) -> None:
    """Products: sku,barcode,name_th,name_en,category_code,entrepreneur_code,price_baht,..."""
    _run("products", file, dry_run)


COMMANDS = [import_group]
