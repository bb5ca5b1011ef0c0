"""Deliveries over HTTP, on SQLite and PostgreSQL: announce (JSON and the portal's multipart
form with photos), access between entrepreneurs, approval, receiving with differences, and
the pages of both sides."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from inventory.deliveries.models import Delivery
from inventory.models import Product, ProductPhoto
from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests import factories as f
from tests.api.conftest import LoginAs
from tests.api.test_till_catalogue_delta import PAST_OVERLAP
from tests.api.test_till_pages import _till
from tests.photo_samples import image_bytes

pytestmark = pytest.mark.anyio
TOMORROW = "2026-11-22"


@pytest.fixture
def shop(db: Database) -> dict[str, Any]:
    with db.write() as conn:
        district = f.district(conn)
        home = f.location(conn)
        cat = f.category(conn)
        weaver = f.entrepreneur(conn, district, code="E1")
        potter = f.entrepreneur(conn, district, code="E2")
        sarong = f.product(conn, weaver, cat, name_th="ผ้าซิ่น", price_satang=45000)
        scarf = f.product(conn, weaver, cat, name_th="ผ้าพันคอ")
        vase = f.product(conn, potter, cat, name_th="แจกัน")
        barcode = conn.execute(select(Product.barcode).where(Product.id == sarong)).scalar_one()
    return {
        "home": home,
        "category": cat,
        "weaver": weaver,
        "potter": potter,
        "sarong": sarong,
        "scarf": scarf,
        "vase": vase,
        "sarong_barcode": barcode,
    }


def _count(db: Database, table: Any) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _announcement(shop: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body = {
        "expected_on": TOMORROW,
        "lines": [
            {"product_id": shop["sarong"], "quantity": 5},
            {"product_id": shop["scarf"], "quantity": 2},
        ],
        "new_products": [
            {
                "name_th": "ผ้าคลุมไหล่ลายดอก",
                "name_en": "Flower shawl",
                "category_id": shop["category"],
                "price_satang": 89000,
                "quantity": 3,
            }
        ],
        "note": "มาช่วงเช้า",
    }
    body.update(extra)
    return body


async def test_the_cycle_announce_approve_receive_and_differences_on_both_sides(
    login_as: LoginAs, shop: dict[str, Any], db: Database
) -> None:
    client = await login_as(Role.ENTREPRENEUR, shop["weaver"], username="weaver")
    made = await client.post("/api/v1/deliveries", json=_announcement(shop))
    assert made.status_code == 201, made.text
    delivery = made.json()
    assert delivery["number"] == "DLV-2026-000001" and delivery["status"] == "announced"
    new = delivery["lines"][2]
    assert (new["review_status"], new["active"]) == ("proposed", False)
    own = await client.get("/api/v1/product-proposals")
    assert [p["product_id"] for p in own.json()] == [new["product_id"]]
    refused = await client.post(f"/api/v1/product-proposals/{new['product_id']}/approve", json={})
    assert refused.status_code == 403

    cashier = await login_as(Role.CASHIER, username="cashier")
    lines = [
        {"barcode": shop["sarong_barcode"], "quantity": 4},
        {"product_id": shop["scarf"], "quantity": 2},
        {"product_id": new["product_id"], "quantity": 3},
    ]
    path = f"/api/v1/deliveries/{delivery['id']}/receive"
    waiting = await cashier.post(path, json={"lines": lines})
    assert waiting.status_code == 422
    assert waiting.json()["code"] == "delivery.product_awaiting_approval"
    assert (
        await cashier.post(f"/api/v1/product-proposals/{new['product_id']}/approve", json={})
    ).status_code == 403

    manager = await login_as(Role.MANAGER, username="manager")
    approved = await manager.post(
        f"/api/v1/product-proposals/{new['product_id']}/approve", json={"price_satang": 85000}
    )
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["price_satang"]) == ("approved", 85000)
    received = await manager.post(path, json={"lines": lines, "note": "ผ้าซิ่นมา 4"})
    assert received.status_code == 200, received.text
    body = received.json()
    assert body["status"] == "received" and body["intake_number"] == "GRN-2026-000001"
    assert [(x["announced"], x["received"], x["kind"]) for x in body["lines"]] == [
        (5, 4, "short"),
        (2, 2, "match"),
        (3, 3, "match"),
    ]
    assert body["differences"] == {"short": 1, "over": 0, "not_announced": 0}
    again = await manager.post(path, json={"lines": lines})
    assert again.status_code == 409 and again.json()["code"] == "delivery.already_received"

    weaver = await login_as(Role.ENTREPRENEUR, shop["weaver"], username="weaver2")
    cancel = await weaver.post(f"/api/v1/deliveries/{delivery['id']}/cancel")
    assert cancel.status_code == 409 and cancel.json()["code"] == "delivery.already_received"
    portal = await weaver.get(f"/portal/deliveries/{delivery['id']}")
    assert portal.status_code == 200
    assert 'data-kind="short"' in portal.text and "ขาด 1" in portal.text
    listed = await weaver.get("/portal/deliveries")
    assert "DLV-2026-000001" in listed.text and "ไม่ตรงกับที่แจ้ง 1" in listed.text


async def test_entrepreneur_a_cannot_see_or_touch_bs_delivery(
    login_as: LoginAs, shop: dict[str, Any]
) -> None:
    a = await login_as(Role.ENTREPRENEUR, shop["weaver"], username="weaver")
    made = (await a.post("/api/v1/deliveries", json=_announcement(shop))).json()
    new_id = made["lines"][2]["product_id"]
    b = await login_as(Role.ENTREPRENEUR, shop["potter"], username="potter")
    assert (await b.get(f"/api/v1/deliveries/{made['id']}")).status_code == 404
    assert (await b.get("/api/v1/deliveries")).json() == []
    listed = await b.get("/api/v1/deliveries", params={"entrepreneur_id": shop["weaver"]})
    assert listed.json() == []
    assert (await b.post(f"/api/v1/deliveries/{made['id']}/cancel")).status_code == 404
    assert (await b.get(f"/portal/deliveries/{made['id']}")).status_code == 404
    assert (await b.get("/api/v1/product-proposals", params={"status": "proposed"})).json() == []
    theirs = await b.post(
        "/api/v1/deliveries",
        json={"expected_on": TOMORROW, "lines": [{"product_id": shop["sarong"], "quantity": 1}]},
    )
    assert theirs.status_code == 422
    assert (theirs.json()["code"], theirs.json()["field"]) == (
        "product.unknown",
        "lines[0].product_id",
    )
    proposed = await b.post(
        "/api/v1/deliveries",
        json={"expected_on": TOMORROW, "lines": [{"product_id": new_id, "quantity": 1}]},
    )
    assert proposed.status_code == 422
    cashier = await login_as(Role.CASHIER, username="cashier")
    assert (await cashier.post("/api/v1/deliveries", json=_announcement(shop))).status_code == 403
    assert (await cashier.post(f"/api/v1/deliveries/{made['id']}/cancel")).status_code == 403


async def test_bad_announcements_are_refused_in_thai_and_english_and_save_nothing(
    login_as: LoginAs, shop: dict[str, Any], db: Database
) -> None:
    client = await login_as(Role.ENTREPRENEUR, shop["weaver"], username="weaver")
    cases = [
        (
            _announcement(shop, lines=[{"product_id": shop["sarong"], "quantity": 0}]),
            "lines.0.quantity",
        ),
        (
            _announcement(shop, lines=[{"product_id": shop["sarong"], "quantity": -2}]),
            "lines.0.quantity",
        ),
        (_announcement(shop, expected_on="2026-11-01"), "expected_on"),
        (_announcement(shop, lines=[], new_products=[]), "lines"),
        (
            _announcement(shop, lines=[{"product_id": shop["vase"], "quantity": 1}]),
            "lines[0].product_id",
        ),
    ]
    for body, field in cases:
        answer = await client.post("/api/v1/deliveries", json=body)
        # 400: the body's shape (the schema); 422: a rule of the service
        assert answer.status_code in (400, 422), (body, answer.text)
        assert answer.json()["field"] == field, answer.json()
    past = await client.post(
        "/api/v1/deliveries",
        json=_announcement(shop, expected_on="2026-11-01"),
        headers={"accept-language": "en"},
    )
    assert past.json()["code"] == "delivery.date_past"
    assert past.json()["detail"].startswith("the delivery date (2026-11-01) has passed")
    thai = await client.post(
        "/api/v1/deliveries", json=_announcement(shop, expected_on="2026-11-01")
    )
    assert "ผ่านไปแล้ว" in thai.json()["detail"]
    assert _count(db, Delivery) == 0 and _count(db, Product) == 3


async def test_cancel_then_no_receiving(login_as: LoginAs, shop: dict[str, Any]) -> None:
    client = await login_as(Role.ENTREPRENEUR, shop["weaver"], username="weaver")
    made = (await client.post("/api/v1/deliveries", json=_announcement(shop))).json()
    cancelled = await client.post(f"/api/v1/deliveries/{made['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    cashier = await login_as(Role.CASHIER, username="cashier")
    receive = await cashier.post(
        f"/api/v1/deliveries/{made['id']}/receive",
        json={"lines": [{"product_id": shop["sarong"], "quantity": 1}]},
    )
    assert receive.status_code == 409 and receive.json()["code"] == "delivery.already_cancelled"
    negative = await cashier.post(
        f"/api/v1/deliveries/{made['id']}/receive",
        json={"lines": [{"product_id": shop["sarong"], "quantity": -1}]},
    )
    assert negative.status_code == 400


async def test_the_portal_form_announces_with_photos_in_one_go(
    login_as: LoginAs, shop: dict[str, Any], db: Database
) -> None:
    client = await login_as(Role.ENTREPRENEUR, shop["weaver"], username="weaver")
    body = _announcement(shop, expected_on="22/11/2569")  # as people type it: Buddhist era
    form = await client.post(
        "/portal/deliveries",
        data={"payload": json.dumps(body)},
        files={"photo_0": ("shawl.jpg", image_bytes("JPEG"), "image/jpeg")},
    )
    assert form.status_code == 201, form.text
    made = form.json()
    assert made["number"] == "DLV-2026-000001" and made["url"] == f"/portal/deliveries/{made['id']}"
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(ProductPhoto)).scalar() == 1
    page = await client.get(made["url"])
    assert "ผ้าคลุมไหล่ลายดอก" in page.text and "/thumb.webp" in page.text
    assert 'data-review="proposed"' in page.text

    bad_photo = await client.post(
        "/portal/deliveries",
        data={"payload": json.dumps(body)},
        files={"photo_0": ("shawl.jpg", b"not an image at all", "image/jpeg")},
    )
    assert bad_photo.status_code == 422
    assert (bad_photo.json()["code"], bad_photo.json()["field"]) == (
        "photo.not_an_image",
        "new_products[0].photo",
    )
    bad_json = await client.post("/portal/deliveries", files={"payload": (None, "{")})
    assert bad_json.status_code == 422 and bad_json.json()["code"] == "delivery.form_unreadable"
    bad_field = await client.post(
        "/portal/deliveries",
        files={
            "payload": (
                None,
                json.dumps(
                    _announcement(shop, lines=[{"product_id": shop["sarong"], "quantity": "two"}])
                ),
            )
        },
    )
    assert bad_field.status_code == 400 and bad_field.json()["field"] == "lines.0.quantity"
    assert _count(db, Delivery) == 1


async def test_pages_render_for_each_side(login_as: LoginAs, shop: dict[str, Any]) -> None:
    client = await login_as(Role.ENTREPRENEUR, shop["weaver"], username="weaver")
    made = (await client.post("/api/v1/deliveries", json=_announcement(shop))).json()
    for path in (
        "/portal",
        "/portal/deliveries",
        "/portal/deliveries/new",
        made and f"/portal/deliveries/{made['id']}",
    ):
        answer = await client.get(path)
        assert answer.status_code == 200, path
    assert "/portal/deliveries" in (await client.get("/portal")).text
    new_form = (await client.get("/portal/deliveries/new")).text
    assert "ผ้าซิ่น" in new_form and "แจกัน" not in new_form
    english = await client.get(f"/portal/deliveries/{made['id']}?lang=en")
    thai = await client.get(f"/portal/deliveries/{made['id']}?lang=th")
    assert "22/11/2026" in english.text and "22/11/2569" in thai.text  # CE in English, BE in Thai
    assert (await client.get("/admin/deliveries")).status_code == 403
    cashier = await login_as(Role.CASHIER, username="cashier")
    for path in (
        "/admin/deliveries",
        f"/admin/deliveries/{made['id']}",
        "/admin/product-proposals",
        "/admin/deliveries?status=all",
    ):
        answer = await cashier.get(path)
        assert answer.status_code == 200, path
        assert made["number"] in answer.text or "ผ้าคลุมไหล่ลายดอก" in answer.text
    assert "data-approve" not in (await cashier.get("/admin/product-proposals")).text
    assert (await cashier.get("/admin/deliveries?status=nonsense")).status_code == 422
    assert (await cashier.get("/portal/deliveries")).status_code == 403
    manager = await login_as(Role.MANAGER, username="manager")
    assert "data-approve" in (await manager.get("/admin/product-proposals")).text
    assert (await manager.get("/portal/deliveries/new")).status_code == 403
    viewing = await manager.get("/portal/deliveries", params={"entrepreneur_id": shop["weaver"]})
    assert made["number"] in viewing.text


async def test_an_approved_product_reaches_the_tills_through_the_catalogue_refresh(
    login_as: LoginAs, shop: dict[str, Any], clock: FixedClock
) -> None:
    weaver = await login_as(Role.ENTREPRENEUR, shop["weaver"], username="weaver")
    made = (await weaver.post("/api/v1/deliveries", json=_announcement(shop))).json()
    new_id = made["lines"][2]["product_id"]
    manager = await login_as(Role.MANAGER, username="manager")
    till = await _till(manager, shop["home"])
    clock.advance(**PAST_OVERLAP)
    first = (await manager.get(f"/api/v1/till/catalogue?till_id={till}")).json()
    assert new_id not in {row[0] for row in first["products"]}  # proposed: not for sale
    clock.advance(seconds=10)
    approved = await manager.post(f"/api/v1/product-proposals/{new_id}/approve", json={})
    assert approved.status_code == 200
    delta = await manager.get(f"/api/v1/till/catalogue?till_id={till}&since={first['version']}")
    assert delta.json()["full"] is False
    assert new_id in {row[0] for row in delta.json()["products"]}
