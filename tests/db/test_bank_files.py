"""Bank accounts and a payout run's bank files on SQLite and PostgreSQL: accounts set, changed
and removed (audited), the bulk-transfer file, and the bank's result file applied in one
transaction or not at all (mismatched amounts, a line twice, unknown lines, replays)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from integrity.check import find_violations
from inventory import spreadsheets
from inventory.bank_account_models import EntrepreneurBankAccount
from inventory.catalogue.bank_accounts import (
    bank_account_of,
    remove_bank_account,
    set_bank_account,
)
from inventory.models import District, Entrepreneur
from kernel.access import Actor
from kernel.audit import AuditEntry
from kernel.clock import FixedClock, business_date
from kernel.db.engine import Database
from kernel.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from payments.ledger.payout_models import Payout
from payments.ledger.postings import unbalanced_entries
from pos.checkout.requests import CheckoutRequest, LineRequest, PaymentRequest
from pos.consignment.access import entrepreneur_balance
from pos.consignment.bank_files import apply_result, preview_result, transfer_file
from pos.consignment.bank_result_rules import LineOutcome
from pos.consignment.payouts import PayoutRunView, create_run, mark_paid
from pos.models import Sale
from pos.refunds.service import RefundRequest, refund_sale
from tests.db.test_accounts_and_payouts import _manager
from tests.db.test_sales import Shop, _sell, _shop

WINDOW = timedelta(days=7)
HEADER = "reference,account_number,amount_baht,status,bank_reference\n"


def _run(db: Database, clock: FixedClock) -> tuple[Shop, Actor, PayoutRunView]:
    """A run paying both makers of the shop (the first has a KBANK account on file)."""
    shop = _shop(db, clock)
    manager = _manager(db)
    request = CheckoutRequest(
        shop.till,
        (LineRequest(shop.products[0], 2), LineRequest(shop.products[1], 1)),
        (PaymentRequest("cash", 2 * 45000 + 12050),),
    )
    _sell(db, clock, shop, request, "bank-files-sale-1")
    with db.write() as conn:
        set_bank_account(
            conn,
            manager,
            clock.now(),
            shop.makers[0],
            bank="KBANK",
            account_number="123-4-56789-0",
            account_name="นางสาวสมศรี ใจดี",
        )
    clock.advance(days=10)
    with db.write() as conn:
        run = create_run(
            conn,
            manager,
            clock.now(),
            cutoff=business_date(clock.now()) - timedelta(days=1),
            minimum_satang=100,
            refund_window=WINDOW,
        )
    assert len(run.payouts) == 2
    return shop, manager, run


def _line(
    run: PayoutRunView, index: int, status: str = "success", ref: str = "", amount=None
) -> str:  # type: ignore[no-untyped-def]
    p = run.payouts[index]
    satang = p.amount_satang if amount is None else amount
    return f"{run.number}-{p.id},,{satang // 100}.{satang % 100:02d},{status},{ref}\n"


def _statuses(db: Database) -> list[str]:
    with db.read() as conn:
        return list(conn.execute(select(Payout.status).order_by(Payout.id)).scalars())


def test_an_account_is_set_changed_and_removed_by_managers_with_an_audit(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    maker = shop.makers[0]
    with db.write() as conn:
        assert bank_account_of(conn, manager, maker) is None
        stored = set_bank_account(
            conn,
            manager,
            clock.now(),
            maker,
            bank="4",
            account_number="1234567890",
            account_name="Somsri",
        )
        assert stored.shown == "123-4-56789-0" and stored.account.bank_code == "004"
        same = set_bank_account(
            conn,
            manager,
            clock.now(),
            maker,
            bank="KBANK",
            account_number="123 456 7890",
            account_name="Somsri",
        )
        assert same == stored  # nothing changed: nothing written, nothing audited
        set_bank_account(
            conn,
            manager,
            clock.now(),
            maker,
            bank="GSB",
            account_number="0201-2345-6789",
            account_name="Somsri",
        )
        with pytest.raises(InvalidInputError, match="12 digits"):
            set_bank_account(
                conn,
                manager,
                clock.now(),
                maker,
                bank="GSB",
                account_number="1234567890",
                account_name="Somsri",
            )
        with pytest.raises(ForbiddenError):
            set_bank_account(
                conn,
                shop.cashier,
                clock.now(),
                maker,
                bank="004",
                account_number="1234567890",
                account_name="x",
            )
        with pytest.raises(NotFoundError):
            set_bank_account(
                conn,
                manager,
                clock.now(),
                999_999,
                bank="004",
                account_number="1234567890",
                account_name="x",
            )
        after = bank_account_of(conn, manager, maker)
        assert after is not None and after.account.account_number == "020123456789"
        remove_bank_account(conn, manager, clock.now(), maker)
        assert bank_account_of(conn, manager, maker) is None
        actions = list(
            conn.execute(
                select(AuditEntry.action)
                .where(AuditEntry.action.like("bank_account%"))
                .order_by(AuditEntry.id)
            ).scalars()
        )
    assert actions == ["bank_account_set", "bank_account_set", "bank_account_removed"]


def test_the_transfer_file_lists_only_payouts_to_a_valid_account(
    db: Database, clock: FixedClock
) -> None:
    shop, manager, run = _run(db, clock)
    with db.read() as conn:
        made = transfer_file(conn, manager, run.id)
    with_account = next(p for p in run.payouts if p.entrepreneur_id == shop.makers[0])
    assert made.rows[0] == [
        "bank_code",
        "account_number",
        "account_name",
        "amount_baht",
        "reference",
    ]
    assert [[str(c) for c in row] for row in made.rows[1:]] == [
        [
            "004",
            "1234567890",
            "นางสาวสมศรี ใจดี",
            f"{with_account.amount_satang // 100}.{with_account.amount_satang % 100:02d}",
            f"{run.number}-{with_account.id}",
        ]
    ]
    assert made.left_out == 1  # the second maker has no account: paid by QR


def test_a_clean_result_file_marks_the_run_paid_in_one_go_and_a_replay_is_refused(
    db: Database, clock: FixedClock
) -> None:
    _, manager, run = _run(db, clock)
    raw = (HEADER + _line(run, 0, ref="KB-0001") + _line(run, 1, ref="KB-0002")).encode()
    with db.read() as conn:
        preview = preview_result(conn, manager, run.id, raw)
    assert [line.outcome for line in preview.lines] == [LineOutcome.PAY, LineOutcome.PAY]
    assert _statuses(db) == ["pending", "pending"]  # a preview writes nothing
    with db.write() as conn:
        applied = apply_result(conn, manager, clock.now(), run.id, raw, refund_window=WINDOW)
    assert applied.pay_satang == sum(p.amount_satang for p in run.payouts)
    assert _statuses(db) == ["paid", "paid"]
    with db.read() as conn:
        for p in run.payouts:
            balance = entrepreneur_balance(conn, manager, p.entrepreneur_id, clock.now(), WINDOW)
            assert balance.balance_satang == 0
        assert unbalanced_entries(conn) == []
        refs = list(conn.execute(select(Payout.bank_reference).order_by(Payout.id)).scalars())
    assert refs == ["KB-0001", "KB-0002"]
    with db.read() as conn:
        assert find_violations(conn, clock.now()) == []  # otop-pos check agrees
        paid_audits = conn.execute(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "payout_paid")
        ).scalar_one()
    assert paid_audits == 2
    with db.write() as conn, pytest.raises(ConflictError) as replay:
        apply_result(conn, manager, clock.now(), run.id, raw, refund_window=WINDOW)
    assert replay.value.code == "bank_result.not_applicable"
    with db.read() as conn:
        again = preview_result(conn, manager, run.id, raw)
    assert {line.problem.code for line in again.lines if line.problem} == {
        "bank_result.already_paid"
    }


@pytest.mark.parametrize(
    "second",
    [
        "mismatch",
        "twice",
        "unknown",
        "bank_reference_twice",
    ],
)
def test_a_file_with_one_bad_line_writes_nothing(
    db: Database, clock: FixedClock, second: str
) -> None:
    _, manager, run = _run(db, clock)
    first = _line(run, 0, ref="KB-0001")
    bad = {
        "mismatch": _line(run, 1, ref="KB-0002", amount=run.payouts[1].amount_satang + 1),
        "twice": _line(run, 0, ref="KB-0003"),
        "unknown": f"{run.number}-999,,10.00,success,KB-0004\n",
        "bank_reference_twice": _line(run, 1, ref="kb 0001"),
    }[second]
    raw = (HEADER + first + bad).encode()
    with db.write() as conn, pytest.raises(ConflictError, match="Nothing was recorded"):
        apply_result(conn, manager, clock.now(), run.id, raw, refund_window=WINDOW)
    assert _statuses(db) == ["pending", "pending"]
    with db.read() as conn:
        assert (
            conn.execute(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "payout_paid")
            ).scalar_one()
            == 0
        )


def test_failed_lines_stay_waiting_and_a_used_bank_reference_is_refused(
    db: Database, clock: FixedClock
) -> None:
    _, manager, run = _run(db, clock)
    with db.write() as conn:
        mark_paid(
            conn,
            manager,
            clock.now(),
            run.payouts[1].id,
            bank_reference="SCB-77",
            refund_window=WINDOW,
        )
    used = (HEADER + _line(run, 0, ref="scb 77")).encode()
    with db.write() as conn, pytest.raises(ConflictError):
        apply_result(conn, manager, clock.now(), run.id, used, refund_window=WINDOW)
    failed = (HEADER + _line(run, 0, status="failed")).encode()
    with db.write() as conn:
        plan = apply_result(conn, manager, clock.now(), run.id, failed, refund_window=WINDOW)
    assert [line.outcome for line in plan.lines] == [LineOutcome.FAILED]
    assert _statuses(db) == ["pending", "paid"]


def test_a_payout_a_refund_has_made_too_large_is_refused_with_the_whole_file(
    db: Database, clock: FixedClock
) -> None:
    shop, manager, run = _run(db, clock)
    sale_id = _sales(db)[0]
    with db.write() as conn:
        refund_sale(
            conn,
            manager,
            clock.now(),
            RefundRequest(sale_id, shop.till, ((1, 2),), True, "cash", "returned"),
            idempotency_key="bank-files-refund-1",
            approved_by_id=None,
        )
    raw = (HEADER + _line(run, 0, ref="KB-1") + _line(run, 1, ref="KB-2")).encode()
    with db.write() as conn, pytest.raises(ConflictError) as short:
        apply_result(conn, manager, clock.now(), run.id, raw, refund_window=WINDOW)
    assert short.value.code == "payout.balance_short"
    assert _statuses(db) == ["pending", "pending"]


def _sales(db: Database) -> list[int]:
    with db.read() as conn:
        return list(conn.execute(select(Sale.id).order_by(Sale.id)).scalars())


def test_a_result_is_checked_again_when_applied_after_a_manual_payment(
    db: Database, clock: FixedClock
) -> None:
    """Previewed clean, then one payout was marked paid by hand before the confirm."""
    _, manager, run = _run(db, clock)
    raw = (HEADER + _line(run, 0, ref="KB-1") + _line(run, 1, ref="KB-2")).encode()
    with db.read() as conn:
        assert preview_result(conn, manager, run.id, raw).applicable
    with db.write() as conn:
        mark_paid(
            conn,
            manager,
            clock.now(),
            run.payouts[0].id,
            bank_reference="KB-1",
            refund_window=WINDOW,
        )
    with db.write() as conn, pytest.raises(ConflictError):
        apply_result(conn, manager, clock.now(), run.id, raw, refund_window=WINDOW)
    assert _statuses(db) == ["paid", "pending"]


def test_the_entrepreneurs_csv_imports_bank_accounts(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    with db.read() as conn:
        codes = list(
            conn.execute(
                select(Entrepreneur.code, Entrepreneur.district_id)
                .where(Entrepreneur.id.in_(shop.makers))
                .order_by(Entrepreneur.id)
            )
        )
    head = (
        "code,name_th,name_en,district_code,commission_percent,star_rating,"
        "bank_code,bank_account_number,bank_account_name\n"
    )
    with db.read() as conn:
        district = conn.execute(
            select(District.code).where(District.id == codes[0][1])
        ).scalar_one()
    good = (
        head
        + f"{codes[0][0]},ก,A,{district},20,3,KBANK,123-4-56789-0,นายเอ\n"
        + f"{codes[1][0]},ข,B,{district},15,3,,,\n"
        + f"E900,ค,C,{district},15,3,030,0201 2345 6789,นางซี\n"
    ).encode()
    bad = (head + f"E901,ง,D,{district},15,3,GSB,1234567890,นางดี\n").encode()
    with db.read() as conn:
        refused = spreadsheets.preview_entrepreneurs(conn, bad)
    assert [(e.line, e.field) for e in refused.errors] == [(2, "bank_account_number")]
    assert "12 digits" in refused.errors[0].reason
    with db.write() as conn:
        spreadsheets.import_entrepreneurs(conn, manager, clock.now(), good)
    with db.read() as conn:
        stored = dict(
            conn.execute(
                select(Entrepreneur.code, EntrepreneurBankAccount.account_number).join(
                    EntrepreneurBankAccount,
                    EntrepreneurBankAccount.entrepreneur_id == Entrepreneur.id,
                )
            ).all()
        )
        audited = conn.execute(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "bank_account_set")
        ).scalar_one()
    assert stored == {codes[0][0]: "1234567890", "E900": "020123456789"}
    assert audited == 2
    with db.write() as conn, pytest.raises(InvalidInputError):
        spreadsheets.import_entrepreneurs(conn, manager, clock.now(), bad)
