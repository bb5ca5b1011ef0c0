"""Refunds, voids, the drawer and the Z report, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from inventory.stock.service import on_hand
from kernel.access import Actor, Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from kernel.errors import ConflictError, ForbiddenError, InvalidInputError
from payments.ledger.postings import balance, entrepreneur_balance, unbalanced_entries
from payments.ledger.rules import BANK, COMMISSION_INCOME
from payments.lifecycle import confirm_manually
from pos.checkout.queries import load_sale
from pos.checkout.requests import CheckoutRequest, LineRequest, PaymentRequest
from pos.checkout.service import checkout
from pos.checkout.voids import void_sale
from pos.models import Refund, Sale
from pos.refunds.service import RefundRequest, refund_sale
from pos.tills.service import current_shift
from pos.tills.shifts import close_shift, record_cash_movement, shift_report
from tests.db.test_sales import ACCOUNT, EXPIRY, Shop, _request, _sell, _shop, _user

PRICES = (45000, 12050, 9900)  # what _shop gives its three products


def _units(conn: Connection, product_id: int, location_id: int) -> int:
    return on_hand(conn, [product_id], location_id)[product_id]


def _manager(db: Database) -> Actor:
    with db.write() as conn:
        return _user(conn, "manager2", Role.MANAGER)


def _refund(
    db: Database,
    clock: FixedClock,
    shop: Shop,
    sale_id: int,
    lines: tuple[tuple[int, int], ...],
    key: str,
    *,
    actor: Actor,
    restock: bool = True,
    method: str = "cash",
    approved_by_id: int | None = None,
    method_approved: bool = False,
) -> tuple[object, bool]:
    request = RefundRequest(sale_id, shop.till, lines, restock, method, "customer changed mind")
    with db.write() as conn:
        return refund_sale(
            conn,
            actor,
            clock.now(),
            request,
            idempotency_key=key,
            approved_by_id=approved_by_id,
            method_approved=method_approved,
        )


def _cash_sale(db: Database, clock: FixedClock, shop: Shop, key: str = "sale-key-01"):  # type: ignore[no-untyped-def]
    a, b, _ = shop.products
    total = 2 * PRICES[0] + 3 * PRICES[1]
    return _sell(db, clock, shop, _request(shop, [(a, 2), (b, 3)], total=total), key)


def test_a_refund_in_parts_gives_back_exactly_the_sale_and_reverses_the_ledger(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    sale = _cash_sale(db, clock, shop)
    maker_a, maker_b = shop.makers
    before = {m: _owed(db, m) for m in shop.makers}
    first, replayed = _refund(db, clock, shop, sale.id, ((2, 1),), "refund-key-1", actor=manager)
    assert not replayed
    assert first.credit_note_number == "CN-SKP-01-000001"  # type: ignore[attr-defined]
    _refund(db, clock, shop, sale.id, ((2, 2), (1, 2)), "refund-key-2", actor=manager)
    with db.read() as conn:
        refunded = conn.execute(select(func.sum(Refund.total_satang))).scalar_one()
        assert refunded == sale.total_satang  # the whole sale, to the satang
        assert unbalanced_entries(conn) == []
        assert entrepreneur_balance(conn, maker_a) == 0 and entrepreneur_balance(conn, maker_b) == 0
        assert balance(conn, COMMISSION_INCOME) == 0
        assert balance(conn, "cash:SKP-01") == 0  # the cash came in and went out again
        assert _units(conn, shop.products[0], shop.location) == 10
        assert _units(conn, shop.products[1], shop.location) == 10
        lines = load_sale(conn, sale.id).lines
    assert [ln.refunded_quantity for ln in lines] == [2, 3]
    assert before[maker_a] > 0 and before[maker_b] > 0


def _owed(db: Database, entrepreneur_id: int) -> int:
    with db.read() as conn:
        return entrepreneur_balance(conn, entrepreneur_id)


def test_a_refund_never_exceeds_what_is_left_and_writes_nothing_when_refused(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    sale = _cash_sale(db, clock, shop)
    _refund(db, clock, shop, sale.id, ((1, 2),), "refund-key-1", actor=manager)
    with pytest.raises(InvalidInputError) as refused:
        _refund(db, clock, shop, sale.id, ((2, 1), (1, 1)), "refund-key-2", actor=manager)
    assert refused.value.field == "lines[1].quantity"
    assert "only 0 of 2" in refused.value.message
    with pytest.raises(InvalidInputError) as no_line:
        _refund(db, clock, shop, sale.id, ((9, 1),), "refund-key-3", actor=manager)
    assert no_line.value.field == "lines[0].line_no"
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(Refund)).scalar_one() == 1
        assert _units(conn, shop.products[1], shop.location) == 7  # the refused line: no restock


def test_a_refund_replays_by_key_and_refuses_the_key_with_another_body(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    sale = _cash_sale(db, clock, shop)
    first, _ = _refund(db, clock, shop, sale.id, ((1, 1),), "refund-key-1", actor=manager)
    again, replayed = _refund(db, clock, shop, sale.id, ((1, 1),), "refund-key-1", actor=manager)
    assert replayed and again == first
    with pytest.raises(ConflictError):
        _refund(db, clock, shop, sale.id, ((1, 2),), "refund-key-1", actor=manager)


def test_a_cashier_needs_approval_and_a_write_off_leaves_the_shelf_alone(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    sale = _cash_sale(db, clock, shop)
    with pytest.raises(ForbiddenError) as refused:
        _refund(db, clock, shop, sale.id, ((1, 1),), "refund-key-1", actor=shop.cashier)
    assert refused.value.field == "approval_token"
    refund, _ = _refund(
        db,
        clock,
        shop,
        sale.id,
        ((1, 1),),
        "refund-key-2",
        actor=shop.cashier,
        restock=False,
        method="transfer",
        approved_by_id=manager.user_id,
        method_approved=True,  # a cash sale paid back by transfer: the approval names it
    )
    assert refund.approved_by_id == manager.user_id  # type: ignore[attr-defined]
    with db.read() as conn:
        assert _units(conn, shop.products[0], shop.location) == 8  # written off: not back
        assert balance(conn, BANK) == -PRICES[0]  # a transfer leaves from the bank


def test_only_a_completed_sale_is_refunded(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    a = shop.products[0]
    pending = _sell(
        db,
        clock,
        shop,
        _request(shop, [(a, 1)], [PaymentRequest("promptpay", PRICES[0])]),
        "pp-key-01",
    )
    with pytest.raises(ConflictError) as refused:
        _refund(db, clock, shop, pending.id, ((1, 1),), "refund-key-1", actor=manager)
    assert refused.value.field == "sale_id"


def test_two_refunds_of_the_last_units_at_once_make_one(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    sale = _cash_sale(db, clock, shop)

    def attempt(key: str) -> str:
        try:
            _refund(db, clock, shop, sale.id, ((1, 2),), key, actor=manager)
            return "ok"
        except InvalidInputError:
            return "refused"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(attempt, ["race-key-01", "race-key-02"]))
    assert outcomes == ["ok", "refused"]


def test_voiding_a_pending_sale_cancels_its_qr_and_returns_the_stock(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    a = shop.products[0]
    sale = _sell(
        db,
        clock,
        shop,
        _request(shop, [(a, 3)], [PaymentRequest("promptpay", 3 * PRICES[0])]),
        "pp-key-01",
    )
    with db.write() as conn:
        assert _units(conn, a, shop.location) == 7
        voided = void_sale(conn, shop.cashier, clock.now(), sale.id)
        assert voided.status == "voided" and voided.payments[0].status == "cancelled"
        assert _units(conn, a, shop.location) == 10
        again = void_sale(conn, shop.cashier, clock.now(), sale.id)  # idempotent
        assert _units(conn, a, shop.location) == 10 and again.status == "voided"


def test_a_completed_or_paid_sale_cannot_be_voided(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    a, b, _ = shop.products
    done = _sell(db, clock, shop, _request(shop, [(a, 1)], total=PRICES[0]), "cash-key-01")
    paid = _sell(
        db,
        clock,
        shop,
        _request(shop, [(b, 1)], [PaymentRequest("promptpay", PRICES[1])]),
        "pp-key-001",
    )
    with db.write() as conn:
        with pytest.raises(ConflictError, match="refund it instead"):
            void_sale(conn, shop.cashier, clock.now(), done.id)
        confirm_manually(conn, shop.cashier, clock.now(), paid.payments[0].payment_id, None)
        with pytest.raises(ConflictError, match="paid in full"):
            void_sale(conn, shop.cashier, clock.now(), paid.id)


def test_the_drawer_counts_float_cash_change_pay_ins_outs_and_refunds(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)  # float 2,000.00 baht
    manager = _manager(db)
    a, b, _ = shop.products
    sale = _sell(
        db,
        clock,
        shop,
        _request(shop, [(a, 1)], [PaymentRequest("cash", PRICES[0], 50000)]),
        "cash-key-01",
    )
    _sell(
        db,
        clock,
        shop,
        _request(shop, [(b, 1)], [PaymentRequest("promptpay", PRICES[1])]),
        "pp-key-0001",
    )
    with db.write() as conn:
        shift_id = load_sale(conn, sale.id).shift_id
        record_cash_movement(
            conn,
            shop.cashier,
            clock.now(),
            shift_id,
            kind="pay_in",
            amount_satang=10000,
            reason="coins from the safe",
        )
        record_cash_movement(
            conn,
            shop.cashier,
            clock.now(),
            shift_id,
            kind="pay_out",
            amount_satang=5000,
            reason="ice for the stall",
        )
        with pytest.raises(ConflictError):
            record_cash_movement(
                conn,
                shop.cashier,
                clock.now(),
                shift_id,
                kind="pay_out",
                amount_satang=9_000_000,
                reason="more than is there",
            )
        with pytest.raises(InvalidInputError):
            record_cash_movement(
                conn,
                shop.cashier,
                clock.now(),
                shift_id,
                kind="pay_out",
                amount_satang=100,
                reason="  ",
            )
    _refund(db, clock, shop, sale.id, ((1, 1),), "refund-key-1", actor=manager)
    with db.read() as conn:
        x = shift_report(conn, shop.cashier, shift_id)
    assert x.z_number is None and x.pending_sales == 1 and x.sales_count == 1
    assert (x.cash_taken_satang, x.change_given_satang) == (50000, 50000 - PRICES[0])
    assert x.expected_cash_satang == 200000 + PRICES[0] + 10000 - 5000 - PRICES[0]
    assert x.refunds_satang == PRICES[0] and x.net_satang == 0


def test_a_shift_closes_only_without_pending_sales_and_its_z_report_is_frozen(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    a, b, _ = shop.products
    _sell(db, clock, shop, _request(shop, [(a, 1)], total=PRICES[0]), "cash-key-01")
    pending = _sell(
        db,
        clock,
        shop,
        _request(shop, [(b, 1)], [PaymentRequest("promptpay", PRICES[1])]),
        "pp-key-01",
    )
    shift_id = pending.shift_id
    with db.write() as conn, pytest.raises(ConflictError, match="wait for payment"):
        close_shift(conn, shop.cashier, clock.now(), shift_id, counted_satang=0)
    with db.write() as conn:
        void_sale(conn, shop.cashier, clock.now(), pending.id)
    with db.write() as conn, pytest.raises(InvalidInputError) as mismatch:
        close_shift(
            conn, shop.cashier, clock.now(), shift_id, counted_satang=1, denominations={"1000": 2}
        )
    assert mismatch.value.field == "counted_satang"
    with db.write() as conn, pytest.raises(InvalidInputError) as bad_note:
        close_shift(
            conn, shop.cashier, clock.now(), shift_id, counted_satang=None, denominations={"3": 1}
        )
    assert bad_note.value.field == "denominations.3"
    with db.write() as conn:
        z = close_shift(
            conn,
            shop.cashier,
            clock.now(),
            shift_id,
            counted_satang=None,
            denominations={"1000": 2, "100": 4, "50": 1},
        )
    assert z.z_number == "Z-SKP-01-000001"
    assert z.expected_cash_satang == 200000 + PRICES[0]
    assert z.counted_cash_satang == 245000 and z.difference_satang == 245000 - 245000
    assert z.voided_sales == 1
    # After the close, a later refund against the shift's sale goes on another shift, and the
    # stored report does not change.
    with db.write() as conn:
        with pytest.raises(ConflictError, match="already closed"):
            close_shift(conn, shop.cashier, clock.now(), shift_id, counted_satang=0)
        assert shift_report(conn, shop.cashier, shift_id) == z
        with pytest.raises(ConflictError):
            checkout(
                conn,
                shop.cashier,
                clock.now(),
                CheckoutRequest(
                    shop.till, (LineRequest(a, 1),), (PaymentRequest("cash", PRICES[0]),)
                ),
                idempotency_key="after-close",
                account=ACCOUNT,
                expiry=EXPIRY,
            )


def test_another_cashier_may_not_close_or_move_cash_on_a_shift(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    with db.write() as conn:
        other = _user(conn, "cashier9", Role.CASHIER)
    a = shop.products[0]
    sale = _sell(db, clock, shop, _request(shop, [(a, 1)], total=PRICES[0]), "cash-key-01")
    with db.write() as conn:
        with pytest.raises(ForbiddenError):
            close_shift(conn, other, clock.now(), sale.shift_id, counted_satang=0)
        with pytest.raises(ForbiddenError):
            record_cash_movement(
                conn,
                other,
                clock.now(),
                sale.shift_id,
                kind="pay_in",
                amount_satang=100,
                reason="x",
            )


def test_a_cashiers_big_discount_needs_approval(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    a = shop.products[0]

    def request(approved_by: int | None, discount: int) -> CheckoutRequest:
        return CheckoutRequest(
            shop.till,
            (LineRequest(a, 1, discount),),
            (PaymentRequest("cash", PRICES[0] - discount),),
            approved_by_id=approved_by,
        )

    small = _sell(db, clock, shop, request(None, PRICES[0] // 10), "discount-small")
    assert small.status == "completed"  # exactly 10%: no approval needed
    with pytest.raises(ForbiddenError) as refused:
        _sell(db, clock, shop, request(None, PRICES[0] // 10 + 1), "discount-big-1")
    assert refused.value.field == "approval_token"
    approved = _sell(db, clock, shop, request(manager.user_id, 20000), "discount-big-2")
    by_manager = _sell(db, clock, shop, request(None, 20000), "discount-big-3", actor=manager)
    with db.read() as conn:
        assert (
            conn.execute(select(Sale.approved_by_id).where(Sale.id == approved.id)).scalar_one()
            == manager.user_id
        )
    assert by_manager.status == "completed"


def test_a_close_racing_a_sale_waits_for_it_and_counts_it(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    a = shop.products[0]
    sold = threading.Event()
    closing = threading.Event()

    def sell() -> None:
        with db.write() as conn:
            checkout(
                conn,
                shop.cashier,
                clock.now(),
                _request(shop, [(a, 1)], total=PRICES[0]),
                idempotency_key="race-close-1",
                account=ACCOUNT,
                expiry=EXPIRY,
            )
            sold.set()
            closing.wait(5)  # the close has started and must wait for this commit

    with db.read() as conn:
        shift = current_shift(conn, shop.till)
    assert shift is not None
    shift_id = shift.id

    def close() -> int:
        sold.wait(5)
        closing.set()
        with db.write() as conn:
            report = close_shift(conn, shop.cashier, clock.now(), shift_id, counted_satang=0)
        return report.sales_count

    with ThreadPoolExecutor(2) as pool:
        seller = pool.submit(sell)
        closer = pool.submit(close)
        seller.result()
        assert closer.result() == 1
