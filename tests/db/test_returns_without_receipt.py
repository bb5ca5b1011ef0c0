"""Returns without a receipt, on SQLite and PostgreSQL: the entrepreneur bears one as they bear
a refund against a receipt (the same unit back costs them the same), one approval serves one
return even when two race for it, and `otop-pos check` finds nothing wrong afterwards."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from integrity.check import find_violations
from kernel.clock import FixedClock
from kernel.db.engine import Database
from kernel.errors import ForbiddenError
from payments.ledger.postings import entrepreneur_balance, unbalanced_entries
from pos.approvals import ApprovalGrant
from pos.refunds.receiptless import ReturnLine, ReturnRequest, return_without_receipt
from tests.db.test_refunds_and_shifts import PRICES, _cash_sale, _manager, _refund
from tests.db.test_sales import Shop, _shop


def _return(
    db: Database,
    clock: FixedClock,
    shop: Shop,
    key: str,
    grant: ApprovalGrant | None,
    lines: tuple[ReturnLine, ...],
) -> object:
    request = ReturnRequest(shop.till, lines, True, "cash", "ไม่มีใบเสร็จ")
    with db.write() as conn:
        view, _ = return_without_receipt(
            conn, shop.cashier, clock.now(), request, idempotency_key=key, approval=grant
        )
    return view


def _owed(db: Database, maker: int) -> int:
    with db.read() as conn:
        return entrepreneur_balance(conn, maker)


def test_the_entrepreneur_bears_a_return_as_they_bear_a_refund(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    sale = _cash_sale(db, clock, shop)  # two of product a, three of b
    maker = shop.makers[0]
    before = _owed(db, maker)
    _refund(db, clock, shop, sale.id, ((1, 1),), "refund-key-1", actor=manager)
    by_receipt = before - _owed(db, maker)
    grant = ApprovalGrant("return-approval-1", manager.user_id or 0, "return")
    line = ReturnLine(shop.products[0], 1)  # today's price: what the sale charged
    _return(db, clock, shop, "return-key-1", grant, (line,))
    without = before - by_receipt - _owed(db, maker)
    assert by_receipt == without == PRICES[0] - PRICES[0] * 2000 // 10000
    with db.read() as conn:
        assert unbalanced_entries(conn) == []
        assert find_violations(conn, clock.now()) == []


def test_one_approval_serves_one_return_when_two_race(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    manager = _manager(db)
    grant = ApprovalGrant("return-approval-race", manager.user_id or 0, "return")
    line = ReturnLine(shop.products[1], 1, PRICES[1] - 50)

    def attempt(key: str) -> str:
        try:
            _return(db, clock, shop, key, grant, (line,))
        except ForbiddenError as error:
            return error.code
        return "ok"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(attempt, ["race-return-1", "race-return-2"]))
    assert outcomes == ["approval.used", "ok"]
    with db.read() as conn:
        assert find_violations(conn, clock.now()) == []


def test_a_cashier_without_an_approval_is_refused(db: Database, clock: FixedClock) -> None:
    shop = _shop(db, clock)
    with pytest.raises(ForbiddenError) as refused:
        _return(db, clock, shop, "no-approval-1", None, (ReturnLine(shop.products[0], 1),))
    assert refused.value.code == "approval.return_required"
