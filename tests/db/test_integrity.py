"""``otop-pos check``'s rules (integrity.check) on SQLite and PostgreSQL.

A day of trading through the services (cash and split sales, PromptPay confirmed by the bank's
callback and by a slip, a void, a sale left pending, refunds, a transfer, a closed shift, a
paid payout) keeps every rule. Then each rule is broken by one direct SQL write, in a
transaction rolled back afterwards, and must be reported with its rule and where; a write
reports only the rules it necessarily breaks.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import Connection

from integrity.check import RULES, find_violations
from inventory.models import ConsignmentTermsVersion, Entrepreneur, Product, StockMovement
from inventory.stock.document_rules import LineIn
from inventory.stock.documents import transfer_stock
from kernel.access import Role
from kernel.clock import FixedClock, business_date
from kernel.db.engine import Database
from payments import promptpay
from payments.ledger.models import JournalEntryRow
from payments.lifecycle import WebhookEvent, confirm_by_webhook, confirm_manually, create_payment
from payments.models import Payment, PaymentEventRow
from pos.checkout.requests import PaymentRequest
from pos.checkout.voids import void_sale
from pos.completion.by_payment import complete_if_paid
from pos.consignment.payouts import create_run, mark_paid
from pos.models import Refund, Sale, Shift
from pos.refunds.service import RefundRequest, refund_sale
from pos.tax_invoices.rules import Party
from pos.tax_invoices.service import issue_tax_invoice
from pos.tills.service import current_shift, open_shift
from pos.tills.shifts import close_shift
from tests import factories as f
from tests.conftest import BACKENDS
from tests.db.test_sales import ACCOUNT, _request, _sell, _shop, _user
from web.models import metadata

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
SELLER = Party("ศูนย์ OTOP สันกำแพง", "สันกำแพง เชียงใหม่", "0994000165510", "00000")
BUYER = Party("บริษัท ตรวจ จำกัด", "เชียงใหม่", "0105558000014", "00000")
WINDOW = timedelta(days=7)
SLIP = promptpay.slip_verify("014", "2026112100000CHK")
SLIP_REF = "014:2026112100000CHK"
TRANSACTION = "TX-CHK-0001"


@dataclass(frozen=True)
class Day:
    """What the day of trading made, for the writes that break it."""

    cash_sale: int
    cash_entry: int
    cash_payment: int
    last_sale: int  # the last completed sale (the highest receipt number)
    receipts: int  # how many receipt numbers the till gave
    pending_sale: int
    pending_payment: int
    void_payment: int  # the voided sale's PromptPay payment (cancelled)
    hook_sale: int
    hook_payment: int
    hook_reference: str
    loose_payment: int  # a PromptPay payment of no sale, still pending
    refund: int
    last_refund: int
    payout: int
    closed_shift: int
    product: int
    product_sku: str
    other_product: int
    location: int
    other_location: int
    maker: int
    maker_code: str
    other_maker: int


def trade_a_day(db: Database, clock: FixedClock) -> Day:
    """A day of trading through the services: every kind of row the rules look at."""
    shop = _shop(db, clock, stock=(40, 40, 40))
    a, b, c = shop.products
    with db.write() as conn:
        manager = _user(conn, "manager9", Role.MANAGER)
        other_location = f.location(conn, code="TPR", name_en="Tha Phae", is_default=False)
    cash = _sell(
        db, clock, shop, _request(shop, [(a, 2), (b, 1)], total=2 * 45000 + 12050), "chk-cash-1"
    )
    split = [PaymentRequest("cash", 9900), PaymentRequest("cash", 19800)]
    _sell(db, clock, shop, _request(shop, [(c, 3)], split), "chk-split-1")
    hook = _sell(
        db,
        clock,
        shop,
        _request(shop, [(a, 1)], [PaymentRequest("promptpay", 45000)]),
        "chk-hook-1",
    )
    slip = _sell(
        db,
        clock,
        shop,
        _request(shop, [(b, 2)], [PaymentRequest("promptpay", 24100)]),
        "chk-slip-1",
    )
    walked = _sell(
        db, clock, shop, _request(shop, [(c, 1)], [PaymentRequest("promptpay", 9900)]), "chk-void-1"
    )
    with db.write() as conn:
        paid = WebhookEvent(hook.payments[0].reference, 45000, TRANSACTION, clock.now())
        confirm_by_webhook(conn, clock.now(), paid)
        complete_if_paid(conn, clock.now(), hook.id)
        confirm_manually(conn, shop.cashier, clock.now(), slip.payments[0].payment_id, SLIP)
        complete_if_paid(conn, clock.now(), slip.id)
        void_sale(conn, shop.cashier, clock.now(), walked.id)
        loose = create_payment(
            conn,
            shop.cashier,
            clock.now(),
            amount_satang=5000,
            method="promptpay",
            account=ACCOUNT,
            expiry=timedelta(hours=1),
        )
        # The cash sale's buyer asks for a full tax invoice; its refund then issues a credit note.
        issue_tax_invoice(conn, shop.cashier, clock.now(), cash.id, BUYER, SELLER)
        first = refund_sale(
            conn,
            manager,
            clock.now(),
            RefundRequest(cash.id, shop.till, ((1, 1),), True, "cash", "too big"),
            idempotency_key="chk-refund-1",
            approved_by_id=None,
        )[0]
        second = refund_sale(
            conn,
            manager,
            clock.now(),
            RefundRequest(slip.id, shop.till, ((1, 1),), False, "transfer", "damaged"),
            idempotency_key="chk-refund-2",
            approved_by_id=None,
        )[0]
        transfer_stock(
            conn,
            manager,
            clock.now(),
            from_location_id=shop.location,
            to_location_id=other_location,
            lines=[LineIn(2, c)],
        )
        shift = current_shift(conn, shop.till)
        assert shift is not None
        close_shift(conn, shop.cashier, clock.now(), shift.id, counted_satang=0)
        open_shift(conn, shop.cashier, clock.now(), shop.till, 100000)
    last = _sell(db, clock, shop, _request(shop, [(b, 1)], total=12050), "chk-cash-2")
    pending = _sell(
        db,
        clock,
        shop,
        _request(shop, [(a, 1)], [PaymentRequest("promptpay", 45000)]),
        "chk-pending-1",
    )
    later = clock.now() + timedelta(days=10)
    with db.write() as conn:
        run = create_run(
            conn,
            manager,
            later,
            cutoff=business_date(later) - timedelta(days=1),
            minimum_satang=100,
            refund_window=WINDOW,
        )
        payout = mark_paid(
            conn,
            manager,
            later,
            run.payouts[0].id,
            bank_reference="SCB-CHK-1",
            refund_window=WINDOW,
        )
        maker = payout.entrepreneur_id
        codes = dict(conn.execute(select(Entrepreneur.id, Entrepreneur.code)).all())
        cash_entry = conn.execute(select(Sale.journal_entry_id).where(Sale.id == cash.id))
        sku = conn.execute(select(Product.sku).where(Product.id == a)).scalar_one()
    return Day(
        cash_sale=cash.id,
        cash_entry=int(cash_entry.scalar_one() or 0),
        cash_payment=cash.payments[0].payment_id,
        last_sale=last.id,
        receipts=int(str(last.receipt_number).rsplit("-", 1)[1]),
        pending_sale=pending.id,
        pending_payment=pending.payments[0].payment_id,
        void_payment=walked.payments[0].payment_id,
        hook_sale=hook.id,
        hook_payment=hook.payments[0].payment_id,
        hook_reference=hook.payments[0].reference,
        loose_payment=loose.id,
        refund=first.id,
        last_refund=second.id,
        payout=payout.id,
        closed_shift=shift.id,
        product=a,
        product_sku=sku,
        other_product=b,
        location=shop.location,
        other_location=other_location,
        maker=maker,
        maker_code=codes[maker],
        other_maker=next(m for m in shop.makers if m != maker),
    )


@pytest.fixture(scope="module", params=BACKENDS)
def traded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, Day]]:
    """One day of trading per backend, shared by this module's tests (each rolls back)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("integrity") / "otop.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        db = Database(f"sqlite:///{path}")
    else:
        db = Database(request.getfixturevalue("postgres_url"))
        names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    try:
        yield db, trade_a_day(db, FixedClock(NOW))
    finally:
        db.dispose()


