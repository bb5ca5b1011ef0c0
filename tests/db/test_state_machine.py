"""A hypothesis state machine over sales, refunds, payments, payouts and stock movements.

It drives the real services in-process (checkout and its batches, refunds, voids, PromptPay
confirmations by cashier and by bank callback, expiry and cancellation, shifts, intake,
adjustments, counts, transfers, payout runs) against a small seeded world: two locations, a
till at each, three entrepreneurs, six products with a few units each. Bad and racing inputs
are steps too: selling more than is on hand, a retry under the same key, the key with another
body, a batch whose sales want the same last units or share a key, refunding more than is left,
confirming a payment twice or after it expired, a slip shown twice, a bank transaction
confirming two payments, the bank retrying its callback, a crash between a payment's
confirmation and its sale's completion, paying out more than is available, paying twice, a
bank reference used twice, closing a shift with a sale waiting for its payment.

The machine keeps a model of what must be true: on-hand per product and location, each sale's
status and each line's refunded units, each payment's status, receipt and credit-note numbers,
every ledger account's balance and each entrepreneur's figures by the rules (gross - discount -
commission - refund - payout; held while inside the refund window), which payouts a run makes
and when paying one is refused. Each step's outcome (the answer, or the error's exact class)
is predicted by the model; a refused step must leave every table as it was. After every step
the model is compared with the database and ``integrity.check.find_violations`` must find
nothing.

Runs on SQLite and PostgreSQL; each example starts from the seeded world (SQLite: a copy of a
seeded file; PostgreSQL: truncate and seed). In ``make test``: max_examples=10,
stateful_step_count=25 per backend (about 10 s on SQLite, 16-22 s on PostgreSQL; most of a
step is ``find_violations``). ``OTOP_STATEFUL=long``: 200 examples x up to 50 steps per backend
(about 9,000 steps: 5 minutes on SQLite, 10-14 on PostgreSQL).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from integrity.check import find_violations
from inventory.models import Category, StockLevel
from inventory.stock.document_rules import LineIn
from inventory.stock.documents import adjust_stock, post_count, transfer_stock
from inventory.stock.intakes import receive_intake
from inventory.stock.rules import InsufficientStockError
from kernel.access import Actor, Role
from kernel.clock import BANGKOK, FixedClock, business_date
from kernel.db.engine import Database
from kernel.errors import ConflictError, DomainError, ForbiddenError, InvalidInputError
from payments import promptpay
from payments.ledger.balances import read_balance
from payments.ledger.models import JournalEntryRow, LedgerAccount, PostingRow
from payments.ledger.payout_models import Payout
from payments.lifecycle import (
    OutcomeKind,
    SlipReusedError,
    WebhookEvent,
    cancel_payment,
    check_account,
    confirm_by_webhook,
    confirm_manually,
    expire_due,
)
from payments.models import Payment
from pos.checkout.pricing import round_half_up_div
from pos.checkout.requests import CheckoutRequest, LineRequest, PaymentRequest
from pos.checkout.service import CheckoutJob, checkout_many
from pos.checkout.voids import void_sale
from pos.completion.by_payment import complete_if_paid
from pos.completion.stranded import STRANDED_GRACE
from pos.consignment.payouts import cancel_payout, create_run, mark_paid
from pos.models import RefundLine, Sale, SaleLine, Shift
from pos.refunds.service import RefundRequest, refund_sale
from pos.tills.service import create_till, open_shift
from pos.tills.shifts import close_shift
from tests import factories as f
from tests.db.fresh import fresh_databases
from web.accounts.users import User
from web.models import metadata

LONG = os.environ.get("OTOP_STATEFUL", "").lower() == "long"
EXAMPLES, STEPS = (200, 50) if LONG else (10, 25)
ACCOUNT = check_account("0812345678", None)
EXPIRY = timedelta(minutes=10)
WINDOW = timedelta(days=7)  # the refund window (OTOP_REFUND_WINDOW_DAYS)
START = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
PRICES = (45000, 12050, 9900, 333, 101, 7777)
MAKER_BP = (2000, 1500, 1250)
FOOD_BP = 1000  # the food category's rate overrides the maker's (the last product)
FLOAT = 100000
PICK = st.integers(0, 10**6)  # an index into one of the model's lists, modulo its length


# --- the seeded world -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    maker: int
    price: int
    bp: int


@dataclass(frozen=True, slots=True)
class TillInfo:
    id: int
    code: str
    location: int
    cashier: Actor


@dataclass(frozen=True, slots=True)
class World:
    locations: tuple[int, int]
    tills: tuple[TillInfo, TillInfo]
    manager: Actor
    makers: tuple[int, ...]
    items: tuple[Item, ...]
    stock: tuple[tuple[tuple[int, int], int], ...]  # ((product, location), units)
    shifts: tuple[int, int]  # the open shift of each till


def _staff(conn: Connection, username: str, role: Role) -> Actor:
    """A user row without a usable password (nobody signs in here; hashing costs 50 ms)."""
    user_id = conn.execute(
        insert(User)
        .values(
            username=username,
            display_name=username,
            password_hash="!",
            role=role.value,
            entrepreneur_id=None,
            active=True,
            created_at=f.NOW,
        )
        .returning(User.id)
    ).scalar_one()
    return Actor(user_id, username, role)


def seed(db: Database) -> World:
    with db.write() as conn:
        district = f.district(conn)
        skp = f.location(conn)
        tpr = f.location(conn, "TPR", "ถนนท่าแพ", "Tha Phae Road", is_default=False)
        textile = f.category(conn)
        food = f.category(conn, "food", "อาหาร", "Food")
        conn.execute(update(Category).where(Category.id == food).values(commission_bp=FOOD_BP))
        makers = tuple(f.entrepreneur(conn, district, commission_bp=bp) for bp in MAKER_BP)
        items = []
        stock = []
        for i, price in enumerate(PRICES):
            maker = makers[i // 2]
            in_food = i == len(PRICES) - 1
            pid = f.product(
                conn,
                maker,
                food if in_food else textile,
                price_satang=price,
                name_th=f"สินค้า {i}",
                name_en=f"Item {i}",
            )
            items.append(Item(pid, maker, price, FOOD_BP if in_food else MAKER_BP[i // 2]))
            f.stock(conn, pid, skp, 6)
            stock.append(((pid, skp), 6))
            if not in_food:  # never stocked at Tha Phae until moved or refunded there
                f.stock(conn, pid, tpr, 3)
                stock.append(((pid, tpr), 3))
        manager = _staff(conn, "manager", Role.MANAGER)
        tills = []
        shifts = []
        for code, place, cashier in (("SKP-01", skp, "cashier1"), ("TPR-01", tpr, "cashier2")):
            actor = _staff(conn, cashier, Role.CASHIER)
            till = create_till(conn, manager, START, code=code, name=code, location_id=place)
            shifts.append(open_shift(conn, actor, START, till.id, FLOAT).id)
            tills.append(TillInfo(till.id, code, place, actor))
    return World(
        (skp, tpr),
        (tills[0], tills[1]),
        manager,
        makers,
        tuple(items),
        tuple(stock),
        (shifts[0], shifts[1]),
    )


Fresh = Callable[[], tuple[Database, World, Callable[[], None]]]


@pytest.fixture
def fresh_world(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Fresh]:
    """A maker of fresh seeded databases, one per example: cheap on both backends."""
    with fresh_databases(backend, request, tmp_path, seed) as fresh:
        yield fresh


# --- the model ----------------------------------------------------------------------------


def share(amount: int, sold: int, units: int) -> int:
    """What ``units`` of ``sold`` carry of a line's amount (refunds are differences of these)."""
    return round_half_up_div(amount * units, sold)


