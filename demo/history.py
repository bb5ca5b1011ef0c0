"""Past sales for the demo: ``otop-pos seed --demo --history DAYS``.

Sales are rung through the till's own code path (``pos.checkout.service.checkout``, the PromptPay
confirmation and ``complete_if_paid``, ``pos.refunds.service.refund_sale``, shifts opened and
closed with the drawer counted), one day per transaction, so that reports, balances and
benchmarks run on data the till could have made. Deterministic for a seed.

A day's volume: a base number of sales, busier at weekends and around festivals (New Year,
Songkran, Loy Krathong / Yi Peng, the year-end holidays), with noise. PromptPay's share grows
over the period (the centre's digital-payment adoption), about one sale in a hundred comes
back as a refund, and goods are topped up by intake when a product runs low.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from inventory.models import Product, StockLevel
from inventory.stock.rules import MovementKind
from inventory.stock.service import apply_movements
from kernel.access import Actor
from kernel.clock import BANGKOK
from payments.confirmations import confirm_manually
from payments.lifecycle import ReceivingAccount
from pos.checkout.requests import CheckoutRequest, LineRequest, PaymentRequest
from pos.checkout.service import checkout
from pos.completion.by_payment import complete_if_paid
from pos.consignment.payouts import create_run, mark_paid, payout_candidates
from pos.models import Till
from pos.refunds.service import RefundRequest, refund_sale
from pos.tills.service import current_shift, open_shift
from pos.tills.shifts import close_shift, shift_report

BASE_SALES_PER_DAY = 300
WEEKEND_FACTOR = 1.6
FESTIVALS: dict[tuple[int, int], float] = {
    (1, 1): 2.0,
    (12, 31): 2.2,
    (12, 30): 1.8,
    (12, 29): 1.6,  # New Year
    (4, 13): 2.5,
    (4, 14): 2.5,
    (4, 15): 2.2,
    (4, 12): 1.7,  # Songkran
    (11, 24): 2.4,
    (11, 25): 2.2,
    (11, 23): 1.7,  # Yi Peng / Loy Krathong (2026)
    (11, 5): 1.8,
    (11, 6): 1.6,  # Loy Krathong (2025)
}
RESTOCK_BELOW = 3
RESTOCK_TO = 25
REFUND_REASON = "ลูกค้าเปลี่ยนใจ (customer changed mind)"


@dataclass(frozen=True, slots=True)
class HistorySummary:
    days: int
    sales: int
    promptpay_sales: int
    refunds: int

    def lines(self) -> list[str]:
        return [
            f"{self.days} days of history: {self.sales:,} sales "
            f"({self.promptpay_sales:,} by PromptPay), {self.refunds:,} refunds"
        ]


def sales_on(
    day: date,
    index: int,
    days: int,
    rng: random.Random,
    scale: float,
    base: int = BASE_SALES_PER_DAY,
) -> int:
    """How many sales a day sees (pure but for the random noise): ``base`` on an ordinary
    weekday, times ``scale``."""
    factor = WEEKEND_FACTOR if day.weekday() >= 5 else 1.0
    factor *= FESTIVALS.get((day.month, day.day), 1.0)
    noise = rng.uniform(0.8, 1.2)
    return max(1, round(base * scale * factor * noise))


def promptpay_share(index: int, days: int) -> float:
    """PromptPay's share of sales grows from 30% to 55% over the period."""
    return 0.30 + 0.25 * (index / max(1, days - 1))


def history_days(today: date, days: int) -> Iterator[date]:
    for back in range(days, 0, -1):
        yield today - timedelta(days=back)


Place = tuple[int, int]  # a till's id and its location's
Priced = tuple[int, int]  # a product's id and price
ConnFactory = Callable[[], AbstractContextManager[Connection]]  # a write transaction
# Sales rung in one transaction: tens of milliseconds, so that the tills of a server running
# beside the seed sell in between (see kernel.db.writer).
SALES_PER_TRANSACTION = 25


