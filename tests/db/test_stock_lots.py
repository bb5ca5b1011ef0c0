"""Stock by intake through the real services, on SQLite and PostgreSQL: goods leave the
oldest lot first (by the moment they came in) and a sale line carries that lot's terms, each
sale of a till's batch its own; a refund puts goods back into the newest lot with room; a
transfer keeps the goods' date and terms; an intake arriving while the stock is below zero
first fills the hole, and one without an intake note still makes a lot of its own; lot-terms
looks at goods still here."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from integrity.check import find_violations
from inventory.catalogue.products import update_product
from inventory.models import StockLot
from inventory.stock.document_rules import LineIn
from inventory.stock.documents import transfer_stock
from inventory.stock.intakes import receive_intake
from inventory.stock.rules import MovementKind
from inventory.stock.service import StockTake, apply_movements, check_takes, record_takes
from inventory.terms.rules import CommissionKind, ConsignmentTerms, EndAction
from inventory.terms.service import add_version
from kernel.access import Actor, Role
from kernel.clock import FixedClock, business_date
from kernel.db.engine import Database
from pos.checkout.queries import load_sale
from pos.checkout.service import CheckoutJob, checkout_many
from pos.models import SaleLine
from pos.refunds.service import RefundRequest, refund_sale
from tests import factories as f
from tests.db.test_sales import ACCOUNT, EXPIRY, Shop, _request, _sell, _shop, _user

PRICE = 45000  # what _shop gives its first product
Lot = tuple[date, int | None, int, int]  # received on, terms id, quantity, remaining


def _lots(conn: Connection, product_id: int, location_id: int) -> list[Lot]:
    rows = conn.execute(
        select(StockLot.received_on, StockLot.terms_id, StockLot.quantity, StockLot.remaining)
        .where(StockLot.product_id == product_id, StockLot.location_id == location_id)
        .order_by(StockLot.received_at, StockLot.id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _terms(db: Database, clock: FixedClock, maker: int, commission_bp: int) -> int:
    terms = ConsignmentTerms(CommissionKind.FLAT, commission_bp, 60, EndAction.RETURN)
    with db.write() as conn:
        manager = _user(conn, f"terms{commission_bp}", Role.MANAGER)
        return add_version(conn, manager, clock.now(), entrepreneur_id=maker, terms=terms)


def _intake(db: Database, clock: FixedClock, shop: Shop, units: int, where: int | None = None):  # type: ignore[no-untyped-def]
    with db.write() as conn:
        return receive_intake(
            conn,
            Actor(None, "staff", Role.MANAGER),
            clock.now(),
            entrepreneur_id=shop.makers[0],
            location_id=where or shop.location,
            lines=[LineIn(units, shop.products[0])],
        )


def _two_intakes(
    db: Database, clock: FixedClock, shop: Shop, units: tuple[int, int], days_apart: int
) -> tuple[date, int, int]:
    """An intake under one version of the terms, then ``days_apart`` later another under a
    newer version: the first's day and both versions."""
    first_day = business_date(clock.now())
    old_terms = _terms(db, clock, shop.makers[0], 1000)
    _intake(db, clock, shop, units[0])
    clock.advance(days=days_apart)
    new_terms = _terms(db, clock, shop.makers[0], 3000)
    _intake(db, clock, shop, units[1])
    return first_day, old_terms, new_terms


def _to_the_fair(db: Database, clock: FixedClock, shop: Shop, fair: int, units: int) -> None:
    with db.write() as conn:
        transfer_stock(
            conn,
            Actor(None, "manager", Role.MANAGER),
            clock.now(),
            from_location_id=shop.location,
            to_location_id=fair,
            lines=[LineIn(units, shop.products[0])],
        )


def _no_violations(db: Database) -> None:
    with db.read() as conn:
        found = [v for v in find_violations(conn) if v.rule != "stock-not-negative"]
    assert found == []


def test_a_sale_after_two_intakes_takes_the_older_lot_first_under_its_terms(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock, stock=(0, 0, 0))
    first_day, old_terms, new_terms = _two_intakes(db, clock, shop, (2, 5), 3)
    product = shop.products[0]
    sale = _sell(db, clock, shop, _request(shop, [(product, 3)], total=3 * PRICE), "lots-sale-1")
    with db.read() as conn:
        lots = _lots(conn, product, shop.location)
        line_terms = conn.execute(
            select(SaleLine.terms_id).where(SaleLine.sale_id == sale.id)
        ).scalar_one()
    assert lots == [
        (first_day, old_terms, 2, 0),  # the older lot emptied first
        (first_day + timedelta(days=3), new_terms, 5, 4),
    ]
    # The line carries the terms of the oldest goods it sold, and their commission.
    assert line_terms == old_terms
    assert sale.lines[0].commission_bp == 1000
    _no_violations(db)


