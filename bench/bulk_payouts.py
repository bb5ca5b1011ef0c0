"""Payout runs in the bulk history (bench/bulk_days.py): on the 5th of each month a run cut
off at the month before's end, for what payments.ledger.balance_rules.payable_now allows (the
balances and the held-back recent sales kept here, as pos.consignment.payouts reckons them
from the ledger), paid the next morning with a bank reference (payout_entry); the last run of
the history is left waiting."""

from __future__ import annotations

from collections import Counter, deque
from datetime import date, datetime, time, timedelta

from bench.bulk_ledger import Ledger
from bench.bulk_rows import Rows
from bench.bulk_world import World
from kernel.clock import BANGKOK
from payments.ledger.balance_rules import payable_now
from payments.ledger.payout_models import Payout, PayoutRun, PayoutStatus, bank_reference_key
from payments.ledger.rules import payout_entry

PAYOUT_DAY = 5  # of the month: the run for the month before; paid the next morning
REFUND_WINDOW = timedelta(days=7)
MINIMUM_PAYOUT_SATANG = 10_000


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), BANGKOK)


class PayoutRuns:
    def __init__(self, rows: Rows, ledger: Ledger, world: World) -> None:
        self.rows, self.ledger, self.world = rows, ledger, world
        self.run_seq: Counter[int] = Counter()  # per year
        self.paid = 0
        self.owed_at_month_start: dict[int, int] = {}
        self.net_by_day: deque[tuple[date, Counter[int]]] = deque(maxlen=40)
        self.run_to_pay: tuple[int, date, list[tuple[int, int]]] | None = None

    def morning(self, day: date) -> None:
        """Before the tills open: the month's balances noted on the 1st, yesterday's run paid,
        a run made on the 5th."""
        if day.day == 1:
            self.owed_at_month_start = dict(self.ledger.owed)
        self._pay(day)
        if day.day == PAYOUT_DAY and self.owed_at_month_start:
            self._make(day)
        self.net_by_day.append((day, Counter()))

    def sold(self, entrepreneur_id: int, net_satang: int) -> None:
        """A sale's net for an entrepreneur today (held back for the refund window)."""
        self.net_by_day[-1][1][entrepreneur_id] += net_satang

    def _make(self, day: date) -> None:
        """The run of the 5th, cut off at the end of the month before (as pos.consignment.
        payouts.payout_candidates reckons it, from the balances kept here)."""
        made = at(day, 8)
        month_start = day.replace(day=1)
        held_cut = _net_between(self.net_by_day, month_start - timedelta(days=7), month_start)
        held_now = _net_between(self.net_by_day, day - timedelta(days=7), day)
        amounts = []
        for entrepreneur_id, owed_now in sorted(self.ledger.owed.items()):
            owed_cut = self.owed_at_month_start.get(entrepreneur_id, 0)
            payable = payable_now(
                owed_cut - max(0, held_cut[entrepreneur_id]),
                owed_now - max(0, held_now[entrepreneur_id]),
                0,
            )
            if payable >= MINIMUM_PAYOUT_SATANG:
                amounts.append((entrepreneur_id, payable))
        if not amounts:
            return
        self.run_seq[made.year] += 1
        run_id = self.rows.add(
            PayoutRun,
            {
                "number": f"PR-{made.year}-{self.run_seq[made.year]:06d}",
                "cutoff_date": month_start - timedelta(days=1),
                "minimum_satang": MINIMUM_PAYOUT_SATANG,
                "created_by": self.world.manager_id,
                "created_at": made,
            },
        )
        self.run_to_pay = (run_id, day + timedelta(days=1), amounts)

    def _pay(self, day: date | None) -> None:
        """Yesterday's run paid this morning (``day`` None: the history ends, left waiting)."""
        if self.run_to_pay is None or (day is not None and day < self.run_to_pay[1]):
            return
        run_id, pay_day, amounts = self.run_to_pay
        paid_at = at(pay_day, 8, 30)
        for n, (entrepreneur_id, amount) in enumerate(amounts, start=1):
            payout_id = self.rows.next_id[Payout]
            entry_id = None
            reference = None
            if day is not None:
                entry = payout_entry(f"PAYOUT-{payout_id}", entrepreneur_id, amount)
                entry_id = self.ledger.post(entry, paid_at, self.world.manager_id)
                reference = f"BULK{pay_day:%Y%m%d}{n:05d}"
                self.paid += 1
            self.rows.add(
                Payout,
                {
                    "run_id": run_id,
                    "entrepreneur_id": entrepreneur_id,
                    "amount_satang": amount,
                    "promptpay_id": self.world.promptpay_ids.get(entrepreneur_id),
                    "status": (PayoutStatus.PENDING if day is None else PayoutStatus.PAID).value,
                    "bank_reference": reference,
                    "bank_reference_key": None
                    if reference is None
                    else bank_reference_key(reference),
                    "paid_at": None if day is None else paid_at,
                    "paid_by": None if day is None else self.world.manager_id,
                    "cancelled_at": None,
                    "cancelled_by": None,
                    "journal_entry_id": entry_id,
                },
            )
        self.run_to_pay = None

    def finish(self) -> None:
        """The last run stays waiting, as a manager would find it."""
        self._pay(None)


def _net_between(days: deque[tuple[date, Counter[int]]], start: date, end: date) -> Counter[int]:
    """The net of the sales of the days ``start`` .. ``end`` (excluded), per entrepreneur."""
    total: Counter[int] = Counter()
    for day, net in days:
        if start <= day < end:
            total.update(net)
    return total
