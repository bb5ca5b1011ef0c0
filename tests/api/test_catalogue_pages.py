"""Staff pages of the catalogue: Thai by default, English on request, forms that explain."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from kernel.access import Role
from kernel.db.engine import Database
from tests import factories
from tests.api.conftest import LoginAs

pytestmark = pytest.mark.anyio


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    with db.write() as conn:
        factories.reference_places(conn)
        district = factories.district_id_by_code(conn, "5013")
        category = factories.category(conn)
        owner = factories.entrepreneur(conn, district, code="E001")
        product = factories.product(conn, owner, category, name_th="ผ้าซิ่นตีนจก", price_satang=45050)
    return {"district": district, "category": category, "owner": owner, "product": product}


def _product_form(ids: dict[str, int], **over: str) -> dict[str, str]:
    form = {
        "sku": "NEW-1",
        "barcode": "",
        "name_th": "ร่มกระดาษสา",
        "name_en": "Saa paper umbrella",
        "category_id": str(ids["category"]),
        "entrepreneur_code": "E001",
        "price_baht": "1,250.50",
        "vat_applicable": "on",
        "active": "on",
    }
    return {**form, **over}


async def test_the_product_list_speaks_thai_and_english(
    client: AsyncTestClient[Any], login_as: LoginAs, ids: dict[str, int]
) -> None:
    await login_as(Role.CASHIER)
    thai = await client.get("/admin/products", params={"q": "ตีนจก"})
    assert thai.status_code == 200
    assert "ผ้าซิ่นตีนจก" in thai.text and "450.50" in thai.text and "บาร์โค้ด" in thai.text
    english = await client.get("/admin/products?lang=en")
    assert "Barcode" in english.text and "On hand" in english.text
    assert (await client.get("/admin/products/new")).status_code == 403


async def test_a_product_is_created_from_the_form_with_the_price_in_baht(
    client: AsyncTestClient[Any], login_as: LoginAs, ids: dict[str, int]
) -> None:
    await login_as(Role.MANAGER)
    assert (await client.get("/admin/products/new")).status_code == 200
    saved = await client.post(
        "/admin/products/new", data=_product_form(ids), follow_redirects=False
    )
    assert saved.status_code == 303, saved.text
    found = (await client.get("/api/v1/products", params={"q": "NEW-1"})).json()
    assert found[0]["price_satang"] == 125050 and found[0]["barcode"].startswith("20")


@pytest.mark.parametrize(
    ("over", "field", "says"),
    [
        ({"price_baht": "12.345"}, "price_baht", "not an amount"),
        ({"price_baht": "-5"}, "price_baht", "negative"),
        ({"barcode": "8850999320015"}, "barcode", "check digit"),
        ({"entrepreneur_code": "NOBODY"}, "entrepreneur_code", "NOBODY"),
        ({"name_th": ""}, "name_th", "required"),
    ],
)
async def test_a_refused_product_form_comes_back_with_the_message_by_the_field(
    client: AsyncTestClient[Any],
    login_as: LoginAs,
    ids: dict[str, int],
    over: dict[str, str],
    field: str,
    says: str,
) -> None:
    await login_as(Role.MANAGER)
    response = await client.post("/admin/products/new?lang=en", data=_product_form(ids, **over))
    assert response.status_code == 422
    assert f'id="err-{field}"' in response.text and says in response.text
    assert 'value="ร่มกระดาษสา"' in response.text or field == "name_th"  # input kept
    assert (await client.get("/api/v1/products", params={"q": "NEW-1"})).json() == []


async def test_a_product_is_edited_and_a_stale_form_is_refused(
    client: AsyncTestClient[Any], login_as: LoginAs, ids: dict[str, int]
) -> None:
    await login_as(Role.MANAGER)
    page = await client.get(f"/admin/products/{ids['product']}")
    assert page.status_code == 200 and 'value="450.50"' in page.text
    form = _product_form(ids, sku="SKU-EDIT", price_baht="99", version="1")
    saved = await client.post(
        f"/admin/products/{ids['product']}", data=form, follow_redirects=False
    )
    assert saved.status_code == 303
    shown = (await client.get(f"/api/v1/products/{ids['product']}")).json()
    assert shown["price_satang"] == 9900 and shown["version"] == 2
    stale = await client.post(f"/admin/products/{ids['product']}", data=form)
    assert stale.status_code == 422 and "version" in stale.text


async def test_entrepreneurs_are_listed_by_district_and_the_form_checks_promptpay(
    client: AsyncTestClient[Any], login_as: LoginAs, ids: dict[str, int]
) -> None:
    await login_as(Role.MANAGER)
    listed = await client.get("/admin/entrepreneurs", params={"district_id": ids["district"]})
    assert listed.status_code == 200 and "E001" in listed.text
    form = {
        "code": "E200",
        "name_th": "ไม้แกะสลักบ้านถวาย",
        "name_en": "Ban Tawai Woodcarving",
        "district_id": str(ids["district"]),
        "promptpay_id": "0212345678",
        "commission_percent": "12.5",
        "star_rating": "4",
        "active": "on",
    }
    refused = await client.post("/admin/entrepreneurs/new", data=form)
    assert refused.status_code == 422 and 'id="err-promptpay_id"' in refused.text
    form["promptpay_id"] = "0891234567"
    saved = await client.post("/admin/entrepreneurs/new", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    created = (await client.get("/api/v1/entrepreneurs", params={"q": "E200"})).json()[0]
    assert created["commission_bp"] == 1250
    edit = await client.get(f"/admin/entrepreneurs/{created['id']}")
    assert 'value="12.50"' in edit.text


async def test_categories_and_locations_pages_add_and_edit(
    client: AsyncTestClient[Any], login_as: LoginAs, ids: dict[str, int]
) -> None:
    await login_as(Role.MANAGER)
    assert "ผ้าและเครื่องแต่งกาย" in (await client.get("/admin/categories")).text
    added = await client.post(
        "/admin/categories",
        data={"code": "food", "name_th": "อาหาร", "name_en": "Food", "commission_percent": "10"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    bad = await client.post(
        "/admin/categories", data={"code": "food", "name_th": "อาหาร", "name_en": "Food"}
    )
    assert bad.status_code == 422 and "มีอยู่ในระบบแล้ว" in bad.text  # the Thai page says it in Thai
    locations = await client.get("/admin/locations")
    assert "ถนนท่าแพ" in locations.text
    fair = await client.post(
        "/admin/locations",
        data={"code": "FAIR", "name_th": "งานแฟร์", "name_en": "Fair", "active": "on"},
        follow_redirects=False,
    )
    assert fair.status_code == 303
    listed = (await client.get("/api/v1/locations")).json()
    assert {loc["code"] for loc in listed} == {"SKP", "TPR", "FAIR"}
    assert (await client.get("/admin/export")).status_code == 200


async def test_list_filters_left_at_all_send_empty_ids_and_still_work(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    await login_as(Role.MANAGER)
    products = await client.get("/admin/products?q=x&category_id=&location_id=")
    assert products.status_code == 200
    entrepreneurs = await client.get("/admin/entrepreneurs?district_id=")
    assert entrepreneurs.status_code == 200
    bad = await client.get("/admin/products?category_id=abc")
    assert bad.status_code == 422
