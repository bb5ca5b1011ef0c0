"""Goods keep the terms they came in under: goods received before a change of terms sell at
the old commission after it, goods received after at the new one; the statement labels each
line with its terms and an agreed markdown apart from a centre promotion (SQLite, PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, update

from inventory.models import IntakeLine, Product, StockLot
from inventory.stock.document_rules import LineIn
from inventory.stock.intakes import receive_intake
from inventory.terms.rules import check_terms
from inventory.terms.service import add_version
from kernel.access import Actor, Role
from kernel.clock import FixedClock, business_date
from kernel.db.engine import Database
from kernel.errors import ForbiddenError
from pos.checkout.requests import CheckoutRequest, LineRequest, PaymentRequest
from pos.consignment.portal import month_of, monthly_statement
from tests.db.test_sales import Shop, _sell, _shop, _user

MANAGER = Actor(None, "manager", Role.MANAGER)
FLAT_30 = check_terms(
    commission_kind="flat", commission_bp=3000, period_days=60, end_action="return"
)


def _receive(db: Database, clock: FixedClock, shop: Shop, product: int, quantity: int) -> int:
    with db.write() as conn:
        manager = _user(conn, f"clerk{clock.now().timestamp():.0f}", Role.MANAGER)
        intake = receive_intake(
            conn,
            manager,
            clock.now(),
            entrepreneur_id=shop.makers[0],
            location_id=shop.location,
            lines=[LineIn(quantity, product_id=product)],
        )
    return intake.id


def _one(shop: Shop, product: int, quantity: int, total: int) -> CheckoutRequest:
    return CheckoutRequest(
        till_id=shop.till,
        lines=(LineRequest(product, quantity),),
        payments=(PaymentRequest("cash", total),),
    )


def test_goods_received_before_a_change_keep_the_old_commission(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock, stock=(0, 0, 0))  # maker 0: 20 % on the rate card
    product = shop.products[0]  # 450.00, maker 0's
    before = _receive(db, clock, shop, product, 2)
    clock.advance(seconds=60)
    with db.write() as conn:
        boss = _user(conn, "boss", Role.MANAGER)
        terms_id = add_version(
            conn, boss, clock.now(), entrepreneur_id=shop.makers[0], terms=FLAT_30
        )
        # The centre's default changing later does not touch an entrepreneur's own terms.
        add_version(conn, boss, clock.now(), entrepreneur_id=None, terms=FLAT_30)
    clock.advance(seconds=60)
    after = _receive(db, clock, shop, product, 3)
    with db.read() as conn:
        kept = dict(conn.execute(select(IntakeLine.intake_id, IntakeLine.terms_id)).all())
    assert kept == {before: None, after: terms_id}

    old = _sell(db, clock, shop, _one(shop, product, 2, 90000), "terms-old")
    assert [(ln.commission_bp, ln.commission_satang) for ln in old.lines] == [(2000, 18000)]
    new = _sell(db, clock, shop, _one(shop, product, 3, 135000), "terms-new")
    assert [(ln.commission_bp, ln.commission_satang) for ln in new.lines] == [(3000, 40500)]
    with db.read() as conn:
        found = monthly_statement(
            conn, boss, shop.makers[0], month_of(business_date(clock.now())), clock.now().date()
        )
    labels = {line.document: line.goods for line in found.lines if line.kind == "sale"}
    [old_line] = labels[old.receipt_number]
    [new_line] = labels[new.receipt_number]
    assert (old_line.terms_id, old_line.commission_bp) == (None, 2000)
    assert (new_line.terms_id, new_line.commission_bp, new_line.terms_of_centre) == (
        terms_id,
        3000,
        False,
    )


def test_an_agreed_markdown_and_a_centre_promotion_are_labelled_apart(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock, stock=(5, 0, 0))
    product = shop.products[0]  # 450.00
    with db.write() as conn:
        conn.execute(update(Product).where(Product.id == product).values(markdown_bp=1000))
    request = CheckoutRequest(
        till_id=shop.till,
        lines=(LineRequest(product, 1),),
        payments=(PaymentRequest("cash", 40000),),
        cart_discount_satang=500,
    )
    sale = _sell(db, clock, shop, request, "terms-markdown")
    assert sale.lines[0].unit_price_satang == 40500  # 450.00 less the agreed 10 %
    with db.read() as conn:
        found = monthly_statement(
            conn, MANAGER, shop.makers[0], month_of(business_date(clock.now())), clock.now().date()
        )
    [line] = found.lines
    [label] = line.goods
    assert (label.markdown_bp, label.centre_discount_satang, label.own_discount_satang) == (
        1000,
        500,
        0,
    )
    assert line.centre_discount_satang == 500  # the money figures are the statement's own


def test_only_managers_change_terms(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock, stock=(0, 0, 0))
    with pytest.raises(ForbiddenError), db.write() as conn:
        add_version(conn, shop.cashier, clock.now(), entrepreneur_id=None, terms=FLAT_30)


def test_goods_received_while_terms_change_come_in_whole_under_one_version(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock, stock=(0, 0, 0))
    product = shop.products[0]
    with db.write() as conn:
        clerks = [_user(conn, f"clerk-{n}", Role.MANAGER) for n in range(4)]
    barrier = threading.Barrier(len(clerks) + 1)

    def work(index: int) -> int | None:
        barrier.wait()
        with db.write() as conn:
            if index == len(clerks):
                return add_version(
                    conn, clerks[0], clock.now(), entrepreneur_id=shop.makers[0], terms=FLAT_30
                )
            receive_intake(
                conn,
                clerks[index],
                clock.now(),
                entrepreneur_id=shop.makers[0],
                location_id=shop.location,
                lines=[LineIn(index + 1, product_id=product)],
            )
            return None

    with ThreadPoolExecutor(len(clerks) + 1) as pool:
        outcomes = list(pool.map(work, range(len(clerks) + 1)))
    terms_id = outcomes[-1]
    with db.read() as conn:
        lines = dict(conn.execute(select(IntakeLine.intake_id, IntakeLine.terms_id)).all())
        lots = dict(conn.execute(select(StockLot.intake_id, StockLot.terms_id)).all())
    assert len(lines) == len(clerks)
    assert lines == lots  # each delivery's note and its goods name the same terms
    assert set(lines.values()) <= {None, terms_id}