def test_a_day_of_trading_keeps_every_rule(traded: tuple[Database, Day]) -> None:
    db, _ = traded
    with db.read() as conn:
        assert find_violations(conn, NOW) == []
        statuses = dict(conn.execute(select(Sale.status, func.count()).group_by(Sale.status)).all())
        confirmations = set(conn.execute(select(Payment.confirmation)).scalars())
        closed = conn.execute(select(func.count()).where(Shift.z_number.is_not(None)))
        refunds = conn.execute(select(func.count()).select_from(Refund))
        closed_shifts, refund_count = closed.scalar_one(), refunds.scalar_one()
    assert statuses == {"completed": 5, "voided": 1, "pending_payment": 1}
    assert confirmations == {"cash", "webhook", "slip", None}
    assert (closed_shifts, refund_count) == (1, 2)
    assert len({known.slug for known in RULES}) == len(RULES)


def _sql(statement: str) -> Callable[[Connection, Day], None]:
    """A write of plain SQL whose parameters are the day's fields."""

    def write(conn: Connection, day: Day) -> None:
        bound = text(statement)
        wanted = {name: getattr(day, name) for name in bound.compile().params}
        conn.execute(bound, wanted)

    return write


def _drop_unique(table: str, column: str) -> Callable[[Connection], None]:
    """Drop a UNIQUE constraint inside the test's transaction. SQLite cannot drop one: the
    table is rebuilt without it (foreign keys checked at commit, which never comes)."""

    def drop(conn: Connection) -> None:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT uq_{table}_{column}"))
            return
        conn.execute(text("PRAGMA defer_foreign_keys = ON"))
        conn.execute(text(f"CREATE TABLE {table}_copy AS SELECT * FROM {table}"))
        conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(text(f"ALTER TABLE {table}_copy RENAME TO {table}"))

    return drop


