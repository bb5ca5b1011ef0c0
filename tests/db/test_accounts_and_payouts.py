"""Entrepreneurs' balances, statements and payouts from the ledger, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from inventory.models import Entrepreneur
from kernel.access import Actor, Role
from kernel.clock import FixedClock, business_date
from kernel.db.engine import Database
from kernel.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from payments.ledger.postings import unbalanced_entries
from pos.checkout.requests import CheckoutRequest, LineRequest, PaymentRequest
from pos.consignment.access import entrepreneur_balance, entrepreneur_statement
from pos.consignment.payouts import cancel_payout, create_run, mark_paid, payout_candidates
from pos.refunds.service import RefundRequest, refund_sale
from tests.db.test_sales import Shop, _sell, _shop, _user
from web.accounts.users import User

WINDOW = timedelta(days=7)
PRICE = 45000  # the first product of _shop; its maker's commission is 20%


def _manager(db: Database) -> Actor:
    with db.write() as conn:
        return _user(conn, "manager3", Role.MANAGER)


def _sale(db: Database, clock: FixedClock, shop: Shop, key: str, discount: int = 0) -> int:
    a = shop.products[0]
    request = CheckoutRequest(
        shop.till, (LineRequest(a, 2, discount),), (PaymentRequest("cash", 2 * PRICE - discount),)
    )
    return _sell(db, clock, shop, request, key, actor=_manager_actor(db)).id


def _manager_actor(db: Database) -> Actor:
    # A manager rings the discounted sales (no approval needed).
    with db.read() as conn:
        found = conn.execute(select(User.id).where(User.username == "manager3")).scalar()
    assert found is not None
    return Actor(found, "manager3", Role.MANAGER)


def test_the_balance_is_the_sum_of_its_parts_and_recent_sales_are_held(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    maker = shop.makers[0]
    _sale(db, clock, shop, "acc-sale-0001", discount=1000)  # the entrepreneur bears it
    with db.read() as conn:
        now = entrepreneur_balance(conn, manager, maker, clock.now(), WINDOW)
        later = entrepreneur_balance(conn, manager, maker, clock.now() + timedelta(days=8), WINDOW)
    assert now.gross_sales_satang == 2 * PRICE
    assert now.discounts_satang == 1000
    assert now.commission_satang == (2 * PRICE - 1000) * 20 // 100
    net = 2 * PRICE - 1000 - now.commission_satang
    assert now.balance_satang == net
    assert (now.held_satang, now.available_satang) == (net, 0)  # inside the refund window
    assert (later.held_satang, later.available_satang) == (0, net)


def test_a_statement_runs_from_the_opening_balance_through_sales_refunds_and_payouts(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    maker = shop.makers[0]
    sale_id = _sale(db, clock, shop, "acc-sale-0001")
    net = 2 * PRICE * 80 // 100
    with db.write() as conn:
        refund_sale(
            conn,
            manager,
            clock.now(),
            RefundRequest(sale_id, shop.till, ((1, 1),), True, "cash", "faulty"),
            idempotency_key="acc-refund-01",
            approved_by_id=None,
        )
    later = clock.now() + timedelta(days=10)
    cutoff = business_date(later) - timedelta(days=1)
    with db.write() as conn:
        run = create_run(
            conn, manager, later, cutoff=cutoff, minimum_satang=100, refund_window=WINDOW
        )
        payout = next(p for p in run.payouts if p.entrepreneur_id == maker)
        assert payout.amount_satang == net // 2
        mark_paid(
            conn, manager, later, payout.id, bank_reference="KBANK-0001", refund_window=WINDOW
        )
    today = business_date(clock.now())
    with db.read() as conn:
        found = entrepreneur_statement(conn, manager, maker, today, business_date(later))
        balance = entrepreneur_balance(conn, manager, maker, later, WINDOW)
        assert unbalanced_entries(conn) == []
    assert [line.kind for line in found.lines] == ["sale", "refund", "payout"]
    assert [line.balance_satang for line in found.lines] == [net, net // 2, 0]
    assert found.opening_balance_satang == 0 and found.closing_balance_satang == 0
    assert balance.balance_satang == 0 and balance.refunds_satang == net // 2
    assert balance.payouts_satang == net // 2


def test_payouts_never_exceed_what_is_available_and_are_never_paid_twice(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    sale_id = _sale(db, clock, shop, "acc-sale-0001")
    with db.write() as conn:
        conn.execute(update(Entrepreneur).values(promptpay_id="0812345678"))
    later = clock.now() + timedelta(days=10)
    cutoff = business_date(later) - timedelta(days=1)
    with db.read() as conn:
        too_early = payout_candidates(
            conn,
            manager,
            clock.now(),
            cutoff=business_date(clock.now()),
            minimum_satang=100,
            refund_window=WINDOW,
        )
        assert too_early == []  # the sale is inside the refund window
        with pytest.raises(InvalidInputError):
            payout_candidates(
                conn,
                manager,
                clock.now(),
                cutoff=date(2099, 1, 1),
                minimum_satang=100,
                refund_window=WINDOW,
            )
    with db.write() as conn:
        run = create_run(
            conn, manager, later, cutoff=cutoff, minimum_satang=100, refund_window=WINDOW
        )
        [payout] = run.payouts
        assert payout.promptpay_id == "0812345678"
        with pytest.raises(ConflictError):  # one waiting payout per entrepreneur
            create_run(
                conn, manager, later, cutoff=cutoff, minimum_satang=100, refund_window=WINDOW
            )
    # A refund after the run lowers what may be paid: marking it paid is refused.
    with db.write() as conn:
        refund_sale(
            conn,
            manager,
            later,
            RefundRequest(sale_id, shop.till, ((1, 2),), True, "cash", "returned"),
            idempotency_key="acc-refund-01",
            approved_by_id=None,
        )
    with db.write() as conn, pytest.raises(ConflictError, match="available"):
        mark_paid(conn, manager, later, payout.id, bank_reference="REF-1", refund_window=WINDOW)
    with db.write() as conn:
        cancelled = cancel_payout(conn, manager, later, payout.id)
        assert cancelled.status == "cancelled"
        assert cancel_payout(conn, manager, later, payout.id).status == "cancelled"


def test_marking_paid_is_idempotent_and_a_bank_reference_is_used_once(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    _sale(db, clock, shop, "acc-sale-0001")
    later = clock.now() + timedelta(days=10)
    cutoff = business_date(later) - timedelta(days=1)
    with db.write() as conn:
        run = create_run(
            conn, manager, later, cutoff=cutoff, minimum_satang=100, refund_window=WINDOW
        )
        first = run.payouts[0]
        paid = mark_paid(
            conn, manager, later, first.id, bank_reference="SCB-9", refund_window=WINDOW
        )
        again = mark_paid(
            conn, manager, later, first.id, bank_reference="SCB-9", refund_window=WINDOW
        )
        assert paid == again and paid.status == "paid"
        with pytest.raises(ConflictError):
            mark_paid(conn, manager, later, first.id, bank_reference="SCB-10", refund_window=WINDOW)
        with pytest.raises(ConflictError):
            cancel_payout(conn, manager, later, first.id)
        balance = entrepreneur_balance(conn, manager, first.entrepreneur_id, later, WINDOW)
    assert balance.balance_satang == 0 and balance.payouts_satang == first.amount_satang


def test_who_sees_which_balance(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    mine, theirs = shop.makers
    owner = Actor(None, "ent", Role.ENTREPRENEUR, entrepreneur_id=mine)
    with db.read() as conn:
        assert entrepreneur_balance(conn, owner, mine, clock.now(), WINDOW).balance_satang == 0
        with pytest.raises(NotFoundError):
            entrepreneur_balance(conn, owner, theirs, clock.now(), WINDOW)
        with pytest.raises(NotFoundError):
            entrepreneur_balance(conn, _manager_actor_none(), 999_999, clock.now(), WINDOW)
        with pytest.raises(ForbiddenError):
            entrepreneur_balance(conn, shop.cashier, mine, clock.now(), WINDOW)
        with pytest.raises(ForbiddenError):
            payout_candidates(
                conn,
                owner,
                clock.now(),
                cutoff=business_date(clock.now()),
                minimum_satang=100,
                refund_window=WINDOW,
            )


def _manager_actor_none() -> Actor:
    return Actor(None, "m", Role.MANAGER)
