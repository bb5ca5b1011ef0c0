from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from kernel.access import Role
from kernel.db.engine import Database
from tests import factories
from tests.api.conftest import LoginAs

pytestmark = pytest.mark.anyio


async def test_an_entrepreneur_lands_on_their_own_stock_and_sees_what_to_bring(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database
) -> None:
    with db.write() as conn:
        district = factories.district(conn)
        category = factories.category(conn)
        location = factories.location(conn)
        mine = factories.entrepreneur(conn, district, name_th="กลุ่มผ้าทอของฉัน")
        other = factories.entrepreneur(conn, district, name_th="ร้านคนอื่น")
        scarf = factories.product(conn, mine, category, name_th="ผ้าพันคอฝ้าย")
        umbrella = factories.product(conn, mine, category, name_th="ร่มบ่อสร้าง")
        theirs = factories.product(conn, other, category, name_th="ของคนอื่นเท่านั้น")
        factories.stock(conn, scarf, location, 12)
        factories.stock(conn, umbrella, location, 1)
        factories.stock(conn, theirs, location, 5)
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=mine)
    home = await client.get("/", follow_redirects=True)
    assert home.status_code == 200
    assert "กลุ่มผ้าทอของฉัน" in home.text
    assert "ผ้าพันคอฝ้าย" in home.text
    assert "ควรนำสินค้ามาเพิ่ม" in home.text  # the umbrella is low
    assert "ของคนอื่นเท่านั้น" not in home.text


async def test_staff_cannot_open_the_portal(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    await login_as(Role.CASHIER)
    assert (await client.get("/portal")).status_code == 403
