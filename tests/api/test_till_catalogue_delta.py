"""The till's catalogue by deltas: what changed after a version, on SQLite and PostgreSQL.

Each test starts from a full answer (its ``version``), changes things the way the centre
does (a price through the API, a new product, a product withdrawn, stock moved) and reads
the next delta; the overlap window (pos/tills/catalogue.py) is crossed with the test clock.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from inventory.stock.rules import MovementKind
from inventory.stock.service import apply_movements
from kernel.access import SYSTEM, Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from pos.tills.catalogue import MAX_TOKEN_AGE, OVERLAP
from tests.api.conftest import LoginAs
from tests.api.test_till_pages import _shop, _till

pytestmark = pytest.mark.anyio

PAST_OVERLAP = {"seconds": OVERLAP.total_seconds() + 1}


async def _catalogue(client: AsyncTestClient[Any], till: int, since: str | None = None) -> Any:
    url = f"/api/v1/till/catalogue?till_id={till}"
    if since is not None:
        url += f"&since={since}"
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


def _rows(body: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {r[0]: dict(zip(body["columns"], r, strict=True)) for r in body["products"]}


async def _product(client: AsyncTestClient[Any], product_id: int) -> Any:
    return (await client.get(f"/api/v1/products/{product_id}")).json()


async def test_a_delta_carries_a_price_a_new_product_a_withdrawal_and_stock_moved(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    shop = _shop(db)
    client = await login_as(Role.MANAGER)
    till = await _till(client, shop["here"])
    clock.advance(**PAST_OVERLAP)  # the shop was stocked longer ago than the overlap
    first = await _catalogue(client, till)
    assert first["full"] is True and first["version"]
    assert (first["removed"], first["on_hand"]) == ([], [])
    clock.advance(seconds=10)
    quiet = await _catalogue(client, till, first["version"])
    assert quiet["full"] is False
    assert (quiet["products"], quiet["removed"], quiet["on_hand"]) == ([], [], [])

    # Given: a new price, a new product of a maker the till has not seen, one withdrawn, and
    # stock moved here (a sale) and elsewhere.
    clock.advance(minutes=1)
    sarong = await _product(client, shop["stocked"])
    patched = await client.patch(
        f"/api/v1/products/{shop['stocked']}",
        json={"version": sarong["version"], "price_satang": 52000},
    )
    assert patched.status_code == 200, patched.text
    created = await client.post(
        "/api/v1/products",
        json={
            "sku": "BAG-NEW",
            "name_th": "กระเป๋าใหม่",
            "name_en": "New bag",
            "category_id": shop["pots"],
            "entrepreneur_id": shop["idle"],
            "price_satang": 9900,
        },
    )
    assert created.status_code == 201, created.text
    bag = created.json()["id"]
    vase = await _product(client, shop["elsewhere"])
    withdrawn = await client.patch(
        f"/api/v1/products/{shop['elsewhere']}", json={"version": vase["version"], "active": False}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    with db.write() as conn:
        for location, deltas in ((shop["here"], {shop["stocked"]: -2}), (shop["there"], {})):
            if deltas:
                apply_movements(
                    conn,
                    SYSTEM,
                    clock.now(),
                    location_id=location,
                    deltas=deltas,
                    kind=MovementKind.SALE,
                    reason="",
                    document=None,
                )

    # When: the till asks for what changed after its version.
    delta = await _catalogue(client, till, quiet["version"])

    # Then: each change is there once, with its values now.
    assert delta["full"] is False
    assert delta["version"] != quiet["version"]
    rows = _rows(delta)
    assert set(rows) == {shop["stocked"], bag}
    assert rows[shop["stocked"]]["price_satang"] == 52000
    assert rows[shop["stocked"]]["on_hand"] == 5
    assert (rows[bag]["name_th"], rows[bag]["on_hand"]) == ("กระเป๋าใหม่", 0)
    assert delta["removed"] == [shop["elsewhere"]]
    assert delta["on_hand"] == [[shop["stocked"], 5]]
    assert [e[0] for e in delta["entrepreneurs"]] == sorted({shop["weavers"], shop["idle"]})
    assert {c[0] for c in delta["categories"]} == {shop["cloth"], shop["pots"]}

    # To a version read within the overlap after them, the same changes come again (the till
    # applies them idempotently); to one read after it has passed, nothing does.
    again = await _catalogue(client, till, delta["version"])
    assert (_rows(again), again["removed"], again["on_hand"]) == (
        rows,
        [shop["elsewhere"]],
        [[shop["stocked"], 5]],
    )
    clock.advance(**PAST_OVERLAP)
    settled = await _catalogue(client, till, again["version"])
    assert set(_rows(settled)) == set(rows)
    later = await _catalogue(client, till, settled["version"])
    assert (later["products"], later["removed"], later["on_hand"]) == ([], [], [])

    # A full answer now agrees with the first one and the deltas applied.
    full = _rows(await _catalogue(client, till))
    held = {**_rows(first), **rows}
    for gone in delta["removed"]:
        held.pop(gone)
    assert full == held


async def test_a_movement_committed_late_with_a_lower_id_is_still_sent(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    """On PostgreSQL a movement stamped before a read may commit after it: the overlap finds
    it although its id is below the highest one the till's version has seen."""
    shop = _shop(db)
    client = await login_as(Role.MANAGER)
    till = await _till(client, shop["here"])
    stamped = clock.now()
    clock.advance(seconds=30)
    version = (await _catalogue(client, till))["version"]
    with db.write() as conn:  # stamped 30 s before the read, committed after it
        apply_movements(
            conn,
            SYSTEM,
            stamped,
            location_id=shop["here"],
            deltas={shop["unstocked"]: 4},
            kind=MovementKind.INTAKE,
            reason="",
            document=None,
        )
    clock.advance(seconds=5)
    delta = await _catalogue(client, till, version)
    assert [shop["unstocked"], 4] in delta["on_hand"]


