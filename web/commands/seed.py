"""``otop-pos seed --demo``: the demo catalogue and one login per role.

The demo passwords are fixed and public (they are printed and documented here), so a demo
database must never face the internet:

    admin / otop-admin-2026            (admin)
    manager / otop-manager-2026        (manager)
    cashier1 / otop-cashier1-2026      (cashier)
    cashier2 / otop-cashier2-2026      (cashier)
    ent-cm0001 / otop-cm0001-2026      (entrepreneur)   and ent-cm0002, ent-cm0003 alike
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from sqlalchemy import select
from sqlalchemy.engine import Connection

from demo.catalogue import DemoSummary, catalogue_is_empty, seed_demo
from demo.history import (
    BASE_SALES_PER_DAY,
    HistorySummary,
    PastRun,
    seed_history,
    seed_past_payout_run,
)
from inventory.models import Entrepreneur, Location
from kernel.access import SYSTEM, Actor, Role
from kernel.clock import SystemClock, business_date
from kernel.db.engine import Database
from kernel.errors import DomainError
from pos.tills.service import create_till, register_till_machine
from web.accounts.users import NewPassword, User, create_user
from web.payments.api import receiving_account
from web.settings import Settings, get_settings


@dataclass(frozen=True, slots=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    display_name: str
    entrepreneur_code: str | None = None

    def line(self, width: int = 0) -> str:
        return f"{f'{self.username} / {self.password}':<{width}}   ({self.role.value})"


def _entrepreneur_login(code: str) -> DemoLogin:
    short = code.replace("-", "").lower()
    return DemoLogin(f"ent-{short}", f"otop-{short}-2026", Role.ENTREPRENEUR, code, code)


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", "otop-admin-2026", Role.ADMIN, "ผู้ดูแลระบบ (Admin)"),
    DemoLogin("manager", "otop-manager-2026", Role.MANAGER, "ผู้จัดการศูนย์ (Manager)"),
    DemoLogin("cashier1", "otop-cashier1-2026", Role.CASHIER, "แคชเชียร์ 1 (Cashier 1)"),
    DemoLogin("cashier2", "otop-cashier2-2026", Role.CASHIER, "แคชเชียร์ 2 (Cashier 2)"),
    *(_entrepreneur_login(code) for code in ("CM-0001", "CM-0002", "CM-0003")),
)


@dataclass(frozen=True, slots=True)
class SeedOutcome:
    summary: DemoSummary | None  # None: the database had data and was left alone
    logins: list[DemoLogin]
    seconds: float


def create_demo_users(conn: Connection, now: datetime) -> list[DemoLogin]:
    """One login per role; the entrepreneur logins belong to the first three entrepreneurs."""
    codes = [login.entrepreneur_code for login in DEMO_LOGINS if login.entrepreneur_code]
    ids = {
        code: entrepreneur_id
        for code, entrepreneur_id in conn.execute(
            select(Entrepreneur.code, Entrepreneur.id).where(Entrepreneur.code.in_(codes))
        )
    }
    created = []
    for login in DEMO_LOGINS:
        entrepreneur_id = ids.get(login.entrepreneur_code) if login.entrepreneur_code else None
        if login.entrepreneur_code and entrepreneur_id is None:
            continue
        display_name = login.display_name
        if entrepreneur_id is not None:
            display_name = conn.execute(
                select(Entrepreneur.name_th).where(Entrepreneur.id == entrepreneur_id)
            ).scalar_one()
        create_user(
            conn,
            SYSTEM,
            username=login.username,
            password=NewPassword.of(login.password, username=login.username),
            role=login.role,
            now=now,
            display_name=display_name,
            entrepreneur_id=entrepreneur_id,
        )
        created.append(login)
    return created


# Two tills at San Kamphaeng, one at the Tha Phae Road space (location code TPR).
DEMO_TILLS = (
    ("SKP-01", "เคาน์เตอร์ 1 (Counter 1)", None),
    ("SKP-02", "เคาน์เตอร์ 2 (Counter 2)", None),
    ("TPR-01", "ท่าแพ (Tha Phae)", "TPR"),
)


def create_demo_tills(conn: Connection, now: datetime) -> None:
    default = conn.execute(select(Location.id).where(Location.is_default.is_(True))).scalar_one()
    places = {code: id_ for code, id_ in conn.execute(select(Location.code, Location.id))}
    for code, name, location_code in DEMO_TILLS:
        location_id = places.get(location_code, default) if location_code else default
        till = create_till(conn, SYSTEM, now, code=code, name=name, location_id=location_id)
        # A made-up Revenue Department number, marked as the demo's, so receipts show the line.
        register_till_machine(conn, SYSTEM, now, till.id, f"DEMO-{code}")


def existing_demo_logins(conn: Connection) -> list[DemoLogin]:
    """The demo logins this database has (same username and role)."""
    roles = {
        username: role
        for username, role in conn.execute(
            select(User.username, User.role).where(
                User.username.in_([login.username for login in DEMO_LOGINS])
            )
        )
    }
    return [login for login in DEMO_LOGINS if roles.get(login.username) == login.role.value]


def seed_demo_database(
    db: Database, now: datetime, *, scale: float = 1.0, seed: int = 2026, if_empty: bool = False
) -> SeedOutcome:
    """Seed the demo catalogue and users in one transaction.

    A database with catalogue data is refused (``ConflictError``), or with ``if_empty``
    left alone, its demo logins returned.
    """
    started = time.perf_counter()
    with db.write() as conn:
        if if_empty and not catalogue_is_empty(conn):
            return SeedOutcome(None, existing_demo_logins(conn), time.perf_counter() - started)
        summary = seed_demo(conn, now, scale=scale, seed=seed)
        create_demo_tills(conn, now)
        logins = create_demo_users(conn, now)
    db.analyze()
    return SeedOutcome(summary, logins, time.perf_counter() - started)


def _demo_staff(db: Database) -> dict[str, Actor]:
    with db.read() as conn:
        users = {
            username: Actor(user_id, username, Role(role))
            for user_id, username, role in conn.execute(
                select(User.id, User.username, User.role).where(
                    User.username.in_(["cashier1", "cashier2", "manager"])
                )
            )
        }
    return users


def seed_demo_history(
    db: Database,
    settings: Settings,
    *,
    days: int,
    seed: int = 2026,
    scale: float = 1.0,
    sales_per_day: int = BASE_SALES_PER_DAY,
) -> HistorySummary:
    """Past sales by the demo cashiers on the first two tills (see demo.history)."""
    users = _demo_staff(db)
    cashiers = [users[name] for name in ("cashier1", "cashier2") if name in users]
    manager = users.get("manager", SYSTEM)
    with click.progressbar(length=days, label="ringing past sales", file=sys.stderr) as bar:
        summary = seed_history(
            db.write,
            today=business_date(SystemClock().now()),
            days=days,
            cashiers=cashiers,
            manager=manager,
            account=receiving_account(settings),
            seed=seed,
            scale=scale,
            sales_per_day=sales_per_day,
            progress=lambda done: bar.update(done - bar.pos),
        )
    db.analyze()
    return summary


def seed_demo_payout_run(db: Database, settings: Settings) -> PastRun | None:
    """The payout run a manager would have made after the history's first weeks."""
    return seed_past_payout_run(
        db.write,
        today=business_date(SystemClock().now()),
        manager=_demo_staff(db).get("manager", SYSTEM),
        minimum_satang=settings.payout_minimum_satang,
        refund_window=timedelta(days=settings.refund_window_days),
    )