@dataclass(slots=True)
class MLine:
    line_no: int
    item: Item
    qty: int
    discount: int  # the line's own discount (the maker bears it)
    net: int  # the maker's
    total: int  # what the customer paid for the line
    refunded: int = 0

    @property
    def gross(self) -> int:
        return self.item.price * self.qty


@dataclass(slots=True)
class MSale:
    id: int
    till: TillInfo
    shift: int
    key: str
    request: CheckoutRequest
    actor: Actor
    status: str
    total: int
    lines: list[MLine]
    payments: list[int]
    cash: int
    promptpay: int
    receipt_seq: int | None = None


@dataclass(slots=True)
class MPayment:
    id: int
    sale: int
    method: str
    amount: int
    reference: str
    status: str  # as stored, or about to be: read it with ShopMachine.status_of
    expires_at: datetime | None
    transaction: str | None = None


@dataclass(slots=True)
class MPayout:
    id: int
    maker: int
    amount: int
    status: str = "pending"
    reference: str | None = None


@dataclass(slots=True)
class MShift:
    """A shift's drawer: its float, the cash its sales took, the cash its refunds gave."""

    float: int
    cash_sales: int = 0
    cash_refunds: int = 0


@dataclass(frozen=True, slots=True)
class Owed:
    """A change of what the centre owes a maker: the ledger as the model keeps it."""

    maker: int
    kind: str  # sale | refund | payout
    amount: int  # owed more (+) or less (-)
    at: datetime


@dataclass(frozen=True, slots=True)
class Planned:
    """The model's answer to one checkout: a replay, a refusal, or a new sale."""

    replay_of: int | None = None
    refusal: type[DomainError] | None = None
    lines: tuple[MLine, ...] = ()
    total: int = 0


def _merged(request: CheckoutRequest) -> list[tuple[int, int, int]]:
    """(product, quantity, discount) per product, in order of first appearance."""
    merged: dict[int, tuple[int, int]] = {}
    for line in request.lines:
        qty, disc = merged.get(line.product_id, (0, 0))
        merged[line.product_id] = (qty + line.quantity, disc + line.discount_satang)
    return [(pid, qty, disc) for pid, (qty, disc) in merged.items()]


DISCOUNTS = st.sampled_from([0] * 20 + [1, 250, "all", "over"])
LINES = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from([1, 1, 1, 2, 2, 3, 4]), DISCOUNTS),
    min_size=1,
    max_size=3,
)
PAYS = st.tuples(
    st.sampled_from(["cash", "cash", "cash", "promptpay", "promptpay", "split"]),
    st.sampled_from([0] * 16 + [1, -1]),  # the payments miss the total by this
    st.sampled_from([0, 0, 1, 5000]),  # cash tendered above the amount
    st.integers(1, 99),  # the cash share of a split payment, in percent
)
WHO = st.sampled_from(["own"] * 8 + ["manager", "other"])
SALE = st.tuples(st.integers(0, 1), WHO, LINES, st.sampled_from([0] * 8 + [50, 999]), PAYS)


