"""The audit log: Thai shown as Thai, Bangkok time with the Buddhist year, filters by user,
Bangkok days (BE or ISO) and kind, and pages that cover every entry once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from inventory.catalogue.events import CatalogueEvent
from inventory.stock.events import StockEvent
from kernel import audit
from kernel.access import Actor, Role
from kernel.db.engine import Database
from pos.checkout.events import SaleEvent
from pos.consignment.events import PayoutEvent
from tests.api.conftest import LoginAs
from web.accounts.audit_kinds import AuditKind, kind_of, kind_of_action
from web.accounts.users import UserEvent

pytestmark = pytest.mark.anyio

NOK = Actor(None, "nok", Role.MANAGER)
CASHIER = Actor(None, "somchai", Role.CASHIER)
# 17:30 UTC on 6 December is 00:30 on 7 December in Bangkok.
LATE = datetime(2026, 12, 6, 17, 30, tzinfo=UTC)


def _seed(db: Database) -> None:
    """Recorded in time order, as the service records them (oldest first)."""
    with db.write() as conn:
        audit.record(conn, CASHIER, UserEvent.LOGIN, "user", 902, LATE - timedelta(days=5))
        audit.record(conn, NOK, PayoutEvent.PAYOUT_PAID, "payout", 4, LATE - timedelta(days=4))
        audit.record(conn, NOK, StockEvent.STOCK_ADJUSTED, "stock", 3, LATE - timedelta(days=3))
        audit.record(conn, CASHIER, SaleEvent.SALE_REFUNDED, "sale", 1, LATE - timedelta(days=2))
        audit.record(conn, CASHIER, SaleEvent.SALE_COMPLETED, "sale", 1, LATE - timedelta(days=1))
        audit.record(
            conn, NOK, CatalogueEvent.PRODUCT_UPDATED, "product", 7, LATE,
            name_th="โคมไฟไม้สัก", changes={"name_th": ["โคมไม้", "โคมไฟไม้สัก"]},
            price_satang=45000,
        )  # fmt: skip


async def _manager(login_as: LoginAs, db: Database) -> AsyncTestClient[Any]:
    client = await login_as(Role.MANAGER, username="boss")
    _seed(db)
    return client


def test_every_documented_action_has_a_kind() -> None:
    known = kind_of_action()
    assert AuditKind.OTHER not in set(known.values())
    for action, kind in [
        ("login", AuditKind.SIGN_IN),
        ("login_failed", AuditKind.SIGN_IN),
        ("user_created", AuditKind.USERS),
        ("sale_completed", AuditKind.SALES),
        ("sale_refunded", AuditKind.REFUNDS),
        ("stock_counted", AuditKind.STOCK),
        ("payout_run_created", AuditKind.PAYOUTS),
        ("category_updated", AuditKind.SETTINGS),
        ("pay_in", AuditKind.TILLS),
        ("something_new", AuditKind.OTHER),
    ]:
        assert kind_of(action) is kind, action


async def test_the_page_shows_thai_as_thai_and_bangkok_time_in_the_buddhist_era(
    login_as: LoginAs, db: Database
) -> None:
    client = await _manager(login_as, db)
    shown = await client.get("/admin/audit")
    assert shown.status_code == 200
    assert "โคมไฟไม้สัก" in shown.text and "\\u0e" not in shown.text
    assert "07/12/2569 00:30" in shown.text and "UTC" not in shown.text
    assert "฿450.00" in shown.text  # money in a detail reads as baht
    assert "ข้อมูลหลักและการตั้งค่า" in shown.text  # the kind, in Thai
    english = await client.get("/admin/audit?lang=en")
    assert "07/12/2026 00:30" in english.text and "Catalogue and settings" in english.text


async def test_the_api_filters_by_user_kind_and_bangkok_days(
    login_as: LoginAs, db: Database
) -> None:
    client = await _manager(login_as, db)

    async def actions(**params: str) -> list[str]:
        answer = await client.get("/api/v1/audit", params=params)
        assert answer.status_code == 200, answer.text
        return [e["action"] for e in answer.json() if e["actor"] != "boss"]

    assert await actions(user="somchai") == ["sale_completed", "sale_refunded", "login"]
    assert await actions(user="SomChai ") == ["sale_completed", "sale_refunded", "login"]
    assert await actions(kind="sales") == ["sale_completed"]
    assert await actions(kind="refunds") == ["sale_refunded"]
    assert await actions(kind="payouts") == ["payout_paid"]
    assert await actions(kind="stock", user="somchai") == []
    # The entry at 17:30 UTC on the 6th is on the 7th in Bangkok: BE and ISO mean the same.
    assert await actions(**{"from": "07/12/2569"}) == ["product_updated"]
    assert await actions(**{"from": "2026-12-07", "to": "2026-12-07"}) == ["product_updated"]
    # Each entry is at 00:30 Bangkok time, a day apart: the 4th and 5th hold two of them.
    assert await actions(**{"from": "4/12/69", "to": "5/12/2569"}) == [
        "sale_refunded",
        "stock_adjusted",
    ]
    assert await actions(action="stock_adjusted") == ["stock_adjusted"]
    every = (await client.get("/api/v1/audit")).json()
    assert {e["kind"] for e in every} >= {"settings", "sales", "refunds", "stock", "payouts"}
    assert next(e for e in every if e["action"] == "product_updated")["detail"]["name_th"] == (
        "โคมไฟไม้สัก"
    )


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"kind": "coffee"}, "audit.kind_unknown", "kind"),
        ({"from": "31/02/2569"}, "date.invalid", "from"),
        ({"from": "07/12/2569", "to": "01/12/2569"}, "audit.period_reversed", "from"),
        ({"limit": "0"}, "audit.limit_invalid", "limit"),
        ({"limit": "ten"}, "audit.limit_invalid", "limit"),
        ({"before": "abc"}, "request.not_whole_number", "before"),
        ({"user": "nok\x00"}, None, "user"),  # never reaches the database (PostgreSQL)
        ({"user": "n" * 65}, "audit.filter_too_long", "user"),
        ({"action": "x" * 65}, "audit.filter_too_long", "action"),
    ],
)
async def test_a_bad_filter_is_refused_in_thai_and_english(
    login_as: LoginAs, db: Database, params: dict[str, str], code: str, field: str
) -> None:
    client = await _manager(login_as, db)
    thai = await client.get("/api/v1/audit", params={**params, "lang": "th"})
    assert thai.status_code == 422, thai.text
    assert thai.json()["code"] == code or code is None  # None: the text rule's own code
    assert thai.json()["field"] == field
    english = await client.get("/api/v1/audit", params={**params, "lang": "en"})
    assert english.json()["detail"] != thai.json()["detail"]
    if field in ("kind", "from"):  # the page keeps what was typed and says what is wrong
        shown = await client.get("/admin/audit", params=params)
        assert shown.status_code == 422 and 'role="alert"' in shown.text
        assert 'aria-invalid="true"' in shown.text


async def test_pages_cover_every_entry_once_newest_first(login_as: LoginAs, db: Database) -> None:
    client = await login_as(Role.MANAGER, username="boss")
    start = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
    with db.write() as conn:
        for n in range(130):
            audit.record(
                conn, NOK, StockEvent.STOCK_ADJUSTED, "stock", n, start + timedelta(minutes=n)
            )
    seen: list[int] = []
    before = None
    while True:
        params = {"kind": "stock", "limit": "50", **({"before": str(before)} if before else {})}
        batch = (await client.get("/api/v1/audit", params=params)).json()
        if not batch:
            break
        seen.extend(int(e["entity_id"]) for e in batch)
        before = batch[-1]["id"]
    assert seen == list(range(129, -1, -1))
    first = await client.get("/admin/audit?kind=stock")
    assert first.text.count("data-entry=") == 50 and "before=" in first.text
    assert "after=" not in first.text  # the newest page has no newer page
    older_id = first.text.split("before=")[1].split('"')[0]
    second = await client.get(f"/admin/audit?kind=stock&before={older_id}")
    assert second.text.count("data-entry=") == 50 and "after=" in second.text
    newer_id = second.text.split("after=")[1].split('"')[0]
    back = await client.get(f"/admin/audit?kind=stock&after={newer_id}")
    assert back.text.count("data-entry=") == 50
    assert "<td>stock 129</td>" in back.text