def echo_logins(logins: list[DemoLogin]) -> None:
    if not logins:
        click.echo("no demo logins in this database")
        return
    click.echo("demo logins (username / password):")
    width = max(len(f"{login.username} / {login.password}") for login in logins)
    for login in logins:
        click.echo(f"  {login.line(width)}")


@click.command("seed")
@click.option("--demo", is_flag=True, help="Seed the demo catalogue and demo logins.")
@click.option("--if-empty", is_flag=True, help="Leave a database that has data alone.")
@click.option(
    "--scale",
    type=click.FloatRange(min=0, max=10, min_open=True),
    default=1.0,
    show_default=True,
    help="Fraction of the province's 2,475 entrepreneurs and 7,324 products.",
)
@click.option("--seed", "seed_value", type=int, default=2026, show_default=True)
@click.option(
    "--history",
    "history_days",
    type=click.IntRange(min=0, max=3660),
    default=0,
    show_default=True,
    help="Also ring this many past days of sales through the till's code path, and make a "
    "payout run of the money owed a week ago.",
)
@click.option(
    "--sales-per-day",
    type=click.IntRange(min=1, max=10_000),
    default=BASE_SALES_PER_DAY,
    show_default=True,
    help="The history's sales on an ordinary weekday at --scale 1 (weekends and festivals more).",
)
def seed(
    demo: bool,
    if_empty: bool,
    scale: float,
    seed_value: int,
    history_days: int,
    sales_per_day: int,
) -> None:
    """Fill an empty database with the deterministic demo data (`seed --demo`)."""
    if not demo:
        raise click.UsageError("only demo data can be seeded: use `otop-pos seed --demo`")
    settings = get_settings()
    if not settings.demo:
        click.echo(
            "warning: OTOP_DEMO is not true, but the demo passwords below are public; "
            "change or deactivate these users before real use",
            err=True,
        )
    db = Database(settings.database_url)
    try:
        outcome = seed_demo_database(
            db, SystemClock().now(), scale=scale, seed=seed_value, if_empty=if_empty
        )
    except DomainError as error:
        hint = " (use --if-empty to keep it)" if error.field == "database" else ""
        raise click.ClickException(f"{error.field or 'input'}: {error.message}{hint}") from None
    finally:
        db.dispose()
    if outcome.summary is None:
        click.echo("the database already has data: left it alone (nothing seeded)")
    else:
        click.echo(f"demo data seeded in {outcome.seconds:.1f} s:")
        for line in outcome.summary.lines():
            click.echo(f"  {line}")
        if history_days:
            started = time.perf_counter()
            history = seed_demo_history(
                db,
                settings,
                days=history_days,
                seed=seed_value,
                scale=scale,
                sales_per_day=sales_per_day,
            )
            for line in history.lines():
                click.echo(f"  {line} ({time.perf_counter() - started:.0f} s)")
            run = seed_demo_payout_run(db, settings)
            for line in run.lines() if run else ["no payout run: nobody was owed enough"]:
                click.echo(f"  {line}")
    echo_logins(outcome.logins)


COMMANDS = [seed]
