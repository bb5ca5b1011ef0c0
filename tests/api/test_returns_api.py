"""Returns without a receipt over HTTP (POST /api/v1/returns): a manager's approval bound to the
till and the lines and used once; the money out of the shift's drawer, the goods back in
stock (or written off), the entrepreneur's payable and the centre's commission taken back as
a refund takes them, a credit note that names no receipt; bad input refused with the line
named and nothing written; `otop-pos check` passes on what is left."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from integrity.check import find_violations
from inventory.models import Product
from kernel.access import Role
from kernel.db.engine import Database
from payments.ledger.models import LedgerAccount, PostingRow
from pos.models import Refund
from pos.reports.periods import Period
from pos.reports.queries import lines_by_product
from tests import factories as f
from tests.api.conftest import LoginAs
from tests.api.test_sales_api import _catalogue, _till_with_shift
from tests.api.test_till_day_api import _approval

pytestmark = pytest.mark.anyio


def return_of(body: dict[str, Any]) -> dict[str, Any]:
    """The subject of a return approval for a return's body."""
    return {"goods_return": {"till_id": body["till_id"], "lines": body["lines"]}}


def _body(till: int, products: list[int], **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "till_id": till,
        "lines": [
            {"product_id": products[0], "quantity": 2},
            {"product_id": products[1], "quantity": 1, "unit_price_satang": 9000},
        ],
        "restock": True,
        "method": "cash",
        "reason": "ลูกค้าไม่มีใบเสร็จ สินค้ายังใหม่",
    }
    body.update(extra)
    return body


async def _on_hand(client: AsyncTestClient[Any], product: int) -> int:
    rows = (await client.get("/api/v1/stock", params={"product_id": product})).json()
    items = rows["items"] if isinstance(rows, dict) else rows
    return sum(r["on_hand"] for r in items if r["product_id"] == product)


def _count(db: Database, model: Any) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


