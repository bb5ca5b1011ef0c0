"""The centre's reports over HTTP: managers only, the JSON API, the page, CSV downloads."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests import factories
from tests.api.conftest import LoginAs
from tests.db.test_reports import DISCOUNT, P1, P2, P3, _setup

pytestmark = pytest.mark.anyio
NOVEMBER = "from=2026-11-01&to=2026-11-30"


@pytest.mark.parametrize("role", [Role.CASHIER, Role.ENTREPRENEUR])
async def test_only_managers_see_the_reports(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database, role: Role
) -> None:
    entrepreneur_id = None
    if role is Role.ENTREPRENEUR:
        with db.write() as conn:
            entrepreneur_id = factories.entrepreneur(conn, factories.district(conn))
    await login_as(role, entrepreneur_id=entrepreneur_id)
    for path in (
        f"/api/v1/reports/sales?{NOVEMBER}&group=day",
        "/admin/reports",
        f"/admin/reports/csv/district.csv?{NOVEMBER}",
    ):
        response = await client.get(path)
        assert response.status_code == 403, path


async def test_signed_out_the_api_says_401_and_the_page_sends_to_the_login(
    client: AsyncTestClient[Any],
) -> None:
    assert (await client.get(f"/api/v1/reports/sales?{NOVEMBER}")).status_code == 401
    page = await client.get("/admin/reports", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("to=2026-11-30", "from"),
        ("from=2026-11-01", "to"),
        ("from=2026-13-01&to=2026-12-31", "from"),
        ("from=31/11/2569&to=2026-11-30", "from"),  # no 31st in November, in the BE too
        ("from=1/11&to=2026-11-30", "from"),
        ("from=2026-11-01&to=2026-02-30", "to"),
        ("from=2026-12-01&to=2026-11-01", "from"),
        ("from=2000-01-01&to=2026-11-30", "to"),
        (f"{NOVEMBER}&group=weekday", "group"),
        (f"{NOVEMBER}&group=product&limit=0", "limit"),
        (f"{NOVEMBER}&group=product&limit=abc", "limit"),
        (f"{NOVEMBER}&group=product&limit=101", "limit"),
    ],
)
async def test_bad_parameters_are_refused_with_the_field(
    client: AsyncTestClient[Any], login_as: LoginAs, query: str, field: str
) -> None:
    await login_as(Role.MANAGER)
    response = await client.get(f"/api/v1/reports/sales?{query}")
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


async def test_a_period_reads_in_the_buddhist_era_as_in_iso(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    await login_as(Role.MANAGER)
    iso = await client.get("/api/v1/reports/sales?from=2026-11-01&to=2026-11-30")
    thai = await client.get("/api/v1/reports/sales?from=01/11/2569&to=30/11/69")
    assert iso.status_code == thai.status_code == 200, thai.text
    assert thai.json()["from"] == "2026-11-01" and thai.json()["to"] == "2026-11-30"
    page = await client.get("/admin/reports?from=1/11/2569&to=2026-11-30")
    assert 'value="01/11/2569"' in page.text and 'value="30/11/2569"' in page.text
    assert 'type="date"' not in page.text and "be_date.js" in page.text


async def test_the_api_groups_sales_by_district_with_every_district(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    _setup(db, clock)
    await login_as(Role.MANAGER, username="boss")
    response = await client.get(f"/api/v1/reports/sales?{NOVEMBER}&group=district")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["from"] == "2026-11-01" and body["group"] == "district"
    rows = {row["key"]: row for row in body["rows"]}
    assert len(rows) == 25 and rows["5025"]["net_sales_satang"] == 0
    assert rows["5013"]["label_th"] == "สันกำแพง" and rows["5013"]["label_en"] == "San Kamphaeng"
    assert rows["5015"]["net_sales_satang"] == 3 * P2
    net = 2 * P1 - DISCOUNT + 3 * P2 + 3 * P3
    assert body["total"]["net_sales_satang"] == body["summary"]["net_sales_satang"] == net
    assert body["summary"]["sales"] == 3 and body["summary"]["discount_satang"] == DISCOUNT


async def test_the_api_gives_days_top_products_and_the_payment_mix(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    _setup(db, clock)
    await login_as(Role.MANAGER, username="boss")
    days = (await client.get(f"/api/v1/reports/sales?{NOVEMBER}")).json()
    assert days["group"] == "day" and len(days["rows"]) == 30
    assert days["rows"][1] == {
        "key": "2026-11-02",
        "label_th": "2 พ.ย. 2569",
        "label_en": "2 Nov 2026",
        "sales": 2,
        "quantity": 6,
        "gross_satang": 2 * P1 + P2 + 3 * P3,
        "discount_satang": DISCOUNT,
        "sales_satang": 2 * P1 + P2 + 3 * P3 - DISCOUNT,
        "refunds": 0,
        "refunds_satang": 0,
        "net_sales_satang": 2 * P1 + P2 + 3 * P3 - DISCOUNT,
        "commission_satang": days["rows"][1]["commission_satang"],
    }
    december = "from=2026-12-01&to=2026-12-31"
    months = (await client.get(f"/api/v1/reports/sales?{december}&group=month")).json()
    assert months["rows"][0]["refunds_satang"] == P2 and months["rows"][0]["key"] == "2026-12"
    top = await client.get(f"/api/v1/reports/sales?{NOVEMBER}&group=product&limit=1")
    assert [row["label_th"] for row in top.json()["rows"]] == ["ผ้าซิ่นตีนจก"]
    mix = (await client.get(f"/api/v1/reports/sales?{NOVEMBER}&group=payment_method")).json()
    # Card is always listed (a tender the centre takes), here with no payment.
    assert [(r["key"], r["payments"]) for r in mix["rows"]] == [
        ("cash", 2),
        ("promptpay", 1),
        ("card", 0),
    ]
    assert mix["promptpay_share_bp"] == 1962 and mix["rows"][1]["share_bp"] == 1962


async def test_every_table_downloads_as_csv_with_a_bom_and_thai(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    _setup(db, clock)
    await login_as(Role.MANAGER, username="boss")
    for group in (
        "day",
        "week",
        "month",
        "category",
        "district",
        "stars",
        "location",
        "product",
        "entrepreneur",
        "payment_method",
        "payment_month",
    ):
        response = await client.get(f"/admin/reports/csv/{group}.csv?{NOVEMBER}")
        assert response.status_code == 200, (group, response.text)
        assert response.content.startswith(b"\xef\xbb\xbf"), group
        assert response.headers["content-type"].startswith("text/csv")
        assert (
            f"otop-report-{group}-2026-11-01-2026-11-30.csv"
            in (response.headers["content-disposition"])
        )
    district = await client.get(f"/admin/reports/csv/district.csv?{NOVEMBER}")
    rows = list(csv.reader(io.StringIO(district.content.decode("utf-8-sig"))))
    assert rows[0][0].startswith("ยอดขายตามอำเภอ")
    assert rows[1][:3] == ["รหัส", "ชื่อ", "จำนวนชิ้น"]
    by_code = {row[0]: row for row in rows[2:]}
    assert by_code["5013"][1] == "สันกำแพง"
    assert len(rows) == 2 + 25 + 1  # title, headings, every district, the total
    assert rows[-1][1] == "รวม"
    english = await client.get(f"/admin/reports/csv/product.csv?{NOVEMBER}&lang=en")
    text = english.content.decode("utf-8-sig")
    assert "Net sales (baht)" in text and "Teen jok sarong" in text
    bad = await client.get(f"/admin/reports/csv/weekday.csv?{NOVEMBER}")
    assert bad.status_code == 422 and bad.json()["field"] == "group"
    missing = await client.get("/admin/reports/csv/day.csv?from=2026-11-01")
    assert missing.status_code == 422 and missing.json()["field"] == "to"


async def test_the_page_shows_the_period_charts_and_every_district(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    _setup(db, clock)
    await login_as(Role.MANAGER, username="boss")
    page = await client.get("/admin/reports")  # this month: 1 to 21 November
    assert page.status_code == 200
    html = page.text
    assert '<meta charset="utf-8">' in html
    assert "รายงานยอดขายของศูนย์" in html and "1–21 พ.ย. 2569" in html
    assert html.count('<svg class="chart') >= 5
    assert "กัลยาณิวัฒนา" in html  # a district that sold nothing is listed
    assert "/admin/reports/csv/district.csv?from=2026-11-01&amp;to=2026-11-21" in html
    english = await client.get(f"/admin/reports?{NOVEMBER}&grain=week&lang=en")
    assert "Sales by ISO week" in english.text and "Week 45" in english.text
    last_month = await client.get("/admin/reports?preset=last_month&lang=th")
    assert "1–31 ต.ค. 2569" in last_month.text


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("from=2026-11-31&to=2026-12-01", "from is not a valid date"),
        ("from=2026-12-01&to=2026-11-01", "after it ends"),
        ("preset=yesterday", "preset must be one of"),
        (f"{NOVEMBER}&grain=hour", "grain must be"),
    ],
)
async def test_the_page_explains_a_bad_period_instead_of_failing(
    client: AsyncTestClient[Any], login_as: LoginAs, query: str, says: str
) -> None:
    await login_as(Role.MANAGER)
    page = await client.get(f"/admin/reports?{query}&lang=en")
    assert page.status_code == 422
    assert 'class="error"' in page.text and says in page.text
    thai = await client.get(f"/admin/reports?{query}&lang=th")
    assert thai.status_code == 422 and 'class="error"' in thai.text
    assert "รายงานยอดขายของศูนย์" in thai.text  # the form is there to try again
