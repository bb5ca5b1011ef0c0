"""Sales rung at the till (from its queue, maybe offline) on SQLite and PostgreSQL: recorded as
facts with the till's number, time, prices and shift; what differs from the books becomes a
sale exception, never a refusal; exactly once; receipt numbers still gapless per till."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from integrity.check import find_violations, find_warnings
from inventory.models import Product
from inventory.stock.service import on_hand
from kernel.clock import FixedClock
from kernel.db.engine import Database
from kernel.errors import ConflictError, InvalidInputError
from payments import promptpay
from payments.confirmations import OutcomeKind, confirm_by_webhook
from payments.ledger.postings import entrepreneur_balance
from payments.models import Payment, PaymentException
from payments.promptpay import fields as pf
from payments.promptpay.emv import tlv, with_crc
from payments.references import new_reference
from payments.webhook import WebhookEvent
from pos.checkout.queries import SaleView
from pos.checkout.requests import CheckoutRequest, LineRequest, PaymentRequest, Rung
from pos.checkout.sale_exceptions import list_sale_exceptions, resolve_sale_exception
from pos.checkout.service import checkout_or_replay
from pos.completion.by_payment import confirm_webhook
from pos.models import SaleExceptionKind
from pos.tills.leases import lease_block, open_leases
from pos.tills.service import current_shift
from pos.tills.shifts import close_shift
from tests.db.test_sales import ACCOUNT, EXPIRY, Shop, _request, _sell, _shop, _user

DEVICE = "device-0001"


def _lease(db: Database, clock: FixedClock, shop: Shop, size: int = 10) -> int:
    with db.write() as conn:
        return lease_block(conn, shop.cashier, clock.now(), shop.till, DEVICE, size).first_seq


def _shift(db: Database, shop: Shop) -> int:
    with db.read() as conn:
        shift = current_shift(conn, shop.till)
    assert shift is not None
    return shift.id


def _rung(
    db: Database,
    clock: FixedClock,
    shop: Shop,
    seq: int,
    lines: list[tuple[int, int, int]],  # product, quantity, charged unit price
    *,
    key: str | None = None,
    shift_id: int | None = None,
    payments: list[PaymentRequest] | None = None,
    minutes_ago: int = 5,
) -> tuple[SaleView, bool]:
    total = sum(q * price for _, q, price in lines)
    request = CheckoutRequest(
        till_id=shop.till,
        lines=tuple(LineRequest(pid, q, 0, price) for pid, q, price in lines),
        payments=tuple(payments or [PaymentRequest("cash", total, total + 1000)]),
        rung=Rung(
            receipt_seq=seq,
            device_id=DEVICE,
            rung_at=clock.now() - timedelta(minutes=minutes_ago, seconds=2),
            clock_skew_ms=2000,
            shift_id=shift_id or _shift(db, shop),
        ),
    )
    with db.write() as conn:
        return checkout_or_replay(
            conn,
            shop.cashier,
            clock.now(),
            request,
            idempotency_key=key or f"rung-{seq:08d}",
            account=ACCOUNT,
            expiry=EXPIRY,
        )


def _kinds(db: Database, shop: Shop) -> list[str]:
    with db.read() as conn:
        return sorted(e.kind for e in list_sale_exceptions(conn, shop.cashier))


def _clean(db: Database, clock: FixedClock) -> None:
    with db.read() as conn:
        assert find_violations(conn, clock.now()) == []


def test_a_rung_sale_is_recorded_with_the_tills_number_time_and_prices(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    first = _lease(db, clock, shop)
    product = shop.products[0]
    sale, replayed = _rung(db, clock, shop, first, [(product, 2, 45000)])
    assert not replayed
    assert sale.status == "completed"
    assert sale.receipt_number == "SKP-01-000001"
    assert sale.total_satang == 90000
    # When it happened by the server's clock: the till's time plus its known offset.
    assert sale.created_at == clock.now() - timedelta(minutes=5)
    with db.read() as conn:
        assert on_hand(conn, [product], shop.location)[product] == 8
    assert _kinds(db, shop) == []
    _clean(db, clock)


def test_the_same_rung_sale_sent_twice_is_one_sale(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    first = _lease(db, clock, shop)
    line = [(shop.products[1], 1, 12050)]
    sale, _ = _rung(db, clock, shop, first, line, key="same-key-1")
    again, replayed = _rung(db, clock, shop, first, line, key="same-key-1")
    assert replayed and again.id == sale.id
    with pytest.raises(ConflictError) as caught:
        _rung(db, clock, shop, first, [(shop.products[1], 2, 12050)], key="same-key-1")
    assert caught.value.code == "idempotency.key_reused"
    with db.read() as conn:
        assert on_hand(conn, [shop.products[1]], shop.location)[shop.products[1]] == 9
    _clean(db, clock)


def test_a_price_changed_since_is_charged_as_rung_and_flagged(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    first = _lease(db, clock, shop)
    product = shop.products[0]
    with db.write() as conn:
        conn.execute(update(Product).where(Product.id == product).values(price_satang=50000))
        maker = conn.execute(
            select(Product.entrepreneur_id).where(Product.id == product)
        ).scalar_one()
        before = entrepreneur_balance(conn, maker)
    sale, _ = _rung(db, clock, shop, first, [(product, 1, 45000)])
    assert sale.total_satang == 45000 and sale.lines[0].unit_price_satang == 45000
    assert _kinds(db, shop) == [SaleExceptionKind.PRICE_DIFFERS]
    with db.read() as conn:
        # The maker is owed on what the customer paid (45000 less 20 % commission).
        assert entrepreneur_balance(conn, maker) - before == 36000
    _clean(db, clock)


def test_stock_the_books_did_not_have_goes_below_zero_and_asks_for_a_count(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock, stock=(1, 0, 10))
    first = _lease(db, clock, shop)
    a, b = shop.products[0], shop.products[1]
    sale, _ = _rung(db, clock, shop, first, [(a, 3, 45000), (b, 1, 12050)])
    assert sale.status == "completed"
    with db.read() as conn:
        levels = on_hand(conn, [a, b], shop.location)
        assert levels == {a: -2, b: -1}
        warnings = find_warnings(conn)
    assert _kinds(db, shop) == [SaleExceptionKind.STOCK_BELOW_ZERO] * 2
    assert {w.rule for w in warnings} == {"stock-to-count", "sale-exceptions-open"}
    _clean(db, clock)  # below zero with its exception is a warning, not a violation


def test_a_sale_rung_before_its_shift_closed_arrives_after_and_is_kept(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    first = _lease(db, clock, shop)
    shift_id = _shift(db, shop)
    with db.write() as conn:
        report = close_shift(
            conn,
            shop.cashier,
            clock.now(),
            shift_id,
            counted_satang=200000,
            device_id=DEVICE,
            last_receipt_seq=first,  # the till issued one number; its sale is on its way
        )
    assert report.outstanding_numbers == ["SKP-01-000001"]
    assert report.void_numbers == ["SKP-01-000002 – SKP-01-000010"]
    with db.read() as conn:
        [waiting] = [w for w in find_warnings(conn) if w.rule == "receipt-numbers-outstanding"]
    assert "SKP-01-000001" in waiting.detail
    _clean(db, clock)  # on its way: a warning, not a violation
    clock.advance(minutes=1)
    sale, _ = _rung(db, clock, shop, first, [(shop.products[2], 1, 9900)], shift_id=shift_id)
    assert sale.receipt_number == "SKP-01-000001"
    assert _kinds(db, shop) == [SaleExceptionKind.SHIFT_CLOSED]
    with pytest.raises(ConflictError) as caught:
        _rung(db, clock, shop, first + 1, [(shop.products[2], 1, 9900)], shift_id=shift_id)
    assert caught.value.code == "sale.receipt_void"
    with db.read() as conn:
        assert not [w for w in find_warnings(conn) if w.rule == "receipt-numbers-outstanding"]
    _clean(db, clock)


def test_a_number_no_block_holds_is_refused(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    with pytest.raises(ConflictError) as caught:
        _rung(db, clock, shop, 1, [(shop.products[2], 1, 9900)])
    assert caught.value.code == "sale.receipt_not_leased"
    first = _lease(db, clock, shop)
    with pytest.raises(InvalidInputError) as missing_price, db.write() as conn:
        checkout_or_replay(
            conn,
            shop.cashier,
            clock.now(),
            CheckoutRequest(
                shop.till,
                (LineRequest(shop.products[2], 1),),
                (PaymentRequest("cash", 9900),),
                rung=Rung(first, DEVICE, clock.now(), 0, _shift(db, shop)),
            ),
            idempotency_key="no-price-1",
            account=ACCOUNT,
            expiry=EXPIRY,
        )
    assert missing_price.value.code == "sale.rung_price_missing"


def test_numbers_stay_gapless_with_blocks_and_server_numbers_between(
    db: Database, clock: FixedClock
) -> None:
    """A block of 5 leased, then a sale the server numbers takes 6; the block's numbers
    come in out of order (one still missing is explained by its block)."""
    shop = _shop(db, clock)
    first = _lease(db, clock, shop, size=5)
    online = _sell(db, clock, shop, _request(shop, [(shop.products[2], 1)], total=9900), "srv-0001")
    assert online.receipt_number == "SKP-01-000006"
    _rung(db, clock, shop, first + 2, [(shop.products[2], 1, 9900)])
    _rung(db, clock, shop, first, [(shop.products[2], 1, 9900)])
    _clean(db, clock)


def test_an_offline_promptpay_payment_is_matched_by_the_banks_callback_either_side(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    first = _lease(db, clock, shop)
    product = shop.products[2]
    early, late = new_reference(), new_reference()
    # The bank's callback for the first QR arrives before its sale does.
    with db.write() as conn:
        paid_at = clock.now() - timedelta(minutes=4)
        early_event = WebhookEvent(early, 9900, "TX-EARLY-1", paid_at)
        outcome = confirm_by_webhook(conn, clock.now(), early_event)
    assert outcome.kind == OutcomeKind.UNKNOWN_REFERENCE
    for seq, reference in ((first, early), (first + 1, late)):
        _rung(
            db,
            clock,
            shop,
            seq,
            [(product, 1, 9900)],
            payments=[PaymentRequest("promptpay", 9900, reference=reference)],
        )
    with db.write() as conn:
        late_event = WebhookEvent(late, 9900, "TX-LATE-1", paid_at)
        outcome = confirm_by_webhook(conn, clock.now(), late_event)
    assert outcome.kind == OutcomeKind.MATCHED
    with db.read() as conn:
        rows = conn.execute(
            select(Payment.reference, Payment.status, Payment.confirmation, Payment.transaction_id)
            .where(Payment.reference.in_([early, late]))
            .order_by(Payment.transaction_id)
        ).all()
        exceptions = conn.execute(select(PaymentException.id)).all()
    assert rows == [
        (early, "confirmed", "manual", "TX-EARLY-1"),
        (late, "confirmed", "manual", "TX-LATE-1"),
    ]
    assert exceptions == []
    _clean(db, clock)


def test_a_manager_resolves_a_sale_exception_once(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock, stock=(0, 10, 10))
    first = _lease(db, clock, shop)
    _rung(db, clock, shop, first, [(shop.products[0], 1, 45000)])
    with db.write() as conn:
        manager = _user(conn, "manager2", shop.cashier.role.MANAGER)
    with db.read() as conn:
        [found] = list_sale_exceptions(conn, shop.cashier)
    with db.write() as conn:
        done = resolve_sale_exception(conn, manager, clock.now(), found.id, "นับแล้ว ขาด 1 ชิ้น")
    assert done.resolution == "นับแล้ว ขาด 1 ชิ้น"
    with pytest.raises(ConflictError), db.write() as conn:
        resolve_sale_exception(conn, manager, clock.now(), found.id, "again")
    assert _kinds(db, shop) == []


def test_a_rung_price_beyond_any_sale_is_refused(db: Database, clock: FixedClock) -> None:
    """The till says what it charged, so a hostile or mistyped price is bounded like any sale."""
    shop = _shop(db, clock)
    first = _lease(db, clock, shop)
    with pytest.raises(InvalidInputError) as caught:
        _rung(db, clock, shop, first, [(shop.products[2], 3, 999_999_999)])
    assert caught.value.code == "sale.too_large"
    _clean(db, clock)


def test_a_rung_time_outside_a_season_is_refused(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    first = _lease(db, clock, shop)
    with pytest.raises(InvalidInputError) as caught:
        _rung(db, clock, shop, first, [(shop.products[2], 1, 9900)], minutes_ago=200 * 24 * 60)
    assert caught.value.code == "sale.rung_time_invalid"


def test_a_slip_used_before_is_kept_as_seen_by_eye_and_flagged(
    db: Database, clock: FixedClock
) -> None:
    """The goods left: a reused slip (a known fraud) is a manager's matter, not a lost sale."""
    shop = _shop(db, clock)
    first = _lease(db, clock, shop)
    slip = promptpay.slip_verify("014", "2026120700000SLP")
    sales = [
        _rung(
            db,
            clock,
            shop,
            seq,
            [(shop.products[2], 1, 9900)],
            payments=[
                PaymentRequest("promptpay", 9900, reference=new_reference(), slip_payload=slip)
            ],
        )[0]
        for seq in (first, first + 1)
    ]
    assert [s.status for s in sales] == ["completed", "completed"]
    with db.read() as conn:
        confirmations = conn.execute(
            select(Payment.confirmation, Payment.slip_ref).order_by(Payment.id)
        ).all()
    assert confirmations == [("slip", "014:2026120700000SLP"), ("manual", None)]
    assert _kinds(db, shop) == [SaleExceptionKind.SLIP_REUSED]
    _clean(db, clock)