def _negative_stock(conn: Connection, day: Day) -> None:
    """Below zero with no sale rung offline to explain it (no stock exception)."""
    _sql(
        "UPDATE stock_levels SET on_hand = -1 "
        "WHERE product_id = :other_product AND location_id = :location"
    )(conn, day)
    units = conn.execute(
        select(func.sum(StockMovement.quantity)).where(
            StockMovement.product_id == day.other_product,
            StockMovement.location_id == day.location,
        )
    ).scalar_one()
    conn.execute(
        insert(StockMovement).values(
            product_id=day.other_product,
            location_id=day.location,
            quantity=-(units + 1),
            kind="adjustment",
            reason="lost",
            document=None,
            actor_id=None,
            created_at=NOW,
        )
    )
    _sql(  # the lots follow it: nothing left in them (see inventory.stock.lot_rules)
        "UPDATE stock_lots SET remaining = 0 "
        "WHERE product_id = :other_product AND location_id = :location"
    )(conn, day)


def _movement_without_level(conn: Connection, day: Day) -> None:
    conn.execute(
        insert(StockMovement).values(
            product_id=day.product,
            location_id=day.other_location,
            quantity=2,
            kind="intake",
            reason="brought",
            document=None,
            actor_id=None,
            created_at=NOW,
        )
    )


def _lot_under_anothers_terms(conn: Connection, day: Day) -> None:
    maker = conn.execute(
        text("SELECT entrepreneur_id FROM products WHERE id = :p"), {"p": day.product}
    ).scalar_one()
    other = conn.execute(
        text("SELECT min(id) FROM entrepreneurs WHERE id <> :maker"), {"maker": maker}
    ).scalar_one()
    terms_id = conn.execute(
        insert(ConsignmentTermsVersion)
        .values(
            entrepreneur_id=other,
            commission_kind="flat",
            commission_bp=1000,
            category_bp={},
            tiers=[],
            markdowns=[],
            period_days=90,
            end_action="return",
            extend_days=0,
            note="",
            valid_from=NOW,
        )
        .returning(ConsignmentTermsVersion.id)
    ).scalar_one()
    conn.execute(
        text(
            "UPDATE stock_lots SET terms_id = :terms WHERE id = (SELECT min(id) FROM stock_lots"
            " WHERE product_id = :product AND location_id = :location)"
        ),
        {"terms": terms_id, "product": day.product, "location": day.location},
    )


def _empty_entry(conn: Connection, day: Day) -> None:
    conn.execute(
        insert(JournalEntryRow).values(
            at=NOW, kind="adjustment", document="ADJ-EMPTY", reverses_entry_id=None, actor_id=None
        )
    )


def _confirmation_event(payment: str, **detail: str) -> Callable[[Connection, Day], None]:
    def write(conn: Connection, day: Day) -> None:
        conn.execute(
            insert(PaymentEventRow).values(
                payment_id=getattr(day, payment),
                event="payment_confirmed",
                at=NOW,
                actor_id=None,
                source="webhook",
                detail=detail,
            )
        )

    return write