class ShopMachine(RuleBasedStateMachine):
    fresh: Fresh  # set by the test, per backend

    def __init__(self) -> None:
        super().__init__()
        self.db, self.world, self.release = self.fresh()
        self.clock = FixedClock(START)
        w = self.world
        self.items = {item.id: item for item in w.items}
        self.stock: dict[tuple[int, int], int] = dict(w.stock)
        self.shifts = {shift: MShift(FLOAT) for shift in w.shifts}
        self.open_shift: dict[int, int | None] = {
            t.id: s for t, s in zip(w.tills, w.shifts, strict=True)
        }
        self.last_shift: dict[int, int] = {t.id: s for t, s in zip(w.tills, w.shifts, strict=True)}
        self.sales: dict[int, MSale] = {}
        self.sale_keys: dict[str, int] = {}
        self.payments: dict[int, MPayment] = {}
        self.refund_keys: dict[str, tuple[RefundRequest, int]] = {}
        self.receipts: Counter[int] = Counter()
        self.credit_notes: Counter[int] = Counter()
        self.owed: list[Owed] = []
        self.accounts: Counter[str] = Counter()
        self.entries: Counter[str] = Counter()
        self.payouts: dict[int, MPayout] = {}
        self.confirmed_by: dict[str, int] = {}  # bank transaction -> the payment it confirmed
        self.tx_exceptions: dict[str, OutcomeKind] = {}  # bank transaction -> its exception
        self.excepted: set[int] = set()  # payments an exception is about
        self.slips: dict[str, int] = {}  # a slip's transaction reference -> the payment it paid
        self.serial = count(1)

    def teardown(self) -> None:
        self.release()

    # --- helpers ------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def key(self, prefix: str) -> str:
        return f"{prefix}-{next(self.serial):06d}"

    def status_of(self, payment: MPayment) -> str:
        """A pending payment past its expiry reads (and acts) as expired."""
        due = payment.expires_at is not None and payment.expires_at <= self.now()
        return "expired" if payment.status == "pending" and due else payment.status

    def fingerprint(self) -> tuple[int, ...]:
        """The row count of every table: a refused step must leave them all as they were."""
        counts = [
            select(func.count()).select_from(t).scalar_subquery() for t in metadata.sorted_tables
        ]
        with self.db.read() as conn:
            return tuple(conn.execute(select(*counts)).one())

    def refused(self, expected: type[DomainError], action: Callable[[Connection], Any]) -> None:
        before = self.fingerprint()
        with pytest.raises(DomainError) as caught, self.db.write() as conn:
            action(conn)
        assert type(caught.value) is expected, caught.value
        assert self.fingerprint() == before, f"refused ({caught.value}) but wrote"

    def choose(self, pool: dict[int, Any], pick: int, prefer: Callable[[Any], bool]) -> Any:
        """Mostly one that ``prefer`` likes (where things can happen), sometimes any."""
        ids = sorted(pool)
        liked = [i for i in ids if prefer(pool[i])]
        among = liked if liked and pick % 5 else ids
        return pool[among[pick // 5 % len(among)]]

    def actor_for(self, till: TillInfo, who: str) -> Actor:
        if who == "manager":
            return self.world.manager
        if who == "other":
            return next(t.cashier for t in self.world.tills if t.id != till.id)
        return till.cashier

    def complete(self, sale: MSale) -> None:
        """The model of a sale's completion: receipt number, ledger entry, the drawer."""
        now = self.now()
        sale.status = "completed"
        self.receipts[sale.till.id] += 1
        sale.receipt_seq = self.receipts[sale.till.id]
        for line in sale.lines:
            self.owed.append(Owed(line.item.maker, "sale", line.net, now))
            self.accounts[f"entrepreneur_payable:{line.item.maker}"] -= line.net
            self.accounts["commission_income"] -= line.total - line.net
        self.accounts[f"cash:{sale.till.code}"] += sale.cash
        self.accounts["promptpay_clearing"] += sale.promptpay
        self.shifts[sale.shift].cash_sales += sale.cash
        self.entries["sale"] += 1

    def complete_in_app(self, sale_id: int) -> None:
        """What the till (or the bank's confirmation) does next: complete the sale if paid."""
        sale = self.sales[sale_id]
        with self.db.write() as conn:
            view = complete_if_paid(conn, self.now(), sale_id)
        paid = all(self.status_of(self.payments[p]) == "confirmed" for p in sale.payments)
        if sale.status == "pending_payment" and paid:
            self.complete(sale)
        assert view.status == sale.status
        if sale.receipt_seq is not None:
            assert view.receipt_number == f"{sale.till.code}-{sale.receipt_seq:06d}"

    # --- checkout -----------------------------------------------------------------------

    def request(self, till: TillInfo, lines: list[Any], cart: int, pay: Any) -> CheckoutRequest:
        """A checkout request; its payments add up to the model's total unless told not to."""
        wanted = []
        for index, qty, discount in lines:
            item = self.world.items[index]
            if discount == "all":
                discount = item.price * qty
            elif discount == "over":
                discount = item.price * qty + 1
            wanted.append(LineRequest(item.id, qty, discount))
        prices = (self.items[ln.product_id].price * ln.quantity for ln in wanted)
        total = sum(prices) - sum(ln.discount_satang for ln in wanted) - cart
        method, off, extra, percent = pay
        due = max(total, 0) + off
        if method == "cash":
            payments = [PaymentRequest("cash", due, due + extra if extra else None)]
        elif method == "promptpay":
            payments = [PaymentRequest("promptpay", due)]
        else:
            cash = max(1, total * percent // 100)
            payments = [PaymentRequest("cash", cash), PaymentRequest("promptpay", due - cash)]
        return CheckoutRequest(till.id, tuple(wanted), tuple(payments), cart)

    def plan(self, actor: Actor, request: CheckoutRequest, key: str) -> Planned:
        """The model's checkout, in the order the service checks (see
        pos.checkout.service._plan)."""
        if key in self.sale_keys:
            sale = self.sales[self.sale_keys[key]]
            same_body = sale.request.digest() == request.digest()
            rung_again = same_body and sale.request.rung is not None
            if sale.actor.user_id != actor.user_id and not rung_again:
                return Planned(refusal=ConflictError)  # another user's key reveals nothing
            if not same_body:
                return Planned(refusal=ConflictError)
            return Planned(replay_of=sale.id)
        till = next(t for t in self.world.tills if t.id == request.till_id)
        shift = self.open_shift[till.id]
        if shift is None:
            return Planned(refusal=ConflictError)
        if actor.role == Role.CASHIER and actor != till.cashier:
            return Planned(refusal=ConflictError)
        merged = _merged(request)
        if any(disc > self.items[pid].price * qty for pid, qty, disc in merged):
            return Planned(refusal=InvalidInputError)
        after = [self.items[pid].price * qty - disc for pid, qty, disc in merged]
        cart = request.cart_discount_satang
        if not 0 <= cart <= sum(after):
            return Planned(refusal=InvalidInputError)
        subtotal = sum(self.items[pid].price * qty for pid, qty, _ in merged)
        total = sum(after) - cart
        if actor.role == Role.CASHIER and (subtotal - total) * 100 > subtotal * 10:
            return Planned(refusal=ForbiddenError)
        amounts = [p.amount_satang for p in request.payments]
        if min(amounts) <= 0 or sum(amounts) != total:
            return Planned(refusal=InvalidInputError)
        if any(self.stock.get((pid, till.location), 0) < qty for pid, qty, _ in merged):
            return Planned(refusal=InsufficientStockError)
        lines = []
        for line_no, (pid, qty, disc) in enumerate(merged, start=1):
            item = self.items[pid]
            base = item.price * qty - disc  # a cart discount is the centre's: not in the base
            net = base - round_half_up_div(base * item.bp, 10000)
            lines.append(MLine(line_no, item, qty, disc, net, total=0))
        return Planned(lines=tuple(lines), total=total)

    def checkout(self, jobs: list[tuple[Actor, CheckoutRequest, str]]) -> None:
        """Ring the jobs up as one batch of the single writer, and check each answer."""
        one_refused: type[DomainError] | None = None
        if len(jobs) == 1:
            expected = self.plan(*jobs[0])
            one_refused = expected.refusal
        batch = [
            CheckoutJob(actor, self.now(), request, key, ACCOUNT, EXPIRY)
            for actor, request, key in jobs
        ]
        if one_refused is not None:
            self.refused(one_refused, lambda conn: _raise_first(checkout_many(conn, batch)))
            return
        with self.db.write() as conn:
            answers = checkout_many(conn, batch)
        self.answered(list(range(len(jobs))), jobs, answers)

    def answered(self, order: list[int], jobs: list[Any], answers: list[Any]) -> None:
        """Follow the batch as checkout_many runs it: the first use of each key in order, then
        the repeats (after the first has committed in the batch), and so on."""
        seen: set[str] = set()
        later = []
        for index in order:
            actor, request, key = jobs[index]
            if key in seen:
                later.append(index)
                continue
            seen.add(key)
            self.one_answer(actor, request, key, answers[index])
        if later:
            self.answered(later, jobs, answers)

    def one_answer(self, actor: Actor, request: CheckoutRequest, key: str, answer: Any) -> None:
        expected = self.plan(actor, request, key)
        if expected.refusal is not None:
            assert type(answer) is expected.refusal, answer
            return
        assert not isinstance(answer, Exception), answer
        view, replayed = answer
        if expected.replay_of is not None:
            assert replayed and view.id == expected.replay_of
            return
        assert not replayed and view.id not in self.sales
        till = next(t for t in self.world.tills if t.id == request.till_id)
        shift = self.open_shift[till.id]
        assert shift is not None and view.shift_id == shift
        assert view.total_satang == expected.total
        assert [(ln.line_no, ln.product_id, ln.quantity, ln.net_satang) for ln in view.lines] == [
            (ln.line_no, ln.item.id, ln.qty, ln.net) for ln in expected.lines
        ]
        assert sum(ln.line_total_satang for ln in view.lines) == expected.total
        lines = [
            replace(ln, total=v.line_total_satang)
            for ln, v in zip(expected.lines, view.lines, strict=True)
        ]
        for line in lines:
            self.stock[(line.item.id, till.location)] -= line.qty
        cash = sum(p.amount_satang for p in request.payments if p.method == "cash")
        sale = MSale(
            view.id,
            till,
            shift,
            key,
            request,
            actor,
            status="pending_payment",
            total=expected.total,
            lines=lines,
            payments=[p.payment_id for p in view.payments],
            cash=cash,
            promptpay=expected.total - cash,
        )
        self.sales[sale.id] = sale
        self.sale_keys[key] = sale.id
        for asked, paid in zip(request.payments, view.payments, strict=True):
            assert (paid.method, paid.amount_satang) == (asked.method, asked.amount_satang)
            pending = asked.method == "promptpay"
            assert paid.status == ("pending" if pending else "confirmed")
            assert paid.expires_at == (self.now() + EXPIRY if pending else None)
            self.payments[paid.payment_id] = MPayment(
                paid.payment_id,
                sale.id,
                paid.method,
                paid.amount_satang,
                paid.reference,
                paid.status,
                paid.expires_at,
            )
        if sale.promptpay == 0:
            self.complete(sale)
        assert view.status == sale.status
        number = sale.receipt_seq and f"{till.code}-{sale.receipt_seq:06d}"
        assert view.receipt_number == number

    def sell_one(self, till: int, who: str, lines: list[Any], cart: int, pay: Any) -> None:
        place = self.world.tills[till]
        request = self.request(place, lines, cart, pay)
        self.checkout([(self.actor_for(place, who), request, self.key("sale"))])

    @initialize(sales=st.lists(SALE, min_size=1, max_size=4))
    def history(self, sales: list[Any]) -> None:
        """Each example starts with a few sales, a week and a day ago (out of the refund
        window: owed and available to pay out)."""
        for sale in sales:
            self.sell_one(*sale)
        self.clock.advance(days=8)

    @rule(sales=st.lists(SALE, min_size=1, max_size=3))
    def sell(self, sales: list[Any]) -> None:
        for sale in sales:
            self.sell_one(*sale)

    @rule(
        jobs=st.lists(
            st.tuples(st.integers(0, 1), LINES, PAYS, st.sampled_from(["new", "first", "first*"])),
            min_size=2,
            max_size=3,
        )
    )
    def sell_a_batch(self, jobs: list[Any]) -> None:
        """Sales arriving together (the single writer's batch): they want the same few units,
        and a till's retry may land in the same batch as its first try ("first": the same
        request under the first one's key; "first*": another request under it)."""
        batch: list[tuple[Actor, CheckoutRequest, str]] = []
        for till, lines, pay, keyed in jobs:
            place = self.world.tills[till]
            request = self.request(place, lines, 0, pay)
            key = self.key("batch")
            if batch and keyed != "new":
                key = batch[0][2]
                if keyed == "first":
                    request = batch[0][1]
            batch.append((place.cashier, request, key))
        self.checkout(batch)

    @precondition(lambda self: self.sale_keys)
    @rule(pick=PICK, changed=st.booleans())
    def retry_a_sale(self, pick: int, changed: bool) -> None:
        """The till did not hear the answer and sends the sale again: the first result; the
        same key with another body is refused."""
        keys = sorted(self.sale_keys)
        sale = self.sales[self.sale_keys[keys[pick % len(keys)]]]
        request = sale.request
        if changed:
            request = replace(request, cart_discount_satang=request.cart_discount_satang + 1)
        self.checkout([(sale.actor, request, sale.key)])

    @precondition(lambda self: self.sales)
    @rule(pick=PICK, by_manager=st.booleans())
    def void(self, pick: int, by_manager: bool) -> None:
        """Void a sale waiting for its payment (its stock comes back); a completed one, or
        one whose QR was paid, is refused; a cashier voids only their own."""
        sale = self.choose(self.sales, pick, lambda s: s.status == "pending_payment")
        actor = self.world.manager if by_manager else sale.till.cashier
        statuses = [
            (self.payments[p].method, self.status_of(self.payments[p])) for p in sale.payments
        ]
        if sale.status == "voided":
            with self.db.write() as conn:
                assert void_sale(conn, actor, self.now(), sale.id).status == "voided"
            return
        paid = sum(
            self.payments[p].amount
            for p in sale.payments
            if self.status_of(self.payments[p]) == "confirmed"
        )
        if actor.role == Role.CASHIER and actor != sale.actor:
            refusal: type[DomainError] | None = ForbiddenError
        elif sale.status == "completed" or paid >= sale.total:
            # Paid in full: it completes instead. Partly paid: voided, the PromptPay part owed
            # back (an exception about it).
            refusal = ConflictError
        else:
            refusal = None
        if refusal is not None:
            self.refused(refusal, lambda conn: void_sale(conn, actor, self.now(), sale.id))
            return
        with self.db.write() as conn:
            assert void_sale(conn, actor, self.now(), sale.id).status == "voided"
        self.voided(sale)
        self.excepted.update(
            p
            for p, (method, status) in zip(sale.payments, statuses, strict=True)
            if (method, status) == ("promptpay", "confirmed")
        )

    def voided(self, sale: MSale) -> None:
        """The model of a void: stock back, pending payments withdrawn."""
        sale.status = "voided"
        for line in sale.lines:
            self.stock[(line.item.id, sale.till.location)] += line.qty
        for payment_id in sale.payments:
            payment = self.payments[payment_id]
            payment.status = self.status_of(payment)
            if payment.status == "pending":
                payment.status = "cancelled"

    @precondition(lambda self: self.sales)
    @rule(pick=PICK)
    def complete_a_sale(self, pick: int) -> None:
        """The till asks to complete a sale (idempotent; a sale not fully paid stays)."""
        self.complete_in_app(self.choose(self.sales, pick, lambda s: s.status != "voided").id)

    # --- payments -----------------------------------------------------------------------

    def any_pending(self) -> bool:
        return any(self.status_of(p) == "pending" for p in self.payments.values())

    def payment(self, pick: int) -> MPayment:
        """Mostly a payment that may still move."""
        chosen: MPayment = self.choose(
            self.payments, pick, lambda p: self.status_of(p) == "pending"
        )
        return chosen

    @precondition(lambda self: self.payments)
    @rule(
        pick=PICK,
        slip=st.sampled_from(["none", "none", "new", "reused"]),
        then_complete=st.sampled_from([True, True, True, False]),
    )
    def confirm_by_cashier(self, pick: int, slip: str, then_complete: bool) -> None:
        """A cashier checked the transfer, maybe scanning the customer's slip; twice, after
        expiry or cancel, or with a slip accepted before, is refused. ``then_complete``
        False: the process died before completing the sale."""
        payment = self.payment(pick)
        manager, now = self.world.manager, self.now()
        reference = None
        if slip == "reused" and self.slips:
            reference = sorted(self.slips)[pick % len(self.slips)]
        elif slip != "none":
            reference = f"SLIP{next(self.serial):08d}"
        payload = None if reference is None else promptpay.slip_verify("014", reference)

        def act(conn: Connection) -> Any:
            return confirm_manually(conn, manager, now, payment.id, slip_payload=payload)

        if reference in self.slips:
            self.refused(SlipReusedError, act)
            return
        if self.status_of(payment) != "pending":
            self.refused(ConflictError, act)
            return
        with self.db.write() as conn:
            assert act(conn).status == "confirmed"
        payment.status = "confirmed"
        if reference is not None:
            self.slips[reference] = payment.id
        if then_complete:
            self.complete_in_app(payment.sale)

    @precondition(lambda self: self.payments)
    @rule(
        pick=PICK,
        tx=st.sampled_from(["new", "new", "new", "own", "seen"]),
        wrong_amount=st.sampled_from([False, False, False, False, True]),
        then_complete=st.sampled_from([True, True, True, False]),
    )
    def bank_callback(self, pick: int, tx: str, wrong_amount: bool, then_complete: bool) -> None:
        """A signed callback: "own" repeats the transaction that confirmed this payment (the
        bank retrying), "seen" reuses any transaction seen before (a twin or a fraud)."""
        payment = self.payment(pick)
        seen = sorted(set(self.confirmed_by) | set(self.tx_exceptions))
        if tx == "own" and payment.transaction is not None:
            transaction = payment.transaction
        elif tx == "seen" and seen:
            transaction = seen[pick % len(seen)]
        else:
            transaction = self.key("TX")
        amount = payment.amount + (1 if wrong_amount else 0)
        event = WebhookEvent(payment.reference, amount, transaction, self.now())
        with self.db.write() as conn:
            outcome = confirm_by_webhook(conn, self.now(), event)
        assert outcome.kind == self.callback(payment, transaction, amount), outcome
        if outcome.kind in (OutcomeKind.CONFIRMED, OutcomeKind.DUPLICATE) and then_complete:
            self.complete_in_app(payment.sale)

    def callback(self, payment: MPayment, transaction: str, amount: int) -> OutcomeKind:
        """The model of a callback: "the same bank transaction again: the first answer"."""
        if payment.transaction == transaction:
            return OutcomeKind.DUPLICATE
        if transaction in self.tx_exceptions:
            return self.tx_exceptions[transaction]
        if transaction in self.confirmed_by:
            kind = OutcomeKind.TRANSACTION_REUSED
        elif amount != payment.amount:
            kind = OutcomeKind.AMOUNT_MISMATCH
        elif self.status_of(payment) == "pending":
            payment.status, payment.transaction = "confirmed", transaction
            self.confirmed_by[transaction] = payment.id
            return OutcomeKind.CONFIRMED
        else:
            payment.status = self.status_of(payment)
            kind = OutcomeKind.NOT_PENDING
        self.tx_exceptions[transaction] = kind
        self.excepted.add(payment.id)
        return kind

    @precondition(lambda self: self.any_pending())
    @rule(pick=PICK)
    def cancel_a_payment(self, pick: int) -> None:
        payment = self.payment(pick)
        manager, now = self.world.manager, self.now()
        if self.status_of(payment) != "pending":
            self.refused(ConflictError, lambda conn: cancel_payment(conn, manager, now, payment.id))
            return
        with self.db.write() as conn:
            assert cancel_payment(conn, manager, now, payment.id).status == "cancelled"
        payment.status = "cancelled"

    @rule(
        minutes=st.sampled_from([1, 1, 2, 9, 11, 60, 13 * 60, 24 * 60, 3 * 24 * 60, 8 * 24 * 60]),
        sweep=st.booleans(),
    )
    def time_passes(self, minutes: int, sweep: bool) -> None:
        """The clock moves (past a QR's expiry, out of the refund window); ``sweep``: expiry
        is then stored in bulk, as a periodic job would."""
        self.clock.advance(minutes=minutes)
        if not sweep:
            return
        with self.db.write() as conn:
            expired = expire_due(conn, self.now())
        for payment_id in expired:
            payment = self.payments[payment_id]
            assert payment.status == "pending" and self.status_of(payment) == "expired"
            payment.status = "expired"

    # --- refunds ------------------------------------------------------------------------

    @precondition(lambda self: self.sales)
    @rule(
        pick=PICK,
        till=st.integers(0, 1),
        units=st.lists(st.sampled_from([0, 1, 1, 1, 2, 5]), min_size=1, max_size=3),
        method=st.sampled_from(["cash", "cash", "transfer", "transfer", "cheque"]),
        restock=st.booleans(),
        bad_line=st.sampled_from([None] * 8 + ["no such line", "twice"]),
    )
    def refund(
        self,
        pick: int,
        till: int,
        units: list[int],
        method: str,
        restock: bool,
        bad_line: str | None,
    ) -> None:
        """Refund ``units`` of the sale's lines in turn (0: not that line), at either till;
        more than is left is refused, and so are a line that is not there or listed twice."""
        sale = self.choose(
            self.sales,
            pick,
            lambda s: s.status == "completed" and any(ln.refunded < ln.qty for ln in s.lines),
        )
        lines = [(ln.line_no, q) for ln, q in zip(sale.lines, units, strict=False) if q]
        lines = lines or [(1, 1)]
        if bad_line == "no such line":
            lines.append((len(sale.lines) + 1, 1))
        elif bad_line == "twice":
            lines.append(lines[0])
        place = self.world.tills[till]
        request = RefundRequest(sale.id, place.id, tuple(lines), restock, method, "ลูกค้าคืน")
        self.refund_with(request, self.key("refund"))

    def refund_with(self, request: RefundRequest, key: str) -> None:
        manager, now = self.world.manager, self.now()

        def act(conn: Connection) -> Any:
            return refund_sale(
                conn, manager, now, request, idempotency_key=key, approved_by_id=None
            )

        if key in self.refund_keys:
            first, refund_id = self.refund_keys[key]
            if first != request:
                self.refused(ConflictError, act)
                return
            with self.db.write() as conn:
                view, replayed = act(conn)
            assert replayed and view.id == refund_id
            return
        sale = self.sales[request.sale_id]
        place = next(t for t in self.world.tills if t.id == request.till_id)
        shift = self.open_shift[place.id]
        by_no = {line.line_no: line for line in sale.lines}
        asked = [no for no, _ in request.lines]
        if request.method not in ("cash", "transfer"):
            refusal: type[DomainError] | None = InvalidInputError
        elif sale.status != "completed" or shift is None:
            refusal = ConflictError
        elif len(set(asked)) < len(asked) or any(
            no not in by_no or q > by_no[no].qty - by_no[no].refunded for no, q in request.lines
        ):
            refusal = InvalidInputError
        else:
            refusal = None
        taken = [(by_no[no], q) for no, q in request.lines] if refusal is None else []
        money = [
            share(ln.total, ln.qty, ln.refunded + q) - share(ln.total, ln.qty, ln.refunded)
            for ln, q in taken
        ]
        if refusal is None and sum(money) <= 0:
            refusal = InvalidInputError  # the lines cost nothing
        if refusal is not None:
            self.refused(refusal, act)
            return
        assert shift is not None
        with self.db.write() as conn:
            view, replayed = act(conn)
        assert not replayed and view.total_satang == sum(money)
        self.credit_notes[place.id] += 1
        assert view.credit_note_number == f"CN-{place.code}-{self.credit_notes[place.id]:06d}"
        self.refund_keys[key] = (request, view.id)
        self.entries["refund"] += 1
        paid_from = f"cash:{place.code}" if request.method == "cash" else "bank"
        self.accounts[paid_from] -= view.total_satang
        if request.method == "cash":
            self.shifts[shift].cash_refunds += view.total_satang
        for (line, q), amount in zip(taken, money, strict=True):
            net = share(line.net, line.qty, line.refunded + q) - share(
                line.net, line.qty, line.refunded
            )
            line.refunded += q
            self.owed.append(Owed(line.item.maker, "refund", -net, self.now()))
            self.accounts[f"entrepreneur_payable:{line.item.maker}"] += net
            self.accounts["commission_income"] += amount - net
            if request.restock:
                self.stock[(line.item.id, place.location)] = (
                    self.stock.get((line.item.id, place.location), 0) + q
                )

    @precondition(lambda self: self.refund_keys)
    @rule(pick=PICK, changed=st.booleans())
    def retry_a_refund(self, pick: int, changed: bool) -> None:
        keys = sorted(self.refund_keys)
        key = keys[pick % len(keys)]
        request = self.refund_keys[key][0]
        if changed:
            request = replace(request, restock=not request.restock)
        self.refund_with(request, key)

    # --- shifts -------------------------------------------------------------------------

    @rule(
        till=st.integers(0, 1),
        action=st.sampled_from(["handover"] * 3 + ["close", "open"]),
        opening=st.sampled_from([0, 50000, FLOAT]),
        counted_off=st.sampled_from([0, 0, -100, 500]),
    )
    def shift_change(self, till: int, action: str, opening: int, counted_off: int) -> None:
        """Close the till's shift (refused while a sale waits for its payment, or when it is
        closed already) and open the next (refused while one is open)."""
        place = self.world.tills[till]
        if action in ("handover", "close"):
            self.close(place, counted_off)
        if action == "open" or (action == "handover" and self.open_shift[place.id] is None):
            self.open(place, opening)

    def close(self, place: TillInfo, counted_off: int) -> None:
        """Close the till's open shift, or (refused) its last one, closed already."""
        shift_id = self.open_shift[place.id]
        closing = shift_id or self.last_shift[place.id]
        drawer = self.shifts[closing]
        expected = drawer.float + drawer.cash_sales - drawer.cash_refunds
        counted = max(0, expected + counted_off)
        now = self.now()

        def act(conn: Connection) -> Any:
            return close_shift(conn, place.cashier, now, closing, counted_satang=counted)

        waiting = [
            s for s in self.sales.values() if s.status == "pending_payment" and s.shift == closing
        ]
        swept = [s for s in waiting if self.stranded(s)]
        if shift_id is None or len(swept) < len(waiting):
            self.refused(ConflictError, act)
            return
        with self.db.write() as conn:
            report = act(conn)
        for sale in swept:  # voided by the close's sweep (all its QRs lapsed, nothing paid)
            self.voided(sale)
        assert report.expected_cash_satang == expected
        assert report.difference_satang == counted - expected
        self.open_shift[place.id] = None

    def stranded(self, sale: MSale) -> bool:
        """Every QR lapsed past the grace, nothing confirmed, no exception about it."""
        pays = [self.payments[p] for p in sale.payments]
        expiries = [p.expires_at for p in pays if p.expires_at is not None]
        return (
            bool(expiries)
            and max(expiries) < self.now() - STRANDED_GRACE
            and all(self.status_of(p) != "confirmed" for p in pays)
            and not any(p.id in self.excepted for p in pays)
        )

    def open(self, place: TillInfo, opening: int) -> None:
        now = self.now()

        def act(conn: Connection) -> Any:
            return open_shift(conn, place.cashier, now, place.id, opening)

        if self.open_shift[place.id] is not None:
            self.refused(ConflictError, act)
            return
        with self.db.write() as conn:
            shift = act(conn)
        self.shifts[shift.id] = MShift(opening)
        self.open_shift[place.id] = self.last_shift[place.id] = shift.id

    # --- stock --------------------------------------------------------------------------

    @rule(
        kind=st.sampled_from(["intake", "adjustment", "count", "transfer"]),
        item=st.integers(0, 5),
        where=st.integers(0, 1),
        units=st.integers(-4, 5),
    )
    def move_stock(self, kind: str, item: int, where: int, units: int) -> None:
        """Goods in, an adjustment (below zero is refused), a count, a transfer out of
        ``where`` to the other location (more than is there is refused)."""
        product, place = self.world.items[item], self.world.locations[where]
        other = self.world.locations[1 - where]
        manager, now, units = self.world.manager, self.now(), units or 1
        here = self.stock.get((product.id, place), 0)
        moves: dict[int, int]  # location -> units
        if kind == "intake":
            moves = {place: abs(units)}

            def act(conn: Connection) -> Any:
                return receive_intake(
                    conn,
                    manager,
                    now,
                    entrepreneur_id=product.maker,
                    location_id=place,
                    lines=[LineIn(abs(units), product.id)],
                )
        elif kind == "adjustment":
            moves = {place: units}

            def act(conn: Connection) -> Any:
                return adjust_stock(
                    conn,
                    manager,
                    now,
                    location_id=place,
                    lines=[LineIn(units, product.id)],
                    reason="damaged or found",
                )
        elif kind == "count":
            moves = {place: abs(units) - here}

            def act(conn: Connection) -> Any:
                view = post_count(
                    conn, manager, now, location_id=place, lines=[LineIn(abs(units), product.id)]
                )
                assert view.lines[0].expected == here
        else:
            moves = {place: -abs(units), other: abs(units)}

            def act(conn: Connection) -> Any:
                return transfer_stock(
                    conn,
                    manager,
                    now,
                    from_location_id=place,
                    to_location_id=other,
                    lines=[LineIn(abs(units), product.id)],
                )

        if here + moves[place] < 0:
            self.refused(InsufficientStockError, act)
            return
        with self.db.write() as conn:
            act(conn)
        for location, delta in moves.items():
            self.stock[(product.id, location)] = self.stock.get((product.id, location), 0) + delta

    # --- payouts ------------------------------------------------------------------------

    def figures(self, maker: int) -> dict[str, int]:
        """The maker's balance and its parts, as read_balance must report them."""
        gross = discounts = commission = 0
        for sale in self.sales.values():
            if sale.status != "completed":
                continue
            for line in sale.lines:
                if line.item.maker == maker:
                    gross += line.gross
                    discounts += line.discount
                    commission += line.gross - line.discount - line.net
        mine = [o for o in self.owed if o.maker == maker]
        refunds = -sum(o.amount for o in mine if o.kind == "refund")
        payouts = -sum(o.amount for o in mine if o.kind == "payout")
        balance = sum(o.amount for o in mine)
        assert balance == gross - discounts - commission - refunds - payouts
        recent = sum(o.amount for o in mine if o.kind == "sale" and o.at > self.now() - WINDOW)
        held = max(0, min(recent, balance))
        pending = sum(
            p.amount for p in self.payouts.values() if p.maker == maker and p.status == "pending"
        )
        return {
            "gross_sales_satang": gross,
            "discounts_satang": discounts,
            "commission_satang": commission,
            "refunds_satang": refunds,
            "payouts_satang": payouts,
            "balance_satang": balance,
            "held_satang": held,
            "pending_payouts_satang": pending,
            "available_satang": max(0, balance - held - pending),
        }

    def payable(self, maker: int, cutoff_end: datetime) -> int | None:
        """What a run may promise the maker: available at the cut-off and now (None: the
        maker has no ledger postings at all)."""
        mine = [o for o in self.owed if o.maker == maker]
        if not mine:
            return None
        now = self.now()
        at_cutoff = sum(o.amount for o in mine if o.at < cutoff_end)
        held_then = sum(
            o.amount for o in mine if o.kind == "sale" and cutoff_end - WINDOW <= o.at < cutoff_end
        )
        held_now = sum(o.amount for o in mine if o.kind == "sale" and o.at > now - WINDOW)
        then = at_cutoff - max(0, held_then)
        available = sum(o.amount for o in mine) - max(0, held_now)
        return max(0, min(then, available))

    @precondition(lambda self: self.owed)
    @rule(
        days_back=st.sampled_from([0, 0, 0, 1, 3]),
        minimum=st.sampled_from([1, 10000, 100000]),
        leave_out_first=st.sampled_from([False, False, False, True]),
        pay_now=st.sampled_from(["no", "yes", "twice"]),
    )
    def payout_run(self, days_back: int, minimum: int, leave_out_first: bool, pay_now: str) -> None:
        """A run pays whoever is owed at least the minimum what was available at the cut-off
        and is available now; ``pay_now``: its payouts are then marked paid ("twice": and
        again, with the same bank reference and with another)."""
        now = self.now()
        cutoff = business_date(now) - timedelta(days=days_back)
        cutoff_end = datetime.combine(cutoff + timedelta(days=1), time(0), BANGKOK)
        exclude = frozenset(self.world.makers[:1] if leave_out_first else ())
        waiting = {p.maker for p in self.payouts.values() if p.status == "pending"}
        expected = {}
        for maker in self.world.makers:
            amount = self.payable(maker, cutoff_end)
            if amount is not None and amount >= minimum and maker not in waiting | exclude:
                expected[maker] = amount

        def act(conn: Connection) -> Any:
            return create_run(
                conn,
                self.world.manager,
                now,
                cutoff=cutoff,
                minimum_satang=minimum,
                refund_window=WINDOW,
                exclude=exclude,
            )

        if not expected:
            self.refused(ConflictError, act)
            return
        with self.db.write() as conn:
            run = act(conn)
        assert {p.entrepreneur_id: p.amount_satang for p in run.payouts} == expected
        for payout in run.payouts:
            self.payouts[payout.id] = MPayout(
                payout.id, payout.entrepreneur_id, payout.amount_satang
            )
            paying = self.payouts[payout.id]
            if pay_now != "no":
                self.pay(paying, self.key("KBANK"))
            if pay_now == "twice" and paying.reference is not None:
                self.pay(paying, paying.reference)
                self.pay(paying, self.key("KBANK"))

    @precondition(lambda self: self.payouts)
    @rule(pick=PICK, reference=st.sampled_from(["new", "new", "new", "own", "other", "cancel"]))
    def pay_out(self, pick: int, reference: str) -> None:
        """Mark a payout paid with the bank's reference: never more than is available now,
        never twice, a reference once ("own": this payout's again, "other": another's); or
        cancel it (not once paid)."""
        payout = self.choose(self.payouts, pick, lambda p: p.status == "pending")
        manager, now = self.world.manager, self.now()
        if reference == "cancel":
            if payout.status == "paid":
                self.refused(
                    ConflictError, lambda conn: cancel_payout(conn, manager, now, payout.id)
                )
                return
            with self.db.write() as conn:
                assert cancel_payout(conn, manager, now, payout.id).status == "cancelled"
            payout.status = "cancelled"
            return
        used = sorted(p.reference for p in self.payouts.values() if p.reference)
        if reference == "own" and payout.reference:
            bank_ref = payout.reference
        elif reference == "other" and used:
            bank_ref = used[pick % len(used)]
        else:
            bank_ref = self.key("KBANK")
        self.pay(payout, bank_ref)

    def pay(self, payout: MPayout, bank_ref: str) -> None:
        """Mark it paid: refused when it is not waiting (the same reference again answers
        with it unchanged), when more than the room left now, or with a used reference."""
        manager, now = self.world.manager, self.now()
        used = {p.reference for p in self.payouts.values() if p.reference}

        def act(conn: Connection) -> Any:
            return mark_paid(
                conn, manager, now, payout.id, bank_reference=bank_ref, refund_window=WINDOW
            )

        figures = self.figures(payout.maker)
        others = figures["pending_payouts_satang"] - payout.amount
        room = figures["balance_satang"] - figures["held_satang"] - others
        if payout.status == "paid" and bank_ref == payout.reference:
            with self.db.write() as conn:
                assert act(conn).status == "paid"
            return
        if payout.status != "pending" or payout.amount > room or bank_ref in used:
            self.refused(ConflictError, act)
            return
        with self.db.write() as conn:
            assert act(conn).status == "paid"
        payout.status, payout.reference = "paid", bank_ref
        self.owed.append(Owed(payout.maker, "payout", -payout.amount, now))
        self.accounts[f"entrepreneur_payable:{payout.maker}"] += payout.amount
        self.accounts["bank"] -= payout.amount
        self.entries["payout"] += 1

    # --- after every step -----------------------------------------------------------------

    @invariant()
    def the_database_agrees_with_the_model(self) -> None:
        with self.db.read() as conn:
            assert find_violations(conn) == []
            self.compare(conn)

    def compare(self, conn: Connection) -> None:
        """The database, read back, against the model."""

        def rows(*columns: Any, keys: int = 1, where: Any = None) -> dict[Any, Any]:
            """The first ``keys`` columns (a tuple of them, or the one) -> the others (the
            same)."""

            def one(values: tuple[Any, ...]) -> Any:
                return values[0] if len(values) == 1 else values

            query = select(*columns) if where is None else select(*columns).where(where)
            found = conn.execute(query).all()
            return {one(tuple(row[:keys])): one(tuple(row[keys:])) for row in found}

        def nonzero(values: dict[Any, int]) -> dict[Any, int]:
            return {key: value for key, value in values.items() if value}

        m, now = self, self.now()
        levels = rows(StockLevel.product_id, StockLevel.location_id, StockLevel.on_hand, keys=2)
        assert min(levels.values()) >= 0
        assert nonzero(levels) == nonzero(m.stock)
        sales = rows(Sale.id, Sale.status, Sale.receipt_seq, Sale.shift_id)
        assert sales == {s.id: (s.status, s.receipt_seq, s.shift) for s in m.sales.values()}
        refunded = select(func.coalesce(func.sum(RefundLine.quantity), 0)).where(
            RefundLine.sale_line_id == SaleLine.id
        )
        lines = rows(SaleLine.sale_id, SaleLine.line_no, refunded.scalar_subquery(), keys=2)
        assert lines == {
            (s.id, ln.line_no): ln.refunded for s in m.sales.values() for ln in s.lines
        }
        payments = {
            pid: "expired" if status == "pending" and expires_at <= now else status
            for pid, (status, expires_at) in rows(
                Payment.id, Payment.status, Payment.expires_at
            ).items()
        }
        assert payments == {p.id: m.status_of(p) for p in m.payments.values()}
        for maker in m.world.makers:
            expected = m.figures(maker)
            figures = read_balance(conn, maker, now, WINDOW)
            assert {name: getattr(figures, name) for name in expected} == expected, maker
        accounts = conn.execute(
            select(LedgerAccount.code, func.sum(PostingRow.amount_satang))
            .join(PostingRow, PostingRow.account_id == LedgerAccount.id)
            .group_by(LedgerAccount.code)
        ).all()
        assert nonzero(dict(accounts)) == nonzero(m.accounts)
        entries = conn.execute(
            select(JournalEntryRow.kind, func.count()).group_by(JournalEntryRow.kind)
        ).all()
        assert dict(entries) == nonzero(m.entries)
        payouts = rows(Payout.id, Payout.status, Payout.amount_satang, Payout.bank_reference)
        assert payouts == {p.id: (p.status, p.amount, p.reference) for p in m.payouts.values()}
        shifts = rows(Shift.till_id, Shift.id, where=Shift.status == "open")
        assert shifts == {till: shift for till, shift in m.open_shift.items() if shift}


def _raise_first(answers: list[Any]) -> None:
    """A batch of one: its refusal, raised (so that the write rolls back)."""
    if isinstance(answers[0], Exception):
        raise answers[0]
    pytest.fail(f"expected a refusal, got {answers[0]!r}")


SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)


def test_every_step_keeps_the_invariants_and_the_model(fresh_world: Fresh) -> None:
    """max_examples=10, stateful_step_count=25 per backend (OTOP_STATEFUL=long: 200 x 50)."""

    class Machine(ShopMachine):
        fresh = staticmethod(fresh_world)

    run_state_machine_as_test(Machine, settings=SETTINGS)
