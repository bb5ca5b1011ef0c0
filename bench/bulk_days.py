"""The days of the bulk history (bench/bulk_history.py): sales, refunds, shifts and payouts,
as rows, with the money from the pure rules the till uses.

Each sale is priced by pos.checkout.pricing.price_sale, posted as
payments.ledger.rules.sale_entry builds it (its lines' shares by
pos.checkout.ledger_shares.priced_share), numbered as pos.tills.receipts numbers it; a refund
gives back one whole line (refund_entry); a payout run on the 5th of each month promises what
payments.ledger.balance_rules.payable_now allows at the month's end, paid the next morning
(payout_entry). Stock follows the sales, oldest lot first, topped up by an intake (a new lot)
when a product runs low, as demo.history does. The running totals of the entrepreneurs'
accounts are summed as the postings are made. Not written: audit entries (no rule reads them)
and goods put back on the shelf by refunds (these refunds write the goods off).
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bench import bulk_shapes as shapes
from bench.bulk_ledger import Ledger
from bench.bulk_payouts import PayoutRuns, at
from bench.bulk_rows import Rows
from bench.bulk_stock import Stock
from bench.bulk_world import World
from demo.history import REFUND_REASON
from kernel.clock import BANGKOK
from payments.ledger.rules import (
    SaleLineShare,
    cash_account,
    money_account,
    refund_entry,
    sale_entry,
)
from payments.models import Payment, PaymentEventRow
from payments.references import payment_payload
from pos.checkout.ledger_shares import priced_share
from pos.checkout.pricing import LineInput, PricedLine, price_sale
from pos.models import Refund, RefundLine, Sale, SaleLine, SalePayment, Shift
from pos.tills.receipts import receipt_number

Sold = tuple[int, int, int, int, PricedLine]  # sale id, line id, entrepreneur, quantity, line


@dataclass(slots=True)
class OpenShift:
    """A till's shift of the day and the tallies its Z report is made of."""

    id: int
    till: int
    cashier: int
    opened_at: datetime
    tally: Counter[str] = field(default_factory=Counter)
    sold: list[Sold] = field(default_factory=list)


