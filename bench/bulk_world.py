"""What the bulk history sells and who rings it, read once from the seeded catalogue: the tills,
cashiers and manager, the products on each location's shelves (with long-tail weights), the
ledger accounts (created up front), and the rows a sale line and a closed shift are written as.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import accumulate
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from bench.bulk_shapes import OPENING_FLOAT_SATANG, TILL_SHARES
from inventory.models import Entrepreneur, Product, StockLevel
from payments.ledger.postings import account_ids
from payments.ledger.rules import (
    BANK,
    COMMISSION_INCOME,
    PROMPTPAY_CLEARING,
    cash_account,
    payable_account,
)
from payments.lifecycle import ReceivingAccount
from pos.checkout.pricing import DiscountBearer, PricedLine
from pos.models import Till
from pos.tills.shifts import ShiftReport
from web.accounts.users import User

BEARERS = {bearer: bearer.value for bearer in DiscountBearer}


@dataclass(frozen=True, slots=True)
class Sold:
    """A product as a sale line snapshots it."""

    id: int
    sku: str
    barcode: str
    name_th: str
    name_en: str
    price_satang: int
    entrepreneur_id: int
    commission_bp: int


@dataclass(frozen=True, slots=True)
class TillRow:
    id: int
    code: str
    location_id: int


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str


class World:
    def __init__(self, conn: Connection, rng: random.Random, account: ReceivingAccount) -> None:
        self.account = account
        self.tills = [
            TillRow(*row) for row in conn.execute(select(Till.id, Till.code, Till.location_id))
        ]
        users = conn.execute(select(User.id, User.display_name, User.role).order_by(User.id))
        people = [(Person(i, name), role) for i, name, role in users]
        self.cashiers = [p for p, role in people if role == "cashier"]
        self.manager_id = next(p.id for p, role in people if role == "manager")
        rates = {
            e: bp for e, bp in conn.execute(select(Entrepreneur.id, Entrepreneur.commission_bp))
        }
        self.promptpay_ids: dict[int, str | None] = {
            e: promptpay_id
            for e, promptpay_id in conn.execute(select(Entrepreneur.id, Entrepreneur.promptpay_id))
        }
        self.products = {
            row.id: Sold(
                row.id,
                row.sku,
                row.barcode,
                row.name_th,
                row.name_en,
                row.price_satang,
                row.entrepreneur_id,
                rates[row.entrepreneur_id],
            )
            for row in conn.execute(
                select(
                    Product.id,
                    Product.sku,
                    Product.barcode,
                    Product.name_th,
                    Product.name_en,
                    Product.price_satang,
                    Product.entrepreneur_id,
                ).where(Product.active.is_(True), Product.price_satang > 0)
            )
        }
        self.shelves = self._shelves(conn, rng)
        # A till whose location has nothing on its shelves rings nothing.
        shares = [s if t.location_id in self.shelves else 0.0 for t, s in self._till_shares()]
        self.till_shares = list(accumulate(shares))
        self._tills = {t.id: t for t in self.tills}
        self._people = {p.id: p for p, _ in people}
        codes = [COMMISSION_INCOME, PROMPTPAY_CLEARING, BANK]
        codes += [cash_account(t.code) for t in self.tills]
        codes += [payable_account(e) for e in sorted(rates)]
        self.account_ids = account_ids(conn, codes)

    def _till_shares(self) -> list[tuple[TillRow, float]]:
        return [(t, TILL_SHARES[min(n, len(TILL_SHARES) - 1)]) for n, t in enumerate(self.tills)]

    def _shelves(
        self, conn: Connection, rng: random.Random
    ) -> dict[int, tuple[list[int], list[float]]]:
        """Per location, its products (shuffled) and the cumulative weights of a long tail."""
        shelves: dict[int, tuple[list[int], list[float]]] = {}
        stocked: dict[int, list[int]] = {}
        for pid, loc in conn.execute(
            select(StockLevel.product_id, StockLevel.location_id).order_by(
                StockLevel.location_id, StockLevel.product_id
            )
        ):
            if pid in self.products:
                stocked.setdefault(loc, []).append(pid)
        for loc, pids in stocked.items():
            rng.shuffle(pids)
            weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(pids))]
            shelves[loc] = (pids, list(accumulate(weights)))
        return shelves

    def till(self, till_id: int) -> TillRow:
        return self._tills[till_id]

    def cashier(self, user_id: int) -> Person:
        return self._people[user_id]

    @staticmethod
    def line_row(sale_id: int, line_no: int, p: Sold, qty: int, line: PricedLine) -> dict[str, Any]:
        return {
            "sale_id": sale_id,
            "line_no": line_no,
            "product_id": p.id,
            "entrepreneur_id": p.entrepreneur_id,
            "sku": p.sku,
            "barcode": p.barcode,
            "name_th": p.name_th,
            "name_en": p.name_en,
            "unit_price_satang": p.price_satang,
            "quantity": qty,
            "discount_satang": line.discount_satang,
            "cart_discount_satang": line.cart_discount_satang,
            "line_total_satang": line.line_total_satang,
            "commission_bp": p.commission_bp,
            "commission_satang": line.commission_satang,
            "net_satang": line.net_satang,
            "vat_applicable": True,
            "vat_included_satang": line.vat_included_satang,
            "line_discount_bearer": BEARERS[line.line_discount_bearer],
            "cart_discount_bearer": BEARERS[line.cart_discount_bearer],
            "list_price_satang": None,
            "price_reason": None,
            "price_approved_by_id": None,
            "terms_id": None,
            "markdown_bp": 0,
        }

    @staticmethod
    def z_report(
        shift: Any, till: TillRow, cashier: Person, closed_at: datetime, z_number: str
    ) -> tuple[dict[str, Any], ShiftReport]:
        """The closed shift's row with its Z report, from the shift's tallies (the report
        pos.tills.shifts computes at close: tests/db/test_bulk_history.py holds them equal)."""
        t = shift.tally
        expected = OPENING_FLOAT_SATANG + t["cash"] - t["refunded"]
        report = ShiftReport(
            shift_id=shift.id,
            till_id=till.id,
            till_code=till.code,
            cashier_id=cashier.id,
            cashier=cashier.name,
            opened_at=shift.opened_at,
            closed_at=closed_at,
            z_number=z_number,
            sales_count=t["sales"],
            gross_satang=t["gross"],
            discount_satang=t["discount"],
            sales_satang=t["total"],
            refunds_count=t["refunds"],
            refunds_satang=t["refunded"],
            net_satang=t["total"] - t["refunded"],
            vat_included_satang=t["vat"] - t["refunded_vat"],
            cash_satang=t["cash"],
            promptpay_satang=t["promptpay"],
            pending_sales=0,
            voided_sales=0,
            opening_float_satang=OPENING_FLOAT_SATANG,
            cash_taken_satang=t["cash_taken"],
            change_given_satang=t["change"],
            cash_sales_satang=t["cash"],
            pay_ins_satang=0,
            pay_outs_satang=0,
            cash_refunds_satang=t["refunded"],
            transfer_refunds_satang=0,
            expected_cash_satang=expected,
            counted_cash_satang=expected,
            difference_satang=0,
            closing_denominations=None,
        )
        text = json.dumps(asdict(report), default=lambda v: v.isoformat(), ensure_ascii=False)
        row = {
            "till_id": till.id,
            "cashier_id": cashier.id,
            "opened_at": shift.opened_at,
            "closed_at": closed_at,
            "opening_float_satang": OPENING_FLOAT_SATANG,
            "status": "closed",
            "opening_denominations": None,
            "closed_by_id": cashier.id,
            "z_number": z_number,
            "expected_cash_satang": expected,
            "counted_cash_satang": expected,
            "closing_denominations": None,
            "z_report": text,
        }
        return row, report
