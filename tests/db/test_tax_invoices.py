"""Full tax invoices and their credit notes, on SQLite and PostgreSQL: one per sale, numbered
per till without gaps (under concurrency too), credited by refunds, listed for the accountant."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select

from kernel.access import Actor, Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from kernel.errors import ConflictError, DomainError, ForbiddenError
from pos.checkout.pricing import vat_included
from pos.checkout.queries import SaleView
from pos.checkout.requests import PaymentRequest
from pos.models import Sale
from pos.tax_invoices.models import TaxBuyer, TaxCreditNote, TaxInvoice
from pos.tax_invoices.queries import get_tax_invoice, month_register
from pos.tax_invoices.rules import Party, checked_party
from pos.tax_invoices.service import Issued, find_buyers, issue_tax_invoice
from tests.db.test_refunds_and_shifts import PRICES, _manager, _refund
from tests.db.test_sales import Shop, _request, _sell, _shop

SELLER = Party("ศูนย์จำหน่ายสินค้า OTOP สันกำแพง", "สันกำแพง เชียงใหม่ 50130", "0994000165510", "00000")
BUYER = checked_party("บริษัท ล้านนาของฝาก จำกัด", "1 ถนนท่าแพ เชียงใหม่ 50100", "0105558000014", "00003")


def _sale(db: Database, clock: FixedClock, shop: Shop, key: str) -> SaleView:
    a, b, _ = shop.products
    total = PRICES[0] + 2 * PRICES[1]
    return _sell(db, clock, shop, _request(shop, [(a, 1), (b, 2)], total=total), key)


def _issue(
    db: Database, clock: FixedClock, actor: Actor, sale_id: int, buyer: Party = BUYER
) -> Issued:
    with db.write() as conn:
        return issue_tax_invoice(conn, actor, clock.now(), sale_id, buyer, SELLER)


def test_a_full_invoice_replaces_a_receipt_once_with_the_sales_figures(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    sale = _sale(db, clock, shop, "tax-sale-1")
    issued = _issue(db, clock, shop.cashier, sale.id)
    assert issued.number == "TI-SKP-01-000001"
    with db.read() as conn:
        invoice = get_tax_invoice(conn, shop.cashier, issued.id)
    assert invoice.replaces_receipt == sale.receipt_number
    assert invoice.buyer == BUYER and invoice.seller == SELLER
    assert invoice.total_satang == sale.total_satang == 69100
    assert invoice.vat_satang == vat_included(69100) == sale.vat_included_satang
    assert invoice.before_vat_satang + invoice.vat_satang == invoice.total_satang
    assert [line.quantity for line in invoice.lines] == [1, 2]
    with pytest.raises(ConflictError) as again:
        _issue(db, clock, shop.cashier, sale.id)
    assert again.value.code == "tax_invoice.already_issued"
    assert again.value.params["number"] == "TI-SKP-01-000001"
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(TaxInvoice)).scalar_one() == 1


def test_what_cannot_be_replaced_is_refused_and_writes_nothing(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    a = shop.products[0]
    waiting = _sell(
        db,
        clock,
        shop,
        _request(shop, [(a, 1)], payments=[PaymentRequest("promptpay", PRICES[0])]),
        "tax-qr-sale",
    )
    refunded = _sale(db, clock, shop, "refunded-sale")
    _refund(db, clock, shop, refunded.id, ((1, 1),), "tax-refund-1", actor=_manager(db))
    late = _sale(db, clock, shop, "tax-late-sale")
    entrepreneur = Actor(None, "ent", Role.ENTREPRENEUR, entrepreneur_id=1)
    refusals: list[tuple[int, Actor, str]] = [
        (waiting.id, shop.cashier, "tax_invoice.sale_not_completed"),
        (refunded.id, shop.cashier, "tax_invoice.sale_refunded"),
        (999_999, shop.cashier, "tax_invoice.sale_not_found"),
        (late.id, entrepreneur, "access.role_forbidden"),
    ]
    for sale_id, actor, code in refusals:
        with pytest.raises((DomainError, ForbiddenError)) as refused:
            _issue(db, clock, actor, sale_id)
        assert refused.value.code == code
    clock.advance(days=31)  # the sale's tax month (November) is over
    with pytest.raises(ConflictError) as too_late:
        _issue(db, clock, shop.cashier, late.id)
    assert too_late.value.code == "tax_invoice.too_late"
    assert too_late.value.params["last_day"] == "2026-11-30"
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(TaxInvoice)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(TaxBuyer)).scalar_one() == 0


def test_a_buyer_is_remembered_and_found_by_tax_id_or_name(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    first = _sale(db, clock, shop, "tax-sale-1")
    second = _sale(db, clock, shop, "tax-sale-2")
    _issue(db, clock, shop.cashier, first.id)
    moved = Party(BUYER.name, "99 ถนนนิมมานเหมินท์ เชียงใหม่ 50200", BUYER.tax_id, BUYER.branch)
    _issue(db, clock, shop.cashier, second.id, moved)
    with db.read() as conn:
        assert find_buyers(conn, shop.cashier, "0105-558") == [moved]
        assert find_buyers(conn, shop.cashier, "ล้านนา") == [moved]
        assert find_buyers(conn, shop.cashier, "100%") == []
        assert conn.execute(select(func.count()).select_from(TaxBuyer)).scalar_one() == 1
        first_invoice = get_tax_invoice(conn, shop.cashier, 1)
    assert first_invoice.buyer == BUYER  # an invoice keeps the address it was issued with


def test_refunds_against_a_full_invoice_issue_numbered_credit_notes_down_to_zero(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    sale = _sale(db, clock, shop, "tax-sale-1")
    plain = _sale(db, clock, shop, "tax-sale-2")
    issued = _issue(db, clock, shop.cashier, sale.id)
    _refund(db, clock, shop, plain.id, ((1, 1),), "refund-plain", actor=manager)
    _refund(db, clock, shop, sale.id, ((2, 1),), "tax-refund-1", actor=manager)
    _refund(db, clock, shop, sale.id, ((1, 1), (2, 1)), "tax-refund-2", actor=manager)
    with db.read() as conn:
        invoice = get_tax_invoice(conn, manager, issued.id)
        assert conn.execute(select(func.count()).select_from(TaxCreditNote)).scalar_one() == 2
    first, second = invoice.credit_notes
    assert (first.number, second.number) == ("TCN-SKP-01-000001", "TCN-SKP-01-000002")
    assert first.invoice_number == issued.number and first.reason == "customer changed mind"
    assert (first.original_satang, first.difference_satang) == (69100, PRICES[1])
    assert first.corrected_satang == 69100 - PRICES[1] == second.original_satang
    assert second.corrected_satang == 0
    assert first.vat_difference_satang == vat_included(PRICES[1])
    assert [(line.line_no, q) for line, q, _ in second.lines] == [(1, 1), (2, 1)]


def test_numbers_stay_gapless_per_till_when_tills_issue_at_once(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock, stock=(40, 40, 40))
    sales = [_sale(db, clock, shop, f"tax-sale-{n:02d}") for n in range(12)]
    # Every sale asked for twice at once: one invoice each, and the losers give back no number.
    wanted = [sale.id for sale in sales for _ in range(2)]

    def ask(sale_id: int) -> str:
        try:
            return _issue(db, clock, shop.cashier, sale_id).number
        except ConflictError as refused:
            assert refused.code == "tax_invoice.already_issued"
            return "refused"

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(ask, wanted))
    assert answers.count("refused") == len(sales)
    with db.read() as conn:
        seqs = sorted(conn.execute(select(TaxInvoice.seq)).scalars())
        per_sale = conn.execute(select(func.count(func.distinct(TaxInvoice.sale_id)))).scalar_one()
    assert seqs == list(range(1, len(sales) + 1)) and per_sale == len(sales)


def test_the_months_register_lists_invoices_and_credit_notes_with_their_vat(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    one, two = _sale(db, clock, shop, "tax-sale-1"), _sale(db, clock, shop, "tax-sale-2")
    _issue(db, clock, shop.cashier, one.id)
    _issue(db, clock, shop.cashier, two.id)
    _refund(db, clock, shop, two.id, ((2, 2),), "tax-refund-1", actor=manager)
    with db.read() as conn:
        register = month_register(conn, manager, date(2026, 11, 1))
        empty = month_register(conn, manager, date(2026, 10, 1))
        with pytest.raises(ForbiddenError):
            month_register(conn, shop.cashier, date(2026, 11, 1))
        sales_total = conn.execute(select(func.sum(Sale.total_satang))).scalar_one()
    assert [row.kind for row in register.rows] == ["invoice", "invoice", "credit_note"]
    assert register.total_satang == sales_total - 2 * PRICES[1]
    assert register.vat_satang == sum(row.vat_satang for row in register.rows)
    assert register.rows[2].total_satang == -2 * PRICES[1]
    assert register.rows[2].refers_to == "TI-SKP-01-000002"
    assert empty.rows == []


def test_credit_notes_stay_gapless_when_refunds_of_invoiced_sales_run_at_once(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock, stock=(40, 40, 40))
    manager = _manager(db)
    sales = [_sale(db, clock, shop, f"tax-credit-{n:02d}") for n in range(8)]
    for sale in sales:
        _issue(db, clock, shop.cashier, sale.id)

    def give_back(n: int) -> None:
        sale = sales[n % len(sales)]
        line = 1 + n // len(sales)  # two refunds of each sale, one per line
        _refund(db, clock, shop, sale.id, ((line, 1),), f"tax-credit-refund-{n:02d}", actor=manager)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(give_back, range(2 * len(sales))))
    with db.read() as conn:
        seqs = sorted(conn.execute(select(TaxCreditNote.seq)).scalars())
        per_invoice = dict(
            conn.execute(
                select(
                    TaxCreditNote.tax_invoice_id, func.sum(TaxCreditNote.difference_satang)
                ).group_by(TaxCreditNote.tax_invoice_id)
            ).all()
        )
    assert seqs == list(range(1, 2 * len(sales) + 1))
    assert set(per_invoice.values()) == {
        PRICES[0] + PRICES[1]
    }  # each invoice credited once per line