def _reused_key(conn: Connection, day: Day) -> None:
    _drop_unique("sales", "idempotency_key")(conn)
    _sql("UPDATE sales SET idempotency_key = 'chk-cash-1' WHERE id = :last_sale")(conn, day)


def _receipt(day: Day, seq: int) -> str:
    return f"SKP-01-{seq:06d}"


def _renumber_last_sale(conn: Connection, day: Day) -> None:
    """Two numbers skipped before the last receipt."""
    seq = day.receipts + 2
    conn.execute(
        text("UPDATE sales SET receipt_seq = :seq, receipt_number = :number WHERE id = :id"),
        {"seq": seq, "number": _receipt(day, seq), "id": day.last_sale},
    )


def _payment_of_no_sale(conn: Connection, day: Day) -> None:
    """The foreign key set aside inside the test's transaction (never committed)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE payments DROP CONSTRAINT fk_payments_sale_id_sales"))
    else:
        conn.execute(text("PRAGMA defer_foreign_keys = ON"))
    _sql("UPDATE payments SET sale_id = 999999 WHERE id = :loose_payment")(conn, day)


def _voided_sale_paid(conn: Connection, day: Day) -> None:
    """The voided sale's withdrawn QR turned confirmed (with its event), no exception."""
    _sql(
        "UPDATE payments SET status = 'confirmed', confirmation = 'manual', "
        "confirmed_at = created_at WHERE id = :void_payment"
    )(conn, day)
    _confirmation_event("void_payment", confirmation="manual")(conn, day)


def _stranded(conn: Connection, day: Day) -> None:
    """The pending sale's QR expired an hour before the check."""
    conn.execute(
        update(Payment)
        .where(Payment.id == day.pending_payment)
        .values(expires_at=NOW - timedelta(hours=1))
    )


@dataclass(frozen=True)
class Break:
    name: str
    rules: tuple[str, ...]  # all reported, and no other; the first with ``where``
    where: Callable[[Day], str]
    write: Callable[[Connection, Day], None]


def _return_note_never_moved(conn: Connection, day: Day) -> None:
    """A note recorded as collected whose goods never left by a movement."""
    lot = conn.execute(
        text("SELECT min(id) FROM stock_lots WHERE product_id = :p"), {"p": day.product}
    ).scalar_one()
    note = conn.execute(
        text(
            "INSERT INTO return_notes (number, entrepreneur_id, location_id, status, note,"
            " prepared_at, collected_by_name, closed_at, cancel_reason) VALUES"
            " ('RTN-2026-999999', :maker, :location, 'collected', '', :now, 'x', :now, '')"
            " RETURNING id"
        ),
        {"maker": day.maker, "location": day.location, "now": NOW},
    ).scalar_one()
    conn.execute(
        text(
            "INSERT INTO return_note_lines (note_id, lot_id, product_id, received_on, ends_on,"
            " units, collected) VALUES (:note, :lot, :p, :day, :day, 2, 2)"
        ),
        {"note": note, "lot": lot, "p": day.product, "day": NOW.date()},
    )


