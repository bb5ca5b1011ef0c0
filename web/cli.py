"""The ``otop-pos`` command."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from web.settings import get_settings

if TYPE_CHECKING:
    import uvicorn


class _Commands(click.Group):
    """Settings that cannot be used are a sentence for the operator, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from pydantic import ValidationError

        try:
            return super().invoke(ctx)
        except ValidationError as error:
            problems = "; ".join(
                str(problem["msg"]).removeprefix("Value error, ") for problem in error.errors()
            )
            raise click.ClickException(f"settings: {problems}") from None


@click.group(cls=_Commands)
def main() -> None:
    """OTOP POS: the till, PromptPay and consignment accounts of the San Kamphaeng centre."""


@main.command()
def migrate() -> None:
    """Bring the database schema to the newest version."""
    from web.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    click.echo(f"database migrated: {_safe_url(settings.database_url)}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web application with uvicorn."""
    import uvicorn

    get_settings()  # refuse to start on bad settings before forking workers
    options: dict[str, Any] = {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        "access_log": False,
        "log_level": "info",
        # A spawned worker imports this CLI (every command) before it can answer the
        # supervisor's ping; on a busy 2-core machine that took over uvicorn's 5 s, and the
        # supervisor killed and respawned a worker at every start (tests/faults showed it).
        "timeout_worker_healthcheck": 30,
    }
    if workers == 1:
        uvicorn.run("web.app:create_served_app", **options)
    else:
        _serve_workers(uvicorn.Config("web.app:create_served_app", **options))


def _serve_workers(config: uvicorn.Config) -> None:
    """``uvicorn.run`` for several workers, each on a listening socket of its own."""
    import socket

    from web.workers import Workers, listeners

    if not hasattr(socket, "SO_REUSEPORT"):
        raise click.UsageError("--workers above 1 needs SO_REUSEPORT (Linux, macOS, BSD)")

    Workers(config, listeners(config)).run()


@main.command("create-user")
@click.option("--username", required=True)
@click.option(
    "--role", required=True, type=click.Choice(["admin", "manager", "cashier", "entrepreneur"])
)
@click.option("--entrepreneur-code", default=None, help="for an entrepreneur user")
@click.option("--display-name", default="")
@click.password_option()
def create_user_command(
    username: str, role: str, entrepreneur_code: str | None, display_name: str, password: str
) -> None:
    """Create a user (prompts for the password)."""
    from sqlalchemy import select

    from inventory.models import Entrepreneur
    from kernel.access import SYSTEM
    from kernel.clock import SystemClock
    from kernel.db.engine import Database
    from kernel.errors import DomainError
    from web.accounts.users import NewPassword, create_user

    db = Database(get_settings().database_url)
    try:
        new_password = NewPassword.of(password, username=username)  # hashed first
        with db.write() as conn:
            entrepreneur_id = None
            if entrepreneur_code:
                entrepreneur_id = conn.execute(
                    select(Entrepreneur.id).where(Entrepreneur.code == entrepreneur_code)
                ).scalar()
                if entrepreneur_id is None:
                    raise click.ClickException(f"no entrepreneur with code {entrepreneur_code}")
            user = create_user(
                conn,
                SYSTEM,
                username=username,
                password=new_password,
                role=role,
                now=SystemClock().now(),
                display_name=display_name,
                entrepreneur_id=entrepreneur_id,
            )
    except DomainError as error:
        raise click.ClickException(f"{error.field or 'input'}: {error.message}") from None
    click.echo(f"created {user.username} ({user.role})")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _add_command_modules() -> None:
    import importlib
    import pkgutil

    import web.commands

    for info in sorted(pkgutil.iter_modules(web.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"web.commands.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            main.add_command(command)


_add_command_modules()

if __name__ == "__main__":
    sys.exit(main())
