"""Several workers on PostgreSQL: ``otop-pos serve --workers 2``, tills racing over HTTP.

The HTTP forms of the in-process races in tests/db (test_sales.py: the last unit sold by two
tills at once, receipt numbers gapless under concurrency; test_payment_lifecycle.py: a bank
callback and a cashier confirming one payment at once), here against two uvicorn worker
processes, each with its own connection pool and single writer: only the database keeps
them apart.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from inventory.models import StockMovement
from inventory.stock.service import on_hand
from kernel.db.engine import Database
from payments.models import PaymentEventRow
from tests import factories as f
from tests.faults.shop import Shop, prepare_shop, sales_of
from tests.faults.till import Sent, Till
from tests.servers import Server, cpu_seconds, fresh_postgres, require_postgres

PRICE = 15000


@dataclass(frozen=True)
class Served:
    server: Server
    shop: Shop
    url: str


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    require_postgres()
    with fresh_postgres("otop_workers") as url:
        shop = prepare_shop(url, tills=2, products=6)
        log = tmp_path_factory.mktemp("workers") / "server.log"
        with Server(url, log, workers=2) as server:
            yield Served(server, shop, url)


def _products(served: Served, units: int, count: int, tag: str) -> list[int]:
    """``count`` new products of ``units`` each (none kept when 0), SKUs ``{tag}-{n}``."""
    db = Database(served.url)
    try:
        with db.write() as conn:
            made = []
            for n in range(count):
                product = f.product(
                    conn,
                    served.shop.entrepreneurs[0],
                    served.shop.category_id,
                    price_satang=PRICE,
                    sku=f"{tag}-{n}",
                    name_th=f"ชิ้นสุดท้าย {n}",
                )
                if units:
                    f.stock(conn, product, served.shop.location_id, units)
                made.append(product)
    finally:
        db.dispose()
    return made


def _body(till_id: int, product: int, method: str = "cash") -> dict[str, Any]:
    return {
        "till_id": till_id,
        "lines": [{"product_id": product, "quantity": 1}],
        "payments": [{"method": method, "amount_satang": PRICE}],
    }


def _key(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex}"


async def _signed_in(served: Served) -> list[Till]:
    tills = [Till(served.server.url, login.username) for login in served.shop.tills]
    await asyncio.gather(*(till.sign_in() for till in tills))
    return tills


async def _close(tills: list[Till]) -> None:
    for till in tills:
        await till.aclose()


def test_two_tills_selling_the_last_unit_at_once_make_one_sale(served: Served) -> None:
    singles = _products(served, units=1, count=4, tag="LAST")
    first, second = served.shop.tills

    async def race() -> list[tuple[Sent, ...]]:
        tills = await _signed_in(served)
        try:
            return [
                tuple(
                    await asyncio.gather(
                        tills[0].checkout(_body(first.till_id, product), _key("last")),
                        tills[1].checkout(_body(second.till_id, product), _key("last")),
                    )
                )
                for product in singles
            ]
        finally:
            await _close(tills)

    for n, (product, answers) in enumerate(zip(singles, asyncio.run(race()), strict=True)):
        assert sorted(a.status for a in answers) == [201, 409], [a.response.text for a in answers]
        refused = next(a for a in answers if a.status == 409).json()
        assert refused["field"] == "lines"
        assert [s["product_id"] for s in refused["shortages"]] == [product]
        assert f"(LAST-{n})" in refused["detail"], refused["detail"]
    db = Database(served.url)
    try:
        with db.read() as conn:
            assert on_hand(conn, singles, served.shop.location_id) == dict.fromkeys(singles, 0)
            moved = conn.execute(
                select(StockMovement.product_id, func.sum(StockMovement.quantity))
                .where(StockMovement.product_id.in_(singles))
                .group_by(StockMovement.product_id)
            ).all()
    finally:
        db.dispose()
    assert dict(moved) == dict.fromkeys(singles, 0)  # in 1, out 1: never below zero


def test_receipt_numbers_stay_gapless_per_till_with_both_workers_selling(served: Served) -> None:
    product = next(iter(served.shop.prices))
    price = served.shop.prices[product]
    (empty,) = _products(served, units=0, count=1, tag="NONE")
    per_till, in_flight = 40, 6
    workers = served.server.worker_pids()
    assert len(workers) == 2
    busy_before = {pid: cpu_seconds(pid) for pid in workers}

    async def sell() -> list[list[Sent]]:
        tills = await _signed_in(served)
        gates = [asyncio.Semaphore(in_flight) for _ in tills]

        async def one(i: int, n: int) -> Sent:
            till_id = served.shop.tills[i].till_id
            body = {
                "till_id": till_id,
                "lines": [{"product_id": product, "quantity": 1}],
                "payments": [{"method": "cash", "amount_satang": price}],
            }
            if n % 7 == 3:  # refused for short stock: must not use up a number
                body = _body(till_id, empty)
            async with gates[i]:
                return await tills[i].checkout(body, _key("gapless"))

        try:
            return list(
                await asyncio.gather(
                    *(
                        asyncio.gather(*(one(i, n) for n in range(per_till)))
                        for i in range(len(tills))
                    )
                )
            )
        finally:
            await _close(tills)

    answered = asyncio.run(sell())
    busy = {pid: cpu_seconds(pid) - busy_before[pid] for pid in workers}
    rows = sales_of(served.url)
    for login, answers in zip(served.shop.tills, answered, strict=True):
        assert sorted(a.status for a in answers) == [201] * 34 + [409] * 6
        given = {a.json()["receipt_number"] for a in answers if a.status == 201}
        mine = [r for r in rows if r.till_id == login.till_id]
        seqs = sorted(r.receipt_seq or 0 for r in mine)
        assert seqs == list(range(1, len(mine) + 1))
        assert {r.receipt_number for r in mine} == {
            f"{login.code}-{n:06d}" for n in range(1, len(mine) + 1)
        }
        assert given <= {r.receipt_number for r in mine} and len(given) == 34
    assert all(seconds > 0.05 for seconds in busy.values()), f"CPU per worker: {busy}"


def test_a_bank_callback_and_a_cashier_confirming_at_once_confirm_once(served: Served) -> None:
    product = next(iter(served.shop.prices))
    price = served.shop.prices[product]
    till = served.shop.tills[0]

    async def race() -> list[tuple[int, Sent, Sent, Sent]]:
        cashier, other = await _signed_in(served)  # the callback needs no session
        try:
            results = []
            for _ in range(5):
                body = {
                    "till_id": till.till_id,
                    "lines": [{"product_id": product, "quantity": 1}],
                    "payments": [{"method": "promptpay", "amount_satang": price}],
                }
                sale = (await cashier.checkout(body, _key("race"))).json()
                payment = sale["payments"][0]
                callback, manual = await asyncio.gather(
                    other.bank_callback(payment), cashier.confirm(payment["payment_id"])
                )
                done = await cashier.complete(sale["id"])
                results.append((payment["payment_id"], callback, manual, done))
            return results
        finally:
            await _close([cashier, other])

    results = asyncio.run(race())
    for _, callback, manual, done in results:
        # The bank first: the cashier is told it is confirmed already. The cashier first: the
        # bank's callback then matches the transfer the cashier saw (never a second payment).
        assert (callback.status, manual.status) in ((200, 409), (200, 200)), (
            callback.response.text,
            manual.response.text,
        )
        if manual.status == 409:
            assert callback.json()["outcome"] == "confirmed"
            assert manual.json()["code"] == "payment.already_confirmed"
        else:
            assert callback.json()["outcome"] == "matched"
            assert manual.json()["status"] == "confirmed"
        assert done.json()["status"] == "completed" and done.json()["receipt_number"]
    db = Database(served.url)
    try:
        with db.read() as conn:
            confirmations = dict(
                conn.execute(
                    select(PaymentEventRow.payment_id, func.count())
                    .where(PaymentEventRow.event == "payment_confirmed")
                    .where(PaymentEventRow.payment_id.in_([r[0] for r in results]))
                    .group_by(PaymentEventRow.payment_id)
                ).all()
            )
    finally:
        db.dispose()
    assert confirmations == {payment_id: 1 for payment_id, *_ in results}
