"""A sale is completed in one place and never stranded (issue 15), on SQLite and PostgreSQL.

A confirmation completes its sale in the same transaction, whatever confirmed it; a sale
partly paid can take the rest another way or be voided with the paid part owed back; a late
callback is judged by the bank's paid_at; money for a voided sale is an exception a manager
resolves by completing the sale or returning the money.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from integrity.check import find_violations
from inventory.stock.rules import InsufficientStockError
from inventory.stock.service import on_hand
from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from kernel.errors import ConflictError
from payments import promptpay
from payments.exception_queue import list_exceptions, resolve_exception
from payments.lifecycle import OutcomeKind, WebhookEvent, cancel_payment, expire_due
from payments.models import PaymentException
from pos.checkout.queries import SaleView, load_sale
from pos.checkout.requests import PaymentRequest
from pos.checkout.voids import void_sale
from pos.completion.by_payment import confirm_by_cashier, confirm_webhook
from pos.completion.rest import take_rest
from pos.completion.voided_money import complete_voided_sale
from pos.tills.shifts import close_shift
from tests.db.test_sales import ACCOUNT, EXPIRY, Shop, _request, _sell, _shop, _user

PRICE = 45000  # the first product's price


def _two_qrs(
    db: Database, clock: FixedClock, shop: Shop, key: str = "pending-two-qr-1"
) -> SaleView:
    """A sale of one 450-baht item paid by two PromptPay QRs of 200 and 250 baht."""
    split = [PaymentRequest("promptpay", 20000), PaymentRequest("promptpay", 25000)]
    return _sell(db, clock, shop, _request(shop, [(shop.products[0], 1)], split), key)


def _one_qr(db: Database, clock: FixedClock, shop: Shop, key: str) -> SaleView:
    """A sale of one 450-baht item paid by one PromptPay QR."""
    one = [PaymentRequest("promptpay", PRICE)]
    return _sell(db, clock, shop, _request(shop, [(shop.products[0], 1)], one), key)


def _paid(sale: SaleView, index: int, tx: str, at: datetime) -> WebhookEvent:
    payment = sale.payments[index]
    return WebhookEvent(payment.reference, payment.amount_satang, tx, at)


def _hook(db: Database, clock: FixedClock, event: WebhookEvent) -> OutcomeKind:
    with db.write() as conn:
        return confirm_webhook(conn, clock.now(), event).kind


def _sale(db: Database, sale_id: int) -> SaleView:
    with db.read() as conn:
        return load_sale(conn, sale_id)


def _stock(db: Database, shop: Shop) -> int:
    with db.read() as conn:
        return on_hand(conn, [shop.products[0]], shop.location)[shop.products[0]]


def _check(db: Database) -> None:
    with db.read() as conn:
        assert find_violations(conn) == []


def _first_paid_second_lapsed(db: Database, clock: FixedClock, shop: Shop, how: str) -> SaleView:
    """The reproduced bug: the first QR confirmed, the second expired or withdrawn."""
    sale = _two_qrs(db, clock, shop)
    assert _hook(db, clock, _paid(sale, 0, "TX-A", clock.now())) == OutcomeKind.CONFIRMED
    if how == "expired":
        clock.advance(minutes=11)
        with db.write() as conn:
            expire_due(conn, clock.now())
    else:
        with db.write() as conn:
            cancel_payment(conn, shop.cashier, clock.now(), sale.payments[1].payment_id)
    stuck = _sale(db, sale.id)
    assert stuck.status == "pending_payment"
    assert [p.status for p in stuck.payments] == ["confirmed", how]
    return stuck


def test_a_webhook_confirmation_completes_the_sale_in_the_same_transaction(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    sale = _one_qr(db, clock, shop, "pending-hook-1")
    assert _hook(db, clock, _paid(sale, 0, "TX-1", clock.now())) == OutcomeKind.CONFIRMED
    done = _sale(db, sale.id)  # nobody called complete
    assert done.status == "completed" and done.receipt_number == "SKP-01-000001"
    assert _hook(db, clock, _paid(sale, 0, "TX-1", clock.now())) == OutcomeKind.DUPLICATE
    assert _sale(db, sale.id) == done
    _check(db)


@pytest.mark.parametrize("slip", [None, promptpay.slip_verify("014", "2026112100000PND")])
def test_a_cashier_or_slip_confirmation_completes_the_sale(
    db: Database, clock: FixedClock, slip: str | None
) -> None:
    shop = _shop(db, clock)
    sale = _one_qr(db, clock, shop, "pending-cashier-1")
    with db.write() as conn:
        paid = confirm_by_cashier(
            conn, shop.cashier, clock.now(), sale.payments[0].payment_id, slip
        )
    assert paid.status == "confirmed" and paid.confirmation == ("slip" if slip else "manual")
    assert _sale(db, sale.id).status == "completed"
    _check(db)


@pytest.mark.parametrize("how", ["expired", "cancelled"])
def test_a_partly_paid_sale_takes_the_rest_in_cash_and_completes(
    db: Database, clock: FixedClock, how: str
) -> None:
    shop = _shop(db, clock)
    stuck = _first_paid_second_lapsed(db, clock, shop, how)
    with db.write() as conn:
        done = take_rest(
            conn,
            shop.cashier,
            clock.now(),
            stuck.id,
            method="cash",
            tendered_satang=30000,
            account=ACCOUNT,
            expiry=EXPIRY,
        )
    assert done.status == "completed" and done.receipt_number == "SKP-01-000001"
    assert [(p.method, p.status, p.amount_satang) for p in done.payments] == [
        ("promptpay", "confirmed", 20000),
        ("promptpay", how, 25000),
        ("cash", "confirmed", 25000),
    ]
    assert done.change_satang == 5000
    assert _stock(db, shop) == 9
    _check(db)
    with db.write() as conn:  # the shift closes: 250 baht cash in the drawer, no pending sale
        report = close_shift(
            conn, shop.cashier, clock.now(), done.shift_id, counted_satang=200000 + 25000
        )
    assert (report.cash_satang, report.promptpay_satang) == (25000, 20000)
    assert report.difference_satang == 0


def test_a_partly_paid_sale_takes_the_rest_by_a_new_qr(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    stuck = _first_paid_second_lapsed(db, clock, shop, "expired")
    with db.write() as conn:
        again = take_rest(
            conn,
            shop.cashier,
            clock.now(),
            stuck.id,
            method="promptpay",
            account=ACCOUNT,
            expiry=EXPIRY,
        )
    assert again.status == "pending_payment"
    rest = again.payments[2]
    assert (rest.method, rest.status, rest.amount_satang) == ("promptpay", "pending", 25000)
    assert _hook(db, clock, _paid(again, 2, "TX-REST", clock.now())) == OutcomeKind.CONFIRMED
    assert _sale(db, stuck.id).status == "completed"
    _check(db)


@pytest.mark.parametrize("how", ["expired", "cancelled"])
def test_a_partly_paid_sale_voids_with_its_paid_part_owed_back(
    db: Database, clock: FixedClock, how: str
) -> None:
    shop = _shop(db, clock)
    stuck = _first_paid_second_lapsed(db, clock, shop, how)
    with db.write() as conn:
        voided = void_sale(conn, shop.cashier, clock.now(), stuck.id)
        manager = _user(conn, "manager2", Role.MANAGER)
        owed = list_exceptions(conn, manager)
    assert voided.status == "voided" and voided.receipt_number is None
    assert _stock(db, shop) == 10  # the goods came back
    assert [(e.kind, e.amount_satang, e.payment_id) for e in owed] == [
        ("refund_owed", 20000, stuck.payments[0].payment_id)
    ]
    _check(db)


def test_a_late_callback_paid_within_the_validity_completes_the_sale(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    sale = _one_qr(db, clock, shop, "pending-late-1")
    expires_at = sale.payments[0].expires_at
    assert expires_at is not None
    clock.advance(minutes=12)
    with db.write() as conn:
        expire_due(conn, clock.now())
    assert _hook(db, clock, _paid(sale, 0, "TX-L", expires_at)) == OutcomeKind.CONFIRMED
    assert _sale(db, sale.id).status == "completed"
    _check(db)


def test_a_callback_paid_after_the_validity_is_an_exception(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    sale = _one_qr(db, clock, shop, "pending-late-2")
    clock.advance(minutes=12)
    paid_at = clock.now() - timedelta(minutes=1)
    assert _hook(db, clock, _paid(sale, 0, "TX-L2", paid_at)) == OutcomeKind.NOT_PENDING
    assert _sale(db, sale.id).status == "pending_payment"


def test_money_for_a_voided_sale_is_an_exception(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    sale = _one_qr(db, clock, shop, "pending-gone-1")
    with db.write() as conn:
        void_sale(conn, shop.cashier, clock.now(), sale.id)
    assert _hook(db, clock, _paid(sale, 0, "TX-V", clock.now())) == OutcomeKind.SALE_VOIDED
    with db.read() as conn:
        kinds = conn.execute(
            select(PaymentException.kind, func.count()).group_by(PaymentException.kind)
        ).all()
    assert kinds == [("paid_sale_voided", 1)]
    assert _sale(db, sale.id).status == "voided"


def test_a_fully_paid_sale_cannot_take_more_or_be_voided(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    sale = _two_qrs(db, clock, shop)
    _hook(db, clock, _paid(sale, 0, "TX-F1", clock.now()))
    _hook(db, clock, _paid(sale, 1, "TX-F2", clock.now()))
    assert _sale(db, sale.id).status == "completed"
    with pytest.raises(ConflictError, match="not waiting for payment"), db.write() as conn:
        take_rest(
            conn, shop.cashier, clock.now(), sale.id, method="cash", account=ACCOUNT, expiry=EXPIRY
        )
    with pytest.raises(ConflictError, match="refund it instead"), db.write() as conn:
        void_sale(conn, shop.cashier, clock.now(), sale.id)


def _paid_after_void(db: Database, clock: FixedClock, shop: Shop) -> tuple[SaleView, int]:
    sale = _one_qr(db, clock, shop, "pending-gone-2")
    with db.write() as conn:
        void_sale(conn, shop.cashier, clock.now(), sale.id)
    assert _hook(db, clock, _paid(sale, 0, "TX-V2", clock.now())) == OutcomeKind.SALE_VOIDED
    with db.read() as conn:
        exception_id = conn.execute(select(PaymentException.id)).scalar_one()
    return sale, exception_id


def test_the_manager_completes_a_voided_sale_that_was_paid(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    sale, exception_id = _paid_after_void(db, clock, shop)
    assert _stock(db, shop) == 10
    with db.write() as conn:
        manager = _user(conn, "manager3", Role.MANAGER)
        resolved = complete_voided_sale(conn, manager, clock.now(), exception_id, "sold after all")
    assert resolved.resolved_at is not None
    done = _sale(db, sale.id)
    assert done.status == "completed" and done.receipt_number == "SKP-01-000001"
    assert done.payments[0].status == "confirmed"
    assert _stock(db, shop) == 9  # the goods left again
    _check(db)


def test_the_manager_returns_the_money_of_a_voided_sale(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    sale, exception_id = _paid_after_void(db, clock, shop)
    with db.write() as conn:
        manager = _user(conn, "manager4", Role.MANAGER)
        resolve_exception(conn, manager, clock.now(), exception_id, "returned: SCB ref 123")
        assert list_exceptions(conn, manager) == []
    assert _sale(db, sale.id).status == "voided" and _stock(db, shop) == 10
    _check(db)


def test_a_voided_sale_whose_goods_are_gone_cannot_be_completed(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock, stock=(1, 10, 10))
    sale, exception_id = _paid_after_void(db, clock, shop)
    _sell(db, clock, shop, _request(shop, [(shop.products[0], 1)], total=PRICE), "pending-last")
    with pytest.raises(InsufficientStockError), db.write() as conn:
        manager = _user(conn, "manager5", Role.MANAGER)
        complete_voided_sale(conn, manager, clock.now(), exception_id, "sold after all")
    assert _sale(db, sale.id).status == "voided"


def test_a_shift_closes_once_its_unpaid_sale_is_swept(db: Database, clock: FixedClock) -> None:
    """Every QR of the sale lapsed with nothing paid: the sale is voided, not left pending."""
    shop = _shop(db, clock)
    sale = _one_qr(db, clock, shop, "pending-swept")
    clock.advance(minutes=10)
    with db.read() as conn:
        assert [v.rule for v in find_violations(conn, clock.now())] == []
    clock.advance(minutes=16)
    with db.read() as conn:
        assert [v.rule for v in find_violations(conn, clock.now())] == ["sale-not-stranded"]
    with db.write() as conn:
        close_shift(conn, shop.cashier, clock.now(), sale.shift_id, counted_satang=200000)
    assert _sale(db, sale.id).status == "voided" and _stock(db, shop) == 10
    with db.read() as conn:
        assert find_violations(conn, clock.now()) == []
