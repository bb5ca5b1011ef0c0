"""The till page, its customer display and the till's compact catalogue, on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import update

from inventory.models import Product
from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests import factories as f
from tests.api.conftest import PASSWORD, LoginAs, make_user
from tests.api.openapi import body_errors, operation, served_schema

pytestmark = pytest.mark.anyio

CONFIG = re.compile(r'<script type="application/json" id="till-config">(.*?)</script>', re.S)


def _config(html: str) -> dict[str, Any]:
    match = CONFIG.search(html)
    assert match, "the page carries its settings for till.js"
    config: dict[str, Any] = json.loads(match.group(1))
    return config


def _shop(db: Database) -> dict[str, int]:
    """Two places; products stocked here, elsewhere, nowhere, and one withdrawn."""
    with db.write() as conn:
        here = f.location(conn)
        there = f.location(conn, code="TPR", name_th="ท่าแพ", name_en="Tha Phae", is_default=False)
        district = f.district(conn)
        weavers = f.entrepreneur(conn, district)
        potters = f.entrepreneur(conn, district, name_th="กลุ่มเครื่องปั้นดินเผา", name_en="Potters group")
        idle = f.entrepreneur(conn, district, name_th="ไม่มีสินค้า", name_en="No products")
        cloth = f.category(conn)
        pots = f.category(conn, code="ceramics", name_th="เซรามิก", name_en="Ceramics")
        stocked = f.product(conn, weavers, cloth, name_th="ผ้าซิ่น", name_en="Sarong")
        elsewhere = f.product(conn, potters, pots, name_th="แจกัน", name_en="Vase")
        unstocked = f.product(conn, weavers, cloth, name_th="ย่าม", name_en="Shoulder bag")
        withdrawn = f.product(conn, potters, pots, name_th="ถ้วย", name_en="Cup")
        f.stock(conn, stocked, here, 7)
        f.stock(conn, elsewhere, there, 3)
        f.stock(conn, withdrawn, here, 2)
        conn.execute(update(Product).where(Product.id == withdrawn).values(active=False))
    return {
        "here": here,
        "there": there,
        "weavers": weavers,
        "potters": potters,
        "idle": idle,
        "stocked": stocked,
        "elsewhere": elsewhere,
        "unstocked": unstocked,
        "withdrawn": withdrawn,
        "cloth": cloth,
        "pots": pots,
    }


async def _till(client: AsyncTestClient[Any], location: int, code: str = "SKP-01") -> int:
    created = await client.post(
        "/api/v1/tills", json={"code": code, "name": "Counter", "location_id": location}
    )
    assert created.status_code == 201, created.text
    till_id: int = created.json()["id"]
    return till_id


async def test_a_cashier_gets_the_till_page_with_its_settings(login_as: LoginAs) -> None:
    client = await login_as(Role.CASHIER)
    response = await client.get("/till")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<meta charset="utf-8">' in html
    assert '<script type="module" src="/static/till_boot.js"></script>' in html
    assert 'id="scan"' in html
    assert "ขายหน้าร้าน" in html  # Thai by default
    config = _config(html)
    assert config["user"]["role"] == "cashier"
    assert config["user"]["username"] == "cashier1"
    assert config["discount_approval_percent"] == 10
    assert ["1000", 100_000] in config["denominations"]
    # The seller as receipts print it: the till renders a sale's receipt itself.
    assert config["shop"]["name_th"].startswith("ศูนย์")
    assert config["shop"]["tax_id"].isdigit() and len(config["shop"]["tax_id"]) == 13
    assert config["shop"]["vat_registered"] is True
    english = await client.get("/till?lang=en")
    assert "Shift menu" in english.text
    assert _config(english.text)["lang"] == "en"


async def test_the_customer_display_page_names_its_till(login_as: LoginAs) -> None:
    client = await login_as(Role.CASHIER)
    response = await client.get("/till/display?till=3")
    assert response.status_code == 200
    assert 'data-till="3"' in response.text
    assert "/static/display.js" in response.text
    bad = await client.get("/till/display?till=abc")
    assert bad.status_code == 400


async def test_staff_see_the_till_link_and_entrepreneurs_are_refused(
    login_as: LoginAs, db: Database
) -> None:
    with db.write() as conn:
        maker = f.entrepreneur(conn, f.district(conn))
    client = await login_as(Role.CASHIER)
    assert 'href="/till"' in (await client.get("/admin/products")).text
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    assert (await client.get("/till")).status_code == 403
    assert (await client.get("/till/display")).status_code == 403
    assert (await client.get("/api/v1/till/catalogue?till_id=1")).status_code == 403


async def test_signed_out_the_till_page_sends_to_the_login(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/till", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/till")
    assert (await client.get("/api/v1/till/catalogue?till_id=1")).status_code == 401


async def test_the_catalogue_lists_active_products_with_on_hand_at_the_tills_location(
    login_as: LoginAs, db: Database
) -> None:
    shop = _shop(db)
    client = await login_as(Role.MANAGER)
    till = await _till(client, shop["here"])
    await login_as(Role.CASHIER)
    response = await client.get(f"/api/v1/till/catalogue?till_id={till}")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["till_id"] == till
    assert (body["till_code"], body["location_id"]) == ("SKP-01", shop["here"])
    columns = body["columns"]
    assert columns == [
        "id",
        "barcode",
        "sku",
        "name_th",
        "name_en",
        "price_satang",
        "vat",
        "category_id",
        "entrepreneur_id",
        "on_hand",
        "photo",
        "markdown_bp",
        "list_price_satang",
    ]
    rows = {row[0]: dict(zip(columns, row, strict=True)) for row in body["products"]}
    assert set(rows) == {shop["stocked"], shop["elsewhere"], shop["unstocked"]}
    assert rows[shop["stocked"]]["on_hand"] == 7
    assert rows[shop["elsewhere"]]["on_hand"] == 0  # its stock is at the other place
    assert rows[shop["unstocked"]]["on_hand"] == 0
    sarong = rows[shop["stocked"]]
    assert (sarong["name_th"], sarong["name_en"]) == ("ผ้าซิ่น", "Sarong")
    assert sarong["price_satang"] == 45000
    assert sarong["vat"] is True
    assert sarong["photo"] is None  # none uploaded (test_photos_api.py: the key when there is)
    assert (sarong["category_id"], sarong["entrepreneur_id"]) == (shop["cloth"], shop["weavers"])
    assert re.fullmatch(r"\d{8,14}", sarong["barcode"])
    makers = {e[0]: e[1:] for e in body["entrepreneurs"]}
    # Only the makers of listed products, each name sent once.
    assert makers == {
        shop["weavers"]: ["กลุ่มทอผ้าบ้านสันกำแพง", "San Kamphaeng Weavers"],
        shop["potters"]: ["กลุ่มเครื่องปั้นดินเผา", "Potters group"],
    }
    assert {c[0]: c[2] for c in body["categories"]} == {
        shop["cloth"]: "Textiles and clothing",
        shop["pots"]: "Ceramics",
    }


async def test_the_catalogue_matches_its_documented_schema(login_as: LoginAs, db: Database) -> None:
    """Found by schemathesis: the catalogue (bytes encoded by the handler) was documented as
    a string. schemathesis 4.32 cannot check it itself (it rewrites the tuples'
    ``prefixItems`` into a form its 2020-12 validator refuses), so the check is here."""
    shop = _shop(db)
    client = await login_as(Role.MANAGER)
    till = await _till(client, shop["here"])
    body = (await client.get(f"/api/v1/till/catalogue?till_id={till}")).json()
    assert body["products"], "a catalogue with rows to check"
    schema = await served_schema(client)
    documented = operation(schema, "GET", "/api/v1/till/catalogue")["responses"]["200"]
    assert body_errors(schema, documented, body) == []
    assert body_errors(schema, documented, {**body, "products": [["x"]]}) != []


async def test_the_catalogue_comes_gzipped_when_the_browser_takes_it(
    login_as: LoginAs, db: Database
) -> None:
    shop = _shop(db)
    client = await login_as(Role.MANAGER)
    till = await _till(client, shop["here"])
    url = f"/api/v1/till/catalogue?till_id={till}"
    plain = await client.get(url, headers={"accept-encoding": "identity"})
    zipped = await client.get(url, headers={"accept-encoding": "gzip, deflate"})
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.json() == plain.json()  # the client unzips it


async def test_a_till_elsewhere_sees_the_stock_there(login_as: LoginAs, db: Database) -> None:
    shop = _shop(db)
    client = await login_as(Role.MANAGER)
    till = await _till(client, shop["there"], code="TPR-01")
    body = (await client.get(f"/api/v1/till/catalogue?till_id={till}")).json()
    at = body["columns"].index("on_hand")
    on_hand = {row[0]: row[at] for row in body["products"]}
    assert on_hand == {shop["stocked"]: 0, shop["elsewhere"]: 3, shop["unstocked"]: 0}


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("till_id=999", 404, "till_id"),
        ("till_id=0", 422, "till_id"),
        ("till_id=-4", 422, "till_id"),
        ("till_id=abc", 400, "till_id"),
        ("till_id=", 400, "till_id"),
        ("", 400, "till_id"),  # a missing parameter is named too
    ],
)
async def test_a_bad_till_id_is_refused_clearly(
    login_as: LoginAs, query: str, status: int, field: str | None
) -> None:
    client = await login_as(Role.CASHIER)
    response = await client.get(f"/api/v1/till/catalogue?{query}")
    assert response.status_code == status, response.text
    body = response.json()
    assert "till_id" in body["detail"] or body.get("field") == "till_id"
    assert body.get("field") == field


@pytest.mark.parametrize(
    ("role", "home"),
    [(Role.CASHIER, "/till"), (Role.MANAGER, "/admin/products"), (Role.ADMIN, "/admin/products")],
)
async def test_signing_in_lands_a_cashier_on_the_till_and_a_manager_on_the_products(
    client: AsyncTestClient[Any], db: Database, clock: FixedClock, role: Role, home: str
) -> None:
    make_user(db, clock, "nok", role)
    signed_in = await client.post(
        "/login", data={"username": "nok", "password": PASSWORD}, follow_redirects=False
    )
    assert signed_in.status_code == 303 and signed_in.headers["location"] == home
    assert (await client.get("/", follow_redirects=False)).headers["location"] == home


async def test_pages_name_an_icon_the_server_has(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    """Without one, every page's first visit asked for /favicon.ico: a 404 in the console."""
    await login_as(Role.CASHIER)
    for path in ("/login", "/till", "/till/display"):
        icon = re.search(r'<link rel="icon" href="([^"]+)"', (await client.get(path)).text)
        assert icon, path
        served = await client.get(icon.group(1))
        assert served.status_code == 200 and served.headers["content-type"].startswith(
            "image/svg+xml"
        ), path
