"""The payment lifecycle on SQLite and PostgreSQL: create, expire, cancel, confirm, exceptions."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from kernel.access import Actor, Role
from kernel.audit import AuditEntry
from kernel.clock import FixedClock
from kernel.db.engine import Database
from kernel.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from payments import promptpay
from payments.lifecycle import (
    OutcomeKind,
    PaymentView,
    SlipReusedError,
    WebhookEvent,
    cancel_payment,
    check_account,
    confirm_by_webhook,
    confirm_manually,
    create_payment,
    events_of,
    expire_due,
    get_payment,
    list_exceptions,
    record_slip_refused,
    resolve_exception,
)
from payments.models import Payment, PaymentEventRow, PaymentException

CASHIER = Actor(user_id=None, username="till", role=Role.CASHIER)
MANAGER = Actor(user_id=None, username="manager", role=Role.MANAGER)
ACCOUNT = check_account("0812345678", None)
BILLER = check_account(None, "010555512345601")
EXPIRY = timedelta(minutes=10)


def _create(db: Database, clock: FixedClock, amount: int = 15000, **kw: Any) -> PaymentView:
    kw.setdefault("method", "promptpay")
    kw.setdefault("account", ACCOUNT)
    with db.write() as conn:
        return create_payment(conn, CASHIER, clock.now(), amount_satang=amount, expiry=EXPIRY, **kw)


def _hook(payment: PaymentView, transaction_id: str = "TX1", **kw: Any) -> WebhookEvent:
    return WebhookEvent(
        reference=kw.get("reference", payment.reference),
        amount_satang=kw.get("amount", payment.amount_satang),
        transaction_id=transaction_id,
        paid_at=kw.get("paid_at", datetime(2026, 11, 21, 3, 1, tzinfo=UTC)),
    )


def _webhook(db: Database, clock: FixedClock, event: WebhookEvent) -> Any:
    with db.write() as conn:
        return confirm_by_webhook(conn, clock.now(), event)


def _events(db: Database, payment_id: int) -> list[str]:
    with db.read() as conn:
        return [e.event for e in events_of(conn, payment_id)]


def _status(db: Database, payment_id: int) -> str:
    with db.read() as conn:
        return str(conn.execute(select(Payment.status).where(Payment.id == payment_id)).scalar())


def test_promptpay_payment_is_pending_with_a_qr_for_the_exact_amount_and_its_reference(
    db: Database, clock: FixedClock
) -> None:
    payment = _create(db, clock, 15025)
    assert payment.status == "pending"
    assert payment.expires_at == clock.now() + EXPIRY
    decoded = promptpay.parse(payment.payload or "")
    assert decoded.amount_satang == 15025
    assert decoded.initiation == "dynamic"
    assert decoded.additional["reference_label"] == payment.reference
    assert _events(db, payment.id) == ["payment_created"]


def test_with_a_biller_id_the_reference_is_ref1_of_a_bill_payment(
    db: Database, clock: FixedClock
) -> None:
    payment = _create(db, clock, 500, account=BILLER)
    decoded = promptpay.parse(payment.payload or "")
    assert (decoded.kind, decoded.biller_id, decoded.ref1) == (
        "bill_payment",
        "010555512345601",
        payment.reference,
    )


def test_references_are_unique_and_unguessable(db: Database, clock: FixedClock) -> None:
    references = {_create(db, clock).reference for _ in range(20)}
    assert len(references) == 20
    assert all(r.startswith("OTP") and r.isalnum() and r.isupper() for r in references)


def test_cash_payment_is_created_confirmed_without_a_qr(db: Database, clock: FixedClock) -> None:
    payment = _create(db, clock, 2000, method="cash")  # of no sale: a sale's must exist
    assert (payment.status, payment.confirmation, payment.payload, payment.sale_id) == (
        "confirmed",
        "cash",
        None,
        None,
    )
    assert _events(db, payment.id) == ["payment_created", "payment_confirmed"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": 0}, "amount_satang"),
        ({"amount": -5}, "amount_satang"),
        ({"amount": 10**12}, "amount_satang"),
        ({"method": "cheque"}, "method"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    db: Database, clock: FixedClock, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        _create(db, clock, **changes)
    assert caught.value.field == field
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(Payment)).scalar() == 0


def test_an_entrepreneur_cannot_take_payments(db: Database, clock: FixedClock) -> None:
    maker = Actor(user_id=None, username="maker", role=Role.ENTREPRENEUR, entrepreneur_id=1)
    with pytest.raises(ForbiddenError), db.write() as conn:
        create_payment(
            conn,
            maker,
            clock.now(),
            amount_satang=100,
            method="cash",
            account=ACCOUNT,
            expiry=EXPIRY,
        )


def test_a_payment_reads_as_expired_after_its_expiry_and_cannot_then_be_confirmed(
    db: Database, clock: FixedClock
) -> None:
    payment = _create(db, clock)
    clock.advance(minutes=10)
    with db.read() as conn:
        assert get_payment(conn, payment.id, clock.now()).status == "expired"
    with pytest.raises(ConflictError, match="expired"), db.write() as conn:
        confirm_manually(conn, CASHIER, clock.now(), payment.id)
    assert payment.expires_at is not None
    late = payment.expires_at + timedelta(seconds=1)  # the bank says: paid after the expiry
    outcome = _webhook(db, clock, _hook(payment, paid_at=late))
    assert outcome.kind == OutcomeKind.NOT_PENDING
    assert _status(db, payment.id) == "expired"
    assert "payment_expired" in _events(db, payment.id)


def test_a_callback_arriving_after_the_expiry_confirms_what_was_paid_in_time(
    db: Database, clock: FixedClock
) -> None:
    """Judged by the bank's paid_at: the customer paid within the QR's validity."""
    payment = _create(db, clock)
    clock.advance(minutes=30)
    with db.write() as conn:
        assert expire_due(conn, clock.now()) == [payment.id]
    assert payment.expires_at is not None
    outcome = _webhook(db, clock, _hook(payment, paid_at=payment.expires_at))
    assert outcome.kind == OutcomeKind.CONFIRMED
    assert _status(db, payment.id) == "confirmed"
    events = _events(db, payment.id)
    assert events.index("payment_expired") < events.index("payment_confirmed")


def test_expire_due_stores_every_passed_expiry_once(db: Database, clock: FixedClock) -> None:
    old = _create(db, clock)
    clock.advance(minutes=5)
    young = _create(db, clock)
    cash = _create(db, clock, method="cash")
    clock.advance(minutes=6)
    with db.write() as conn:
        assert expire_due(conn, clock.now()) == [old.id]
    with db.write() as conn:
        assert expire_due(conn, clock.now()) == []
    assert (_status(db, young.id), _status(db, cash.id)) == ("pending", "confirmed")
    assert _events(db, old.id).count("payment_expired") == 1


def test_cancel_a_pending_payment_once(db: Database, clock: FixedClock) -> None:
    payment = _create(db, clock)
    with db.write() as conn:
        assert cancel_payment(conn, CASHIER, clock.now(), payment.id).status == "cancelled"
    with pytest.raises(ConflictError, match="already cancelled"), db.write() as conn:
        cancel_payment(conn, CASHIER, clock.now(), payment.id)
    with pytest.raises(ConflictError, match="cancelled"), db.write() as conn:
        confirm_manually(conn, CASHIER, clock.now(), payment.id)


def test_manual_confirmation_is_attributed_and_audited(db: Database, clock: FixedClock) -> None:
    payment = _create(db, clock)
    with db.write() as conn:
        done = confirm_manually(conn, CASHIER, clock.now(), payment.id)
    assert (done.status, done.confirmation, done.confirmed_at) == (
        "confirmed",
        "manual",
        clock.now(),
    )
    with pytest.raises(ConflictError, match="already confirmed"), db.write() as conn:
        confirm_manually(conn, CASHIER, clock.now(), payment.id)
    with db.read() as conn:
        actions = conn.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
    assert actions == ["payment_created", "payment_confirmed"]


def test_confirming_an_unknown_payment_is_not_found(db: Database, clock: FixedClock) -> None:
    with pytest.raises(NotFoundError), db.write() as conn:
        confirm_manually(conn, CASHIER, clock.now(), 999)


def test_a_slip_is_stored_and_refused_for_any_later_payment(
    db: Database, clock: FixedClock
) -> None:
    slip = promptpay.slip_verify("014", "2026112112345ABC")
    first, second = _create(db, clock), _create(db, clock)
    with db.write() as conn:
        done = confirm_manually(conn, CASHIER, clock.now(), first.id, slip_payload=slip)
    assert (done.confirmation, done.slip_ref) == ("slip", "014:2026112112345ABC")
    with pytest.raises(SlipReusedError) as caught, db.write() as conn:
        confirm_manually(conn, CASHIER, clock.now(), second.id, slip_payload=slip)
    assert caught.value.field == "slip_payload"
    assert caught.value.params["used_by_payment_id"] == first.id
    with db.write() as conn:
        record_slip_refused(conn, CASHIER, clock.now(), caught.value)
    assert _status(db, second.id) == "pending"
    assert _events(db, second.id) == ["payment_created", "slip_refused"]


def test_a_slip_that_is_not_a_slip_is_refused_naming_the_field(
    db: Database, clock: FixedClock
) -> None:
    payment = _create(db, clock)
    with pytest.raises(InvalidInputError) as caught, db.write() as conn:
        confirm_manually(conn, CASHIER, clock.now(), payment.id, slip_payload="hello")
    assert caught.value.field == "slip_payload"
    assert _status(db, payment.id) == "pending"


def test_webhook_confirms_and_the_same_callback_again_changes_nothing(
    db: Database, clock: FixedClock
) -> None:
    payment = _create(db, clock)
    first = _webhook(db, clock, _hook(payment))
    assert first.kind == OutcomeKind.CONFIRMED
    assert first.payment.transaction_id == "TX1"
    clock.advance(seconds=30)
    again = _webhook(db, clock, _hook(payment))
    assert again.kind == OutcomeKind.DUPLICATE
    assert again.payment.version == first.payment.version
    assert again.payment.confirmed_at == first.payment.confirmed_at
    assert _events(db, payment.id) == [
        "payment_created",
        "webhook_received",
        "payment_confirmed",
        "webhook_duplicate",
    ]


def test_webhook_for_an_unknown_reference_is_recorded(db: Database, clock: FixedClock) -> None:
    payment = _create(db, clock)
    outcome = _webhook(db, clock, _hook(payment, reference="OTPNOSUCHREF0000"))
    assert outcome.kind == OutcomeKind.UNKNOWN_REFERENCE
    with db.read() as conn:
        row = conn.execute(select(PaymentEventRow).where(PaymentEventRow.payment_id.is_(None)))
        recorded = row.mappings().one()
    assert recorded["event"] == "webhook_unknown_reference"
    assert recorded["detail"]["reference"] == "OTPNOSUCHREF0000"
    assert _status(db, payment.id) == "pending"


def test_amount_mismatch_is_not_confirmed_but_an_exception_a_manager_resolves(
    db: Database, clock: FixedClock
) -> None:
    payment = _create(db, clock, 15000)
    outcome = _webhook(db, clock, _hook(payment, amount=1500))
    assert outcome.kind == OutcomeKind.AMOUNT_MISMATCH
    assert _status(db, payment.id) == "pending"
    again = _webhook(db, clock, _hook(payment, amount=1500))
    assert (again.kind, again.exception_id) == (OutcomeKind.AMOUNT_MISMATCH, outcome.exception_id)
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(PaymentException)).scalar() == 1
        with pytest.raises(ForbiddenError):
            list_exceptions(conn, CASHIER)
        (open_one,) = list_exceptions(conn, MANAGER)
    assert (open_one.kind, open_one.amount_satang, open_one.payment_id) == (
        "amount_mismatch",
        1500,
        payment.id,
    )
    with pytest.raises(InvalidInputError), db.write() as conn:
        resolve_exception(conn, MANAGER, clock.now(), open_one.id, "  ")
    with db.write() as conn:
        done = resolve_exception(conn, MANAGER, clock.now(), open_one.id, "refunded 15 baht")
    assert done.resolved_at == clock.now()
    with pytest.raises(ConflictError), db.write() as conn:
        resolve_exception(conn, MANAGER, clock.now(), open_one.id, "again")
    with db.read() as conn:
        assert list_exceptions(conn, MANAGER) == []


def test_a_bank_transaction_confirms_only_one_payment(db: Database, clock: FixedClock) -> None:
    first, second = _create(db, clock), _create(db, clock)
    assert _webhook(db, clock, _hook(first, "TX9")).kind == OutcomeKind.CONFIRMED
    assert _webhook(db, clock, _hook(second, "TX9")).kind == OutcomeKind.TRANSACTION_REUSED
    assert _status(db, second.id) == "pending"


def test_the_banks_retry_of_a_confirmation_stays_a_duplicate_after_the_transaction_is_reused(
    db: Database, clock: FixedClock
) -> None:
    # Found by the state machine: the reused transaction's exception was the answer to the
    # first payment's own retried callback (409, and its sale was not completed).
    first, second = _create(db, clock), _create(db, clock)
    assert _webhook(db, clock, _hook(first, "TX9")).kind == OutcomeKind.CONFIRMED
    assert _webhook(db, clock, _hook(second, "TX9")).kind == OutcomeKind.TRANSACTION_REUSED
    again = _webhook(db, clock, _hook(first, "TX9"))
    assert (again.kind, again.exception_id) == (OutcomeKind.DUPLICATE, None)
    assert _webhook(db, clock, _hook(second, "TX9")).kind == OutcomeKind.TRANSACTION_REUSED
    assert (_status(db, first.id), _status(db, second.id)) == ("confirmed", "pending")


def _together(*works: Callable[[], object]) -> list[object]:
    """Start one thread per piece of work at the same moment; each gives its result or what
    it raised."""
    barrier = threading.Barrier(len(works))
    results: list[object] = []
    lock = threading.Lock()

    def run(work: Callable[[], object]) -> None:
        barrier.wait()
        try:
            result = work()
        except Exception as error:
            result = error
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_cashiers_confirming_at_once_confirm_exactly_once(
    db: Database, clock: FixedClock
) -> None:
    for _ in range(5):
        payment = _create(db, clock)

        def confirm(payment_id: int = payment.id) -> object:
            with db.write() as conn:
                return confirm_manually(conn, CASHIER, clock.now(), payment_id).status

        results = _together(confirm, confirm)
        assert sorted(map(str, results)) == ["confirmed", "the payment is already confirmed"]
        assert _events(db, payment.id).count("payment_confirmed") == 1


def test_two_callbacks_of_one_transaction_at_once_confirm_once(
    db: Database, clock: FixedClock
) -> None:
    for _ in range(5):
        payment = _create(db, clock)

        def hook(p: PaymentView = payment) -> object:
            return _webhook(db, clock, _hook(p, "TX-" + p.reference)).kind

        assert sorted(_together(hook, hook)) == [OutcomeKind.CONFIRMED, OutcomeKind.DUPLICATE]  # type: ignore[type-var]
        assert _events(db, payment.id).count("payment_confirmed") == 1


def test_a_callback_and_a_cashier_at_once_confirm_exactly_once(
    db: Database, clock: FixedClock
) -> None:
    for attempt in range(5):
        payment = _create(db, clock)
        event = _hook(payment, f"TXC{attempt}")
        results = _together(
            lambda e=event: _webhook(db, clock, e).kind,
            lambda p=payment: _manual_status(db, clock, p.id),
        )
        assert [str(r) for r in results].count("confirmed") == 1, results
        assert _status(db, payment.id) == "confirmed"
        assert _events(db, payment.id).count("payment_confirmed") == 1


def _manual_status(db: Database, clock: FixedClock, payment_id: int) -> str:
    with db.write() as conn:
        return confirm_manually(conn, CASHIER, clock.now(), payment_id).status