def seed_history(
    conn_factory: ConnFactory,
    *,
    today: date,
    days: int,
    cashiers: list[Actor],
    manager: Actor,
    account: ReceivingAccount,
    seed: int = 2026,
    scale: float = 1.0,
    sales_per_day: int = BASE_SALES_PER_DAY,
    progress: Callable[[int], None] = lambda days_done: None,
) -> HistorySummary:
    """Ring ``days`` days of sales (see the module's docstring) in short transactions
    (``conn_factory`` is ``Database.write``); ``progress`` hears each day done."""
    rng = random.Random(seed)
    sales = promptpay = refunds = 0
    with conn_factory() as conn:
        tills: list[Place] = [
            (till_id, location_id)
            for till_id, location_id in conn.execute(
                select(Till.id, Till.location_id).order_by(Till.id)
            )
        ][:2]
        products: list[Priced] = [
            (pid, price)
            for pid, price in conn.execute(
                select(Product.id, Product.price_satang)
                .where(Product.active.is_(True))
                .order_by(Product.id)
            )
        ]
    if not tills or not cashiers or not products:
        return HistorySummary(0, 0, 0, 0)
    # A long tail: a few products sell often, most rarely.
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(products))]
    rng.shuffle(products)
    for index, day in enumerate(history_days(today, days)):
        count = sales_on(day, index, days, rng, scale, sales_per_day)
        share = promptpay_share(index, days)
        made, by_qr, back = _one_day(
            conn_factory,
            rng,
            day,
            count,
            share,
            tills,
            cashiers,
            manager,
            products,
            weights,
            account,
        )
        progress(index + 1)
        sales += made
        promptpay += by_qr
        refunds += back
    return HistorySummary(days, sales, promptpay, refunds)


def _at(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(9, 0), BANGKOK) + timedelta(minutes=minutes)


def _one_day(
    conn_factory: ConnFactory,
    rng: random.Random,
    day: date,
    count: int,
    share: float,
    tills: list[Place],
    cashiers: list[Actor],
    manager: Actor,
    products: list[Priced],
    weights: list[float],
    account: ReceivingAccount,
) -> tuple[int, int, int]:
    """A day at the tills: shifts opened, sales rung ``SALES_PER_TRANSACTION`` to a
    transaction (so that a live server's tills sell in between), refunds, shifts closed."""
    shifts: dict[int, Actor] = {}
    with conn_factory() as conn:
        for n, (till_id, _location) in enumerate(tills):
            cashier = cashiers[n % len(cashiers)]
            if current_shift(conn, till_id) is None:
                open_shift(conn, cashier, _at(day, 0), till_id, 200_000)
            shifts[till_id] = cashier
    minutes = sorted(rng.randrange(1, 9 * 60) for _ in range(count))
    made = by_qr = 0
    completed: list[tuple[int, int, int]] = []  # sale id, till, lines
    for start in range(0, len(minutes), SALES_PER_TRANSACTION):
        with conn_factory() as conn:
            for n in range(start, min(start + SALES_PER_TRANSACTION, len(minutes))):
                till_id, location_id = tills[n % len(tills)]
                key = f"history-{day.isoformat()}-{n:05d}"
                rung = _one_sale(
                    conn,
                    rng,
                    _at(day, minutes[n]),
                    key,
                    till_id,
                    location_id,
                    shifts[till_id],
                    manager,
                    products,
                    weights,
                    share,
                    account,
                )
                if rung is not None:
                    sale_id, line_count, qr = rung
                    made += 1
                    by_qr += qr
                    completed.append((sale_id, till_id, line_count))
    with conn_factory() as conn:
        back = _refunds(conn, rng, day, manager, completed)
        for till_id, cashier in shifts.items():
            shift = current_shift(conn, till_id)
            assert shift is not None
            expected = shift_report(conn, cashier, shift.id).expected_cash_satang
            close_shift(conn, cashier, _at(day, 9 * 60), shift.id, counted_satang=expected)
    return made, by_qr, back


def _one_sale(
    conn: Connection,
    rng: random.Random,
    now: datetime,
    key: str,
    till_id: int,
    location_id: int,
    cashier: Actor,
    manager: Actor,
    products: list[Priced],
    weights: list[float],
    share: float,
    account: ReceivingAccount,
) -> tuple[int, int, bool] | None:
    """One customer's sale (restocked first when short): its id, line count and whether it
    was paid by QR; None when it came to nothing."""
    picked = rng.choices(products, weights=weights, k=rng.choice((1, 1, 2, 2, 3, 4, 5)))
    lines = {pid: rng.choice((1, 1, 1, 2, 3)) for pid, _ in picked}
    _restock(conn, manager, now, location_id, lines)
    price = dict(picked)
    total = sum(price[pid] * qty for pid, qty in lines.items())
    if total <= 0:
        return None
    qr = rng.random() < share
    payment = (
        PaymentRequest("promptpay", total)
        if qr
        else PaymentRequest("cash", total, _tendered(total, rng))
    )
    request = CheckoutRequest(
        till_id, tuple(LineRequest(pid, qty) for pid, qty in lines.items()), (payment,)
    )
    sale = checkout(
        conn,
        cashier,
        now,
        request,
        idempotency_key=key,
        account=account,
        expiry=timedelta(minutes=10),
    )
    if qr:
        paid_at = now + timedelta(seconds=rng.randrange(15, 90))
        confirm_manually(conn, cashier, paid_at, sale.payments[0].payment_id, None)
        complete_if_paid(conn, paid_at, sale.id, actor=cashier)
    return sale.id, len(lines), qr