async def test_a_cashier_returns_goods_without_a_receipt_with_a_managers_approval(
    login_as: LoginAs, db: Database
) -> None:
    location, products, maker = _catalogue(db, stock=(3, 3))
    client, till = await _till_with_shift(login_as, location)
    body = _body(till, products)
    before = [await _on_hand(client, p) for p in products]

    refused = await client.post(
        "/api/v1/returns", json=body, headers={"Idempotency-Key": "return-key-1"}
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "approval.return_required"
    assert refused.json()["field"] == "approval_token"

    token = await _approval(client, "return", return_of(body))
    done = await client.post(
        "/api/v1/returns",
        json={**body, "approval_token": token},
        headers={"Idempotency-Key": "return-key-2"},
    )
    assert done.status_code == 201, done.text
    view = done.json()
    # Product 0 at today's price (10000) x 2, product 1 at the lower price given (9000) x 1.
    assert view["total_satang"] == 2 * 10000 + 9000
    assert view["sale_id"] is None and view["receipt_number"] is None
    assert view["credit_note_number"] == "CN-SKP-01-000001"
    assert view["approved_by_id"] is not None
    assert [
        (ln["quantity"], ln["unit_price_satang"], ln["amount_satang"]) for ln in view["lines"]
    ] == [
        (2, 10000, 20000),
        (1, 9000, 9000),
    ]
    assert [ln["name_th"] for ln in view["lines"]] == ["ของ 0", "ของ 1"]
    assert [await _on_hand(client, p) for p in products] == [before[0] + 2, before[1] + 1]

    again = await client.post(
        "/api/v1/returns",
        json={**body, "approval_token": token},
        headers={"Idempotency-Key": "return-key-2"},
    )
    assert again.status_code == 200 and again.headers["idempotency-replayed"] == "true"
    assert again.json()["id"] == view["id"]
    reused = await client.post(
        "/api/v1/returns",
        json={**body, "approval_token": token},
        headers={"Idempotency-Key": "return-key-3"},
    )
    assert reused.status_code == 403 and reused.json()["code"] == "approval.used"

    note = await client.get(f"/api/v1/refunds/{view['id']}/credit-note")
    assert note.status_code == 200
    assert "คืนสินค้าโดยไม่มีใบเสร็จ" in note.text and "CN-SKP-01-000001" in note.text

    # The drawer paid it: the shift's expected cash is down by the total.
    shift = (await client.get("/api/v1/shifts/current", params={"till_id": till})).json()
    report = (await client.get(f"/api/v1/shifts/{shift['id']}/report")).json()
    assert report["cash_refunds_satang"] == 29000
    assert report["expected_cash_satang"] == -29000  # opened with no float

    # The entrepreneur bears it: their payable went down by the net, as a refund's does.
    with db.read() as conn:
        # The centre's report by product counts it as a refund of each product.
        day = conn.execute(select(Refund.business_date)).scalar_one()
        by_product = lines_by_product(conn, Period(day, day))
        assert {key[0]: (row.quantity, row.refunds_satang) for key, row in by_product.items()} == {
            products[0]: (-2, 20000),
            products[1]: (-1, 9000),
        }
        postings = conn.execute(
            select(LedgerAccount.code, func.sum(PostingRow.amount_satang))
            .join(LedgerAccount, LedgerAccount.id == PostingRow.account_id)
            .group_by(LedgerAccount.code)
        ).all()
        assert find_violations(conn) == []
    sums = dict(postings)
    # Only this return moved money: the payable and the commission are debited it between them.
    payable, commission = sums[f"entrepreneur_payable:{maker}"], sums["commission_income"]
    assert payable + commission == 29000 and 0 < commission < payable
    assert sums["cash:SKP-01"] == -29000 and sum(sums.values()) == 0


async def test_an_approval_is_for_its_lines_and_till_only(login_as: LoginAs, db: Database) -> None:
    location, products, _ = _catalogue(db, stock=(3, 3))
    client, till = await _till_with_shift(login_as, location)
    body = _body(till, products)
    token = await _approval(client, "return", return_of(body))
    more = _body(till, products)
    more["lines"][0]["quantity"] = 3
    moved = await client.post(
        "/api/v1/returns",
        json={**more, "approval_token": token},
        headers={"Idempotency-Key": "return-other-1"},
    )
    assert moved.status_code == 403 and moved.json()["code"] == "approval.other_subject"
    refund_token = await _approval(
        client, "refund", {"refund": {"sale_id": 1, "lines": [{"line_no": 1, "quantity": 1}]}}
    )
    wrong = await client.post(
        "/api/v1/returns",
        json={**body, "approval_token": refund_token},
        headers={"Idempotency-Key": "return-other-2"},
    )
    assert wrong.status_code == 403 and wrong.json()["code"] == "approval.wrong_action"
    assert _count(db, Refund) == 0


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (
            {"lines": [{"product_id": 999_999, "quantity": 1}]},
            "return.no_such_product",
            "lines[0].product_id",
        ),
        ("twice", "return.product_twice", "lines[1].product_id"),
        ("dearer", "return.price_range", "lines[1].unit_price_satang"),
        ({"reason": "   "}, "refund.reason_required", "reason"),
        ({"method": "card"}, "request.invalid", None),
        ({"lines": []}, "request.invalid", None),
        ({"lines": [{"product_id": 1, "quantity": 0}]}, "request.invalid", None),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_written(
    login_as: LoginAs, db: Database, change: Any, code: str, field: str | None
) -> None:
    location, products, _ = _catalogue(db, stock=(3, 3))
    client, till = await _till_with_shift(login_as, location)
    await login_as_manager(login_as)
    body = _body(till, products)
    if change == "twice":
        body["lines"][1]["product_id"] = products[0]
    elif change == "dearer":
        body["lines"][1]["unit_price_satang"] = 12551  # product 1 sells at 12550 today
    else:
        body.update(change)
    stock_before = [await _on_hand(client, p) for p in products]
    response = await client.post(
        "/api/v1/returns", json=body, headers={"Idempotency-Key": "bad-return-key"}
    )
    assert response.status_code in (400, 422), response.text
    assert response.json()["code"] == code
    if field is not None:
        assert response.json()["field"] == field
    assert _count(db, Refund) == 0
    assert [await _on_hand(client, p) for p in products] == stock_before


async def test_a_return_larger_than_one_payment_is_refused(login_as: LoginAs, db: Database) -> None:
    """Ten million baht at most (what one payment may be), and never a number the database
    cannot hold."""
    location, products, maker = _catalogue(db, stock=(3, 3))
    with db.write() as conn:
        cat = f.category(conn, "wood", "ไม้", "Wood")
        dear = f.product(conn, maker, cat, price_satang=600_000_000, name_th="ช้าง")
    client, till = await _till_with_shift(login_as, location)
    await login_as_manager(login_as)
    body = _body(till, products, lines=[{"product_id": dear, "quantity": 2}])
    response = await client.post(
        "/api/v1/returns", json=body, headers={"Idempotency-Key": "return-too-large"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "return.total_too_large"
    assert response.json()["params"]["total"] == "12,000,000.00"
    assert _count(db, Refund) == 0


async def login_as_manager(login_as: LoginAs) -> None:
    """A manager returning goods is the approver: no token; bad input is refused all the same."""
    await login_as(Role.MANAGER, username="manager2")


async def test_a_manager_returns_goods_written_off_by_transfer_without_a_token(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db, stock=(3, 3))
    client, till = await _till_with_shift(login_as, location)
    await login_as_manager(login_as)
    before = [await _on_hand(client, p) for p in products]
    body = _body(till, products, restock=False, method="transfer")
    done = await client.post(
        "/api/v1/returns", json=body, headers={"Idempotency-Key": "return-manager-1"}
    )
    assert done.status_code == 201, done.text
    assert done.json()["method"] == "transfer" and done.json()["restock"] is False
    assert done.json()["approved_by_id"] == done.json()["cashier_id"]
    assert [await _on_hand(client, p) for p in products] == before  # written off
    with db.read() as conn:
        assert find_violations(conn) == []
        assert conn.execute(select(Product.id).where(Product.id == products[0])).scalar_one()
