"""The stock API over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from inventory.models import Intake, Product, StockMovement
from kernel.access import Role
from kernel.db.engine import Database
from tests import factories as f
from tests.api.conftest import LoginAs

pytestmark = pytest.mark.anyio


@pytest.fixture
def shop(db: Database) -> dict[str, Any]:
    with db.write() as conn:
        district = f.district(conn)
        home = f.location(conn)
        fair = f.location(conn, code="TPR", name_th="ท่าแพ", name_en="Tha Phae", is_default=False)
        cat = f.category(conn)
        weaver = f.entrepreneur(conn, district, code="E1")
        potter = f.entrepreneur(conn, district, code="E2")
        sarong = f.product(conn, weaver, cat, name_th="ผ้าซิ่น", price_satang=45000)
        scarf = f.product(conn, weaver, cat, name_th="ผ้าพันคอ")
        vase = f.product(conn, potter, cat, name_th="แจกัน")
        barcode = conn.execute(select(Product.barcode).where(Product.id == scarf)).scalar_one()
    return {
        "home": home,
        "fair": fair,
        "weaver": weaver,
        "potter": potter,
        "sarong": sarong,
        "scarf": scarf,
        "vase": vase,
        "scarf_barcode": barcode,
    }


def _movement_count(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(StockMovement)).scalar_one())


async def test_cashier_receives_an_intake_by_barcode_and_gets_a_grn(
    login_as: LoginAs, shop: dict[str, Any]
) -> None:
    client = await login_as(Role.CASHIER)
    response = await client.post(
        "/api/v1/stock/intakes",
        json={
            "entrepreneur_id": shop["weaver"],
            "lines": [
                {"product_id": shop["sarong"], "quantity": 2},
                {"barcode": shop["scarf_barcode"], "quantity": 1},
                {"barcode": shop["scarf_barcode"], "quantity": 1},
            ],
            "note": "ส่งของรอบแรก",
        },
    )
    assert response.status_code == 201, response.text
    grn = response.json()
    assert grn["number"] == "GRN-2026-000001"
    assert grn["location_id"] == shop["home"]
    assert {(line["product_id"], line["quantity"]) for line in grn["lines"]} == {
        (shop["sarong"], 2),
        (shop["scarf"], 2),
    }
    shown = await client.get(f"/api/v1/stock/intakes/{grn['id']}")
    assert shown.json()["number"] == "GRN-2026-000001"
    listed = await client.get("/api/v1/stock/intakes", params={"entrepreneur_id": shop["weaver"]})
    assert [i["number"] for i in listed.json()] == ["GRN-2026-000001"]
    stock = await client.get("/api/v1/stock", params={"entrepreneur_id": shop["weaver"]})
    rows = {r["product_id"]: r for r in stock.json()["items"]}
    assert rows[shop["sarong"]]["on_hand"] == 2
    assert rows[shop["sarong"]]["entrepreneur_code"] == "E1"
    assert rows[shop["sarong"]]["location_code"] == "SKP"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"lines": [{"product_id": "SARONG", "quantity": 1}]}, 400, "lines"),
        ({"lines": [{"product_id": 0, "quantity": 1.5}]}, 400, "lines"),
        ({"lines": [{"product_id": 0, "quantity": "1"}]}, 400, "lines"),
        ({"lines": [{"product_id": 0, "quantity": 0}]}, 400, "lines"),
        ({"lines": []}, 400, "lines"),
        ({"entrepreneur_id": 9999}, 422, "entrepreneur_id"),
        ({"location_id": 9999}, 422, "location_id"),
        ({"lines": [{"product_id": 9999, "quantity": 1}]}, 422, "lines[0].product_id"),
        ({"lines": [{"barcode": "123", "quantity": 1}]}, 422, "lines[0].barcode"),
        ({"lines": [{"quantity": 1}]}, 422, "lines[0].product_id"),
        ({"lines": [{"product_id": "vase", "quantity": 1}]}, 422, "lines[0].product_id"),
    ],
)
async def test_bad_intake_is_refused_naming_the_field_and_saves_nothing(
    login_as: LoginAs,
    shop: dict[str, Any],
    db: Database,
    body: dict[str, Any],
    status: int,
    field: str,
) -> None:
    client = await login_as(Role.MANAGER)
    payload: dict[str, Any] = {
        "entrepreneur_id": shop["weaver"],
        "lines": [{"product_id": shop["sarong"], "quantity": 1}],
    }
    payload.update(body)
    for line in payload["lines"]:
        if line.get("product_id") == "vase":
            line["product_id"] = shop["vase"]
        elif line.get("product_id") == 0:
            line["product_id"] = shop["sarong"]
    response = await client.post("/api/v1/stock/intakes", json=payload)
    assert response.status_code == status, response.text
    assert response.json()["field"].startswith(field)
    assert _movement_count(db) == 0
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(Intake)).scalar_one() == 0


async def test_entrepreneur_sees_only_own_stock_and_intakes(
    client: AsyncTestClient[Any], login_as: LoginAs, shop: dict[str, Any], db: Database
) -> None:
    with db.write() as conn:
        f.stock(conn, shop["sarong"], shop["home"], 4)
        f.stock(conn, shop["vase"], shop["home"], 4)
    manager = await login_as(Role.MANAGER)
    grn = await manager.post(
        "/api/v1/stock/intakes",
        json={
            "entrepreneur_id": shop["weaver"],
            "lines": [{"product_id": shop["sarong"], "quantity": 1}],
        },
    )
    await client.post("/api/v1/auth/logout")
    potter = await login_as(Role.ENTREPRENEUR, entrepreneur_id=shop["potter"], username="potter")
    stock = await potter.get("/api/v1/stock", params={"entrepreneur_id": shop["weaver"]})
    assert [r["product_id"] for r in stock.json()["items"]] == [shop["vase"]]
    assert (await potter.get(f"/api/v1/stock/intakes/{grn.json()['id']}")).status_code == 404
    assert (await potter.get("/api/v1/stock/intakes")).json() == []
    history = await potter.get("/api/v1/stock/movements")
    assert {m["product_id"] for m in history.json()} == {shop["vase"]}
    refused = await potter.post(
        "/api/v1/stock/intakes",
        json={
            "entrepreneur_id": shop["potter"],
            "lines": [{"product_id": shop["vase"], "quantity": 1}],
        },
    )
    assert refused.status_code == 403


async def test_cashier_may_not_adjust_count_transfer_or_return(
    login_as: LoginAs, shop: dict[str, Any]
) -> None:
    client = await login_as(Role.CASHIER)
    line = {"product_id": shop["sarong"], "quantity": 1}
    for path, body in [
        ("adjustments", {"location_id": shop["home"], "lines": [line], "reason": "x"}),
        (
            "transfers",
            {"from_location_id": shop["home"], "to_location_id": shop["fair"], "lines": [line]},
        ),
        (
            "counts",
            {"location_id": shop["home"], "lines": [{"product_id": shop["sarong"], "counted": 1}]},
        ),
        ("returns", {"entrepreneur_id": shop["weaver"], "lines": [line]}),
    ]:
        response = await client.post(f"/api/v1/stock/{path}", json=body)
        assert response.status_code == 403, path


async def test_adjustment_shortage_is_409_naming_the_product(
    login_as: LoginAs, shop: dict[str, Any], db: Database
) -> None:
    with db.write() as conn:
        f.stock(conn, shop["sarong"], shop["home"], 1)
    client = await login_as(Role.MANAGER)
    response = await client.post(
        "/api/v1/stock/adjustments",
        json={
            "location_id": shop["home"],
            "lines": [
                {"product_id": shop["sarong"], "quantity": -2},
                {"product_id": shop["scarf"], "quantity": -1},
            ],
            "reason": "broken",
        },
    )
    assert response.status_code == 409
    body = response.json()
    assert "ผ้าซิ่น" in body["detail"] and "ผ้าพันคอ" in body["detail"]
    assert [s["product_id"] for s in body["shortages"]] == sorted([shop["sarong"], shop["scarf"]])
    assert _movement_count(db) == 1
    for bad, field in [
        ({"reason": ""}, "reason"),
        ({"lines": [{"product_id": shop["sarong"], "quantity": 0}]}, "lines[0].quantity"),
    ]:
        payload = {
            "location_id": shop["home"],
            "lines": [{"product_id": shop["sarong"], "quantity": 1}],
            "reason": "found",
        }
        payload.update(bad)
        response = await client.post("/api/v1/stock/adjustments", json=payload)
        assert response.status_code in (400, 422), response.text
        assert response.json()["field"].startswith(field.split("[")[0])


async def test_transfer_count_return_and_low_stock(
    login_as: LoginAs, shop: dict[str, Any], db: Database
) -> None:
    with db.write() as conn:
        f.stock(conn, shop["sarong"], shop["home"], 10)
    client = await login_as(Role.MANAGER)
    same = await client.post(
        "/api/v1/stock/transfers",
        json={
            "from_location_id": shop["home"],
            "to_location_id": shop["home"],
            "lines": [{"product_id": shop["sarong"], "quantity": 1}],
        },
    )
    assert same.status_code == 422 and same.json()["field"] == "to_location_id"
    moved = await client.post(
        "/api/v1/stock/transfers",
        json={
            "from_location_id": shop["home"],
            "to_location_id": shop["fair"],
            "lines": [{"product_id": shop["sarong"], "quantity": 8}],
        },
    )
    assert moved.status_code == 201 and moved.json()["number"] == "TRF-2026-000001"
    counted = await client.post(
        "/api/v1/stock/counts",
        json={
            "location_id": shop["home"],
            "lines": [{"product_id": shop["sarong"], "counted": 1}],
            "note": "monthly",
        },
    )
    assert counted.status_code == 201
    assert counted.json()["lines"] == [
        {"product_id": shop["sarong"], "expected": 2, "counted": 1, "difference": -1}
    ]
    returned = await client.post(
        "/api/v1/stock/returns",
        json={
            "entrepreneur_id": shop["weaver"],
            "location_id": shop["fair"],
            "lines": [{"product_id": shop["sarong"], "quantity": 6}],
        },
    )
    assert returned.status_code == 201 and returned.json()["lines"][0]["on_hand"] == 2
    low = await client.get("/api/v1/stock/low", params={"threshold": 2})
    assert {(r["location_code"], r["on_hand"]) for r in low.json()} == {("SKP", 1), ("TPR", 2)}
    only_low = await client.get(
        "/api/v1/stock", params={"low": "true", "location_id": shop["home"]}
    )
    assert only_low.json()["total"] == 1
    history = await client.get(
        "/api/v1/stock/movements",
        params={"product_id": shop["sarong"], "location_id": shop["home"]},
    )
    assert [m["kind"] for m in history.json()] == ["count", "transfer", "intake"]


async def test_lookup_finds_a_scanned_barcode_with_its_on_hand(
    login_as: LoginAs, shop: dict[str, Any], db: Database
) -> None:
    with db.write() as conn:
        f.stock(conn, shop["scarf"], shop["home"], 7)
    client = await login_as(Role.CASHIER)
    found = await client.get("/api/v1/stock/lookup", params={"barcode": shop["scarf_barcode"]})
    assert found.status_code == 200
    assert found.json()["product_id"] == shop["scarf"] and found.json()["on_hand"] == 7
    missing = await client.get("/api/v1/stock/lookup", params={"barcode": "0000000000000"})
    assert missing.status_code == 404 and missing.json()["field"] == "barcode"


async def test_stock_pages_render_for_staff(
    login_as: LoginAs, shop: dict[str, Any], db: Database
) -> None:
    with db.write() as conn:
        f.stock(conn, shop["sarong"], shop["home"], 2)
    client = await login_as(Role.MANAGER)
    grn = await client.post(
        "/api/v1/stock/intakes",
        json={
            "entrepreneur_id": shop["weaver"],
            "lines": [{"product_id": shop["scarf"], "quantity": 3}],
        },
    )
    intake_id = grn.json()["id"]
    for path in [
        "/admin/stock",
        f"/admin/stock?location_id={shop['home']}&entrepreneur_id=&low=true",
        "/admin/stock/low?threshold=5",
        "/admin/stock/movements?document=GRN-2026-000001",
        "/admin/intakes",
        "/admin/intakes/new",
        f"/admin/intakes/{intake_id}",
        f"/admin/stock/counts/new?location_id={shop['home']}&entrepreneur_id={shop['weaver']}",
        "/admin/stock/transfers/new",
        "/admin/stock/adjustments/new",
        "/admin/stock/returns/new",
    ]:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert "/static/stock.css" in response.text, path
    grn_page = await client.get(f"/admin/intakes/{intake_id}")
    assert (
        "GRN-2026-000001" in grn_page.text and f"/admin/intakes/{intake_id}/labels" in grn_page.text
    )


async def test_intake_labels_print_one_label_per_unit(
    login_as: LoginAs, shop: dict[str, Any]
) -> None:
    client = await login_as(Role.CASHIER)
    grn = await client.post(
        "/api/v1/stock/intakes",
        json={
            "entrepreneur_id": shop["weaver"],
            "lines": [{"product_id": shop["sarong"], "quantity": 3}],
        },
    )
    sheet = await client.get(f"/admin/intakes/{grn.json()['id']}/labels")
    assert sheet.status_code == 200
    assert sheet.text.count('class="label"') == 3
    assert "<?xml" not in sheet.text and "<svg" in sheet.text
    assert "450.00" in sheet.text and "ผ้าซิ่น" in sheet.text


async def test_product_labels_take_copies_and_skip_unknown_products(
    login_as: LoginAs, shop: dict[str, Any]
) -> None:
    client = await login_as(Role.CASHIER)
    ids = f"{shop['sarong']},{shop['vase']},99999"
    sheet = await client.get("/admin/labels", params={"product_ids": ids, "copies": 2})
    assert sheet.status_code == 200
    assert sheet.text.count('class="label"') == 4
    assert "99999" in sheet.text


async def test_cashier_cannot_open_the_manager_stock_pages(login_as: LoginAs) -> None:
    client = await login_as(Role.CASHIER)
    for path in [
        "/admin/stock/counts/new",
        "/admin/stock/transfers/new",
        "/admin/stock/adjustments/new",
    ]:
        assert (await client.get(path)).status_code == 403, path
    assert (await client.get("/admin/stock")).status_code == 200


async def test_entrepreneur_cannot_open_staff_stock_pages(
    login_as: LoginAs, shop: dict[str, Any]
) -> None:
    client = await login_as(Role.ENTREPRENEUR, entrepreneur_id=shop["weaver"])
    assert (await client.get("/admin/stock")).status_code == 403
    assert (await client.get("/api/v1/stock/lookup", params={"barcode": "1"})).status_code == 403