def test_a_refund_puts_goods_back_into_the_newest_lot_with_room(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock, stock=(0, 0, 0))
    _intake(db, clock, shop, 2)
    clock.advance(days=2)
    _intake(db, clock, shop, 5)
    product = shop.products[0]
    sale = _sell(db, clock, shop, _request(shop, [(product, 3)], total=3 * PRICE), "lots-sale-2")
    with db.write() as conn:
        manager = _user(conn, "refunder", Role.MANAGER)
    request = RefundRequest(sale.id, shop.till, ((1, 2),), True, "cash", "changed mind")
    with db.write() as conn:
        refund_sale(
            conn, manager, clock.now(), request, idempotency_key="lots-refund", approved_by_id=None
        )
    with db.read() as conn:
        remaining = [lot[3] for lot in _lots(conn, product, shop.location)]
        lines = load_sale(conn, sale.id).lines
    # The newest lot (5 in, 4 left) has room for one; the other goes into the older lot.
    assert remaining == [1, 5]
    assert lines[0].refunded_quantity == 2
    _no_violations(db)


def test_a_transfer_keeps_the_goods_date_and_terms(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock, stock=(0, 0, 0))
    with db.write() as conn:
        fair = f.location(conn, code="TPR", is_default=False)
    first_day, old_terms, new_terms = _two_intakes(db, clock, shop, (3, 4), 10)
    clock.advance(days=5)
    product = shop.products[0]
    _to_the_fair(db, clock, shop, fair, 5)
    with db.read() as conn:
        home = _lots(conn, product, shop.location)
        away = _lots(conn, product, fair)
    assert home == [(first_day, old_terms, 3, 0), (first_day + timedelta(days=10), new_terms, 4, 2)]
    # At the fair, the goods are as old as they were at home and under the terms they came in.
    assert away == [(first_day, old_terms, 3, 3), (first_day + timedelta(days=10), new_terms, 2, 2)]
    _no_violations(db)


def _forced_sale(db: Database, clock: FixedClock, shop: Shop, units: int) -> None:
    take = StockTake(shop.location, {shop.products[0]: units}, forced=True)
    with db.write() as conn:
        [short] = check_takes(conn, [take])
        assert short is not None  # the till sold what the books did not have
        record_takes(
            conn,
            [(take, shop.cashier, clock.now(), "OFFLINE-1")],
            kind=MovementKind.SALE,
            reason="sale",
        )


def test_an_intake_while_stock_is_below_zero_first_fills_the_hole(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock, stock=(0, 0, 0))
    _intake(db, clock, shop, 2)
    _forced_sale(db, clock, shop, 5)  # 2 on the books, 5 sold: 3 below zero
    product = shop.products[0]
    with db.read() as conn:
        assert [lot[3] for lot in _lots(conn, product, shop.location)] == [0]
    clock.advance(days=1)
    _intake(db, clock, shop, 2)  # fills 2 of the hole: no lot yet
    clock.advance(days=1)
    received = business_date(clock.now())
    _intake(db, clock, shop, 4)  # fills the last 1, the other 3 make a lot
    with db.read() as conn:
        lots = _lots(conn, product, shop.location)
    assert [lot[2:] for lot in lots] == [(2, 0), (3, 3)]
    assert lots[-1][0] == received
    _no_violations(db)


