"""Agreed markdowns on their date, on SQLite and PostgreSQL: a lot passing its 60-day step is
marked down that Bangkok day and not the day before; the markdown falls back when the old goods
are sold; a second run changes nothing; a stale run records nothing; a sale afterwards charges
the marked-down price and the entrepreneur bears it; the tills' catalogue delta carries it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from inventory.models import Markdown, Product
from inventory.stock.document_rules import LineIn
from inventory.stock.intakes import receive_intake
from inventory.stock.markdowns import (
    apply_changes,
    apply_due_markdowns,
    due_changes,
    list_markdowns,
)
from inventory.terms.rules import check_terms
from inventory.terms.service import add_version
from kernel.access import SYSTEM, Actor, Role
from kernel.audit import AuditEntry
from kernel.clock import FixedClock, business_date
from kernel.db.engine import Database
from kernel.errors import ForbiddenError
from payments.ledger.postings import balance, entrepreneur_balance
from pos.checkout.requests import CheckoutRequest, LineRequest, PaymentRequest
from pos.checkout.service import checkout
from pos.tills.catalogue import till_catalogue
from pos.tills.service import create_till, open_shift
from tests import factories as f
from tests.db.test_sales import ACCOUNT, EXPIRY, _user

LIST_PRICE = 45000
# Received 2026-11-21 at 10:00 in Bangkok: day 60 is 2027-01-20 there.
RECEIVED_AT = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
DAY_60_STARTS = datetime(2027, 1, 19, 17, 0, tzinfo=UTC)  # 00:00 on 20/01/2570 in Bangkok


@dataclass
class Shop:
    location: int
    maker: int
    other_maker: int
    product: int
    manager: Actor
    cashier: Actor
    till: int
    terms: int


def _shop(db: Database) -> Shop:
    with db.write() as conn:
        district = f.district(conn)
        location = f.location(conn)
        cat = f.category(conn)
        maker = f.entrepreneur(conn, district, commission_bp=1500)
        other = f.entrepreneur(conn, district, code="E2")
        product = f.product(conn, maker, cat, price_satang=LIST_PRICE, name_th="ผ้าซิ่น")
        manager = _user(conn, "manager1", Role.MANAGER)
        cashier = _user(conn, "cashier1", Role.CASHIER)
        agreed = check_terms(
            commission_kind="flat",
            commission_bp=2000,
            period_days=90,
            end_action="return",
            markdowns=[(60, 1000), (75, 2500)],
        )
        terms = add_version(
            conn, manager, RECEIVED_AT - timedelta(days=1), entrepreneur_id=maker, terms=agreed
        )
        till = create_till(
            conn, manager, RECEIVED_AT, code="SKP-01", name="Till 1", location_id=location
        )
    shop = Shop(location, maker, other, product, manager, cashier, till.id, terms)
    _receive(db, shop, RECEIVED_AT, 5)
    return shop


def _receive(db: Database, shop: Shop, at: datetime, units: int) -> None:
    with db.write() as conn:
        receive_intake(
            conn,
            shop.manager,
            at,
            entrepreneur_id=shop.maker,
            location_id=shop.location,
            lines=[LineIn(units, shop.product)],
        )


def _apply(db: Database, at: datetime, actor: Actor = SYSTEM) -> list[tuple[int, int]]:
    with db.write() as conn:
        run = apply_due_markdowns(conn, actor, at)
    return [(m.from_bp, m.to_bp) for m in run.applied]


def _product(conn: Connection, shop: Shop) -> tuple[int, int, datetime]:
    row = conn.execute(
        select(Product.markdown_bp, Product.version, Product.updated_at).where(
            Product.id == shop.product
        )
    ).one()
    return row[0], row[1], row[2]


def test_the_60_day_step_applies_on_its_bangkok_day_and_not_the_day_before(db: Database) -> None:
    shop = _shop(db)
    assert _apply(db, DAY_60_STARTS - timedelta(seconds=1)) == []  # 23:59:59 on day 59
    with db.read() as conn:
        assert _product(conn, shop)[0] == 0
        version_before = _product(conn, shop)[1]

    assert _apply(db, DAY_60_STARTS, shop.manager) == [(0, 1000)]
    with db.read() as conn:
        markdown_bp, version, updated_at = _product(conn, shop)
        assert (markdown_bp, version, updated_at) == (1000, version_before + 1, DAY_60_STARTS)
        row = conn.execute(select(Markdown)).mappings().one()
        assert row["product_id"] == shop.product
        assert (row["from_bp"], row["to_bp"], row["terms_id"]) == (0, 1000, shop.terms)
        assert (
            row["list_price_satang"],
            row["price_before_satang"],
            row["price_after_satang"],
        ) == (
            45000,
            45000,
            40500,
        )
        assert str(row["due_on"]) == str(row["effective_on"]) == "2027-01-20"
        assert (row["actor_id"], row["actor_name"]) == (shop.manager.user_id, "manager1")
        audit = conn.execute(
            select(AuditEntry).where(AuditEntry.action == "markdown_applied")
        ).mappings()
        (entry,) = list(audit)
        assert (entry["entity"], entry["entity_id"]) == ("product", str(shop.product))
        assert entry["detail"]["to_bp"] == 1000 and entry["actor_name"] == "manager1"


def test_running_twice_the_same_day_changes_nothing(db: Database) -> None:
    shop = _shop(db)
    assert _apply(db, DAY_60_STARTS) == [(0, 1000)]
    with db.read() as conn:
        before = _product(conn, shop)
    assert _apply(db, DAY_60_STARTS + timedelta(hours=9)) == []
    with db.read() as conn:
        assert _product(conn, shop) == before
        assert conn.execute(select(func.count()).select_from(Markdown)).scalar_one() == 1


def test_a_run_planned_on_a_stale_read_records_nothing(db: Database) -> None:
    """Two runs at once: the second read the markdown before the first changed it."""
    shop = _shop(db)
    with db.read() as conn:
        stale, prices = due_changes(conn, business_date(DAY_60_STARTS))
    assert [c.product_id for c in stale] == [shop.product]
    assert _apply(db, DAY_60_STARTS) == [(0, 1000)]
    with db.write() as conn:
        assert apply_changes(conn, SYSTEM, DAY_60_STARTS, stale, prices) == []
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(Markdown)).scalar_one() == 1


def test_the_later_step_follows_and_the_markdown_falls_back_when_the_old_goods_sell(
    db: Database,
) -> None:
    shop = _shop(db)
    _receive(db, shop, RECEIVED_AT + timedelta(days=30), 4)  # a younger lot, same terms
    assert _apply(db, DAY_60_STARTS) == [(0, 1000)]
    day_75 = DAY_60_STARTS + timedelta(days=15)
    assert _apply(db, day_75) == [(1000, 2500)]

    clock = FixedClock(day_75 + timedelta(hours=3))
    with db.write() as conn:
        open_shift(conn, shop.cashier, clock.now(), shop.till, 100000)
    sale = _sell(db, clock, shop, 5)  # the old lot's five
    assert sale.lines[0].unit_price_satang == 33750  # 45000 less 25 %
    # The younger lot is 45 days old: nothing due. Back to the list price.
    assert _apply(db, clock.now()) == [(2500, 0)]
    with db.read() as conn:
        last = conn.execute(select(Markdown).order_by(Markdown.id.desc())).mappings().first()
        assert last is not None and last["lot_id"] is not None and last["due_on"] is None
    # Its own 60th day comes: its own markdown.
    assert _apply(db, DAY_60_STARTS + timedelta(days=30)) == [(0, 1000)]


def test_no_goods_left_anywhere_brings_the_list_price_back(db: Database) -> None:
    shop = _shop(db)
    assert _apply(db, DAY_60_STARTS) == [(0, 1000)]
    clock = FixedClock(DAY_60_STARTS + timedelta(hours=4))
    with db.write() as conn:
        open_shift(conn, shop.cashier, clock.now(), shop.till, 100000)
    _sell(db, clock, shop, 5)
    assert _apply(db, clock.now()) == [(1000, 0)]
    with db.read() as conn:
        last = conn.execute(select(Markdown).order_by(Markdown.id.desc())).mappings().first()
        assert last is not None and last["lot_id"] is None


def _sell(db: Database, clock: FixedClock, shop: Shop, units: int):  # type: ignore[no-untyped-def]
    with db.read() as conn:
        markdown_bp = _product(conn, shop)[0]
    price = LIST_PRICE - (LIST_PRICE * markdown_bp + 5000) // 10000
    request = CheckoutRequest(
        till_id=shop.till,
        lines=(LineRequest(shop.product, units),),
        payments=(PaymentRequest("cash", price * units),),
    )
    with db.write() as conn:
        return checkout(
            conn,
            shop.cashier,
            clock.now(),
            request,
            idempotency_key=f"sale-{int(clock.now().timestamp())}",
            account=ACCOUNT,
            expiry=EXPIRY,
        )


def test_a_sale_after_the_markdown_charges_the_lower_price_and_the_entrepreneur_bears_it(
    db: Database,
) -> None:
    shop = _shop(db)
    assert _apply(db, DAY_60_STARTS) == [(0, 1000)]
    clock = FixedClock(DAY_60_STARTS + timedelta(hours=3))
    with db.write() as conn:
        open_shift(conn, shop.cashier, clock.now(), shop.till, 100000)
    sale = _sell(db, clock, shop, 2)
    (line,) = sale.lines
    assert (line.unit_price_satang, line.markdown_bp, line.list_price_satang) == (40500, 1000, None)
    assert sale.total_satang == 81000
    # The terms' 20 % is on the lower price; the entrepreneur gets the rest: the 4,500 a unit
    # the markdown took is theirs to bear, not the centre's.
    assert (line.commission_bp, line.commission_satang) == (2000, 16200)
    with db.read() as conn:
        assert balance(conn, "commission_income") == -16200
        assert entrepreneur_balance(conn, shop.maker) == 81000 - 16200


def test_the_tills_catalogue_delta_carries_the_new_price(db: Database) -> None:
    shop = _shop(db)
    before = DAY_60_STARTS - timedelta(minutes=10)
    with db.read() as conn:
        version = till_catalogue(conn, shop.cashier, shop.till, before).version
    assert _apply(db, DAY_60_STARTS) == [(0, 1000)]
    with db.read() as conn:
        delta = till_catalogue(conn, shop.cashier, shop.till, DAY_60_STARTS, since=version)
    assert not delta.full
    (row,) = [dict(zip(delta.columns, r, strict=True)) for r in delta.products]
    assert row["id"] == shop.product
    assert (row["price_satang"], row["markdown_bp"], row["list_price_satang"]) == (
        40500,
        1000,
        45000,
    )


def test_only_managers_apply_markdowns_and_an_entrepreneur_sees_only_their_own(
    db: Database,
) -> None:
    shop = _shop(db)
    with db.write() as conn, pytest.raises(ForbiddenError):
        apply_due_markdowns(conn, shop.cashier, DAY_60_STARTS)
    assert _apply(db, DAY_60_STARTS) == [(0, 1000)]
    mine = Actor(None, "maker", Role.ENTREPRENEUR, entrepreneur_id=shop.maker)
    theirs = Actor(None, "other", Role.ENTREPRENEUR, entrepreneur_id=shop.other_maker)
    with db.read() as conn:
        assert [m.product_id for m in list_markdowns(conn, mine)] == [shop.product]
        assert list_markdowns(conn, theirs, entrepreneur_id=shop.maker) == []
        day = business_date(DAY_60_STARTS)
        assert len(list_markdowns(conn, shop.cashier, since=day, until=day)) == 1
        assert list_markdowns(conn, shop.cashier, since=day + timedelta(days=1)) == []


def test_two_runs_at_once_record_each_change_once(db: Database) -> None:
    """Two servers (workers) start together: the second waits for the first's write and
    then finds nothing left to change."""
    _shop(db)
    other = Database(db.url)
    second: list[list[tuple[int, int]]] = []
    try:
        with db.write() as conn:
            first = apply_due_markdowns(conn, SYSTEM, DAY_60_STARTS)
            thread = threading.Thread(target=lambda: second.append(_apply(other, DAY_60_STARTS)))
            thread.start()
            thread.join(0.5)  # it waits for this transaction (the row on PostgreSQL)
        thread.join(15)
    finally:
        other.dispose()
    assert [(m.from_bp, m.to_bp) for m in first.applied] == [(0, 1000)]
    assert second == [[]]
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(Markdown)).scalar_one() == 1
