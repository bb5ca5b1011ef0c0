"""The catalogue's JSON API: reads for everyone signed in, edits for managers, own data only."""

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
        other = factories.entrepreneur(conn, district, code="E002", name_th="บ้านถวาย")
        theirs = factories.product(conn, other, category, name_th="ไม้แกะสลัก")
    return {
        "district": district,
        "category": category,
        "owner": owner,
        "other": other,
        "theirs": theirs,
    }


def _product(ids: dict[str, int], **over: Any) -> dict[str, Any]:
    body = {
        "sku": "SKU-1",
        "barcode": "8850999320014",
        "name_th": "ผ้าซิ่นตีนจก",
        "name_en": "Teen jok sarong",
        "category_id": ids["category"],
        "entrepreneur_id": ids["owner"],
        "price_satang": 45000,
    }
    return {**body, **over}


async def test_a_manager_creates_reads_and_edits_a_product(
    client: AsyncTestClient[Any], login_as: LoginAs, ids: dict[str, int]
) -> None:
    await login_as(Role.MANAGER)
    created = await client.post("/api/v1/products", json=_product(ids))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["price_satang"] == 45000 and body["entrepreneur_code"] == "E001"
    assert body["on_hand"] == 0 and body["on_hand_total"] == 0
    shown = await client.get(f"/api/v1/products/{body['id']}")
    assert shown.json()["name_th"] == "ผ้าซิ่นตีนจก"
    edited = await client.patch(
        f"/api/v1/products/{body['id']}", json={"version": 1, "price_satang": 50000}
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["version"] == 2
    stale = await client.patch(
        f"/api/v1/products/{body['id']}", json={"version": 1, "price_satang": 1}
    )
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    audit = (await client.get("/api/v1/audit?action=product_updated")).json()
    assert audit[0]["detail"]["changes"]["price_satang"] == [45000, 50000]


async def test_search_by_thai_substring_and_filters(
    client: AsyncTestClient[Any], login_as: LoginAs, ids: dict[str, int], db: Database
) -> None:
    await login_as(Role.CASHIER)
    found = await client.get("/api/v1/products", params={"q": "แกะ"})
    assert [p["id"] for p in found.json()] == [ids["theirs"]]
    by_owner = await client.get("/api/v1/products", params={"entrepreneur_id": ids["owner"]})
    assert by_owner.json() == []
    bad_location = await client.get("/api/v1/products", params={"location_id": 999})
    assert bad_location.status_code == 422 and bad_location.json()["field"] == "location_id"


@pytest.mark.parametrize(
    ("over", "field", "statuses"),
    [
        ({"barcode": "8850999320015"}, "barcode", {422}),
        ({"barcode": "12345abc"}, "barcode", {422}),
        ({"price_satang": -100}, "price_satang", {400}),
        ({"price_satang": 1.5}, "price_satang", {400}),
        ({"price_satang": "100"}, "price_satang", {400}),
        ({"entrepreneur_id": 999}, "entrepreneur_id", {422}),
        ({"category_id": 999}, "category_id", {422}),
        ({"name_th": "  "}, "name_th", {422}),
        ({"name_en": "x" * 300}, "name_en", {422}),
    ],
)
async def test_bad_product_input_is_refused_naming_the_field(
    client: AsyncTestClient[Any],
    login_as: LoginAs,
    ids: dict[str, int],
    over: dict[str, Any],
    field: str,
    statuses: set[int],
) -> None:
    await login_as(Role.ADMIN)
    response = await client.post("/api/v1/products", json=_product(ids, **over))
    assert response.status_code in statuses, response.text
    assert response.json()["field"] == field
    assert (await client.get("/api/v1/products", params={"q": "ตีนจก"})).json() == []


@pytest.mark.parametrize("field", ["sku", "barcode"])
async def test_duplicate_sku_or_barcode_is_409(
    client: AsyncTestClient[Any], login_as: LoginAs, ids: dict[str, int], field: str
) -> None:
    await login_as(Role.MANAGER)
    assert (await client.post("/api/v1/products", json=_product(ids))).status_code == 201
    other = {"sku": "SKU-2", "barcode": "8850999320021"}
    other.pop(field)
    again = await client.post("/api/v1/products", json=_product(ids, **other))
    assert again.status_code == 409 and again.json()["field"] == field


async def test_a_product_without_barcode_gets_an_in_store_code(
    client: AsyncTestClient[Any], login_as: LoginAs, ids: dict[str, int]
) -> None:
    await login_as(Role.MANAGER)
    created = await client.post("/api/v1/products", json=_product(ids, barcode=""))
    assert created.status_code == 201
    assert created.json()["barcode"].startswith("20")


async def test_a_cashier_reads_but_may_not_write(
    client: AsyncTestClient[Any], login_as: LoginAs, ids: dict[str, int]
) -> None:
    await login_as(Role.CASHIER)
    assert (await client.get(f"/api/v1/products/{ids['theirs']}")).status_code == 200
    assert (await client.post("/api/v1/products", json=_product(ids))).status_code == 403
    assert (await client.get("/api/v1/entrepreneurs")).status_code == 200


async def test_an_entrepreneur_sees_only_their_own_and_others_are_not_found(
    client: AsyncTestClient[Any], login_as: LoginAs, ids: dict[str, int]
) -> None:
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=ids["owner"])
    listed = await client.get("/api/v1/products", params={"entrepreneur_id": ids["other"]})
    assert listed.status_code == 200 and listed.json() == []
    theirs = await client.get(
        f"/api/v1/products/{ids['theirs']}", headers={"Accept-Language": "en"}
    )
    assert theirs.status_code == 404 and "not found" in theirs.json()["detail"]
    other = await client.get(f"/api/v1/entrepreneurs/{ids['other']}")
    assert other.status_code == 404
    mine = await client.get(f"/api/v1/entrepreneurs/{ids['owner']}")
    assert mine.status_code == 200
    everyone = await client.get("/api/v1/entrepreneurs")
    assert [e["id"] for e in everyone.json()] == [ids["owner"]]
    assert (await client.post("/api/v1/products", json=_product(ids))).status_code == 403


