"""Checkouts written in batches (SQLite and PostgreSQL): each sale all or nothing, the refused
ones alone, receipts gapless in batch order; the writer's reruns and retries."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from inventory.models import StockMovement
from inventory.stock.rules import InsufficientStockError
from inventory.stock.service import on_hand
from kernel.clock import FixedClock
from kernel.db.engine import Database, Sequence, current_sequence, next_in_sequence, savepoint
from kernel.errors import ConflictError, InvalidInputError
from payments.ledger.postings import unbalanced_entries
from payments.models import Payment
from pos.checkout.queries import SaleView
from pos.checkout.requests import CheckoutRequest
from pos.checkout.service import CheckoutJob, checkout_many
from pos.models import Sale

# The shop and request helpers of the checkout tests.
from tests.db.test_sales import ACCOUNT, EXPIRY, Shop, _count, _request, _shop


def _job(shop: Shop, clock: FixedClock, request: CheckoutRequest, key: str) -> CheckoutJob:
    return CheckoutJob(shop.cashier, clock.now(), request, key, ACCOUNT, EXPIRY)


def test_a_batch_writes_the_accepted_sales_and_refuses_each_other_one_alone(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock, stock=(2, 10, 10))
    a, b, c = shop.products
    first = _request(shop, [(a, 1)], total=45000)
    jobs = [
        _job(shop, clock, first, "batch-key-0"),
        _job(shop, clock, _request(shop, [(a, 2)], total=90000), "batch-key-1"),  # 1 left
        _job(shop, clock, _request(shop, [(b, 1)], total=12050), "batch-key-2"),
        _job(shop, clock, _request(shop, [(999_999, 1)], total=100), "batch-key-3"),
        _job(shop, clock, first, "batch-key-0"),  # the same request again: a replay
        _job(shop, clock, _request(shop, [(c, 1)], total=9900), "batch-key-2"),  # other body
        _job(shop, clock, _request(shop, [(c, 3)], total=29700), "batch-key-6"),
    ]
    with db.write() as conn:
        answers = checkout_many(conn, jobs)
    kinds = [type(a).__name__ for a in answers]
    assert kinds == [
        "tuple",
        "InsufficientStockError",
        "tuple",
        "InvalidInputError",
        "tuple",
        "ConflictError",
        "tuple",
    ]
    sold: list[SaleView] = []
    for index in (0, 2, 6):
        answer = answers[index]
        assert isinstance(answer, tuple) and answer[1] is False
        sold.append(answer[0])
    assert [s.receipt_number for s in sold] == ["SKP-01-000001", "SKP-01-000002", "SKP-01-000003"]
    assert answers[4] == (sold[0], True)
    short = answers[1]
    assert isinstance(short, InsufficientStockError)
    assert [(s.product_id, s.requested, s.on_hand) for s in short.shortages] == [(a, 2, 1)]
    assert isinstance(answers[3], InvalidInputError)
    assert answers[3].field == "lines[0].product_id"
    assert isinstance(answers[5], ConflictError) and answers[5].field == "Idempotency-Key"
    assert _count(db, Sale) == 3 and _count(db, Payment) == 3
    with db.read() as conn:
        sold_units = conn.execute(
            select(StockMovement.product_id, StockMovement.quantity, StockMovement.document)
            .where(StockMovement.kind == "sale")
            .order_by(StockMovement.id)
        ).all()
        assert [tuple(m) for m in sold_units] == [
            (a, -1, f"SALE-{sold[0].id}"),
            (b, -1, f"SALE-{sold[1].id}"),
            (c, -3, f"SALE-{sold[2].id}"),
        ]
        assert on_hand(conn, [a, b, c], shop.location) == {a: 1, b: 9, c: 7}
        assert current_sequence(conn, f"receipt:{shop.till}") == 3
        assert unbalanced_entries(conn) == []


def test_checkouts_awaited_together_share_commits_and_number_gaplessly(
    db: Database, clock: FixedClock
) -> None:
    shop = _shop(db, clock, stock=(100, 100, 100))
    a = shop.products[0]

    async def main() -> list[Any]:
        return list(
            await asyncio.gather(
                *(
                    db.writer.run_batched(
                        checkout_many,
                        _job(shop, clock, _request(shop, [(a, 1)], total=45000), f"shared-{i:02d}"),
                    )
                    for i in range(30)
                )
            )
        )

    answers = asyncio.run(main())
    numbers = sorted(view.receipt_number for view, replayed in answers if not replayed)
    assert numbers == [f"SKP-01-{n:06d}" for n in range(1, 31)]
    assert db.writer.units == 30 and db.writer.batches < 30


def _numbered(conn: Connection, items: list[str]) -> list[Any]:
    """A batch runner: a number for each item; "boom" raises after writing (the whole call)."""
    numbers = [next_in_sequence(conn, "runner") for _ in items]
    if "boom" in items:
        raise ValueError("boom")
    return numbers


def test_a_runner_that_raises_is_run_again_one_item_at_a_time(db: Database) -> None:
    async def main() -> list[Any]:
        calls = [db.writer.run_batched(_numbered, item) for item in ("a", "boom", "b")]
        return list(await asyncio.gather(*calls, return_exceptions=True))

    good_a, boom, good_b = asyncio.run(main())
    assert isinstance(boom, ValueError)
    assert sorted([good_a, good_b]) == [1, 2]  # the failed item's number was given back
    with db.read() as conn:
        assert current_sequence(conn, "runner") == 2


class _Deadlock(Exception):
    sqlstate = "40P01"


def test_a_deadlock_runs_the_whole_batch_again(db: Database) -> None:
    attempts = []

    def once_deadlocked(conn: Connection) -> int:
        number = next_in_sequence(conn, "retried")
        attempts.append(number)
        if len(attempts) == 1:
            raise OperationalError("UPDATE ...", {}, _Deadlock())
        return number

    assert asyncio.run(db.writer.run(once_deadlocked)) == 1
    assert attempts == [1, 1]  # the first attempt was rolled back whole
    assert db.writer.retries == 1


def test_a_named_savepoint_rolls_back_its_block_alone(db: Database) -> None:
    with db.write() as conn:
        next_in_sequence(conn, "outer")
        with pytest.raises(ValueError), savepoint(conn, "inner_block"):
            next_in_sequence(conn, "inner")
            raise ValueError("undo")
        with savepoint(conn, "kept_block"):
            next_in_sequence(conn, "kept")
    with db.read() as conn:
        names = set(conn.execute(select(Sequence.name)).scalars())
        assert names == {"outer", "kept"}
        assert conn.execute(select(func.count()).select_from(Sequence)).scalar() == 2
    with (
        pytest.raises(ValueError, match="savepoint name"),
        db.write() as conn,
        savepoint(conn, "bad name; DROP"),
    ):
        pass
