"""Return notes over HTTP, on SQLite and PostgreSQL: a manager prepares one from the due
lots, prints it and confirms pickup once; an entrepreneur reads only their own; bad input is
a 4xx with a code, in Thai or English."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from inventory.models import StockMovement
from inventory.stock.document_rules import LineIn
from inventory.stock.intakes import receive_intake
from kernel.access import SYSTEM, Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests import factories as f
from tests.api.conftest import LoginAs

pytestmark = pytest.mark.anyio
THAI = re.compile("[\u0e00-\u0e7f]")


@pytest.fixture
def shop(db: Database, clock: FixedClock) -> dict[str, int]:
    """The weaver's sarongs came 100 days ago: past the built-in 90-day period."""
    with db.write() as conn:
        district = f.district(conn)
        home = f.location(conn)
        cat = f.category(conn)
        weaver = f.entrepreneur(
            conn, district, code="E1", name_th="ทอผ้าบ้านแม่", name_en="Mae Weaving"
        )
        potter = f.entrepreneur(conn, district, code="E2")
        sarong = f.product(conn, weaver, cat, name_th="ผ้าซิ่นตีนจก", name_en="Tin chok sarong")
        vase = f.product(conn, potter, cat, name_th="แจกัน")
        long_ago = clock.now() - timedelta(days=100)
        receive_intake(
            conn,
            SYSTEM,
            long_ago,
            entrepreneur_id=weaver,
            location_id=home,
            lines=[LineIn(4, sarong)],
        )
        receive_intake(
            conn,
            SYSTEM,
            long_ago,
            entrepreneur_id=potter,
            location_id=home,
            lines=[LineIn(2, vase)],
        )
    return {"home": home, "weaver": weaver, "potter": potter, "sarong": sarong}


def _returned(db: Database) -> int:
    with db.read() as conn:
        return int(
            conn.execute(
                select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
                    StockMovement.kind == "return"
                )
            ).scalar_one()
        )


async def test_a_manager_prepares_prints_and_collects_a_note_once(
    login_as: LoginAs, shop: dict[str, int], db: Database
) -> None:
    client = await login_as(Role.MANAGER)
    due = (await client.get("/api/v1/stock/due", params={"entrepreneur_id": shop["weaver"]})).json()
    assert [(d["product_id"], d["free"], d["end_action"]) for d in due] == [
        (shop["sarong"], 4, "return")
    ]
    made = await client.post(
        "/api/v1/stock/return-notes",
        json={"entrepreneur_id": shop["weaver"], "location_id": shop["home"]},
    )
    assert made.status_code == 201, made.text
    note = made.json()
    assert (note["status"], note["total_units"]) == ("waiting_pickup", 4)
    assert _returned(db) == 0

    printed = await client.get(f"/admin/stock/returns/{note['id']}/print", params={"paper": "80mm"})
    assert printed.status_code == 200
    html = printed.text
    for words in (
        "ใบคืนสินค้า",
        "Return note",
        note["number"],
        "ทอผ้าบ้านแม่",
        "Mae Weaving",
        "ศูนย์จำหน่ายสินค้า OTOP สันกำแพง",
        "ผ้าซิ่นตีนจก",
        "/2569",
        "paper-80mm",
    ):
        assert words in html, words
    page = await client.get("/admin/stock/returns")
    assert page.status_code == 200 and note["number"] in page.text

    collected = await client.post(
        f"/api/v1/stock/return-notes/{note['id']}/collect", json={"collected_by": "นางคำ ใจดี"}
    )
    assert collected.status_code == 200, collected.text
    assert collected.json()["total_collected"] == 4
    assert _returned(db) == -4
    again = await client.post(
        f"/api/v1/stock/return-notes/{note['id']}/collect",
        params={"lang": "en"},
        json={"collected_by": "นางคำ ใจดี"},
    )
    assert again.status_code == 409
    assert again.json()["code"] == "return_note.already_collected"
    assert (
        again.json()["detail"] == f"return note {note['number']} was collected already:"
        " it can no longer be changed or cancelled"
    )
    cancel = await client.post(f"/api/v1/stock/return-notes/{note['id']}/cancel", json={})
    assert cancel.status_code == 409
    assert _returned(db) == -4