BREAKS = [
    Break(
        "a posting off by one satang",
        ("journal-balanced",),
        lambda d: f"journal entry {d.cash_entry} (SKP-01-000001)",
        _sql(
            "UPDATE postings SET amount_satang = amount_satang + 1 WHERE id = (SELECT min(id) "
            "FROM postings WHERE entry_id = :cash_entry AND entrepreneur_id IS NULL "
            "AND role = 'commission')"
        ),
    ),
    Break(
        "an entry without postings", ("journal-balanced",), lambda d: "(ADJ-EMPTY)", _empty_entry
    ),
    Break(
        "a payable account renamed",
        ("payable-account",),
        lambda d: "(entrepreneur_payable:999999)",
        _sql(
            "UPDATE ledger_accounts SET code = 'entrepreneur_payable:999999' "
            "WHERE entrepreneur_id = :maker"
        ),
    ),
    Break(
        "a posting naming another maker",
        ("posting-entrepreneur", "balance-fold"),
        lambda d: f"of journal entry {d.cash_entry}",
        _sql(
            "UPDATE postings SET entrepreneur_id = :other_maker WHERE id = (SELECT min(id) "
            "FROM postings WHERE entry_id = :cash_entry AND entrepreneur_id = :maker)"
        ),
    ),
    Break(
        "a posting with a role the balance does not know",
        ("balance-fold", "account-totals"),
        lambda d: f"entrepreneur {d.maker_code} (id {d.maker})",
        _sql(
            "UPDATE postings SET role = 'bonus' WHERE id = (SELECT min(id) FROM postings "
            "WHERE entry_id = :cash_entry AND entrepreneur_id = :maker AND role = 'sale')"
        ),
    ),
    Break(
        "a payout's amount edited",
        ("payout-ledger",),
        lambda d: f"payout {d.payout}",
        _sql("UPDATE payouts SET amount_satang = amount_satang + 100 WHERE id = :payout"),
    ),
    Break(
        "a stock level edited",
        ("stock-movements",),
        lambda d: f"product {d.product_sku} at SKP",
        _sql(
            "UPDATE stock_levels SET on_hand = on_hand + 1 "
            "WHERE product_id = :product AND location_id = :location"
        ),
    ),
    Break(
        "a lot by intake emptied by hand",
        ("stock-lots",),
        lambda d: f"product {d.product_sku} at SKP",
        _sql(
            "UPDATE stock_lots SET remaining = remaining - 1 WHERE id = (SELECT max(id)"
            " FROM stock_lots WHERE product_id = :product AND location_id = :location"
            " AND remaining > 0)"
        ),
    ),
    Break(
        "a return note collected without its movement",
        ("return-notes",),
        lambda d: f"return note RTN-2026-999999, product {d.product_sku}",
        _return_note_never_moved,
    ),
    Break(
        "goods under another entrepreneur's terms",
        ("lot-terms",),
        lambda d: f"of product {d.product_sku}",
        _lot_under_anothers_terms,
    ),
    Break(
        "a movement without a level",
        ("stock-movements", "stock-lots"),
        lambda d: f"product {d.product_sku} at TPR",
        _movement_without_level,
    ),
    Break("stock below zero", ("stock-not-negative",), lambda d: "at SKP", _negative_stock),
    Break(
        "a gap in the receipt numbers",
        ("receipt-numbers", "sale-ledger"),
        lambda d: f"till SKP-01, receipt {_receipt(d, d.receipts + 2)}",
        _renumber_last_sale,
    ),
    Break(
        "a receipt misprinted",
        # The sale's full tax invoice names the receipt as it was printed.
        ("receipt-numbers", "sale-ledger", "replaced-receipt-invoice"),
        lambda d: f"till SKP-01, sale {d.cash_sale}",
        _sql("UPDATE sales SET receipt_number = 'SKP-01-1' WHERE id = :cash_sale"),
    ),
    Break(
        "a pending sale numbered",
        ("receipt-numbers",),
        lambda d: f"till SKP-01, sale {d.pending_sale}",
        _sql(
            "UPDATE sales SET receipt_seq = :receipts + 1, receipt_number = 'SKP-01-999999' "
            "WHERE id = :pending_sale"
        ),
    ),
    Break(
        "a gap in the credit notes",
        ("credit-note-numbers", "refund-ledger"),
        lambda d: "till SKP-01, credit note CN-SKP-01-000005",
        _sql(
            "UPDATE refunds SET credit_note_seq = 5, credit_note_number = 'CN-SKP-01-000005' "
            "WHERE id = :last_refund"
        ),
    ),
    Break(
        "a running total off by one satang",
        ("account-totals",),
        lambda d: "account ",
        _sql(
            "UPDATE ledger_account_totals SET total_satang = total_satang + 1 WHERE account_id ="
            " (SELECT min(account_id) FROM ledger_account_totals)"
        ),
    ),
    Break(
        "postings without their running total",
        ("account-totals",),
        lambda d: "role commission",
        _sql("DELETE FROM ledger_account_totals WHERE role = 'commission'"),
    ),
    Break(
        "a gap in the full tax invoices",
        ("tax-invoice-numbers",),
        lambda d: "till SKP-01, full tax invoice TI-SKP-01-000004",
        _sql("UPDATE tax_invoices SET seq = 4, number = 'TI-SKP-01-000004'"),
    ),
    Break(
        "a tax credit note printed with another number",
        ("tax-credit-note-numbers",),
        lambda d: "till SKP-01, tax credit note ",
        _sql("UPDATE tax_credit_notes SET number = 'TCN-SKP-01-000009'"),
    ),
    Break(
        "a full tax invoice naming another receipt",
        ("replaced-receipt-invoice",),
        lambda d: f"tax invoice TI-SKP-01-000001 (sale {d.cash_sale})",
        _sql("UPDATE tax_invoices SET replaces_receipt = 'SKP-01-000099'"),
    ),
    Break(
        "a gap in the Z numbers",
        ("z-numbers",),
        lambda d: "till SKP-01, Z report Z-SKP-01-000003",
        _sql("UPDATE shifts SET z_seq = 3, z_number = 'Z-SKP-01-000003' WHERE id = :closed_shift"),
    ),
    Break(
        "a payment's amount altered",
        ("sale-payments",),
        lambda d: f"sale {d.cash_sale} (SKP-01-000001)",
        _sql("UPDATE payments SET amount_satang = amount_satang - 100 WHERE id = :cash_payment"),
    ),
    Break(
        "a paid payment made pending",
        ("sale-payments", "payment-confirmation"),
        lambda d: f"sale {d.hook_sale} (",
        _sql("UPDATE payments SET status = 'pending' WHERE id = :hook_payment"),
    ),
    Break(
        "a payment confirmed twice",
        ("payment-confirmed-once",),
        lambda d: f"payment {d.hook_payment} ({d.hook_reference})",
        _confirmation_event("hook_payment", confirmation="webhook", transaction_id=TRANSACTION),
    ),
    Break(
        "a confirmed payment's transaction altered",
        ("payment-confirmation",),
        lambda d: f"payment {d.hook_payment} ({d.hook_reference})",
        _sql("UPDATE payments SET transaction_id = 'TX-OTHER' WHERE id = :hook_payment"),
    ),
    Break(
        "a slip confirming a second payment",
        ("slip-confirmed-once", "payment-confirmation"),
        lambda d: f"slip {SLIP_REF}",
        _confirmation_event("loose_payment", confirmation="slip", slip_ref=SLIP_REF),
    ),
    Break(
        "a bank transaction confirming a second payment",
        ("slip-confirmed-once", "payment-confirmation"),
        lambda d: f"bank transaction {TRANSACTION}",
        _confirmation_event("loose_payment", confirmation="webhook", transaction_id=TRANSACTION),
    ),
    Break(
        "an Idempotency-Key on two sales",
        ("idempotency-key",),
        lambda d: "Idempotency-Key 'chk-cash-1'",
        _reused_key,
    ),
    Break(
        "a sale line edited",
        ("sale-lines",),
        lambda d: f"sale {d.cash_sale} (SKP-01-000001)",
        _sql(
            "UPDATE sale_lines SET line_total_satang = line_total_satang - 1, "
            "net_satang = net_satang - 1 WHERE sale_id = :cash_sale AND line_no = 2"
        ),
    ),
    Break(
        "a completed sale without its entry",
        ("sale-ledger",),
        lambda d: f"sale {d.cash_sale} (SKP-01-000001)",
        _sql("UPDATE sales SET journal_entry_id = NULL WHERE id = :cash_sale"),
    ),
    Break(
        "a refund of more than was sold",
        ("refund-lines",),
        lambda d: f"sale {d.cash_sale} (SKP-01-000001), line 1",
        _sql("UPDATE refund_lines SET quantity = 50 WHERE refund_id = :refund"),
    ),
    Break(
        "a refund posted as a sale",
        ("refund-ledger",),
        lambda d: f"refund {d.refund} (",
        _sql("UPDATE refunds SET journal_entry_id = :cash_entry WHERE id = :refund"),
    ),
    Break(
        "a payment of a sale that does not exist",
        ("payment-sale",),
        lambda d: f"payment {d.loose_payment} (",
        _payment_of_no_sale,
    ),
    Break(
        "a voided sale's QR paid without the money owed back",
        ("voided-sale-money",),
        lambda d: "sale ",
        _voided_sale_paid,
    ),
    Break(
        "a sale left waiting past its QR's expiry",
        ("sale-not-stranded",),
        lambda d: f"sale {d.pending_sale} (",
        _stranded,
    ),
]


def test_every_rule_has_a_write_that_breaks_it() -> None:
    assert {known.slug for known in RULES} == {b.rules[0] for b in BREAKS}


@pytest.mark.parametrize("case", BREAKS, ids=[b.name for b in BREAKS])
def test_a_broken_rule_is_reported_with_its_rule_and_where(
    traded: tuple[Database, Day], case: Break
) -> None:
    db, day = traded
    with db.engine.connect() as conn, conn.begin() as tx:
        case.write(conn, day)
        found = find_violations(conn, NOW)
        tx.rollback()
    where = case.where(day)
    assert any(v.rule == case.rules[0] and where in v.where for v in found), found
    assert {v.rule for v in found} == set(case.rules), found
    assert all(v.detail for v in found)