def _entrepreneur(ids: dict[str, int], **over: Any) -> dict[str, Any]:
    body = {
        "code": "E100",
        "name_th": "กลุ่มร่มบ่อสร้าง",
        "name_en": "Bo Sang Umbrellas",
        "district_id": ids["district"],
        "commission_bp": 2000,
        "star_rating": 4,
        "promptpay_id": "0812345678",
    }
    return {**body, **over}


async def test_entrepreneurs_are_created_edited_and_filtered_by_district(
    client: AsyncTestClient[Any], login_as: LoginAs, ids: dict[str, int]
) -> None:
    await login_as(Role.MANAGER)
    created = await client.post("/api/v1/entrepreneurs", json=_entrepreneur(ids))
    assert created.status_code == 201, created.text
    body = created.json()
    edited = await client.patch(
        f"/api/v1/entrepreneurs/{body['id']}",
        json={"version": body["version"], "promptpay_id": None, "star_rating": 5},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["promptpay_id"] is None and edited.json()["star_rating"] == 5
    stale = await client.patch(
        f"/api/v1/entrepreneurs/{body['id']}", json={"version": body["version"], "tambon": "x"}
    )
    assert stale.status_code == 409
    in_district = await client.get("/api/v1/entrepreneurs", params={"district_id": ids["district"]})
    assert len(in_district.json()) == 3
    found = await client.get("/api/v1/entrepreneurs", params={"q": "บ่อสร้าง"})
    assert [e["code"] for e in found.json()] == ["E100"]
    unrated = _entrepreneur(ids, code="E101")
    del unrated["commission_bp"]
    defaulted = await client.post("/api/v1/entrepreneurs", json=unrated)
    assert defaulted.status_code == 201 and defaulted.json()["commission_bp"] == 2000


@pytest.mark.parametrize(
    ("over", "field", "statuses"),
    [
        ({"commission_bp": 10001}, "commission_bp", {422}),
        ({"commission_bp": -5}, "commission_bp", {422}),
        ({"star_rating": 6}, "star_rating", {422}),
        ({"star_rating": 0}, "star_rating", {422}),
        ({"promptpay_id": "0512345678"}, "promptpay_id", {422}),
        ({"promptpay_id": "1234567890123"}, "promptpay_id", {422}),
        ({"district_id": 999}, "district_id", {422}),
        ({"code": "E001"}, "code", {409}),
        ({"star_rating": 4.5}, "star_rating", {400}),
    ],
)
async def test_bad_entrepreneur_input_is_refused_naming_the_field(
    client: AsyncTestClient[Any],
    login_as: LoginAs,
    ids: dict[str, int],
    over: dict[str, Any],
    field: str,
    statuses: set[int],
) -> None:
    await login_as(Role.ADMIN)
    response = await client.post("/api/v1/entrepreneurs", json=_entrepreneur(ids, **over))
    assert response.status_code in statuses, response.text
    assert response.json()["field"] == field


async def test_places_are_listed_and_managed(
    client: AsyncTestClient[Any], login_as: LoginAs, ids: dict[str, int]
) -> None:
    await login_as(Role.MANAGER)
    districts = (await client.get("/api/v1/districts")).json()
    assert len(districts) == 25
    locations = (await client.get("/api/v1/locations")).json()
    assert [loc["code"] for loc in locations] == ["SKP", "TPR"]
    fair = await client.post(
        "/api/v1/locations", json={"code": "FAIR", "name_th": "งานแฟร์", "name_en": "Fair"}
    )
    assert fair.status_code == 201
    closed = await client.patch(
        f"/api/v1/locations/{fair.json()['id']}",
        json={"version": fair.json()["version"], "active": False},
    )
    assert closed.json()["active"] is False
    food = await client.post(
        "/api/v1/categories", json={"code": "food", "name_th": "อาหาร", "name_en": "Food"}
    )
    assert food.status_code == 201
    dup = await client.post(
        "/api/v1/categories", json={"code": "food", "name_th": "อาหาร", "name_en": "Food"}
    )
    assert dup.status_code == 409 and dup.json()["field"] == "code"


async def test_the_catalogue_needs_a_sign_in(client: AsyncTestClient[Any]) -> None:
    assert (await client.get("/api/v1/products")).status_code == 401