async def test_an_old_or_foreign_version_gets_the_whole_catalogue(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    shop = _shop(db)
    client = await login_as(Role.MANAGER)
    till = await _till(client, shop["here"])
    version = (await _catalogue(client, till))["version"]
    future = f"1.{10**17}.0"  # from a clock ahead of the server's
    older_format = "0.1.1"
    clock.advance(seconds=MAX_TOKEN_AGE.total_seconds() + 1)
    await login_as(Role.MANAGER, username="manager2")  # the first session has expired
    for since in (version, future, older_format):
        body = await _catalogue(client, till, since)
        assert body["full"] is True, since
        assert set(_rows(body)) == {shop["stocked"], shop["elsewhere"], shop["unstocked"]}


@pytest.mark.parametrize(
    "since", ["abc", "1.2", "1.x.3", "-1.2.3", "1.2.3.4", "", "1.2.99999999999999999999"]
)
async def test_a_version_not_given_by_the_server_is_refused_in_thai_and_english(
    login_as: LoginAs, db: Database, since: str
) -> None:
    shop = _shop(db)
    client = await login_as(Role.MANAGER)
    till = await _till(client, shop["here"])
    url = f"/api/v1/till/catalogue?till_id={till}&since={since}"
    thai = await client.get(url)
    assert thai.status_code == 422, thai.text
    assert thai.json()["code"] == "till.catalogue_version_invalid"
    assert thai.json()["field"] == "since"
    assert "รุ่นของรายการสินค้า" in thai.json()["detail"]
    english = await client.get(url + "&lang=en")
    assert "catalogue version" in english.json()["detail"]


async def test_the_service_worker_is_served_with_its_version_and_scope(
    login_as: LoginAs,
) -> None:
    client = await login_as(Role.CASHIER)
    response = await client.get("/till/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["service-worker-allowed"] == "/till"
    script = response.text
    assert 'const VERSION = "' in script
    for asset in ("/static/till_boot.js", "/static/till_products.js", "/static/idb.js"):
        assert f'"{asset}"' in script, asset
        assert (await client.get(asset)).status_code == 200
    assert "/api/" not in script.split("const PAGES")[0]  # no answer of the API is kept
