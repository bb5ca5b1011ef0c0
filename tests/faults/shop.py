"""A shop for the fault tests, written straight to a fresh database before the server starts.

Makers and products with deep stock at one location, and per till a cashier of its own with
the till's shift open; and what the checks read back afterwards (sales, stock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from inventory.stock.service import on_hand
from kernel.access import SYSTEM, Actor, Role
from kernel.db.engine import Database
from pos.models import Sale
from pos.tills.service import create_till, open_shift
from tests import factories as f
from web.accounts.users import NewPassword, create_user
from web.migrate import upgrade

PASSWORD = "faults-password-2026"  # of every user made here
MANAGER = "manager1"


@dataclass(frozen=True)
class TillLogin:
    username: str
    till_id: int
    code: str  # the receipt number's prefix


@dataclass(frozen=True)
class Shop:
    location_id: int
    category_id: int
    entrepreneurs: list[int]
    prices: dict[int, int]  # product id -> unit price, satang
    tills: list[TillLogin]


@dataclass(frozen=True)
class SaleRow:
    id: int
    key: str
    till_id: int
    status: str
    receipt_number: str | None
    receipt_seq: int | None


def prepare_shop(url: str, tills: int, *, products: int = 12, units: int = 100_000) -> Shop:
    """Migrate the database to head and fill it: three makers, ``products`` products with
    ``units`` each in stock, a manager (MANAGER), and ``tills`` tills (FLT-01...) each with
    its own cashier (till1...) whose shift is open."""
    upgrade(url)
    db = Database(url)
    now = datetime.now(UTC)
    try:
        with db.write() as conn:
            district = f.district(conn)
            location = f.location(conn)
            category = f.category(conn)
            makers = [
                f.entrepreneur(conn, district, commission_bp=1500 + 500 * i, name_en=f"Maker {i}")
                for i in range(3)
            ]
            prices: dict[int, int] = {}
            for i in range(products):
                price = 2000 + 1750 * (i % 40)
                product = f.product(
                    conn, makers[i % 3], category, price_satang=price, name_en=f"Item {i}"
                )
                f.stock(conn, product, location, units)
                prices[product] = price
            create_user(
                conn,
                SYSTEM,
                username=MANAGER,
                password=NewPassword.of(PASSWORD),
                role=Role.MANAGER,
                now=now,
            )
            logins = []
            for n in range(1, tills + 1):
                name = f"till{n}"
                user = create_user(
                    conn,
                    SYSTEM,
                    username=name,
                    password=NewPassword.of(PASSWORD),
                    role=Role.CASHIER,
                    now=now,
                )
                till = create_till(
                    conn, SYSTEM, now, code=f"FLT-{n:02d}", name=f"Till {n}", location_id=location
                )
                open_shift(conn, Actor(user.id, name, Role.CASHIER), now, till.id, 0)
                logins.append(TillLogin(name, till.id, till.code))
    finally:
        db.dispose()
    return Shop(location, category, makers, prices, logins)


def stock_of(url: str, shop: Shop) -> dict[int, int]:
    """On-hand of every product of the shop at its location."""
    db = Database(url)
    try:
        with db.read() as conn:
            return on_hand(conn, list(shop.prices), shop.location_id)
    finally:
        db.dispose()


def sales_of(url: str) -> list[SaleRow]:
    db = Database(url)
    try:
        with db.read() as conn:
            rows = conn.execute(
                select(
                    Sale.id,
                    Sale.idempotency_key,
                    Sale.till_id,
                    Sale.status,
                    Sale.receipt_number,
                    Sale.receipt_seq,
                ).order_by(Sale.id)
            ).all()
    finally:
        db.dispose()
    return [SaleRow(*row) for row in rows]
