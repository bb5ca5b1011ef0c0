"""Markdowns over HTTP, on SQLite and PostgreSQL: a manager applies those due (once: a second
run changes nothing), everyone signed in lists them (an entrepreneur only their own), a
cashier may not apply them; the aging page applies what is due when a manager opens it and
lists goods due for a markdown or their return; bad filters are a 4xx, never a 500."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from inventory.models import Product, StockLevel
from inventory.stock import aging_report as aging_module
from inventory.stock.aging_report import aging_report
from inventory.stock.document_rules import LineIn
from inventory.stock.documents import adjust_stock
from kernel.access import SYSTEM, Role
from kernel.clock import FixedClock, business_date
from kernel.db.engine import Database
from tests import factories as f
from tests.api.conftest import LoginAs
from web.app import _markdowns_due_at_start, create_served_app
from web.settings import Settings
from web.stock import markdown_api
from web.stock.markdown_api import MarkdownSweeps, apply_at_start, run_due_markdowns

pytestmark = pytest.mark.anyio


@dataclass
class Goods:
    maker: int
    other: int
    aged: int  # 61 days old under -10 % after 60 days: a markdown due
    old: int  # 95 days old: past its 90-day period, due back
    fresh: int  # received today: nothing due


def _goods(db: Database, clock: FixedClock) -> Goods:
    today = business_date(clock.now())
    with db.write() as conn:
        district = f.district(conn)
        location = f.location(conn)
        cat = f.category(conn)
        maker = f.entrepreneur(conn, district, code="E1", name_th="กลุ่มทอผ้า")
        other = f.entrepreneur(conn, district, code="E2", name_th="กลุ่มปั้น")
        aged = f.product(conn, maker, cat, price_satang=45000, name_th="ผ้าซิ่นเก่า")
        old = f.product(conn, maker, cat, price_satang=12000, name_th="ย่ามครบกำหนด")
        fresh = f.product(conn, other, cat, price_satang=9900, name_th="แจกันใหม่")
        for product in (aged, old, fresh):
            f.stock(conn, product, location, 4)
        f.aged_under_markdowns(conn, aged, today - timedelta(days=61))
        f.aged_under_markdowns(conn, old, today - timedelta(days=95), markdowns=[])
        f.aged_under_markdowns(conn, fresh, today, markdowns=[])
    return Goods(maker, other, aged, old, fresh)


def _markdown_of(db: Database, product: int) -> int:
    with db.read() as conn:
        return int(
            conn.execute(select(Product.markdown_bp).where(Product.id == product)).scalar_one()
        )


async def test_a_manager_applies_what_is_due_once_and_it_is_listed(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    goods = _goods(db, clock)
    await login_as(Role.MANAGER)
    first = await client.post("/api/v1/markdowns/apply")
    assert first.status_code == 200, first.text
    run = first.json()
    assert run["day"] == business_date(clock.now()).isoformat()
    assert run["checked"] == 3
    (applied,) = run["applied"]
    assert (applied["product_id"], applied["from_bp"], applied["to_bp"]) == (goods.aged, 0, 1000)
    assert (applied["price_before_satang"], applied["price_after_satang"]) == (45000, 40500)
    assert applied["actor_name"] == "manager1"
    assert _markdown_of(db, goods.aged) == 1000

    again = await client.post("/api/v1/markdowns/apply")
    assert again.status_code == 200 and again.json()["applied"] == []

    listed = await client.get("/api/v1/markdowns", params={"entrepreneur_id": goods.maker})
    assert listed.status_code == 200
    assert [m["product_id"] for m in listed.json()] == [goods.aged]
    other = await client.get("/api/v1/markdowns", params={"entrepreneur_id": goods.other})
    assert other.json() == []


async def test_a_cashier_may_not_apply_and_an_entrepreneur_lists_only_their_own(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    goods = _goods(db, clock)
    await login_as(Role.CASHIER)
    refused = await client.post("/api/v1/markdowns/apply")
    assert refused.status_code == 403
    assert _markdown_of(db, goods.aged) == 0
    await login_as(Role.MANAGER, username="boss")
    assert (await client.post("/api/v1/markdowns/apply")).status_code == 200
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=goods.other, username="potter")
    theirs = await client.get("/api/v1/markdowns", params={"entrepreneur_id": goods.maker})
    assert theirs.status_code == 200 and theirs.json() == []
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=goods.maker, username="weaver")
    mine = await client.get("/api/v1/markdowns")
    assert [m["product_id"] for m in mine.json()] == [goods.aged]


@pytest.mark.parametrize(
    "query",
    [{"since": "yesterday"}, {"until": "2569-13-01"}, {"limit": "many"}, {"product_id": "x"}],
)
async def test_bad_filters_are_refused_with_a_4xx(
    client: AsyncTestClient[Any], login_as: LoginAs, query: dict[str, str]
) -> None:
    await login_as(Role.MANAGER)
    response = await client.get("/api/v1/markdowns", params=query)
    assert response.status_code == 400, response.text


async def test_the_aging_page_applies_what_is_due_and_lists_markdowns_and_returns(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    goods = _goods(db, clock)
    await login_as(Role.MANAGER)
    page = await client.get("/admin/stock/aging")
    assert page.status_code == 200, page.text
    assert _markdown_of(db, goods.aged) == 1000  # applied when the page opened
    html = page.text
    markdowns, returns = html.split('id="returns-due"')[0], html.split('id="returns-due"')[1]
    returns, applied_today = returns.split('id="applied-today"')
    assert "ผ้าซิ่นเก่า" in applied_today and "450.00" in applied_today
    assert "ย่ามครบกำหนด" in returns and "ถึงกำหนดคืน" in returns
    assert "ผ้าซิ่นเก่า" not in returns and "แจกันใหม่" not in html
    # Its next step: none left; so it is listed no more for a markdown, nor is the fresh one.
    assert "ผ้าซิ่นเก่า" not in markdowns
    assert f'href="/admin/stock?entrepreneur_id={goods.maker}"' in html

    soon = await client.get("/admin/stock/aging", params={"within": "90"})
    assert "แจกันใหม่" in soon.text.split('id="returns-due"')[1]  # its period ends in 90 days
    mine = await client.get("/admin/stock/aging", params={"entrepreneur_id": goods.other})
    assert "ย่ามครบกำหนด" not in mine.text


async def test_the_aging_page_lists_a_step_coming_within_the_days_asked(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    goods = _goods(db, clock)
    today = business_date(clock.now())
    with db.write() as conn:
        f.aged_under_markdowns(conn, goods.fresh, today - timedelta(days=55))
    await login_as(Role.MANAGER)
    week = await client.get("/admin/stock/aging", params={"within": "7"})
    markdowns = week.text.split('id="returns-due"')[0]
    assert "แจกันใหม่" in markdowns and "ลด 10% วันที่" in markdowns and "(อีก 5 วัน)" in markdowns
    assert _markdown_of(db, goods.fresh) == 0
    days = await client.get("/admin/stock/aging", params={"within": "3"})
    assert "แจกันใหม่" not in days.text.split('id="returns-due"')[0]


@pytest.mark.parametrize("within", ["-1", "สาม", "1.5"])
async def test_a_bad_number_of_days_is_refused(
    client: AsyncTestClient[Any], login_as: LoginAs, within: str
) -> None:
    await login_as(Role.MANAGER)
    response = await client.get("/admin/stock/aging", params={"within": within})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "request.not_whole_number"


async def test_a_cashier_may_not_open_the_aging_page(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    await login_as(Role.CASHIER)
    assert (await client.get("/admin/stock/aging")).status_code == 403


async def test_after_the_days_first_run_a_page_run_reads_only_the_products_whose_goods_moved(
    db: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    goods = _goods(db, clock)
    clock.advance(minutes=10)  # the opening stock came in before the margin a run allows
    monkeypatch.setattr(markdown_api, "MOVED_ID_MARGIN", 0)  # nor numbered within it
    sweeps = MarkdownSweeps()
    first = await run_due_markdowns(db, SYSTEM, clock, sweeps, moved_only=True)
    assert first.checked == 3  # the day's first run reads every product
    assert [(m.product_id, m.to_bp) for m in first.applied] == [(goods.aged, 1000)]
    today = business_date(clock.now())
    with db.write() as conn:
        # The marked-down goods leave, written with a time long before the last run (as a sale
        # rung offline keeps its time): nothing of theirs is left to mark down.
        where = conn.execute(
            select(StockLevel.location_id).where(StockLevel.product_id == goods.aged)
        ).scalar_one()
        lines = [LineIn(-4, goods.aged)]
        rung = clock.now() - timedelta(hours=2)
        adjust_stock(conn, SYSTEM, rung, location_id=where, lines=lines, reason="ชำรุด")
        # Goods made older by hand, without a movement: no page run sees it today.
        f.aged_under_markdowns(conn, goods.fresh, today - timedelta(days=61))
    clock.advance(minutes=30)
    second = await run_due_markdowns(db, SYSTEM, clock, sweeps, moved_only=True)
    assert second.checked == 1
    assert [(m.product_id, m.to_bp) for m in second.applied] == [(goods.aged, 0)]
    assert _markdown_of(db, goods.fresh) == 0
    # The next day's first run reads every product again.
    clock.advance(days=1)
    third = await run_due_markdowns(db, SYSTEM, clock, sweeps, moved_only=True)
    assert [(m.product_id, m.to_bp) for m in third.applied] == [(goods.fresh, 1000)]
    # A manager's button reads every product whatever the hour.
    with db.write() as conn:
        f.aged_under_markdowns(conn, goods.old, today - timedelta(days=61))
    clock.advance(minutes=1)
    assert (await run_due_markdowns(db, SYSTEM, clock, sweeps, moved_only=True)).applied == []
    button = await run_due_markdowns(db, SYSTEM, clock, sweeps)
    assert [(m.product_id, m.to_bp) for m in button.applied] == [(goods.old, 1000)]


def test_the_aging_lists_show_their_first_rows_in_order_and_count_the_rest(
    db: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    goods = _goods(db, clock)
    today = business_date(clock.now())
    with db.write() as conn:
        f.aged_under_markdowns(conn, goods.fresh, today - timedelta(days=55))
    with db.read() as conn:
        full = aging_report(conn, SYSTEM, today, within_days=90)
        monkeypatch.setattr(aging_module, "MAX_ROWS", 1)
        cut = aging_report(conn, SYSTEM, today, within_days=90)
    # Pending first, then by the day of the next step; due back by the end of the period.
    assert [(m.lot.product_id, m.pending) for m in full.markdowns] == [
        (goods.aged, True),
        (goods.fresh, False),
    ]
    assert [r.lot.product_id for r in full.returns] == [goods.old, goods.aged, goods.fresh]
    assert (full.more_markdowns, full.more_returns) == (0, 0)
    assert (cut.markdowns, cut.returns) == (full.markdowns[:1], full.returns[:1])
    assert (cut.more_markdowns, cut.more_returns) == (1, 2)


async def test_the_server_applies_what_is_due_when_it_starts(
    db: Database, clock: FixedClock, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    goods = _goods(db, clock)
    served = create_served_app(Settings(demo=True, database_url=db.url), db, clock)
    assert _markdowns_due_at_start in served.on_startup
    await apply_at_start(db, clock, MarkdownSweeps())
    assert _markdown_of(db, goods.aged) == 1000
    # A database it cannot read is logged, and the server starts all the same.
    broken = Database(f"sqlite:///{tmp_path / 'missing' / 'otop.db'}")
    logger = logging.getLogger("otop.markdowns")
    logger.addHandler(caplog.handler)  # the app's logging may not reach the root's
    try:
        await apply_at_start(broken, clock, MarkdownSweeps())
    finally:
        logger.removeHandler(caplog.handler)
        broken.dispose()
    assert "markdowns due today were not applied at start" in caplog.text


async def test_many_due_are_applied_a_chunk_at_a_time(
    client: AsyncTestClient[Any],
    login_as: LoginAs,
    db: Database,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    goods = _goods(db, clock)
    with db.write() as conn:
        f.aged_under_markdowns(conn, goods.fresh, business_date(clock.now()) - timedelta(days=70))
    monkeypatch.setattr(markdown_api, "CHUNK", 1)
    await login_as(Role.MANAGER)
    run = (await client.post("/api/v1/markdowns/apply")).json()
    assert sorted(m["product_id"] for m in run["applied"]) == sorted([goods.aged, goods.fresh])
    assert _markdown_of(db, goods.fresh) == 1000