def test_goods_transferred_in_leave_before_goods_received_later_the_same_day(
    db: Database, clock: FixedClock
) -> None:
    """Oldest first is by the moment goods came in, not by when their lot row was written."""
    shop = _shop(db, clock, stock=(0, 0, 0))
    with db.write() as conn:
        fair = f.location(conn, code="TPR", is_default=False)
    # 03:00 UTC is 10:00 in Bangkok: all of this is one Bangkok day.
    early_terms = _terms(db, clock, shop.makers[0], 1100)
    _intake(db, clock, shop, 2)  # 10:00 at home
    clock.advance(hours=1)
    late_terms = _terms(db, clock, shop.makers[0], 2200)
    _intake(db, clock, shop, 2, where=fair)  # 11:00 at the fair
    clock.advance(hours=1)
    product = shop.products[0]
    _to_the_fair(db, clock, shop, fair, 2)  # 12:00: the 10:00 goods go to the fair
    take = StockTake(fair, {product: 1})
    with db.write() as conn:
        assert check_takes(conn, [take]) == [None]
        record_takes(
            conn, [(take, shop.cashier, clock.now(), "R-1")], kind=MovementKind.SALE, reason="sale"
        )
        left = {terms: remaining for _, terms, _, remaining in _lots(conn, product, fair)}
    assert left == {early_terms: 1, late_terms: 2}


def test_goods_received_without_an_intake_note_make_a_lot_of_their_own(
    db: Database, clock: FixedClock
) -> None:
    """An intake movement with no note behind it (the demo's restocks, the bench's deep stock)
    is still goods arriving now: they must not refill, and so look as old as, an older lot."""
    shop = _shop(db, clock, stock=(6, 0, 0))  # one lot received at f.NOW
    product = shop.products[0]
    take = StockTake(shop.location, {product: 4})
    with db.write() as conn:
        assert check_takes(conn, [take]) == [None]
        record_takes(
            conn, [(take, shop.cashier, clock.now(), "R-1")], kind=MovementKind.SALE, reason="sale"
        )
    clock.advance(days=5)
    with db.write() as conn:
        apply_movements(
            conn,
            shop.cashier,
            clock.now(),
            location_id=shop.location,
            deltas={product: 3},
            kind=MovementKind.INTAKE,
            reason="restock",
            document=None,
        )
    with db.read() as conn:
        lots = _lots(conn, product, shop.location)
    assert lots == [
        (business_date(f.NOW), None, 6, 2),
        (business_date(clock.now()), None, 3, 3),
    ]
    _no_violations(db)


def test_goods_sold_out_under_their_maker_s_terms_do_not_fail_the_check_after_an_owner_change(
    db: Database, clock: FixedClock
) -> None:
    """A product put under another entrepreneur (a data-entry correction) keeps the history of
    its sold-out lots: lot-terms is about goods still here."""
    shop = _shop(db, clock, stock=(0, 0, 0))
    _terms(db, clock, shop.makers[0], 1500)
    _intake(db, clock, shop, 3)
    product = shop.products[0]
    _sell(db, clock, shop, _request(shop, [(product, 2)], total=2 * PRICE), "lots-owner-1")

    def lot_terms() -> list[str]:
        with db.read() as conn:
            return [v.where for v in find_violations(conn) if v.rule == "lot-terms"]

    with db.write() as conn:
        manager = _user(conn, "owner-changer", Role.MANAGER)
        update_product(conn, manager, clock.now(), product, {"entrepreneur_id": shop.makers[1]}, 1)
    assert len(lot_terms()) == 1  # one of the first maker's goods is still here: the check says so
    _sell(db, clock, shop, _request(shop, [(product, 1)], total=PRICE), "lots-owner-2")
    assert lot_terms() == []


def test_sales_of_one_batch_each_carry_the_terms_of_the_goods_they_took(
    db: Database, clock: FixedClock
) -> None:
    """The till's batch (checkout_many) looks the terms up once: the second sale of a product
    must not be charged under the terms of goods the first one took."""
    shop = _shop(db, clock, stock=(0, 0, 0))
    _, old_terms, new_terms = _two_intakes(db, clock, shop, (1, 5), 2)
    product = shop.products[0]
    jobs = [
        CheckoutJob(
            shop.cashier,
            clock.now(),
            _request(shop, [(product, units)], total=units * PRICE),
            f"lots-batch-{n}",
            ACCOUNT,
            EXPIRY,
        )
        for n, units in enumerate((1, 2, 1))
    ]
    with db.write() as conn:
        answers = checkout_many(conn, jobs)
    sales = [answer[0] for answer in answers]  # type: ignore[index]
    with db.read() as conn:
        terms = [
            conn.execute(select(SaleLine.terms_id).where(SaleLine.sale_id == s.id)).scalar_one()
            for s in sales
        ]
    assert terms == [old_terms, new_terms, new_terms]
    assert [s.lines[0].commission_bp for s in sales] == [1000, 3000, 3000]
    _no_violations(db)