def _refunds(
    conn: Connection,
    rng: random.Random,
    day: date,
    manager: Actor,
    completed: list[tuple[int, int, int]],
) -> int:
    """About one sale in a hundred comes back at the end of the day."""
    back = 0
    for sale_id, till_id, line_count in completed:
        if rng.random() < 0.01:
            wanted = RefundRequest(
                sale_id,
                till_id,
                ((rng.randint(1, line_count), 1),),
                restock=rng.random() < 0.8,
                method="cash",
                reason=REFUND_REASON,
            )
            key = f"history-refund-{sale_id}"
            refund_sale(
                conn,
                manager,
                _at(day, 9 * 60 - 10),
                wanted,
                idempotency_key=key,
                approved_by_id=None,
            )
            back += 1
    return back


def _tendered(total: int, rng: random.Random) -> int | None:
    """Exact money, or the next round note."""
    if rng.random() < 0.3:
        return None
    for note in (10_000, 50_000, 100_000):
        if total <= note:
            return note
    return -(-total // 100_000) * 100_000


def _restock(
    conn: Connection, manager: Actor, now: datetime, location_id: int, lines: dict[int, int]
) -> None:
    levels = {
        pid: qty
        for pid, qty in conn.execute(
            select(StockLevel.product_id, StockLevel.on_hand).where(
                StockLevel.location_id == location_id, StockLevel.product_id.in_(list(lines))
            )
        )
    }
    top_up = {
        pid: RESTOCK_TO + qty
        for pid, qty in lines.items()
        if levels.get(pid, 0) - qty < RESTOCK_BELOW
    }
    if top_up:
        apply_movements(
            conn,
            manager,
            now - timedelta(minutes=1),
            location_id=location_id,
            deltas=top_up,
            kind=MovementKind.INTAKE,
            reason="history restock",
            document=None,
        )


PAYOUT_RUN_DAYS_BACK = 8  # a week's refund window after the cut-off, then the run
LEFT_WAITING = 3  # payouts of the past run still waiting, so both states show


@dataclass(frozen=True, slots=True)
class PastRun:
    number: str
    paid: int
    waiting: int

    def lines(self) -> list[str]:
        return [f"payout run {self.number}: {self.paid:,} paid, {self.waiting:,} waiting"]


def seed_past_payout_run(
    conn_factory: ConnFactory,
    *,
    today: date,
    manager: Actor,
    minimum_satang: int,
    refund_window: timedelta,
) -> PastRun | None:
    """A payout run cut off ``PAYOUT_RUN_DAYS_BACK`` days ago, made the next morning and paid
    by bank transfer the day after, but for ``LEFT_WAITING`` payouts: what a manager finds
    after a few weeks of trading. None when nobody was owed enough."""
    cutoff = today - timedelta(days=PAYOUT_RUN_DAYS_BACK)
    made_at = _at(cutoff + timedelta(days=1), 0)
    paid_at = _at(cutoff + timedelta(days=2), 60)
    with conn_factory() as conn:
        if not payout_candidates(
            conn,
            manager,
            made_at,
            cutoff=cutoff,
            minimum_satang=minimum_satang,
            refund_window=refund_window,
        ):
            return None
        run = create_run(
            conn,
            manager,
            made_at,
            cutoff=cutoff,
            minimum_satang=minimum_satang,
            refund_window=refund_window,
        )
        paying = run.payouts[: max(0, len(run.payouts) - LEFT_WAITING)]
        for n, payout in enumerate(paying, start=1):
            mark_paid(
                conn,
                manager,
                paid_at,
                payout.id,
                bank_reference=f"DEMO{cutoff:%Y%m%d}{n:05d}",
                refund_window=refund_window,
            )
    return PastRun(run.number, len(paying), len(run.payouts) - len(paying))
