"""The offline till's API: blocks of receipt numbers leased to a device, a sale rung at the till
recorded as a fact, sale exceptions for a manager, and the shift close that lists the numbers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests.api.conftest import LoginAs
from tests.api.test_sales_api import _catalogue, _till_with_shift

pytestmark = pytest.mark.anyio

DEVICE = "dev-test-0001"


def _rung_body(
    till: int, shift: int, seq: int, product: int, price: int, clock: FixedClock
) -> dict[str, Any]:
    return {
        "till_id": till,
        "lines": [{"product_id": product, "quantity": 1, "unit_price_satang": price}],
        "payments": [{"method": "cash", "amount_satang": price}],
        "rung": {
            "receipt_seq": seq,
            "device_id": DEVICE,
            "rung_at": (clock.now() - timedelta(minutes=3)).isoformat(),
            "clock_skew_ms": 0,
            "shift_id": shift,
        },
    }


async def _shift_id(client: AsyncTestClient[Any], till: int) -> int:
    current = await client.get(f"/api/v1/shifts/current?till_id={till}")
    assert current.status_code == 200, current.text
    shift: int = current.json()["id"]
    return shift


async def test_a_device_leases_blocks_up_to_a_limit(login_as: LoginAs, db: Database) -> None:
    location, _, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    url = f"/api/v1/tills/{till}/receipt-blocks"
    first = await client.post(url, json={"device_id": DEVICE, "size": 10})
    assert first.status_code == 201, first.text
    assert (first.json()["first_number"], first.json()["last_number"]) == (
        "SKP-01-000001",
        "SKP-01-000010",
    )
    for _ in range(3):
        assert (await client.post(url, json={"device_id": DEVICE})).status_code == 201
    refused = await client.post(url, json={"device_id": DEVICE})
    assert refused.status_code == 409 and refused.json()["code"] == "till.blocks_enough"
    held = await client.get(f"{url}?device_id={DEVICE}")
    assert [b["first_seq"] for b in held.json()] == [1, 11, 61, 111]
    bad = await client.post(url, json={"device_id": "short"})
    assert bad.status_code == 400 or bad.status_code == 422


async def test_a_rung_sale_over_http_is_a_fact_with_its_exception(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    location, products, _ = _catalogue(db, stock=(0, 5))
    client, till = await _till_with_shift(login_as, location)
    shift = await _shift_id(client, till)
    block = await client.post(
        f"/api/v1/tills/{till}/receipt-blocks", json={"device_id": DEVICE, "size": 5}
    )
    seq = block.json()["first_seq"]
    body = _rung_body(till, shift, seq, products[0], 10000, clock)  # none on hand
    headers = {"Idempotency-Key": "rung-http-0001"}
    sale = await client.post("/api/v1/sales", json=body, headers=headers)
    assert sale.status_code == 201, sale.text
    assert sale.json()["status"] == "completed"
    assert sale.json()["receipt_number"] == "SKP-01-000001"
    again = await client.post("/api/v1/sales", json=body, headers=headers)
    assert again.status_code == 200 and again.json()["id"] == sale.json()["id"]

    seen = await client.get("/api/v1/sale-exceptions")
    [found] = seen.json()
    assert found["kind"] == "stock_below_zero" and found["receipt_number"] == "SKP-01-000001"
    resolve = f"/api/v1/sale-exceptions/{found['id']}/resolve"
    forbidden = await client.post(resolve, json={"resolution": "counted"})
    assert forbidden.status_code == 403  # a cashier reports, a manager resolves

    manager = await login_as(Role.MANAGER, username="manager-rung")
    page = await manager.get("/admin/sale-exceptions")
    assert page.status_code == 200 and "SKP-01-000001" in page.text
    form = f'data-resolve="{found["id"]}" data-resolve-at="/api/v1/sale-exceptions/"'
    assert form in page.text  # the page's form resolves it through the sale-exceptions API
    done = await manager.post(resolve, json={"resolution": "นับแล้ว"})
    assert done.status_code == 200 and done.json()["resolution"] == "นับแล้ว"
    assert (await manager.get("/api/v1/sale-exceptions")).json() == []


async def test_a_rung_sale_with_a_number_no_block_holds_is_refused_in_thai(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    shift = await _shift_id(client, till)
    body = _rung_body(till, shift, 7, products[1], 12550, clock)
    refused = await client.post(
        "/api/v1/sales", json=body, headers={"Idempotency-Key": "rung-http-0002"}
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "sale.receipt_not_leased"
    assert "เลขที่ใบเสร็จ 7" in refused.json()["detail"]


async def test_the_close_lists_numbers_issued_and_void(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    shift = await _shift_id(client, till)
    block = await client.post(
        f"/api/v1/tills/{till}/receipt-blocks", json={"device_id": DEVICE, "size": 4}
    )
    first = block.json()["first_seq"]
    sold = await client.post(
        "/api/v1/sales",
        json=_rung_body(till, shift, first, products[1], 12550, clock),
        headers={"Idempotency-Key": "rung-http-0003"},
    )
    assert sold.status_code == 201, sold.text
    closed = await client.post(
        f"/api/v1/shifts/{shift}/close",
        json={"counted_satang": 12550, "device_id": DEVICE, "last_receipt_seq": first + 1},
    )
    assert closed.status_code == 200, closed.text
    report = closed.json()
    assert report["last_receipt_number"] == "SKP-01-000002"
    assert report["outstanding_numbers"] == ["SKP-01-000002"]
    assert report["void_numbers"] == ["SKP-01-000003 – SKP-01-000004"]
    printed = await client.get(f"/api/v1/shifts/{shift}/report.html")
    assert "SKP-01-000003 – SKP-01-000004" in printed.text


async def test_a_rung_sale_whose_discount_approval_fails_is_kept_and_flagged(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    """An approval the till held may have lapsed, or be refused on arrival: the sale happened,
    so its discount goes to a manager instead of the sale being lost in the queue."""
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    shift = await _shift_id(client, till)
    block = await client.post(
        f"/api/v1/tills/{till}/receipt-blocks", json={"device_id": DEVICE, "size": 5}
    )
    body = _rung_body(till, shift, block.json()["first_seq"], products[1], 12550, clock)
    body["lines"][0]["discount_satang"] = 6000  # far above the cashier's limit
    body["payments"][0]["amount_satang"] = 12550 - 6000
    body["approval_token"] = "not-a-token"
    sale = await client.post(
        "/api/v1/sales", json=body, headers={"Idempotency-Key": "rung-http-0009"}
    )
    assert sale.status_code == 201, sale.text
    [found] = (await client.get("/api/v1/sale-exceptions")).json()
    assert found["kind"] == "discount_unapproved"
    assert found["detail"]["discount_satang"] == 6000
