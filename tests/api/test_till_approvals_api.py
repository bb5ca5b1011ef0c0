"""Closing the drawer by blind count, a short sale a manager allowed and a price a manager
changed, over HTTP: what each refuses without the manager or the reason, and what it records."""

from __future__ import annotations

from typing import Any

import pytest

from integrity.check import find_violations, find_warnings
from inventory.stock.service import on_hand
from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from payments.ledger.postings import entrepreneur_balance
from tests.api.conftest import PASSWORD, LoginAs, csrf_cookie_of
from tests.api.test_rung_sales_api import DEVICE, _rung_body, _shift_id
from tests.api.test_sales_api import _catalogue, _till_with_shift
from tests.api.test_till_day_api import _approval

pytestmark = pytest.mark.anyio


async def test_a_blind_count_far_from_the_drawer_needs_a_reason_kept_on_the_z_report(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    sale = await client.post(
        "/api/v1/sales",
        json={
            "till_id": till,
            "lines": [{"product_id": products[0], "quantity": 3}],
            "payments": [{"method": "cash", "amount_satang": 30000}],
        },
        headers={"Idempotency-Key": "blind-sale-01"},
    )
    assert sale.status_code == 201, sale.text
    shift = sale.json()["shift_id"]
    # 300 baht expected; 150.00 short is over the 100-baht default: refused, nothing closed.
    short = await client.post(f"/api/v1/shifts/{shift}/close", json={"counted_satang": 15000})
    assert short.status_code == 422, short.text
    answer = short.json()
    assert answer["code"] == "shift.difference_reason_required"
    assert answer["field"] == "difference_reason"
    assert answer["expected_cash_satang"] == 30000 and answer["difference_satang"] == -15000
    assert "เหตุผล" in answer["detail"]
    english = await client.post(
        f"/api/v1/shifts/{shift}/close",
        json={"counted_satang": 15000, "difference_reason": "   "},
        headers={"Accept-Language": "en"},
    )
    assert english.status_code == 422
    assert "give a reason for the difference" in english.json()["detail"]
    still_open = (await client.get(f"/api/v1/shifts/{shift}/report")).json()
    assert still_open["z_number"] is None
    too_long = await client.post(
        f"/api/v1/shifts/{shift}/close",
        json={"counted_satang": 15000, "difference_reason": "x" * 201},
    )
    assert too_long.status_code == 400
    closed = await client.post(
        f"/api/v1/shifts/{shift}/close",
        json={"counted_satang": 15000, "difference_reason": "ทอนเงินผิด 150 บาท"},
    )
    assert closed.status_code == 200, closed.text
    z = closed.json()
    assert z["difference_satang"] == -15000 and z["difference_reason"] == "ทอนเงินผิด 150 บาท"
    assert (await client.get(f"/api/v1/shifts/{shift}/report")).json() == z
    page = await client.get(f"/api/v1/shifts/{shift}/report.html")
    assert "เหตุผลของส่วนต่าง" in page.text and "ทอนเงินผิด 150 บาท" in page.text


async def test_a_blind_count_within_the_set_amount_closes_without_a_reason(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    sale = await client.post(
        "/api/v1/sales",
        json={
            "till_id": till,
            "lines": [{"product_id": products[0], "quantity": 1}],
            "payments": [{"method": "cash", "amount_satang": 10000}],
        },
        headers={"Idempotency-Key": "blind-sale-02"},
    )
    shift = sale.json()["shift_id"]
    # Exactly 100 baht over is not "over 100 baht".
    closed = await client.post(f"/api/v1/shifts/{shift}/close", json={"counted_satang": 20000})
    assert closed.status_code == 200, closed.text
    assert closed.json()["difference_satang"] == 10000
    assert closed.json()["difference_reason"] is None


def _short_body(till: int, product: int, **extra: Any) -> dict[str, Any]:
    """7 of a product the books hold 5 of, paid cash."""
    return {
        "till_id": till,
        "lines": [{"product_id": product, "quantity": 7}],
        "payments": [{"method": "cash", "amount_satang": 70000}],
        **extra,
    }


def _sale_subject(body: dict[str, Any]) -> dict[str, Any]:
    """The subject of a sale approval for a sale's body."""
    return {
        "sale": {
            "lines": body["lines"],
            "cart_discount_satang": body.get("cart_discount_satang", 0),
            "allow_short_stock": body.get("allow_short_stock", False),
        }
    }


async def test_a_short_sale_goes_through_only_with_a_managers_approval_and_asks_for_a_count(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    plain = _short_body(till, products[0])
    refused = await client.post(
        "/api/v1/sales", json=plain, headers={"Idempotency-Key": "short-01"}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "stock.short"
    asked = _short_body(till, products[0], allow_short_stock=True)
    unapproved = await client.post(
        "/api/v1/sales",
        json=asked,
        headers={"Idempotency-Key": "short-01", "Accept-Language": "en"},
    )
    assert unapproved.status_code == 403, unapproved.text
    assert unapproved.json()["code"] == "approval.short_sale_required"
    assert "needs a manager's approval" in unapproved.json()["detail"]
    # A discount approval, or a sale approval of the cart without the short sale, is not one.
    discount = await _approval(
        client, "discount", {"discount": {"lines": plain["lines"], "cart_discount_satang": 0}}
    )
    with_discount = await client.post(
        "/api/v1/sales",
        json={**asked, "approval_token": discount},
        headers={"Idempotency-Key": "short-01"},
    )
    assert with_discount.status_code == 403
    assert with_discount.json()["code"] == "approval.short_sale_required"
    not_short = await _approval(client, "sale", _sale_subject(plain))
    other = await client.post(
        "/api/v1/sales",
        json={**asked, "approval_token": not_short},
        headers={"Idempotency-Key": "short-01"},
    )
    assert other.status_code == 403 and other.json()["code"] == "approval.other_subject"

    token = await _approval(client, "sale", _sale_subject(asked))
    sold = await client.post(
        "/api/v1/sales",
        json={**asked, "approval_token": token},
        headers={"Idempotency-Key": "short-01"},
    )
    assert sold.status_code == 201, sold.text
    assert sold.json()["status"] == "completed"
    await _sign_in(client, "manager1")
    exceptions = (await client.get("/api/v1/sale-exceptions")).json()
    [found] = [e for e in exceptions if e["sale_id"] == sold.json()["id"]]
    assert found["kind"] == "stock_below_zero"
    assert found["detail"]["requested"] == 7 and found["detail"]["on_hand_before"] == 5
    assert found["detail"]["approved_by_id"] > 0
    with db.read() as conn:
        assert on_hand(conn, [products[0]], location) == {products[0]: -2}
        assert "stock-to-count" in {w.rule for w in find_warnings(conn)}
    # Used once: the same approval does not allow another short sale.
    await _sign_in(client, "cashier1")
    again = await client.post(
        "/api/v1/sales",
        json={**asked, "approval_token": token},
        headers={"Idempotency-Key": "short-02"},
    )
    assert again.status_code == 403 and again.json()["code"] == "approval.used"


def _changed_body(till: int, product: int, **line: Any) -> dict[str, Any]:
    """2 of a 100.00 product charged 80.00 each."""
    return {
        "till_id": till,
        "lines": [{"product_id": product, "quantity": 2, "unit_price_satang": 8000, **line}],
        "payments": [{"method": "cash", "amount_satang": 16000}],
    }


async def test_a_price_changed_at_the_till_needs_a_reason_and_a_manager_and_the_centre_bears_it(
    login_as: LoginAs, db: Database
) -> None:
    location, products, maker = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    no_reason = _changed_body(till, products[0])
    refused = await client.post(
        "/api/v1/sales", json=no_reason, headers={"Idempotency-Key": "price-01"}
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "lines[0].price_reason"
    body = _changed_body(till, products[0], price_reason="กล่องบุบ ลูกค้าขอลด")
    unapproved = await client.post(
        "/api/v1/sales", json=body, headers={"Idempotency-Key": "price-01", "Accept-Language": "en"}
    )
    assert unapproved.status_code == 403, unapproved.text
    assert unapproved.json()["code"] == "approval.price_change_required"
    assert "from 100.00 to 80.00 baht" in unapproved.json()["detail"]
    # A token for 80.00 does not approve 50.00.
    token = await _approval(client, "sale", _sale_subject(body))
    lower = _changed_body(till, products[0], price_reason="กล่องบุบ ลูกค้าขอลด")
    lower["lines"][0]["unit_price_satang"] = 5000
    lower["payments"][0]["amount_satang"] = 10000
    tampered = await client.post(
        "/api/v1/sales",
        json={**lower, "approval_token": token},
        headers={"Idempotency-Key": "price-01"},
    )
    assert tampered.status_code == 403 and tampered.json()["code"] == "approval.other_subject"
    sold = await client.post(
        "/api/v1/sales",
        json={**body, "approval_token": token},
        headers={"Idempotency-Key": "price-01"},
    )
    assert sold.status_code == 201, sold.text
    [line] = sold.json()["lines"]
    assert line["unit_price_satang"] == 8000 and line["list_price_satang"] == 10000
    assert line["price_reason"] == "กล่องบุบ ลูกค้าขอลด" and line["price_approved_by_id"] > 0
    assert line["line_total_satang"] == 16000 == sold.json()["total_satang"]
    # The centre bears the 40.00: the maker is owed on the list price, 200.00 less commission.
    listed = 2 * 10000
    assert line["net_satang"] == listed - (listed * line["commission_bp"] + 5000) // 10000
    assert line["commission_satang"] + line["net_satang"] == 16000
    with db.read() as conn:
        assert entrepreneur_balance(conn, maker) == line["net_satang"]
        assert find_violations(conn) == []
    again = await client.post(
        "/api/v1/sales",
        json={**body, "approval_token": token},
        headers={"Idempotency-Key": "price-02"},
    )
    assert again.status_code == 403 and again.json()["code"] == "approval.used"


async def test_a_manager_ringing_a_sale_changes_a_price_without_a_token(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db)
    client = await login_as(Role.MANAGER)
    created = await client.post(
        "/api/v1/tills", json={"code": "skp-09", "name": "Till 9", "location_id": location}
    )
    till = created.json()["id"]
    opened = await client.post("/api/v1/shifts", json={"till_id": till, "opening_float_satang": 0})
    assert opened.status_code == 201, opened.text
    body = _changed_body(till, products[1], price_reason="ราคาป้ายผิด")
    body["lines"][0]["unit_price_satang"] = 13000  # above the list price of 125.50
    body["payments"][0]["amount_satang"] = 26000
    sold = await client.post("/api/v1/sales", json=body, headers={"Idempotency-Key": "price-03"})
    assert sold.status_code == 201, sold.text
    [line] = sold.json()["lines"]
    assert line["list_price_satang"] == 12550 and line["price_approved_by_id"] is not None
    # Above the list price the commission is taken on what was paid.
    assert line["net_satang"] == 26000 - (26000 * line["commission_bp"] + 5000) // 10000
    assert line["net_satang"] + line["commission_satang"] == 26000


async def _sign_in(client: Any, username: str) -> None:
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    client.headers["x-csrftoken"] = csrf_cookie_of(client)


async def test_a_cash_sale_rung_at_the_till_carries_the_approved_price_and_short_sale(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    """The till rings cash sales itself (a fact on arrival): with a manager's sale approval a
    changed price is a price change (not a difference to review), and the short line's
    exception names the manager who allowed it."""
    location, products, _ = _catalogue(db, stock=(1, 5))
    client, till = await _till_with_shift(login_as, location)
    shift = await _shift_id(client, till)
    block = await client.post(
        f"/api/v1/tills/{till}/receipt-blocks", json={"device_id": DEVICE, "size": 5}
    )
    seq = block.json()["first_seq"]
    body = _rung_body(till, shift, seq, products[0], 9000, clock)
    body["lines"][0].update(quantity=3, price_reason="ของโชว์ มีรอยเล็กน้อย")
    body["payments"][0]["amount_satang"] = 27000
    body["allow_short_stock"] = True
    body["approval_token"] = await _approval(client, "sale", _sale_subject(body))
    sold = await client.post("/api/v1/sales", json=body, headers={"Idempotency-Key": "rung-ok-01"})
    assert sold.status_code == 201, sold.text
    [line] = sold.json()["lines"]
    assert line["list_price_satang"] == 10000 and line["unit_price_satang"] == 9000
    assert line["price_approved_by_id"] is not None
    await _sign_in(client, "manager1")
    found = [e for e in (await client.get("/api/v1/sale-exceptions")).json()]
    kinds = {e["kind"]: e["detail"] for e in found if e["sale_id"] == sold.json()["id"]}
    assert set(kinds) == {"stock_below_zero"}  # no price_differs: the price change was approved
    assert kinds["stock_below_zero"]["approved_by_id"] == line["price_approved_by_id"]
    # Without the approval the same price is a difference for a manager, never a refusal.
    await _sign_in(client, "cashier1")
    plain = _rung_body(till, shift, seq + 1, products[1], 9000, clock)
    plain["lines"][0]["price_reason"] = "ลูกค้าขอ"
    kept = await client.post("/api/v1/sales", json=plain, headers={"Idempotency-Key": "rung-ok-02"})
    assert kept.status_code == 201, kept.text
    assert kept.json()["lines"][0]["list_price_satang"] is None
    await _sign_in(client, "manager1")
    found = (await client.get("/api/v1/sale-exceptions")).json()
    assert [e["kind"] for e in found if e["sale_id"] == kept.json()["id"]] == ["price_differs"]