async def test_bad_input_is_a_4xx_with_a_code_and_writes_nothing(
    login_as: LoginAs, shop: dict[str, int], db: Database
) -> None:
    client = await login_as(Role.MANAGER)
    post = client.post
    nothing = await post(
        "/api/v1/stock/return-notes",
        json={"entrepreneur_id": shop["weaver"], "lots": [{"lot_id": 999}]},
    )
    assert (nothing.status_code, nothing.json()["code"]) == (422, "return_note.lot_unknown")
    assert nothing.json()["field"] == "lots[0].lot_id"
    wrong = await post(
        "/api/v1/stock/return-notes",
        json={"entrepreneur_id": shop["weaver"], "lots": [{"lot_id": 1, "quantity": "two"}]},
    )
    assert wrong.status_code == 400
    unknown = await post("/api/v1/stock/return-notes/999/collect", json={"collected_by": "x"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "return_note.not_found")
    note = (
        await post("/api/v1/stock/return-notes", json={"entrepreneur_id": shop["weaver"]})
    ).json()
    blank = await post(
        f"/api/v1/stock/return-notes/{note['id']}/collect", json={"collected_by": "   "}
    )
    assert (blank.status_code, blank.json()["code"]) == (422, "return_note.collector_required")
    assert THAI.search(blank.json()["detail"])
    twice = await post("/api/v1/stock/return-notes", json={"entrepreneur_id": shop["weaver"]})
    assert (twice.status_code, twice.json()["code"]) == (422, "return_note.nothing_due")
    assert _returned(db) == 0
    status = (await client.get(f"/api/v1/stock/return-notes/{note['id']}")).json()["status"]
    assert status == "waiting_pickup"


async def test_an_entrepreneur_reads_their_own_note_and_not_anothers(
    login_as: LoginAs, shop: dict[str, int], client: Any
) -> None:
    await login_as(Role.MANAGER, username="boss")
    mine = (
        await client.post("/api/v1/stock/return-notes", json={"entrepreneur_id": shop["weaver"]})
    ).json()
    theirs = (
        await client.post("/api/v1/stock/return-notes", json={"entrepreneur_id": shop["potter"]})
    ).json()
    await client.post("/api/v1/auth/logout")
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=shop["weaver"])
    own = await client.get(f"/api/v1/stock/return-notes/{mine['id']}")
    assert own.status_code == 200 and own.json()["lines"][0]["units"] == 4
    other = await client.get(f"/api/v1/stock/return-notes/{theirs['id']}")
    assert (other.status_code, other.json()["code"]) == (404, "return_note.not_found")
    listed = await client.get(
        "/api/v1/stock/return-notes", params={"entrepreneur_id": shop["potter"]}
    )
    assert [n["id"] for n in listed.json()] == [mine["id"]]
    refused = await client.post(
        f"/api/v1/stock/return-notes/{mine['id']}/collect", json={"collected_by": "me"}
    )
    assert refused.status_code == 403


async def test_the_returns_pages_speak_english_when_asked(
    login_as: LoginAs, shop: dict[str, int], client: Any
) -> None:
    await login_as(Role.MANAGER)
    note = (
        await client.post("/api/v1/stock/return-notes", json={"entrepreneur_id": shop["weaver"]})
    ).json()
    for path in ("/admin/stock/returns", f"/admin/stock/returns/{note['id']}"):
        html = (await client.get(path, params={"lang": "en"})).text
        found = re.findall(r"<(h1|h2|th)\b[^>]*>(.*?)</\1>", html, re.S)
        headings = " ".join(text for _, text in found)
        assert headings and not THAI.search(headings), headings


async def test_more_lots_due_than_a_page_holds_are_a_line_an_entrepreneur(
    login_as: LoginAs, shop: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past INLINE_LOTS lots due (here 1: the fixture has two), the unfiltered page lists each
    entrepreneur and place with a link, not a form of every lot; choosing one shows its form."""
    monkeypatch.setattr("web.stock.returns_pages.INLINE_LOTS", 1)
    client = await login_as(Role.MANAGER)
    page = await client.get("/admin/stock/returns")
    assert page.status_code == 200
    assert 'class="due-summary"' in page.text and 'class="due-group"' not in page.text
    assert f"?entrepreneur_id={shop['weaver']}&amp;location_id={shop['home']}" in page.text
    chosen = await client.get("/admin/stock/returns", params={"entrepreneur_id": shop["weaver"]})
    assert 'class="due-group"' in chosen.text and 'class="due-summary"' not in chosen.text
    assert "ผ้าซิ่นตีนจก" in chosen.text
