"""A manager's page of one entrepreneur: the same balance, month and statement the
entrepreneur's portal shows (one implementation), payouts, print and CSV; nobody else in."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from inventory.models import Entrepreneur
from kernel.access import Role
from kernel.db.engine import Database
from tests.api.conftest import LoginAs
from tests.api.test_portal_figures import _baht, _sold_with_discounts_and_a_refund

pytestmark = pytest.mark.anyio


async def test_the_manager_sees_what_the_portal_says_with_statement_and_payouts(
    login_as: LoginAs, db: Database
) -> None:
    maker = await _sold_with_discounts_and_a_refund(login_as, db)  # signed in as a manager
    client = await login_as(Role.MANAGER, username="boss2")
    listing = await client.get("/admin/entrepreneurs")
    assert f'href="/admin/entrepreneurs/{maker}/account"' in listing.text
    page = await client.get(f"/admin/entrepreneurs/{maker}/account")
    assert page.status_code == 200, page.text
    html = page.text
    assert "data-print" in html and f"/api/v1/entrepreneurs/{maker}/statement.csv?from=" in html
    assert "ประวัติการโอนเงิน" in html and "ยังไม่มีการโอนเงิน" in html
    assert "พฤศจิกายน 2569" in html  # the month in the Buddhist era
    assert "SKP-01-000001" in html  # the sale (and its refund) in the statement
    manager_figures = {
        name: _baht(html, name) for name in ("data-balance", "data-month-sales", "data-closing")
    }
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker)
    portal = (await client.get("/portal")).text
    assert manager_figures == {
        name: _baht(portal, name) for name in ("data-balance", "data-month-sales", "data-closing")
    }
    october = await login_as(Role.MANAGER, username="boss3")
    old = await october.get(f"/admin/entrepreneurs/{maker}/account", params={"month": "2026-10"})
    assert old.status_code == 200 and "ไม่มีรายการในเดือนนี้" in old.text
    assert '<option value="2026-10" selected>ตุลาคม 2569</option>' in old.text
    bad = await october.get(f"/admin/entrepreneurs/{maker}/account", params={"month": "13/2569"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    assert 'aria-invalid="true"' in bad.text
    missing = await october.get("/admin/entrepreneurs/999999/account")
    assert missing.status_code == 404


async def test_cashiers_and_entrepreneurs_are_refused(login_as: LoginAs, db: Database) -> None:
    maker = await _sold_with_discounts_and_a_refund(login_as, db)
    with db.read() as conn:
        other = conn.execute(select(Entrepreneur.id).where(Entrepreneur.id != maker)).first()
    client = await login_as(Role.CASHIER, username="cashier9")
    refused = await client.get(f"/admin/entrepreneurs/{maker}/account")
    assert refused.status_code == 403
    listing = await client.get("/admin/entrepreneurs")
    assert "/account" not in listing.text  # no link to what they may not open
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=maker, username="ent-own")
    own = await client.get(f"/admin/entrepreneurs/{maker}/account")
    assert own.status_code == 403  # their own is the portal
    if other is not None:
        theirs = await client.get(f"/admin/entrepreneurs/{other[0]}/account")
        assert theirs.status_code == 403
    assert not re.search(r"data-balance", own.text)


async def test_the_statement_api_reads_buddhist_era_dates_as_iso(
    login_as: LoginAs, db: Database
) -> None:
    maker = await _sold_with_discounts_and_a_refund(login_as, db)
    client = await login_as(Role.MANAGER, username="boss4")
    url = f"/api/v1/entrepreneurs/{maker}/statement"
    thai = await client.get(url, params={"from": "1/11/2569", "to": "21/11/69"})
    iso = await client.get(url, params={"from": "2026-11-01", "to": "2026-11-21"})
    assert thai.status_code == iso.status_code == 200, thai.text
    assert thai.json() == iso.json() and thai.json()["start"] == "2026-11-01"
    csv = await client.get(f"{url}.csv", params={"from": "01/11/2569"})
    assert csv.status_code == 200
    for lang, words in (("th", "พ.ศ."), ("en", "Buddhist era")):
        bad = await client.get(url, params={"from": "31/11/2569", "lang": lang})
        assert bad.status_code == 422 and bad.json()["field"] == "from"
        assert bad.json()["code"] == "date.invalid" and words in bad.json()["detail"]
