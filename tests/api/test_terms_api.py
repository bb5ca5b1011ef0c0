"""Consignment terms over HTTP: managers set the centre's default and an entrepreneur's (JSON
and the form), a cashier is refused, an entrepreneur reads only their own, bad terms are a 422
naming the part, and the entrepreneur reads theirs in plain words in the portal."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import update

from inventory.models import Category, Product, StockLot
from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests import factories as f
from tests.api.conftest import LoginAs
from tests.api.test_sales_api import _catalogue, _till_with_shift

pytestmark = pytest.mark.anyio

FLAT_20 = {
    "commission_kind": "flat",
    "commission_bp": 2000,
    "markdowns": [{"after_days": 60, "percent_bp": 1000}],
    "period_days": 90,
    "end_action": "return",
    "note": "ตกลงกันเมื่อประชุม",
}


def _makers(db: Database) -> tuple[int, int, int]:
    with db.write() as conn:
        district = f.district(conn)
        return f.entrepreneur(conn, district), f.entrepreneur(conn, district), f.category(conn)


async def test_a_manager_sets_the_default_and_an_entrepreneurs_terms(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    maker, other, _ = _makers(db)
    client = await login_as(Role.MANAGER)
    before = await client.get("/api/v1/consignment-terms")
    assert before.status_code == 200, before.text
    assert before.json()["in_force"]["id"] is None  # the built-in standard terms
    assert before.json()["in_force"]["commission_kind"] == "standard"

    made = await client.post("/api/v1/consignment-terms", json=FLAT_20)
    assert made.status_code == 201, made.text
    default = made.json()
    assert default["entrepreneur_id"] is None and default["set_by"] == "manager1"
    assert default["markdowns"] == [{"after_days": 60, "percent_bp": 1000}]
    clock.advance(seconds=60)
    own = {**FLAT_20, "commission_kind": "tiered", "commission_bp": 2500}
    own["tiers"] = [{"from_price_satang": 50000, "commission_bp": 1500}]
    mine = await client.post(f"/api/v1/entrepreneurs/{maker}/consignment-terms", json=own)
    assert mine.status_code == 201, mine.text
    book = (await client.get(f"/api/v1/entrepreneurs/{maker}/consignment-terms")).json()
    assert book["in_force"]["id"] == mine.json()["id"]
    assert book["in_force"]["tiers"] == [{"from_price_satang": 50000, "commission_bp": 1500}]
    assert [v["id"] for v in book["versions"]] == [mine.json()["id"]]
    # Another entrepreneur without terms of their own is under the centre's default.
    theirs = (await client.get(f"/api/v1/entrepreneurs/{other}/consignment-terms")).json()
    assert theirs["in_force"]["id"] == default["id"] and theirs["versions"] == []


async def test_a_cashier_is_refused_and_an_entrepreneur_reads_only_their_own(
    login_as: LoginAs, db: Database
) -> None:
    maker, other, _ = _makers(db)
    client = await login_as(Role.CASHIER)
    for path in ("/api/v1/consignment-terms", f"/api/v1/entrepreneurs/{maker}/consignment-terms"):
        refused = await client.get(path)
        assert refused.status_code == 403, refused.text
        assert (await client.post(path, json=FLAT_20)).status_code == 403
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    own = await client.get(f"/api/v1/entrepreneurs/{maker}/consignment-terms")
    assert own.status_code == 200 and own.json()["entrepreneur_id"] == maker
    assert (await client.get("/api/v1/consignment-terms")).status_code == 200
    hidden = await client.get(f"/api/v1/entrepreneurs/{other}/consignment-terms")
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "balance.entrepreneur_not_found"
    mine = await client.post(f"/api/v1/entrepreneurs/{maker}/consignment-terms", json=FLAT_20)
    assert mine.status_code == 403
    assert (await client.post("/api/v1/consignment-terms", json=FLAT_20)).status_code == 403


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        (
            {"markdowns": [{"after_days": 90, "percent_bp": 1000}]},
            422,
            "terms.markdown_day_invalid",
        ),
        (
            {"markdowns": [{"after_days": 30, "percent_bp": 9500}]},
            422,
            "terms.markdown_percent_invalid",
        ),
        ({"commission_kind": "tiered"}, 422, "terms.tiers_required"),
        ({"end_action": "extend"}, 422, "terms.extend_out_of_range"),
        ({"period_days": 731}, 422, "terms.period_out_of_range"),
        (
            {
                "commission_kind": "category",
                "category_rates": [{"category_id": 99999, "commission_bp": 10}],
            },
            422,
            "terms.category_unknown",
        ),
        ({"note": "x" * 201}, 400, None),
        ({"commission_kind": "percent"}, 400, None),
        ({"commission_bp": "20"}, 400, None),
    ],
)
async def test_bad_terms_are_refused_with_a_code_and_nothing_is_saved(
    login_as: LoginAs, db: Database, change: dict[str, Any], status: int, code: str | None
) -> None:
    maker, _, _ = _makers(db)
    client = await login_as(Role.MANAGER)
    refused = await client.post(
        f"/api/v1/entrepreneurs/{maker}/consignment-terms", json={**FLAT_20, **change}
    )
    assert refused.status_code in (status, 422 if status == 400 else status), refused.text
    if code:
        assert refused.json()["code"] == code
    book = (await client.get(f"/api/v1/entrepreneurs/{maker}/consignment-terms")).json()
    assert book["versions"] == []


async def test_terms_for_an_entrepreneur_that_does_not_exist_are_404(login_as: LoginAs) -> None:
    client = await login_as(Role.MANAGER)
    missing = await client.post("/api/v1/entrepreneurs/999999/consignment-terms", json=FLAT_20)
    assert missing.status_code == 404 and missing.json()["code"] == "terms.entrepreneur_not_found"


async def test_the_manager_sets_terms_with_the_form_and_the_entrepreneur_reads_them(
    login_as: LoginAs, db: Database
) -> None:
    maker, _, category = _makers(db)
    client = await login_as(Role.MANAGER)
    page = await client.get(f"/admin/entrepreneurs/{maker}/terms")
    assert page.status_code == 200, page.text
    assert "สินค้าที่อยู่ที่ศูนย์แล้วยังใช้เงื่อนไขตอนที่รับเข้ามา" in page.text
    assert "ค่าเริ่มต้นของศูนย์" in page.text
    form = {
        "commission_kind": "category",
        "commission_percent": "20",
        "category_id": [str(category)],
        "category_percent": ["12.5"],
        "tier_from_baht": ["", ""],
        "tier_percent": ["", ""],
        "markdown_days": ["60", "80", ""],
        "markdown_percent": ["10", "25", ""],
        "period_days": "90",
        "end_action": "extend",
        "extend_days": "30",
        "note": "",
    }
    saved = await client.post(
        f"/admin/entrepreneurs/{maker}/terms", data=form, follow_redirects=False
    )
    assert saved.status_code == 303, saved.text
    book = (await client.get(f"/api/v1/entrepreneurs/{maker}/consignment-terms")).json()
    got = book["in_force"]
    assert (got["commission_kind"], got["commission_bp"], got["extend_days"]) == (
        "category",
        2000,
        30,
    )
    assert got["category_rates"] == [{"category_id": category, "commission_bp": 1250}]
    assert [m["percent_bp"] for m in got["markdowns"]] == [1000, 2500]
    shown = (await client.get(f"/admin/entrepreneurs/{maker}/terms")).text
    assert f'data-version="{got["id"]}"' in shown and "manager1" in shown

    bad = await client.post(
        f"/admin/entrepreneurs/{maker}/terms",
        data={**form, "markdown_days": ["60", "", ""], "markdown_percent": ["10", "25", ""]},
    )
    assert bad.status_code == 422 and "data-terms-error" in bad.text
    assert "กรอกให้ครบทั้งสองช่องในแถวที่ 2" in bad.text

    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    portal = await client.get("/portal/terms")
    assert portal.status_code == 200, portal.text
    words = portal.text
    assert "เงื่อนไขฝากขายของคุณ" in words and "ศูนย์ได้" in words
    assert "<strong>20%</strong>" in words and "<strong>12.5%</strong>" in words
    assert "หลัง 60 วัน ลด <strong>10%</strong>" in words
    assert "ต่ออายุครั้งละ <strong>30 วัน</strong>" in words
    home = await client.get("/portal")
    assert 'href="/portal/terms"' in home.text


async def test_the_terms_pages_are_for_managers(login_as: LoginAs, db: Database) -> None:
    maker, _, _ = _makers(db)
    client = await login_as(Role.CASHIER)
    assert (await client.get("/admin/terms")).status_code == 403
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    assert (await client.get(f"/admin/entrepreneurs/{maker}/terms")).status_code == 403
    assert (await client.post("/admin/terms", data={"period_days": "9"})).status_code == 403


async def test_the_statements_label_each_line_with_its_terms_and_who_bore_the_discount(
    login_as: LoginAs, db: Database
) -> None:
    location, products, maker = _catalogue(db)
    client = await login_as(Role.MANAGER, username="boss")
    made = await client.post(f"/api/v1/entrepreneurs/{maker}/consignment-terms", json=FLAT_20)
    terms_id = made.json()["id"]
    with db.write() as conn:  # goods here under the new terms, with its agreed markdown in force
        conn.execute(update(StockLot).values(terms_id=terms_id))
        conn.execute(update(Product).where(Product.id == products[0]).values(markdown_bp=1000))
    client, till = await _till_with_shift(login_as, location)
    sold = await client.post(
        "/api/v1/sales",
        headers={"Idempotency-Key": "terms-labels-1"},
        json={
            "till_id": till,
            "lines": [
                {"product_id": products[0], "quantity": 1},
                {"product_id": products[1], "quantity": 1},
            ],
            "cart_discount_satang": 500,
            "payments": [{"method": "cash", "amount_satang": 9000 + 12550 - 500}],
        },
    )
    assert sold.status_code == 201, sold.text
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    portal = (await client.get("/portal/statement")).text
    await login_as(Role.MANAGER, username="boss4")
    manager = (await client.get(f"/admin/entrepreneurs/{maker}/account")).text
    for html in (portal, manager):
        assert "data-sold-lines" in html
        assert f'data-terms="{terms_id}"' in html and f"เงื่อนไขฉบับ #{terms_id}" in html
        assert "ลดตามข้อตกลง 10% (ผู้ประกอบการรับ)" in html
        assert html.count("data-centre-promotion") == 2  # the cart discount, on both lines
        assert "data-rate>20%" in html


async def test_under_standard_terms_the_portal_names_the_category_rates_of_the_makers_goods(
    login_as: LoginAs, db: Database
) -> None:
    with db.write() as conn:
        maker = f.entrepreneur(conn, f.district(conn), commission_bp=1500)
        food = f.category(conn, code="food", name_th="อาหาร", name_en="Food")
        unused = f.category(conn, code="wood", name_th="ไม้แกะสลัก", name_en="Wood")
        conn.execute(update(Category).values(commission_bp=1000))
        f.product(conn, maker, food)
    client = await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    words = (await client.get("/portal/terms")).text
    assert "ศูนย์ได้ <strong>15%</strong> ของราคาขาย, ยกเว้นหมวด" in words
    assert "อาหาร <strong>10%</strong>" in words
    assert "ไม้แกะสลัก" not in words and unused  # a category none of their goods are in


async def test_the_terms_pages_speak_english_on_request(login_as: LoginAs, db: Database) -> None:
    maker, _, _ = _makers(db)
    client = await login_as(Role.MANAGER)
    extend = {**FLAT_20, "end_action": "extend", "extend_days": 30, "note": ""}
    assert (await client.post("/api/v1/consignment-terms", json=extend)).status_code == 201
    manager = (await client.get("/admin/terms", params={"lang": "en"})).text
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    portal = (await client.get("/portal/terms", params={"lang": "en"})).text
    for html in (manager, portal):
        body = re.sub(r"<[^>]+>", " ", html.split("<main>", 1)[1].split("</main>", 1)[0])
        thai = {word for word in body.split() if re.search("[\u0e00-\u0e7f]", word)}
        assert thai <= {"ตกลงกันเมื่อประชุม"}, thai  # only what a person typed
    assert "The centre keeps" in portal and "Agreed markdowns" in portal


async def test_the_entrepreneur_and_category_rates_are_said_to_be_the_rate_card(
    login_as: LoginAs, db: Database
) -> None:
    maker, _, _ = _makers(db)
    client = await login_as(Role.MANAGER)
    form = (await client.get(f"/admin/entrepreneurs/{maker}")).text
    assert "data-rate-card-note" in form and f'href="/admin/entrepreneurs/{maker}/terms"' in form
    categories = (await client.get("/admin/categories")).text
    assert "data-rate-card-note" in categories and 'href="/admin/terms"' in categories
