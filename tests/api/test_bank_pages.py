"""The bank pages over the real app: an entrepreneur's bank account form, the run page's
totals, pages and search, the bank-transfer CSV, and the bank's result file uploaded,
previewed and confirmed (or refused, with nothing written)."""

from __future__ import annotations

import base64
import csv
import io
import re
from datetime import date
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import insert, select

from inventory.models import Entrepreneur
from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from payments.ledger.payout_models import Payout, PayoutRun
from tests import factories as f
from tests.api.conftest import LoginAs
from tests.api.test_payout_pages import _two_owed

pytestmark = pytest.mark.anyio


async def _account(client: AsyncTestClient[Any], entrepreneur: int, **form: str) -> Any:
    return await client.post(
        f"/admin/entrepreneurs/{entrepreneur}/bank-account", data=form, follow_redirects=False
    )


async def test_a_manager_sets_an_entrepreneurs_bank_account_and_bad_numbers_are_explained(
    login_as: LoginAs, db: Database
) -> None:
    with db.write() as conn:
        maker = f.entrepreneur(conn, f.district(conn), name_th="กลุ่มผ้าทอ")
    client = await login_as(Role.MANAGER)
    empty = await client.get(f"/admin/entrepreneurs/{maker}/bank-account")
    assert empty.status_code == 200 and "data-no-account" in empty.text
    assert 'value="กลุ่มผ้าทอ"' in empty.text  # the holder's name starts as the group's
    short = await _account(
        client, maker, bank_code="030", account_number="123-4-56789-0", account_name="นางสมศรี"
    )
    assert short.status_code == 422
    assert "เลขที่บัญชีธนาคารออมสินต้องมี 12 หลัก แต่กรอกมา 10 หลัก" in short.text
    assert 'value="123-4-56789-0"' in short.text  # what was typed is kept
    assert re.search(r'name="account_number"[^>]*aria-invalid="true"', short.text)
    english = await client.post(
        f"/admin/entrepreneurs/{maker}/bank-account?lang=en",
        data={"bank_code": "KBANK", "account_number": "12345x7890", "account_name": "S"},
    )
    assert english.status_code == 422
    assert "an account number is digits only" in english.text
    saved = await _account(
        client, maker, bank_code="004", account_number="123 456 7890", account_name="นางสมศรี"
    )
    assert saved.status_code == 303
    shown = await client.get(saved.headers["location"])
    assert "data-stored-account" in shown.text and "123-4-56789-0" in shown.text
    assert "Bank account saved" in shown.text  # the page keeps the language chosen
    removed = await client.post(
        f"/admin/entrepreneurs/{maker}/bank-account/remove", follow_redirects=False
    )
    assert removed.status_code == 303
    gone = await client.get(removed.headers["location"])
    assert "data-no-account" in gone.text
    missing = await client.get("/admin/entrepreneurs/999999/bank-account")
    assert missing.status_code == 404


async def _upload(client: AsyncTestClient[Any], run_id: int, text: str) -> Any:
    return await client.post(
        f"/admin/payouts/{run_id}/bank-result",
        files={"file": ("result.csv", text.encode(), "text/csv")},
    )


def _confirm_content(page: str) -> str:
    found = re.search(r'name="content_b64" value="([^"]*)"', page)
    assert found is not None, "no confirm form"
    return found.group(1)


