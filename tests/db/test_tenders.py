"""Card and other tenders on SQLite and PostgreSQL: a split sale with cash, card and another
tender, its ledger, the X and Z reports' lines, the drawer that expects only cash, offline
(rung) sales, and refunds by the tender that paid or by a method a manager approves."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from integrity.check import find_violations
from kernel.access import Actor, Role
from kernel.clock import BANGKOK, FixedClock
from kernel.db.engine import Database
from kernel.errors import ForbiddenError, InvalidInputError
from payments.ledger.postings import balance, unbalanced_entries
from payments.ledger.rules import CARD_RECEIVABLE, other_receivable
from payments.models import Payment
from pos.approvals import ApprovalGrant
from pos.checkout.queries import SaleView
from pos.checkout.requests import PaymentRequest
from pos.models import Refund
from pos.refunds.service import RefundRequest, refund_sale
from pos.reports.centre import CentreReport
from pos.reports.periods import Period
from pos.tills.service import current_shift
from pos.tills.shifts import close_shift, shift_report
from tests.db.test_rung_sales import _lease, _rung
from tests.db.test_sales import Shop, _request, _sell, _shop, _user
from web.reports.tables import _methods_table

PRICE = 45000  # the first product's price
FLOAT = 200000  # the shift's opening float (tests.db.test_sales._shop)
WALLET = "เป๋าตัง"


def _card(amount: int, last4: str = "4242", code: str = "AB12CD") -> PaymentRequest:
    return PaymentRequest("card", amount, card_last4=last4, approval_code=code)


def _other(amount: int, name: str = WALLET, ref: str = "PT-889900") -> PaymentRequest:
    return PaymentRequest("other", amount, tender_name=name, tender_ref=ref)


def _split_sale(db: Database, clock: FixedClock, shop: Shop, key: str = "split-0001") -> SaleView:
    """Two of the first product (900.00): 300 cash (500 tendered), 400 card, 200 เป๋าตัง."""
    a = shop.products[0]
    payments = [PaymentRequest("cash", 30000, 50000), _card(40000), _other(20000)]
    return _sell(db, clock, shop, _request(shop, [(a, 2)], payments), key)


def _shift_id(db: Database, shop: Shop) -> int:
    with db.read() as conn:
        shift = current_shift(conn, shop.till)
    assert shift is not None
    return shift.id


def test_a_split_with_cash_card_and_another_tender_completes_at_once_into_their_accounts(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    sale = _split_sale(db, clock, shop)
    assert sale.status == "completed" and sale.receipt_number == "SKP-01-000001"
    card, other = sale.payments[1], sale.payments[2]
    assert (card.method, card.status, card.card_last4, card.approval_code) == (
        "card",
        "confirmed",
        "4242",
        "AB12CD",
    )
    assert (other.tender_name, other.tender_ref, other.status) == (WALLET, "PT-889900", "confirmed")
    assert sale.change_satang == 20000  # only cash gives change
    with db.read() as conn:
        rows = conn.execute(select(Payment.method, Payment.confirmation).order_by(Payment.id)).all()
        assert [tuple(r) for r in rows] == [
            ("cash", "cash"),
            ("card", "terminal"),
            ("other", "cashier"),
        ]
        assert balance(conn, "cash:SKP-01") == 30000
        assert balance(conn, CARD_RECEIVABLE) == 40000
        assert balance(conn, other_receivable(WALLET)) == 20000
        assert balance(conn, "promptpay_clearing") == 0
        assert unbalanced_entries(conn) == []
        assert find_violations(conn, clock.now()) == []


def test_the_x_and_z_reports_have_a_line_per_tender_and_the_drawer_expects_only_cash(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    _split_sale(db, clock, shop)
    a = shop.products[0]
    _sell(
        db,
        clock,
        shop,
        _request(shop, [(a, 1)], [_other(PRICE, "ไทยช่วยไทย", "TCT-1")]),
        "other-0002",
    )
    _sell(db, clock, shop, _request(shop, [(a, 1)], [_card(PRICE, "0007", "ZZ9999")]), "card-0003")
    shift_id = _shift_id(db, shop)
    with db.read() as conn:
        x = shift_report(conn, shop.cashier, shift_id)
    assert (x.cash_satang, x.promptpay_satang) == (30000, 0)
    assert x.card_satang == 40000 + PRICE
    assert x.other_satang == 20000 + PRICE
    assert [(t.name, t.count, t.amount_satang) for t in x.other_tenders] == sorted(
        [(WALLET, 1, 20000), ("ไทยช่วยไทย", 1, PRICE)]
    )
    assert x.cash_satang + x.promptpay_satang + x.card_satang + x.other_satang == x.sales_satang
    assert x.expected_cash_satang == FLOAT + 30000  # 500 tendered less 200 change
    with db.write() as conn:
        z = close_shift(conn, shop.cashier, clock.now(), shift_id, counted_satang=FLOAT + 30000)
    assert z.difference_satang == 0 and z.z_number is not None
    with db.read() as conn:
        stored = shift_report(conn, shop.cashier, shift_id)  # the Z report as printed
    assert stored.other_tenders == z.other_tenders and stored.card_satang == x.card_satang


def test_card_and_other_taken_offline_are_rung_through_the_queue_as_facts(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    first = _lease(db, clock, shop)
    a = shop.products[0]
    payments = [_card(PRICE - 10000), _other(10000, "บัตรกำนัล", "V-0001")]
    sale, replayed = _rung(db, clock, shop, first, [(a, 1, PRICE)], payments=payments)
    assert not replayed and sale.status == "completed"
    assert sale.receipt_number == f"SKP-01-{first:06d}"
    again, replayed = _rung(db, clock, shop, first, [(a, 1, PRICE)], payments=payments)
    assert replayed and again.id == sale.id  # the queue sent it twice: one sale
    with db.read() as conn:
        assert balance(conn, CARD_RECEIVABLE) == PRICE - 10000
        assert balance(conn, other_receivable("บัตรกำนัล")) == 10000
        assert find_violations(conn, clock.now()) == []


def test_a_card_number_is_refused_and_nothing_of_the_sale_is_written(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    a = shop.products[0]
    pan = "4111111111111111"
    with pytest.raises(InvalidInputError) as refused:
        _sell(db, clock, shop, _request(shop, [(a, 1)], [_card(PRICE, pan)]), "pan-0001")
    assert refused.value.code == "payment.card_number_refused"
    with db.read() as conn:
        assert conn.execute(select(Payment.id)).first() is None
    # The tables refuse a card without its last four digits, whatever writes it.
    for last4 in (None, "411"):
        with pytest.raises(IntegrityError), db.write() as conn:
            conn.execute(
                insert(Payment).values(
                    reference="REF000000000001",
                    method="card",
                    amount_satang=100,
                    status="confirmed",
                    created_at=clock.now(),
                    card_last4=last4,
                    approval_code="AB12CD",
                )
            )


def _refund(
    db: Database,
    clock: FixedClock,
    shop: Shop,
    sale: SaleView,
    method: str,
    key: str,
    *,
    actor: Actor,
    line_quantity: int = 1,
    approver: Actor | None = None,
    method_approved: bool = False,
) -> object:
    request = RefundRequest(sale.id, shop.till, ((1, line_quantity),), True, method, "ลูกค้าเปลี่ยนใจ")
    grant = None
    if approver is not None:
        grant = ApprovalGrant(f"approval-{key}", approver.user_id or 0, "refund")
    with db.write() as conn:
        view, _ = refund_sale(
            conn,
            actor,
            clock.now(),
            request,
            idempotency_key=key,
            approved_by_id=None if approver is None else approver.user_id,
            approval=grant,
            method_approved=method_approved,
        )
    return view


def test_refunds_go_back_by_the_tender_that_paid_or_by_a_method_a_manager_approves(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    with db.write() as conn:
        manager = _user(conn, "manager2", Role.MANAGER)
    a = shop.products[0]
    card_sale = _sell(db, clock, shop, _request(shop, [(a, 2)], [_card(2 * PRICE)]), "card-0001")
    cashier = shop.cashier
    # Back to the card, with the ordinary refund approval: the acquirer takes it back.
    by_card = _refund(
        db, clock, shop, card_sale, "card", "refund-0001", actor=cashier, approver=manager
    )
    assert by_card.method == "card"  # type: ignore[attr-defined]
    # A card sale refunded in cash: the approval must name the method.
    with pytest.raises(ForbiddenError) as refused:
        _refund(db, clock, shop, card_sale, "cash", "refund-0002", actor=cashier, approver=manager)
    assert refused.value.code == "approval.refund_method_required"
    in_cash = _refund(
        db,
        clock,
        shop,
        card_sale,
        "cash",
        "refund-0003",
        actor=cashier,
        approver=manager,
        method_approved=True,
    )
    assert in_cash.method == "cash"  # type: ignore[attr-defined]
    with db.read() as conn:
        assert balance(conn, CARD_RECEIVABLE) == PRICE  # 2 x PRICE in, PRICE back to the card
        assert balance(conn, "cash:SKP-01") == -PRICE  # the cash refund left the drawer
        assert unbalanced_entries(conn) == []
        x = shift_report(conn, cashier, _shift_id(db, shop))
    assert x.card_refunds_satang == PRICE and x.cash_refunds_satang == PRICE
    assert x.expected_cash_satang == FLOAT - PRICE  # the card never was in the drawer


def test_a_refund_by_a_tender_is_bounded_by_what_it_paid_and_an_other_tender_by_its_name(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    with db.write() as conn:
        manager = _user(conn, "manager2", Role.MANAGER)
    sale = _split_sale(db, clock, shop)  # 300 cash, 400 card, 200 เป๋าตัง; the line is 2 x 450
    cashier = shop.cashier
    # 450 back by the other tender: more than its 200. A cashier needs the method approved.
    with pytest.raises(ForbiddenError) as refused:
        _refund(db, clock, shop, sale, "other", "refund-0011", actor=cashier, approver=manager)
    assert refused.value.code == "approval.refund_method_required"
    # A manager decides it themself.
    view = _refund(db, clock, shop, sale, "other", "refund-0012", actor=manager)
    assert view.tender_name == WALLET  # type: ignore[attr-defined]
    with db.read() as conn:
        assert balance(conn, other_receivable(WALLET)) == 20000 - PRICE
        assert conn.execute(select(Refund.tender_name)).scalar_one() == WALLET
        assert find_violations(conn, clock.now()) == []
    # A sale paid without another tender has no other tender to go back by.
    cash_sale = _sell(
        db, clock, shop, _request(shop, [(shop.products[1], 1)], total=12050), "cash-0009"
    )
    with pytest.raises(InvalidInputError) as no_other:
        _refund(db, clock, shop, cash_sale, "other", "refund-0013", actor=manager)
    assert no_other.value.code == "refund.other_not_paid"


def test_a_manager_refunds_a_card_sale_in_cash_without_another_approval(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    with db.write() as conn:
        manager = _user(conn, "manager2", Role.MANAGER)
    card_sale = _sell(
        db, clock, shop, _request(shop, [(shop.products[0], 1)], [_card(PRICE)]), "card-0001"
    )
    view = _refund(db, clock, shop, card_sale, "cash", "refund-0021", actor=manager)
    assert view.method == "cash"  # type: ignore[attr-defined]
    with db.read() as conn:
        assert balance(conn, CARD_RECEIVABLE) == PRICE  # still owed by the acquirer
        assert balance(conn, "cash:SKP-01") == -PRICE


def test_the_report_by_payment_method_shows_card_and_each_other_tender_by_name(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    _split_sale(db, clock, shop)
    day = clock.now().astimezone(BANGKOK).date()
    with db.read() as conn:
        mix = CentreReport(conn, Period(day, day)).payment_mix()
        rows = _methods_table(mix, "th").rows
    methods = {m.method: (m.payments, m.amount_satang) for m in mix.methods}
    assert methods == {
        "cash": (1, 30000),
        "promptpay": (0, 0),
        "card": (1, 40000),
        f"other:{WALLET}": (1, 20000),
    }
    assert [row["label"] for row in rows] == [
        "เงินสด",
        "พร้อมเพย์",
        "บัตร (เครื่องรูดบัตร)",
        f"อื่นๆ: {WALLET}",
    ]
    assert [m.share_bp for m in mix.methods if m.method == "card"] == [4444]  # 400 of 900
