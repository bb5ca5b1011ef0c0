"""Entrepreneurs' balances and statements, and the payouts that settle them, over JSON.

An entrepreneur reaches only their own balance and statement (another's is 404); cashiers
reach none (403); payouts are for managers and admins.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from kernel.access import Actor
from kernel.clock import Clock, business_date
from kernel.csv_cells import baht_cell, csv_text
from kernel.dates import parse_optional_date
from kernel.db.engine import Database
from kernel.errors import ConflictError
from payments import promptpay
from payments.ledger.balance_rules import EntrepreneurBalance
from payments.ledger.balances import Statement
from payments.qr import payload_svg
from pos.consignment.access import entrepreneur_balance, entrepreneur_statement
from pos.consignment.bank_files import transfer_file
from pos.consignment.payouts import (
    PayoutCandidate,
    PayoutRunView,
    PayoutView,
    cancel_payout,
    create_run,
    get_payout,
    get_run,
    list_runs,
    mark_paid,
    payout_candidates,
)
from pos.consignment.portal import account_lines
from web.accounts.auth import managers_only, signed_in
from web.consignment.schemas import PaidIn, RunIn
from web.downloads import csv_download
from web.settings import Settings

NO_STORE = {"Cache-Control": "no-store"}


def refund_window(settings: Settings) -> timedelta:
    return timedelta(days=settings.refund_window_days)


# Read as text (Buddhist-era dd/mm/2569 or ISO, kernel.dates) and checked there: a 422 naming
# the field, in Thai and English.
_A_DAY = {"one_of": [{"type": "string"}, {"type": "null"}]}
FromDay = Annotated[
    str | None,
    QueryParameter(
        name="from", description="first day: dd/mm/2569 (BE) or YYYY-MM-DD", schema_extra=_A_DAY
    ),
]
ToDay = Annotated[
    str | None,
    QueryParameter(
        name="to", description="last day: dd/mm/2569 (BE) or YYYY-MM-DD", schema_extra=_A_DAY
    ),
]


def _period(clock: Clock, start: str | None, end: str | None) -> tuple[date, date]:
    today = business_date(clock.now())
    last = parse_optional_date(end, "to") or today
    return parse_optional_date(start, "from") or last.replace(day=1), last


class ConsignmentApi(Controller):
    """Entrepreneurs' balances and statements, and payout runs."""

    path = "/api/v1"

    @get("/entrepreneurs/{entrepreneur_id:int}/balance", sync_to_thread=True, guards=[signed_in])
    def balance_show(
        self,
        entrepreneur_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> EntrepreneurBalance:
        """Gross sales, discounts borne, commission, refunds, payouts, the balance owed, what is
        held (sales inside the refund window) and what is available to pay out; all from the
        ledger."""
        with db.read() as conn:
            return entrepreneur_balance(
                conn, actor, entrepreneur_id, clock.now(), refund_window(settings)
            )

    @get("/entrepreneurs/{entrepreneur_id:int}/statement", sync_to_thread=True, guards=[signed_in])
    def statement_show(
        self,
        entrepreneur_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        start: FromDay = None,
        end: ToDay = None,
    ) -> Statement:
        """Sales, refunds and payouts of ``from``..``to`` (Bangkok days; default: this month so
        far) with a running balance."""
        first, last = _period(clock, start, end)
        with db.read() as conn:
            return entrepreneur_statement(conn, actor, entrepreneur_id, first, last)

    @get(
        "/entrepreneurs/{entrepreneur_id:int}/statement.csv",
        sync_to_thread=True,
        guards=[signed_in],
        media_type="text/csv",
    )
    def statement_csv(
        self,
        entrepreneur_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        start: FromDay = None,
        end: ToDay = None,
    ) -> Response[bytes]:
        """The statement as CSV (UTF-8 with BOM, so that Excel shows Thai), amounts in baht;
        sales are what customers paid, as on the portal (pos.consignment.portal)."""
        first, last = _period(clock, start, end)
        with db.read() as conn:
            found = entrepreneur_statement(conn, actor, entrepreneur_id, first, last)
            lines = account_lines(conn, found)
        rows: list[list[object]] = [
            [
                "date",
                "document",
                "kind",
                "sales",
                "own_discount",
                "centre_discount",
                "commission",
                "amount",
                "balance",
            ],
            [first.isoformat(), "", "opening", *[""] * 5, baht_cell(found.opening_balance_satang)],
        ]
        for line in lines:
            rows.append(
                [
                    business_date(line.at).isoformat(),
                    line.document,
                    line.kind,
                    baht_cell(line.sales_satang) if line.kind == "sale" else "",
                    baht_cell(line.own_discount_satang),
                    baht_cell(line.centre_discount_satang),
                    baht_cell(line.commission_satang),
                    baht_cell(line.amount_satang),
                    baht_cell(line.balance_satang),
                ]
            )
        name = f"statement-{entrepreneur_id}-{first.isoformat()}-{last.isoformat()}.csv"
        return csv_download(csv_text(rows), name)

    @get("/payouts/preview", sync_to_thread=True, guards=[managers_only])
    def payout_preview(
        self,
        cutoff_date: FromQuery[date],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
        minimum_satang: FromQuery[int | None] = None,
    ) -> list[PayoutCandidate]:
        """Who a run for the cut-off date would pay, and how much (nothing is written)."""
        with db.read() as conn:
            return payout_candidates(
                conn,
                actor,
                clock.now(),
                cutoff=cutoff_date,
                minimum_satang=minimum_satang or settings.payout_minimum_satang,
                refund_window=refund_window(settings),
            )

    @post("/payout-runs", guards=[managers_only], status_code=201)
    async def payout_run_create(
        self,
        data: JSONBody[RunIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> PayoutRunView:
        """A run of pending payouts for every candidate not left out (409 when there is none)."""
        now, window = clock.now(), refund_window(settings)
        minimum = data.minimum_satang or settings.payout_minimum_satang
        # Every entrepreneur's balance is summed in a snapshot on a thread; the run's own write
        # transaction only inserts the payouts.
        candidates = await db.read_on_thread(
            lambda conn: payout_candidates(
                conn,
                actor,
                now,
                cutoff=data.cutoff_date,
                minimum_satang=minimum,
                refund_window=window,
            )
        )
        return await db.writer.run(
            lambda conn: create_run(
                conn,
                actor,
                now,
                cutoff=data.cutoff_date,
                minimum_satang=minimum,
                refund_window=window,
                exclude=frozenset(data.exclude_entrepreneur_ids),
                candidates=candidates,
            )
        )

    @get("/payout-runs", sync_to_thread=True, guards=[managers_only])
    def payout_run_index(
        self, db: NamedDependency[Database], actor: NamedDependency[Actor]
    ) -> list[PayoutRunView]:
        with db.read() as conn:
            return list_runs(conn, actor)

    @get("/payout-runs/{run_id:int}", sync_to_thread=True, guards=[managers_only])
    def payout_run_show(
        self, run_id: FromPath[int], db: NamedDependency[Database], actor: NamedDependency[Actor]
    ) -> PayoutRunView:
        with db.read() as conn:
            return get_run(conn, actor, run_id)

    @get(
        "/payout-runs/{run_id:int}/bank.csv",
        sync_to_thread=False,
        guards=[managers_only],
        media_type="text/csv",
    )
    def payout_run_csv(
        self, run_id: FromPath[int], db: NamedDependency[Database], actor: NamedDependency[Actor]
    ) -> Response[bytes]:
        """The run's waiting payouts for a bank's bulk transfer: PromptPay ID, name, amount."""
        with db.read() as conn:
            run = get_run(conn, actor, run_id)
        rows: list[list[object]] = [
            ["payout_id", "entrepreneur_code", "name", "promptpay_id", "amount_baht", "reference"]
        ]
        rows += [
            [
                p.id,
                p.code,
                p.name_th,
                p.promptpay_id or "",
                baht_cell(p.amount_satang),
                f"{run.number}-{p.id}",
            ]
            for p in run.payouts
            if p.status == "pending"
        ]
        return csv_download(csv_text(rows), f"{run.number}.csv")

    @get(
        "/payout-runs/{run_id:int}/bank-transfer.csv",
        sync_to_thread=False,
        guards=[managers_only],
        media_type="text/csv",
    )
    def payout_run_transfer_csv(
        self, run_id: FromPath[int], db: NamedDependency[Database], actor: NamedDependency[Actor]
    ) -> Response[bytes]:
        """The bank's bulk-transfer file of the run's waiting payouts to a valid bank account:
        bank_code, account_number, account_name, amount_baht (two decimals), reference
        (``<run number>-<payout id>``, what the bank's result file gives back). Waiting payouts
        without a valid account are left out (paid by PromptPay QR)."""
        with db.read() as conn:
            made = transfer_file(conn, actor, run_id)
        return csv_download(csv_text(made.rows), f"{made.number}-bank-transfer.csv")

    @get(
        "/payouts/{payout_id:int}/qr.svg",
        sync_to_thread=False,
        guards=[managers_only],
        media_type="image/svg+xml",
    )
    def payout_qr(
        self, payout_id: FromPath[int], db: NamedDependency[Database], actor: NamedDependency[Actor]
    ) -> Response[str]:
        """A PromptPay QR to the entrepreneur's receiving ID for the exact amount (pending only)."""
        with db.read() as conn:
            payout = get_payout(conn, actor, payout_id)
        if payout.status != "pending":
            raise ConflictError(
                "payout.qr_not_pending",
                "รายการจ่าย {payout_id} อยู่ในสถานะ {status} จึงไม่มี QR",
                field="payout_id",
                payout_id=payout_id,
                status=payout.status,
            )
        if not payout.promptpay_id:
            raise ConflictError(
                "payout.qr_no_promptpay",
                "{entrepreneur_code} ไม่มีหมายเลขพร้อมเพย์สำหรับรับเงิน",
                field="promptpay_id",
                entrepreneur_code=payout.code,
            )
        payload = promptpay.credit_transfer(payout.promptpay_id, amount_satang=payout.amount_satang)
        return Response(payload_svg(payload), media_type="image/svg+xml", headers=NO_STORE)

    @post("/payouts/{payout_id:int}/paid", guards=[managers_only], status_code=200)
    async def payout_paid(
        self,
        payout_id: FromPath[int],
        data: JSONBody[PaidIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> PayoutView:
        """Mark paid with the bank's reference; the ledger entry is posted. Idempotent."""
        now = clock.now()
        return await db.writer.run(
            lambda conn: mark_paid(
                conn,
                actor,
                now,
                payout_id,
                bank_reference=data.bank_reference,
                refund_window=refund_window(settings),
            )
        )

    @post("/payouts/{payout_id:int}/cancel", guards=[managers_only], status_code=200)
    async def payout_cancel(
        self,
        payout_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> PayoutView:
        now = clock.now()
        return await db.writer.run(lambda conn: cancel_payout(conn, actor, now, payout_id))