async def test_the_bank_file_then_its_result_marks_the_run_paid_in_one_go(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    client, maker, second, cutoff = await _two_owed(login_as, db, clock)
    assert (
        await _account(
            client, maker, bank_code="KBANK", account_number="1234567890", account_name="Maker One"
        )
    ).status_code == 303
    made = await client.post(
        "/admin/payouts",
        data={"cutoff_date": cutoff, "minimum": "100", "pay": [str(maker), str(second)]},
        follow_redirects=False,
    )
    run_id = int(made.headers["location"].split("?")[0].rsplit("/", 1)[1])
    run_page = await client.get(f"/admin/payouts/{run_id}")
    assert re.search(r"data-with-account>1<", run_page.text)
    assert re.search(r"data-without-account>1<", run_page.text)
    transfer = await client.get(f"/api/v1/payout-runs/{run_id}/bank-transfer.csv")
    assert transfer.status_code == 200
    rows = list(csv.reader(io.StringIO(transfer.content.decode("utf-8-sig"))))
    assert rows[0] == ["bank_code", "account_number", "account_name", "amount_baht", "reference"]
    [[bank, account, name, amount, reference]] = rows[1:]
    assert (bank, account, name, amount) == ("004", "1234567890", "Maker One", "160.00")
    with db.read() as conn:
        other = conn.execute(select(Payout.id).where(Payout.entrepreneur_id == second)).scalar_one()
    number = reference.rsplit("-", 1)[0]

    wrong = await _upload(
        client,
        run_id,
        f"reference,amount_baht,status,bank_reference\n{reference},160.01,success,KB1\n",
    )
    assert wrong.status_code == 422 and "content_b64" not in wrong.text
    assert "ธนาคารแจ้งยอด 160.01 บาท" in wrong.text and "data-not-applicable" in wrong.text

    result = (
        "reference,amount_baht,status,bank_reference\n"
        f"{reference},160.00,success,KB-0001\n"
        f"{number}-{other},160.00,failed,\n"
    )
    preview = await _upload(client, run_id, result)
    assert preview.status_code == 200, preview.text
    assert re.search(r'data-outcome-count="pay">1<', preview.text)
    assert re.search(r'data-outcome-count="failed">1<', preview.text)
    content = _confirm_content(preview.text)
    with db.read() as conn:
        assert set(conn.execute(select(Payout.status)).scalars()) == {"pending"}

    tampered = await client.post(
        f"/admin/payouts/{run_id}/bank-result/confirm",
        files={"content_b64": (None, "not base64!")},
    )
    assert tampered.status_code == 422 and "อัปโหลดใหม่อีกครั้ง" in tampered.text
    confirmed = await client.post(
        f"/admin/payouts/{run_id}/bank-result/confirm",
        files={"content_b64": (None, content)},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303, confirmed.text
    after = await client.get(confirmed.headers["location"])
    assert "บันทึกผลการโอนจากไฟล์ของธนาคารแล้ว: 1" in after.text and "KB-0001" in after.text
    with db.read() as conn:
        statuses = dict(conn.execute(select(Payout.entrepreneur_id, Payout.status)).all())
    assert statuses == {maker: "paid", second: "pending"}

    replay = await client.post(
        f"/admin/payouts/{run_id}/bank-result/confirm",
        files={"content_b64": (None, content)},
    )
    assert replay.status_code == 409 and "โอนแล้ว" in replay.text
    assert base64.b64decode(content).decode() == result


async def test_the_run_page_pages_searches_and_totals_a_large_run(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    with db.write() as conn:
        district = f.district(conn)
        people = [
            f.entrepreneur(conn, district, code=f"E{i:04d}", name_en=f"Group {i}")
            for i in range(120)
        ]
        run_id = conn.execute(
            insert(PayoutRun).returning(PayoutRun.id),
            {
                "number": "PR-2026-000009",
                "cutoff_date": date(2026, 11, 1),
                "minimum_satang": 100,
                "created_by": None,
                "created_at": clock.now(),
            },
        ).scalar_one()
        conn.execute(
            insert(Payout),
            [
                {
                    "run_id": run_id,
                    "entrepreneur_id": e,
                    "amount_satang": 10000 + i,
                    "promptpay_id": "0812345678",
                    "status": "pending" if i < 100 else "cancelled",
                }
                for i, e in enumerate(people)
            ],
        )
        names = dict(conn.execute(select(Entrepreneur.id, Entrepreneur.code)).all())
    client = await login_as(Role.MANAGER)
    first = await client.get(f"/admin/payouts/{run_id}")
    assert first.status_code == 200
    assert first.text.count('data-payout="') == 50 and "qr.svg" not in first.text
    assert 'data-matching="100"' in first.text and "1 / 2" in first.text
    assert "data-pending-total>฿10,049.50<" in first.text  # 100 x 100.00 + 0..99 satang
    second = await client.get(f"/admin/payouts/{run_id}", params={"page": "2"})
    assert second.text.count('data-payout="') == 50 and names[people[99]] in second.text
    beyond = await client.get(f"/admin/payouts/{run_id}", params={"page": "99"})
    assert beyond.status_code == 200 and "2 / 2" in beyond.text
    cancelled = await client.get(f"/admin/payouts/{run_id}", params={"show": "cancelled"})
    assert 'data-matching="20"' in cancelled.text
    found = await client.get(f"/admin/payouts/{run_id}", params={"show": "all", "q": "e0117"})
    assert found.text.count('data-payout="') == 1 and "E0117" in found.text
    odd = await client.get(
        f"/admin/payouts/{run_id}", params={"show": "nonsense", "q": "%_", "page": "x"}
    )
    assert odd.status_code == 200 and 'data-matching="0"' in odd.text
    no_account = await client.get(f"/admin/payouts/{run_id}", params={"show": "no_account"})
    assert 'data-matching="100"' in no_account.text