def test_a_slip_respelled_is_the_same_slip_for_a_rung_sale(db: Database, clock: FixedClock) -> None:
    """Bank code 14 and 014, a reference in lower case: one transfer, flagged the second time."""
    shop = _shop(db, clock)
    first = _lease(db, clock, shop)
    inner = tlv("00", pf.SLIP_API_ID) + tlv("01", "14") + tlv("02", "2026120700000slp")
    respelled = with_crc(tlv("00", inner) + "5102TH", "91")
    slips = (promptpay.slip_verify("014", "2026120700000SLP"), respelled)
    for seq, slip in zip((first, first + 1), slips, strict=True):
        _rung(
            db,
            clock,
            shop,
            seq,
            [(shop.products[2], 1, 9900)],
            payments=[
                PaymentRequest("promptpay", 9900, reference=new_reference(), slip_payload=slip)
            ],
        )
    with db.read() as conn:
        stored = conn.execute(
            select(Payment.confirmation, Payment.slip_key).order_by(Payment.id)
        ).all()
    assert stored == [("slip", "014:2026120700000SLP"), ("manual", None)]
    assert _kinds(db, shop) == [SaleExceptionKind.SLIP_REUSED]
    _clean(db, clock)


def test_a_number_of_another_device_or_already_used_is_refused(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    first = _lease(db, clock, shop)
    _rung(db, clock, shop, first, [(shop.products[2], 1, 9900)])
    with pytest.raises(ConflictError) as used:
        _rung(db, clock, shop, first, [(shop.products[2], 1, 9900)], key="another-key-1")
    assert used.value.code == "sale.receipt_number_used"
    with db.write() as conn:
        other = lease_block(conn, shop.cashier, clock.now(), shop.till, "device-0002", 5)
    with pytest.raises(ConflictError) as foreign:
        _rung(db, clock, shop, other.first_seq, [(shop.products[2], 1, 9900)])
    assert foreign.value.code == "sale.receipt_not_leased"


def test_a_device_that_lost_its_copy_goes_on_after_the_numbers_received(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    first = _lease(db, clock, shop)
    _rung(db, clock, shop, first + 2, [(shop.products[2], 1, 9900)])
    with db.read() as conn:
        [block] = open_leases(conn, shop.till, DEVICE)
    assert block.next_seq == first + 3  # never first again: it was issued (and received)


@pytest.mark.parametrize("backend", ["postgresql"])  # SQLite's single writer orders them anyway
def test_a_callback_racing_the_rung_sale_of_its_reference_is_matched(
    db: Database, clock: FixedClock
) -> None:
    """PostgreSQL, two workers: the callback for a till's own QR arrives while the sale that
    brings its payment is being written. It waits for that sale (the reference is held) and
    matches it, instead of finding no payment and being lost between the two."""
    shop = _shop(db, clock)
    first = _lease(db, clock, shop)
    reference = new_reference()
    request = CheckoutRequest(
        till_id=shop.till,
        lines=(LineRequest(shop.products[2], 1, 0, 9900),),
        payments=(PaymentRequest("promptpay", 9900, reference=reference),),
        rung=Rung(first, DEVICE, clock.now(), 0, _shift(db, shop)),
    )
    event = WebhookEvent(reference, 9900, "TX-RACE-1", clock.now())
    outcomes: list[OutcomeKind] = []

    def callback() -> None:
        with db.write() as conn:
            outcomes.append(confirm_webhook(conn, clock.now(), event).kind)

    with db.engine.connect() as conn, conn.begin():
        checkout_or_replay(
            conn,
            shop.cashier,
            clock.now(),
            request,
            idempotency_key="race-key-1",
            account=ACCOUNT,
            expiry=EXPIRY,
        )
        racing = threading.Thread(target=callback)
        racing.start()
        racing.join(timeout=1.0)
        assert racing.is_alive()  # it waits for the sale's transaction
    racing.join(timeout=10)
    assert outcomes == [OutcomeKind.MATCHED]
    _clean(db, clock)
