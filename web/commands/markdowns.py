"""``otop-pos markdowns``: apply the agreed markdowns due today (inventory.stock.markdowns).

The server applies them itself when it starts and whenever the aging page is opened; this
is for a daily timer (cron, systemd) on a server that runs for weeks, and for operators.
Running it twice the same day changes nothing.
"""

from __future__ import annotations

import click
from sqlalchemy.exc import DBAPIError

from inventory.stock.markdown_rules import percent_text
from inventory.stock.markdowns import CHUNK, MarkdownView, apply_due_markdowns, due_changes
from kernel.access import SYSTEM
from kernel.clock import SystemClock, business_date
from kernel.db.engine import Database
from kernel.money import format_baht
from web.commands.check import safe_url
from web.settings import get_settings


def _line(m: MarkdownView) -> str:
    return (
        f"{m.sku} {m.name_th}: {percent_text(m.from_bp)}% -> {percent_text(m.to_bp)}% "
        f"({format_baht(m.price_before_satang)} -> {format_baht(m.price_after_satang)} baht)"
    )


@click.command("markdowns")
@click.option("--dry-run", is_flag=True, help="list what is due, change nothing")
def markdowns_command(dry_run: bool) -> None:
    """Apply the agreed markdowns due today (Asia/Bangkok) to the prices on the tills."""
    url = get_settings().database_url
    now = SystemClock().now()
    db = Database(url)
    try:
        if dry_run:
            with db.read() as conn:
                changes, prices = due_changes(conn, business_date(now))
            for c in changes:
                was, due = percent_text(c.from_bp), percent_text(c.to_bp)
                click.echo(f"product {c.product_id}: {was}% -> {due}%")
            click.echo(
                f"{len(changes):,} markdown(s) due of {len(prices):,} products read (dry run)"
            )
            return
        with db.read() as conn:
            planned, prices = due_changes(conn, business_date(now))
        ids = [change.product_id for change in planned]
        applied = []
        for start in range(0, len(ids), CHUNK):  # a server may be selling meanwhile
            with db.write() as conn:
                applied += apply_due_markdowns(
                    conn, SYSTEM, now, ids[start : start + CHUNK]
                ).applied
    except DBAPIError as error:
        raise click.ClickException(
            f"cannot apply markdowns on {safe_url(url)}: {error.orig} (is it migrated?)"
        ) from None
    finally:
        db.dispose()
    for m in applied:
        click.echo(_line(m))
    click.echo(
        f"markdowns for {business_date(now).isoformat()}: {len(applied):,} applied "
        f"of {len(prices):,} products read"
    )


COMMANDS = [markdowns_command]