class Days:
    """Rings the days one by one into ``rows``."""

    def __init__(self, world: World, rows: Rows, rng: random.Random) -> None:
        self.world, self.rows, self.rng = world, rows, rng
        self.ledger = Ledger(rows, world.account_ids)
        self.stock = Stock(rows, world, rng)
        self.receipt_seq: Counter[int] = Counter()
        self.credit_note_seq: Counter[int] = Counter()
        self.z_seq: Counter[int] = Counter()
        self.runs = PayoutRuns(rows, self.ledger, world)
        self.sales = 0
        self.refunds = 0
        self.promptpay_share = 0.0

    # -- a day -----------------------------------------------------------------------------

    def day(self, day: date, count: int, promptpay_share: float) -> None:
        """``count`` sales, ``promptpay_share`` of them paid by QR, their refunds, the shifts."""
        self.promptpay_share = promptpay_share
        self.runs.morning(day)
        shifts = [self._open(day, n, till) for n, till in enumerate(self.world.tills)]
        minutes = sorted(self.rng.randrange(1, 9 * 60 - 15) for _ in range(count))
        for minute in minutes:
            shift = shifts[self._till_index()]
            self._sale(
                shift, at(day, 9) + timedelta(minutes=minute, seconds=self.rng.randrange(60))
            )
        for shift in shifts:
            for sold in shift.sold:
                if self.rng.random() < shapes.REFUND_SHARE:
                    self._refund(shift, sold, at(day, 17, 50))
        for shift in shifts:
            self._close(shift, at(day, 18))

    def _till_index(self) -> int:
        shares = self.world.till_shares
        return bisect(shares, self.rng.random() * shares[-1])

    # -- shifts ----------------------------------------------------------------------------

    def _open(self, day: date, n: int, till: Any) -> OpenShift:
        cashier = self.world.cashiers[(n + day.toordinal()) % len(self.world.cashiers)]
        opened = at(day, 9)
        shift_id = self.rows.next_id[Shift]
        self.rows.next_id[Shift] += 1
        return OpenShift(shift_id, till.id, cashier.id, opened)

    def _close(self, shift: OpenShift, now: datetime) -> None:
        till = self.world.till(shift.till)
        self.z_seq[till.id] += 1
        z_number = f"Z-{till.code}-{self.z_seq[till.id]:06d}"
        cashier = self.world.cashier(shift.cashier)
        row, _ = self.world.z_report(shift, till, cashier, now, z_number)
        row["id"] = shift.id
        row["z_seq"] = self.z_seq[till.id]
        self.rows.waiting[Shift].append(row)

    # -- a sale ----------------------------------------------------------------------------

    def _sale(self, shift: OpenShift, now: datetime) -> None:
        till = self.world.till(shift.till)
        basket = self.stock.basket(till.location_id, self.rng)
        self.stock.restock(till.location_id, basket, now - timedelta(minutes=1))
        products = [self.world.products[pid] for pid, _ in basket]
        inputs = [
            LineInput(
                p.price_satang,
                qty,
                p.commission_bp,
                True,
                shapes.line_discount(p.price_satang * qty, self.rng),
            )
            for p, (_, qty) in zip(products, basket, strict=True)
        ]
        after_lines = sum(i.unit_price_satang * i.quantity - i.discount_satang for i in inputs)
        priced = price_sale(inputs, shapes.cart_discount(after_lines, self.rng))
        qr = self.rng.random() < self.promptpay_share
        method = "promptpay" if qr else "cash"
        done = now + timedelta(seconds=self.rng.randrange(15, 90)) if qr else now
        self.receipt_seq[till.id] += 1
        seq = self.receipt_seq[till.id]
        number = receipt_number(till.code, seq)
        shares = [
            priced_share(p.entrepreneur_id, line)
            for p, line in zip(products, priced.lines, strict=True)
        ]
        entry = sale_entry(
            number, shares, [(money_account(method, till.code), priced.total_satang)]
        )
        entry_id = self.ledger.post(entry, done, shift.cashier)
        for share in shares:
            self.runs.sold(share.entrepreneur_id, share.net_satang)
        key = f"bulk-{self.rows.next_id[Sale]}"
        sale_id = self.rows.add(
            Sale,
            {
                "till_id": till.id,
                "shift_id": shift.id,
                "cashier_id": shift.cashier,
                "receipt_number": number,
                "receipt_seq": seq,
                "idempotency_key": key,
                "request_hash": hashlib.sha256(key.encode()).hexdigest(),
                "status": "completed",
                "subtotal_satang": priced.subtotal_satang,
                "discount_satang": priced.discount_satang,
                "cart_discount_satang": sum(ln.cart_discount_satang for ln in priced.lines),
                "total_satang": priced.total_satang,
                "vat_included_satang": priced.vat_included_satang,
                "created_at": now,
                "completed_at": done,
                "business_date": now.astimezone(BANGKOK).date(),
                "journal_entry_id": entry_id,
                "approved_by_id": None,
                "rung_at": None,
                "clock_skew_ms": None,
                "device_id": None,
                "received_at": None,
            },
        )
        for line_no, (p, (_, qty), line) in enumerate(
            zip(products, basket, priced.lines, strict=True), start=1
        ):
            line_id = self.rows.add(SaleLine, self.world.line_row(sale_id, line_no, p, qty, line))
            shift.sold.append((sale_id, line_id, p.entrepreneur_id, qty, line))
        self.stock.take(till.location_id, basket, now, shift.cashier, f"SALE-{sale_id}")
        self._payment(sale_id, method, priced.total_satang, now, done, shift)
        tally = shift.tally
        tally["sales"] += 1
        tally["gross"] += priced.subtotal_satang
        tally["discount"] += priced.discount_satang
        tally["total"] += priced.total_satang
        tally["vat"] += priced.vat_included_satang
        self.sales += 1

    def _payment(
        self,
        sale_id: int,
        method: str,
        amount: int,
        now: datetime,
        done: datetime,
        shift: OpenShift,
    ) -> None:
        reference = "OTB" + f"{self.rows.next_id[Payment]:013d}"
        qr = method == "promptpay"
        payment_id = self.rows.add(
            Payment,
            {
                "reference": reference,
                "sale_id": sale_id,
                "method": method,
                "amount_satang": amount,
                "status": "confirmed",
                "payload": payment_payload(self.world.account, reference, amount) if qr else None,
                "created_at": now,
                "expires_at": now + timedelta(minutes=10) if qr else None,
                "confirmed_at": done,
                "confirmed_by": shift.cashier,
                "confirmation": "manual" if qr else "cash",
                "transaction_id": None,
                "slip_ref": None,
                "slip_key": None,
                "created_by": shift.cashier,
                "version": 2 if qr else 1,
                "card_last4": None,
                "approval_code": None,
                "tender_name": None,
                "tender_ref": None,
            },
        )
        created = {"sale_id": sale_id, "method": method, "amount_satang": amount}
        for event, when, detail in (
            ("payment_created", now, {**created, "reference": reference}),
            ("payment_confirmed", done, {"confirmation": "manual" if qr else "cash"}),
        ):
            if event == "payment_confirmed":
                detail["slip_ref"] = None
            self.rows.add(
                PaymentEventRow,
                {
                    "payment_id": payment_id,
                    "event": event,
                    "at": when,
                    "actor_id": shift.cashier,
                    "source": "user",
                    "detail": detail,
                },
            )
        given = shapes.tendered(amount, self.rng) if not qr else None
        self.rows.add(
            SalePayment,
            {
                "sale_id": sale_id,
                "payment_id": payment_id,
                "method": method,
                "amount_satang": amount,
                "tendered_satang": given,
                "change_satang": None if given is None else given - amount,
            },
        )
        if qr:
            shift.tally["promptpay"] += amount
        else:
            shift.tally["cash"] += amount
            shift.tally["cash_taken"] += given or 0
            shift.tally["change"] += (given or 0) - amount

    # -- a refund --------------------------------------------------------------------------

    def _refund(self, shift: OpenShift, sold: Sold, now: datetime) -> None:
        sale_id, line_id, entrepreneur_id, quantity, line = sold
        till = self.world.till(shift.till)
        self.credit_note_seq[till.id] += 1
        seq = self.credit_note_seq[till.id]
        number = f"CN-{till.code}-{seq:06d}"
        amount = line.line_total_satang
        share = SaleLineShare(entrepreneur_id, line.net_satang, line.commission_satang)
        entry = refund_entry(number, [share], cash_account(till.code), amount)
        entry_id = self.ledger.post(entry, now, self.world.manager_id)
        key = f"bulk-refund-{sale_id}-{line_id}"
        refund_id = self.rows.add(
            Refund,
            {
                "sale_id": sale_id,
                "till_id": till.id,
                "shift_id": shift.id,
                "credit_note_seq": seq,
                "credit_note_number": number,
                "idempotency_key": key,
                "request_hash": hashlib.sha256(key.encode()).hexdigest(),
                "method": "cash",
                "tender_name": None,
                "restock": False,
                "reason": REFUND_REASON,
                "total_satang": amount,
                "vat_included_satang": line.vat_included_satang,
                "cashier_id": self.world.manager_id,
                "approved_by_id": None,
                "created_at": now,
                "business_date": now.astimezone(BANGKOK).date(),
                "journal_entry_id": entry_id,
            },
        )
        self.rows.add(
            RefundLine,
            {
                "refund_id": refund_id,
                "sale_line_id": line_id,
                "product_id": None,
                "unit_price_satang": None,
                "line_no": 1,
                "quantity": quantity,
                "amount_satang": amount,
                "commission_satang": line.commission_satang,
                "net_satang": line.net_satang,
                "vat_included_satang": line.vat_included_satang,
            },
        )
        tally = shift.tally
        tally["refunds"] += 1
        tally["refunded"] += amount
        tally["refunded_vat"] += line.vat_included_satang
        self.refunds += 1

    def finish(self) -> None:
        self.runs.finish()
