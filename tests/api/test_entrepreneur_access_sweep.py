"""The access sweep: an entrepreneur, through every page and endpoint, with another
entrepreneur's ids, gets 403 or 404, and no list or page shows the other's data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.handlers import HTTPRouteHandler

from kernel.access import Role
from kernel.db.engine import Database
from tests import factories as f
from tests.api.conftest import LoginAs

pytestmark = pytest.mark.anyio

PARAM = re.compile(r"\{(\w+):(int|str)\}")
THEIR_NAME = "ร้านคนอื่นผ้าทอ"  # appears only in the other entrepreneur's rows
THEIR_SKU = "OTHERS-SKU-9"


def _get_routes(app: Any) -> list[str]:
    paths = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            wanted = isinstance(handler, HTTPRouteHandler) and "GET" in handler.http_methods
            if wanted and not route.path.startswith(("/schema", "/static")):
                paths.append(route.path)
    return sorted(set(paths))


def _fill(path: str, ids: dict[str, str]) -> str:
    return PARAM.sub(lambda m: ids.get(m.group(1), ids["default"]), path)


async def test_another_entrepreneurs_ids_reach_nothing(
    login_as: LoginAs, db: Database, app: Any
) -> None:
    with db.write() as conn:
        district = f.district(conn)
        mine = f.entrepreneur(conn, district)
        theirs = f.entrepreneur(conn, district, name_th=THEIR_NAME)
        cat = f.category(conn)
        their_product = f.product(conn, theirs, cat, sku=THEIR_SKU, name_th=THEIR_NAME)
        f.stock(conn, their_product, f.location(conn), 3)
    client = await login_as(Role.ENTREPRENEUR, entrepreneur_id=mine)
    ids = {
        "entrepreneur_id": str(theirs),
        "product_id": str(their_product),
        "default": "1",
        "kind": "products",
        "reference": "OTPMNOTHING",
    }
    reached = []
    swept = [path for path in _get_routes(app) if "{" in path]
    assert len(swept) >= 30  # products, entrepreneurs, balances, sales, payments, payouts...
    for path in swept:
        response = await client.get(_fill(path, ids))
        if response.status_code not in (403, 404):
            reached.append(f"{path}: {response.status_code}")
    assert reached == []


async def test_lists_and_pages_show_none_of_another_entrepreneurs_data(
    login_as: LoginAs, db: Database, app: Any
) -> None:
    with db.write() as conn:
        district = f.district(conn)
        mine = f.entrepreneur(conn, district)
        theirs = f.entrepreneur(conn, district, name_th=THEIR_NAME)
        cat = f.category(conn)
        their_product = f.product(conn, theirs, cat, sku=THEIR_SKU, name_th=THEIR_NAME)
        f.stock(conn, their_product, f.location(conn), 3)
    client = await login_as(Role.ENTREPRENEUR, entrepreneur_id=mine)
    leaked = []
    for path in _get_routes(app):
        if "{" in path or path in ("/logout",):
            continue
        for query in ("", f"?entrepreneur_id={theirs}", f"?q={THEIR_SKU}"):
            response = await client.get(path + query)
            if response.status_code == 200 and (
                THEIR_NAME in response.text or THEIR_SKU in response.text
            ):
                leaked.append(f"{path}{query}")
    assert leaked == []
    # The sweep did reach pages that answer an entrepreneur.
    assert (await client.get("/portal")).status_code == 200
