"""Checkout on SQLite and PostgreSQL: all or nothing, exactly once, gapless receipts, ledger."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from inventory.models import Category, StockMovement
from inventory.stock.rules import InsufficientStockError
from inventory.stock.service import on_hand
from kernel.access import Actor, Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from kernel.errors import ConflictError, InvalidInputError
from payments.ledger.models import JournalEntryRow, PostingRow
from payments.ledger.postings import balance, entrepreneur_balance, unbalanced_entries
from payments.lifecycle import check_account, confirm_manually
from payments.models import Payment
from pos.checkout.queries import SaleView, get_sale
from pos.checkout.requests import CheckoutRequest, LineRequest, PaymentRequest
from pos.checkout.service import checkout, checkout_or_replay
from pos.completion.by_payment import complete_if_paid
from pos.models import Sale, SaleLine, SalePayment
from pos.tills.service import create_till, open_shift
from tests import factories as f
from web.accounts.users import NewPassword, create_user

ACCOUNT = check_account("0812345678", None)
EXPIRY = timedelta(minutes=10)


@dataclass
class Shop:
    location: int
    till: int
    cashier: Actor
    products: list[int]
    makers: list[int]


def _user(conn: Connection, name: str, role: Role) -> Actor:
    user = create_user(
        conn,
        Actor(None, "system", Role.ADMIN),
        username=name,
        password=NewPassword.of("correct horse battery"),
        role=role,
        now=f.NOW,
    )
    return Actor(user.id, name, role)


def _shop(db: Database, clock: FixedClock, stock: tuple[int, ...] = (10, 10, 10)) -> Shop:
    with db.write() as conn:
        district = f.district(conn)
        location = f.location(conn)
        cat = f.category(conn)
        makers = [
            f.entrepreneur(conn, district, commission_bp=2000),
            f.entrepreneur(conn, district, commission_bp=1500),
        ]
        prices = (45000, 12050, 9900)
        products = []
        for i, units in enumerate(stock):
            pid = f.product(
                conn,
                makers[i % 2],
                cat,
                price_satang=prices[i % 3],
                name_th=f"สินค้า {i}",
                name_en=f"Item {i}",
            )
            if units:
                f.stock(conn, pid, location, units)
            products.append(pid)
        manager = _user(conn, "manager1", Role.MANAGER)
        cashier = _user(conn, "cashier1", Role.CASHIER)
        till = create_till(
            conn, manager, clock.now(), code="SKP-01", name="Till 1", location_id=location
        )
        open_shift(conn, cashier, clock.now(), till.id, 200000)
    return Shop(location, till.id, cashier, products, makers)


def _request(
    shop: Shop,
    lines: list[tuple[int, int]],
    payments: list[PaymentRequest] | None = None,
    total: int | None = None,
    till: int | None = None,
) -> CheckoutRequest:
    if payments is None:
        assert total is not None
        payments = [PaymentRequest("cash", total)]
    return CheckoutRequest(
        till_id=till or shop.till,
        lines=tuple(LineRequest(pid, qty) for pid, qty in lines),
        payments=tuple(payments),
    )


def _sell(
    db: Database,
    clock: FixedClock,
    shop: Shop,
    request: CheckoutRequest,
    key: str,
    actor: Actor | None = None,
) -> SaleView:
    with db.write() as conn:
        return checkout(
            conn,
            actor or shop.cashier,
            clock.now(),
            request,
            idempotency_key=key,
            account=ACCOUNT,
            expiry=EXPIRY,
        )


def _count(db: Database, model: type) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_a_cash_sale_completes_with_stock_lines_payment_receipt_and_a_balanced_entry(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    a, b, c = shop.products
    request = _request(shop, [(a, 2), (b, 1), (c, 3)], [PaymentRequest("cash", 131750, 150000)])
    sale = _sell(db, clock, shop, request, "key-first-sale")
    assert sale.status == "completed"
    assert sale.receipt_number == "SKP-01-000001"
    assert sale.total_satang == 2 * 45000 + 12050 + 3 * 9900 == 131750
    assert sale.change_satang == 150000 - 131750
    assert [
        (ln.product_id, ln.quantity, ln.name_th, ln.unit_price_satang) for ln in sale.lines
    ] == [(a, 2, "สินค้า 0", 45000), (b, 1, "สินค้า 1", 12050), (c, 3, "สินค้า 2", 9900)]
    assert sale.payments[0].status == "confirmed" and sale.payments[0].tendered_satang == 150000
    with db.read() as conn:
        assert on_hand(conn, [a, b, c], shop.location) == {a: 8, b: 9, c: 7}
        assert get_sale(conn, shop.cashier, sale.id) == sale
        assert unbalanced_entries(conn) == []
        assert balance(conn, "cash:SKP-01") == 131750
        commission = 18000 + 1808 + 5940  # 20% of 90000, 15% of 12050 (half up), 20% of 29700
        assert balance(conn, "commission_income") == -commission
        owed = entrepreneur_balance(conn, shop.makers[0]) + entrepreneur_balance(
            conn, shop.makers[1]
        )
        assert owed == 131750 - commission
        entry = conn.execute(select(JournalEntryRow)).mappings().one()
        assert (entry["kind"], entry["document"]) == ("sale", "SKP-01-000001")
        payment = conn.execute(select(Payment)).mappings().one()
        assert payment["sale_id"] == sale.id
    second = _sell(db, clock, shop, _request(shop, [(a, 1)], total=45000), "key-second-sale")
    assert second.receipt_number == "SKP-01-000002"


def test_the_category_rate_overrides_the_entrepreneurs(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    with db.write() as conn:
        conn.execute(update(Category).values(commission_bp=1000))
    sale = _sell(
        db, clock, shop, _request(shop, [(shop.products[0], 1)], total=45000), "key-cat-rate"
    )
    assert (sale.lines[0].commission_bp, sale.lines[0].commission_satang) == (1000, 4500)


def test_a_retry_with_the_same_key_returns_the_first_result_and_writes_nothing(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    request = _request(shop, [(shop.products[0], 1)], total=45000)
    first = _sell(db, clock, shop, request, "key-retried")
    counts = [_count(db, m) for m in (Sale, SaleLine, Payment, StockMovement, PostingRow)]
    clock.advance(seconds=30)
    with db.write() as conn:
        again, replayed = checkout_or_replay(
            conn,
            shop.cashier,
            clock.now(),
            request,
            idempotency_key="key-retried",
            account=ACCOUNT,
            expiry=EXPIRY,
        )
    assert replayed and again == first
    assert [_count(db, m) for m in (Sale, SaleLine, Payment, StockMovement, PostingRow)] == counts


def test_the_same_key_with_a_different_body_is_refused(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    _sell(db, clock, shop, _request(shop, [(shop.products[0], 1)], total=45000), "key-reused")
    other = _request(shop, [(shop.products[0], 2)], total=90000)
    with pytest.raises(ConflictError, match="Idempotency-Key reused with a different body"):
        _sell(db, clock, shop, other, "key-reused")
    assert _count(db, Sale) == 1


def test_short_stock_lists_every_short_line_writes_nothing_and_uses_no_number(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock, stock=(1, 0, 5))
    a, b, c = shop.products
    request = _request(shop, [(a, 2), (b, 1), (c, 1)], total=2 * 45000 + 12050 + 9900)
    with pytest.raises(InsufficientStockError) as caught:
        _sell(db, clock, shop, request, "key-short-stock")
    assert [s.product_id for s in caught.value.shortages] == [a, b]
    assert "สินค้า 0" in caught.value.message and "สินค้า 1" in caught.value.message
    for model in (Sale, SaleLine, Payment, PostingRow, SalePayment):
        assert _count(db, model) == 0
    sale = _sell(db, clock, shop, _request(shop, [(c, 1)], total=9900), "key-short-stock")
    assert sale.receipt_number == "SKP-01-000001"


def test_bad_input_names_the_field_and_writes_nothing(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    a = shop.products[0]
    cases = [
        (_request(shop, [(a, 0)], total=1), "lines[0].quantity"),
        (_request(shop, [(999999, 1)], total=1), "lines[0].product_id"),
        (_request(shop, [(a, 1)], total=40000), "payments"),
        (
            _request(shop, [(a, 1)], [PaymentRequest("cash", 45000, 100)]),
            "payments[0].tendered_satang",
        ),
        (_request(shop, [(a, 1)], [PaymentRequest("cheque", 45000)]), "payments[0].method"),
        (_request(shop, [(a, 1)], total=45000, till=424242), "till_id"),
    ]
    for i, (request, field) in enumerate(cases):
        with pytest.raises(InvalidInputError) as caught:
            _sell(db, clock, shop, request, f"key-bad-input-{i}")
        assert caught.value.field == field
    with pytest.raises(InvalidInputError) as caught:
        _sell(db, clock, shop, _request(shop, [(a, 1)], total=45000), "short")
    assert caught.value.field == "Idempotency-Key"
    assert _count(db, Sale) == 0 and _count(db, StockMovement) == 3


def test_duplicate_products_merge_into_one_line(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    a = shop.products[0]
    sale = _sell(db, clock, shop, _request(shop, [(a, 1), (a, 2)], total=135000), "key-merge-lines")
    assert [(ln.product_id, ln.quantity) for ln in sale.lines] == [(a, 3)]


def test_a_cashier_without_an_open_shift_is_refused(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    with db.write() as conn:
        other = _user(conn, "cashier2", Role.CASHIER)
    with pytest.raises(ConflictError, match="open a shift first"):
        _sell(
            db,
            clock,
            shop,
            _request(shop, [(shop.products[0], 1)], total=45000),
            "key-no-shift",
            actor=other,
        )


def test_a_promptpay_sale_waits_then_completes_once_paid(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    a, b, _ = shop.products
    request = _request(
        shop, [(a, 1), (b, 1)], [PaymentRequest("cash", 20000), PaymentRequest("promptpay", 37050)]
    )
    sale = _sell(db, clock, shop, request, "key-split-tender")
    assert sale.status == "pending_payment" and sale.receipt_number is None
    qr = sale.payments[1]
    assert qr.status == "pending" and qr.qr_payload and qr.qr_url
    with db.read() as conn:
        assert on_hand(conn, [a], shop.location) == {a: 9}  # stock already taken
        assert _count(db, JournalEntryRow) == 0
    with db.write() as conn:
        assert complete_if_paid(conn, clock.now(), sale.id).status == "pending_payment"
        confirm_manually(conn, shop.cashier, clock.now(), qr.payment_id, None)
        done = complete_if_paid(conn, clock.now(), sale.id)
        again = complete_if_paid(conn, clock.now(), sale.id)
    assert done.status == "completed" and done.receipt_number == "SKP-01-000001"
    assert again == done
    with db.read() as conn:
        assert balance(conn, "promptpay_clearing") == 37050
        assert balance(conn, "cash:SKP-01") == 20000
        assert unbalanced_entries(conn) == []


def test_two_tills_selling_the_last_unit_at_once_make_one_sale(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock, stock=(1, 5, 5))
    with db.write() as conn:
        manager = _user(conn, "manager2", Role.MANAGER)
        second = _user(conn, "cashier2", Role.CASHIER)
        till2 = create_till(
            conn, manager, clock.now(), code="SKP-02", name="Till 2", location_id=shop.location
        )
        open_shift(conn, second, clock.now(), till2.id, 0)
    barrier = threading.Barrier(2)
    sellers = [(shop.cashier, shop.till), (second, till2.id)]

    def sell(index: int) -> object:
        actor, till = sellers[index]
        barrier.wait()
        try:
            return _sell(
                db,
                clock,
                shop,
                _request(shop, [(shop.products[0], 1)], total=45000, till=till),
                f"key-last-unit-{index}",
                actor=actor,
            )
        except Exception as error:
            return error

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(sell, range(2)))
    kinds = sorted(type(o).__name__ for o in outcomes)
    assert kinds == ["InsufficientStockError", "SaleView"]
    assert _count(db, Sale) == 1


def test_receipt_numbers_are_gapless_under_concurrency(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock, stock=(1000, 1000, 1000))
    a, b, _ = shop.products

    def sell(i: int) -> SaleView:
        lines = [(a, 1)] if i % 3 else [(a, 1), (b, 2)]
        total = 45000 if i % 3 else 45000 + 24100
        request = _request(shop, lines, total=total)
        if i % 10 == 7:  # some fail (short of a product nobody has) and must leave no hole
            request = _request(shop, [(a, 5000)], total=5000 * 45000)

        def work(conn: Connection) -> SaleView:
            return checkout(
                conn,
                shop.cashier,
                clock.now(),
                request,
                idempotency_key=f"key-concurrent-{i:03d}",
                account=ACCOUNT,
                expiry=EXPIRY,
            )

        with db.write() as conn:  # the writer's door for threads
            return work(conn)

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(sell, i) for i in range(55)]
    sold = [fut.result() for fut in futures if fut.exception() is None]
    assert len(sold) == 50
    assert sorted(s.receipt_number or "" for s in sold) == [f"SKP-01-{n:06d}" for n in range(1, 51)]
    with db.read() as conn:
        seqs = conn.execute(select(Sale.receipt_seq).order_by(Sale.receipt_seq)).scalars().all()
        assert seqs == list(range(1, 51))
        assert unbalanced_entries(conn) == []


def test_a_racing_duplicate_returns_the_winners_sale(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    request = _request(shop, [(shop.products[0], 1)], total=45000)
    barrier = threading.Barrier(4)

    def sell(_: int) -> int:
        barrier.wait()
        return _sell(db, clock, shop, request, "key-racing-twins").id

    with ThreadPoolExecutor(4) as pool:
        ids = set(pool.map(sell, range(4)))
    assert len(ids) == 1 and _count(db, Sale) == 1


def test_an_insert_racing_past_the_lookup_hits_the_constraint_and_replays(
    db: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = _shop(db, clock)
    request = _request(shop, [(shop.products[0], 1)], total=45000)
    first = _sell(db, clock, shop, request, "key-constraint")
    import pos.checkout.service as sales

    real = sales._replay
    calls = iter([None])
    monkeypatch.setattr(sales, "_replay", lambda *a: next(calls, None) or real(*a))
    again = _sell(db, clock, shop, request, "key-constraint")
    assert again == first and _count(db, Sale) == 1
    with db.read() as conn:
        assert conn.execute(select(func.max(Sale.receipt_seq))).scalar() == 1


def test_ledger_refuses_nothing_unbalanced_in_storage(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    _sell(db, clock, shop, _request(shop, [(shop.products[1], 3)], total=36150), "key-ledger-ok")
    with db.write() as conn:
        entry_id = conn.execute(select(JournalEntryRow.id)).scalar_one()
        account = conn.execute(select(PostingRow.account_id)).first()
        assert account is not None
        conn.execute(
            insert(PostingRow).values(
                entry_id=entry_id, account_id=account[0], amount_satang=1, entrepreneur_id=None
            )
        )
        assert unbalanced_entries(conn) == [entry_id]
