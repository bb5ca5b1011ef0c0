"""Return notes and extensions on SQLite and PostgreSQL: a note for the due lots moves no
stock; pickup moves exactly its units out of the oldest lots under the note's number;
cancelling leaves stock untouched; a note is collected once, also when two collect at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from integrity.check import find_violations
from inventory.models import StockLevel, StockLot, StockMovement
from inventory.stock.document_rules import LineIn
from inventory.stock.extensions import extend_due_lots
from inventory.stock.intakes import receive_intake
from inventory.stock.return_note_queries import (
    due_lots,
    get_return_note,
    list_return_notes,
    return_notes_for,
)
from inventory.stock.return_notes import (
    LotChoice,
    cancel_return_note,
    collect_return_note,
    prepare_return_note,
)
from inventory.stock.return_rules import RETURN_REASON, ReturnNoteStatus
from inventory.stock.rules import MovementKind
from inventory.stock.service import apply_movements
from inventory.terms.rules import EndAction, check_terms
from inventory.terms.service import add_version
from kernel.access import Actor, Role
from kernel.audit import AuditEntry
from kernel.clock import FixedClock, business_date
from kernel.db.engine import Database
from kernel.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from tests import factories as f

MANAGER = Actor(user_id=None, username="manager", role=Role.MANAGER)
CASHIER = Actor(user_id=None, username="cashier", role=Role.CASHIER)


@dataclass
class Shop:
    home: int
    weaver: int
    potter: int
    sarong: int
    scarf: int
    vase: int


def make_shop(db: Database, clock: FixedClock) -> Shop:
    """The weaver's sarongs and scarves came 100 days ago (past the 90-day period), more
    sarongs 10 days ago; the potter's vase 100 days ago."""
    with db.write() as conn:
        district = f.district(conn)
        home = f.location(conn)
        cat = f.category(conn)
        weaver = f.entrepreneur(conn, district, code="E1")
        potter = f.entrepreneur(conn, district, code="E2", name_th="เครื่องปั้น")
        sarong = f.product(conn, weaver, cat, name_th="ผ้าซิ่น")
        scarf = f.product(conn, weaver, cat, name_th="ผ้าพันคอ")
        vase = f.product(conn, potter, cat, name_th="แจกัน")
        long_ago = clock.now() - timedelta(days=100)
        lately = clock.now() - timedelta(days=10)
        for when, eid, lines in (
            (long_ago, weaver, [LineIn(5, sarong), LineIn(3, scarf)]),
            (long_ago, potter, [LineIn(2, vase)]),
            (lately, weaver, [LineIn(4, sarong)]),
        ):
            receive_intake(conn, MANAGER, when, entrepreneur_id=eid, location_id=home, lines=lines)
    return Shop(home, weaver, potter, sarong, scarf, vase)


def _levels(db: Database, shop: Shop) -> dict[int, int]:
    with db.read() as conn:
        rows = conn.execute(
            select(StockLevel.product_id, StockLevel.on_hand).where(
                StockLevel.location_id == shop.home
            )
        )
        return dict(rows.all())


def _lots(db: Database, product: int) -> list[tuple[int, int]]:
    with db.read() as conn:
        rows = conn.execute(
            select(StockLot.quantity, StockLot.remaining)
            .where(StockLot.product_id == product)
            .order_by(StockLot.received_on, StockLot.id)
        )
        return [tuple(r) for r in rows.all()]  # type: ignore[misc]


def _prepare(db: Database, clock: FixedClock, shop: Shop, **kw: object) -> int:
    with db.write() as conn:
        note = prepare_return_note(
            conn,
            MANAGER,
            clock.now(),
            entrepreneur_id=shop.weaver,
            location_id=shop.home,
            **kw,  # type: ignore[arg-type]
        )
    return note.id


def _return_movements(db: Database) -> list[tuple[int, int, str, str]]:
    with db.read() as conn:
        rows = conn.execute(
            select(
                StockMovement.product_id,
                StockMovement.quantity,
                StockMovement.document,
                StockMovement.reason,
            )
            .where(StockMovement.kind == MovementKind.RETURN.value)
            .order_by(StockMovement.product_id)
        )
        return [tuple(r) for r in rows.all()]  # type: ignore[misc]


def test_a_note_for_the_due_lots_sets_them_aside_without_moving_stock(
    db: Database, clock: FixedClock
) -> None:
    shop = make_shop(db, clock)
    before = _levels(db, shop)
    note_id = _prepare(db, clock, shop)
    with db.read() as conn:
        note = get_return_note(conn, MANAGER, note_id)
        due = due_lots(conn, business_date(clock.now()), EndAction.RETURN)
    assert note.status == ReturnNoteStatus.WAITING_PICKUP
    assert note.number.startswith("RTN-2026-")
    assert [(x.product_id, x.units) for x in note.lines] == [(shop.sarong, 5), (shop.scarf, 3)]
    assert note.lines[0].received_on == business_date(clock.now() - timedelta(days=100))
    assert _levels(db, shop) == before
    assert _return_movements(db) == []
    # The due list shows them set aside; a second note for the same lots finds nothing free.
    assert {
        (d.lot.product_id, d.set_aside, d.free) for d in due if d.lot.entrepreneur_id == shop.weaver
    } == {
        (shop.sarong, 5, 0),
        (shop.scarf, 3, 0),
    }
    with pytest.raises(InvalidInputError) as again:
        _prepare(db, clock, shop)
    assert again.value.code == "return_note.nothing_due"


def test_pickup_moves_exactly_the_noted_units_out_of_the_oldest_lots(
    db: Database, clock: FixedClock
) -> None:
    shop = make_shop(db, clock)
    note_id = _prepare(db, clock, shop)
    clock.advance(days=2)
    with db.write() as conn:
        note = collect_return_note(conn, MANAGER, clock.now(), note_id, collected_by="นางคำ ใจดี")
    assert note.status == ReturnNoteStatus.COLLECTED
    assert note.collected_by_name == "นางคำ ใจดี"
    assert note.total_collected == 8
    assert [x.difference for x in note.lines] == [0, 0]
    assert _levels(db, shop) == {shop.sarong: 4, shop.scarf: 0, shop.vase: 2}
    assert _lots(db, shop.sarong) == [(5, 0), (4, 4)]  # the old lot went, the new one stays
    assert _lots(db, shop.scarf) == [(3, 0)]
    assert sorted(_return_movements(db)) == sorted(
        [
            (shop.sarong, -5, note.number, RETURN_REASON),
            (shop.scarf, -3, note.number, RETURN_REASON),
        ]
    )
    with db.read() as conn:
        assert find_violations(conn, clock.now()) == []
        actions = conn.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
    assert actions[-3:] == ["return_note_prepared", "stock_returned", "return_note_collected"]


def test_goods_sold_before_pickup_are_the_notes_difference(db: Database, clock: FixedClock) -> None:
    shop = make_shop(db, clock)
    note_id = _prepare(db, clock, shop)
    with db.write() as conn:  # the till sells 2 scarves (of 3) and 7 sarongs (of 9)
        for product, units in ((shop.scarf, 2), (shop.sarong, 7)):
            apply_movements(
                conn,
                CASHIER,
                clock.now(),
                location_id=shop.home,
                deltas={product: -units},
                kind=MovementKind.SALE,
                reason="sale",
                document=None,
            )
    with db.write() as conn:
        note = collect_return_note(conn, MANAGER, clock.now(), note_id, collected_by="คำ")
    by_product = {x.product_id: (x.units, x.collected, x.difference) for x in note.lines}
    assert by_product == {shop.sarong: (5, 2, 3), shop.scarf: (3, 1, 2)}
    assert _levels(db, shop)[shop.sarong] == 0
    assert _levels(db, shop)[shop.scarf] == 0
    with db.read() as conn:
        assert find_violations(conn, clock.now()) == []


def test_cancelling_leaves_stock_untouched_and_frees_the_lots(
    db: Database, clock: FixedClock
) -> None:
    shop = make_shop(db, clock)
    before = _levels(db, shop)
    note_id = _prepare(db, clock, shop)
    with db.write() as conn:
        note = cancel_return_note(conn, MANAGER, clock.now(), note_id, reason="ขอฝากต่อ")
    assert (note.status, note.cancel_reason) == (ReturnNoteStatus.CANCELLED, "ขอฝากต่อ")
    assert _levels(db, shop) == before
    assert _return_movements(db) == []
    with pytest.raises(ConflictError) as collect, db.write() as conn:
        collect_return_note(conn, MANAGER, clock.now(), note_id, collected_by="คำ")
    assert collect.value.code == "return_note.already_cancelled"
    assert _prepare(db, clock, shop) != note_id  # the lots are free for a new note


def test_collecting_twice_is_refused(db: Database, clock: FixedClock) -> None:
    shop = make_shop(db, clock)
    note_id = _prepare(db, clock, shop)
    with db.write() as conn:
        collect_return_note(conn, MANAGER, clock.now(), note_id, collected_by="คำ")
    for action in (
        lambda conn: collect_return_note(conn, MANAGER, clock.now(), note_id, collected_by="คำ"),
        lambda conn: cancel_return_note(conn, MANAGER, clock.now(), note_id),
    ):
        with pytest.raises(ConflictError) as refused, db.write() as conn:
            action(conn)
        assert refused.value.code == "return_note.already_collected"
    assert len(_return_movements(db)) == 2  # sarong and scarf, once


def _at_once(db: Database, work: Callable[[Database], None]) -> list[str]:
    """Run ``work`` in two threads started together, each on a database handle of its own (as
    two server workers are: no lock in the process serialises them); the name of what each
    raised (or NoneType)."""
    barrier = threading.Barrier(2)
    outcomes: list[object] = []
    other = Database(db.url)

    def run(handle: Database) -> None:
        barrier.wait()
        try:
            work(handle)
            outcomes.append(None)
        except Exception as error:
            outcomes.append(error)

    workers = [threading.Thread(target=run, args=(h,)) for h in (db, other)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    other.dispose()
    return sorted(type(o).__name__ for o in outcomes)


def test_two_collects_at_once_make_one_movement(db: Database, clock: FixedClock) -> None:
    shop = make_shop(db, clock)
    note_id = _prepare(db, clock, shop, lots=[LotChoice(_lot_of(db, shop.scarf), 2)])

    def collect(handle: Database) -> None:
        with handle.write() as conn:
            collect_return_note(conn, MANAGER, clock.now(), note_id, collected_by="คำ")
            time.sleep(0.2)  # hold the note so that the other must wait for it

    assert _at_once(db, collect) == ["ConflictError", "NoneType"]
    assert _return_movements(db) == [(shop.scarf, -2, _number(db, note_id), RETURN_REASON)]
    assert _levels(db, shop)[shop.scarf] == 1


def test_two_notes_prepared_at_once_never_set_the_same_units_aside(
    db: Database, clock: FixedClock
) -> None:
    shop = make_shop(db, clock)

    def prepare(handle: Database) -> None:
        with handle.write() as conn:
            prepare_return_note(
                conn, MANAGER, clock.now(), entrepreneur_id=shop.weaver, location_id=shop.home
            )
            time.sleep(0.2)  # hold the stock rows so that the other must wait for them

    assert _at_once(db, prepare) == ["InvalidInputError", "NoneType"]
    with db.read() as conn:
        (only,) = list_return_notes(conn, MANAGER)
    assert only.total_units == 8


def _lot_of(db: Database, product: int) -> int:
    with db.read() as conn:
        return int(
            conn.execute(
                select(StockLot.id).where(StockLot.product_id == product).order_by(StockLot.id)
            )
            .scalars()
            .first()
        )


def _number(db: Database, note_id: int) -> str:
    with db.read() as conn:
        return get_return_note(conn, MANAGER, note_id).number


def test_staff_may_choose_any_of_the_entrepreneurs_lots_but_no_more_than_is_free(
    db: Database, clock: FixedClock
) -> None:
    shop = make_shop(db, clock)
    with db.read() as conn:
        lots = conn.execute(
            select(StockLot.id, StockLot.product_id).order_by(StockLot.received_on, StockLot.id)
        ).all()
    new_sarong = next(i for i, p in reversed(lots) if p == shop.sarong)  # not yet due
    vase_lot = next(i for i, p in lots if p == shop.vase)
    note_id = _prepare(db, clock, shop, lots=[LotChoice(new_sarong, 1)])
    with db.read() as conn:
        assert [x.units for x in get_return_note(conn, MANAGER, note_id).lines] == [1]
    refusals = {
        "return_note.more_than_free": [LotChoice(new_sarong, 4)],
        "return_note.lot_unknown": [LotChoice(vase_lot)],  # the potter's
        "return_note.lot_repeated": [LotChoice(new_sarong, 1), LotChoice(new_sarong, 1)],
        "return_note.no_lots": [],
        "quantity.not_positive": [LotChoice(new_sarong, 0)],
    }
    for code, choice in refusals.items():
        with pytest.raises(InvalidInputError) as refused:
            _prepare(db, clock, shop, lots=choice)
        assert refused.value.code == code
    with db.read() as conn:  # nothing half-written: still the one note
        assert len(list_return_notes(conn, MANAGER)) == 1


def test_only_managers_prepare_and_an_entrepreneur_reads_only_their_own(
    db: Database, clock: FixedClock
) -> None:
    shop = make_shop(db, clock)
    with pytest.raises(ForbiddenError), db.write() as conn:
        prepare_return_note(
            conn, CASHIER, clock.now(), entrepreneur_id=shop.weaver, location_id=shop.home
        )
    note_id = _prepare(db, clock, shop)
    weaver = Actor(user_id=None, username="w", role=Role.ENTREPRENEUR, entrepreneur_id=shop.weaver)
    potter = Actor(user_id=None, username="p", role=Role.ENTREPRENEUR, entrepreneur_id=shop.potter)
    with db.read() as conn:
        assert get_return_note(conn, weaver, note_id).id == note_id
        with pytest.raises(NotFoundError) as hidden:
            get_return_note(conn, potter, note_id)
        assert hidden.value.code == "return_note.not_found"
        assert list_return_notes(conn, potter) == []
        assert list_return_notes(conn, potter, entrepreneur_id=shop.weaver) == []
        waiting = return_notes_for(conn, shop.weaver, [ReturnNoteStatus.WAITING_PICKUP])
        assert [n.id for n in waiting] == [note_id]
        assert return_notes_for(conn, shop.potter, [ReturnNoteStatus.WAITING_PICKUP]) == []
        assert return_notes_for(conn, shop.weaver, ["collected"]) == []


def test_lots_whose_terms_say_extend_are_extended_past_today_once(
    db: Database, clock: FixedClock
) -> None:
    extend = check_terms(
        commission_kind="flat",
        commission_bp=2000,
        period_days=30,
        end_action="extend",
        extend_days=20,
    )
    with db.write() as conn:
        district = f.district(conn)
        home = f.location(conn)
        maker = f.entrepreneur(conn, district)
        bowl = f.product(conn, maker, f.category(conn))
        long_ago = clock.now() - timedelta(days=45)
        add_version(conn, MANAGER, long_ago, entrepreneur_id=maker, terms=extend)
        receive_intake(
            conn,
            MANAGER,
            long_ago,
            entrepreneur_id=maker,
            location_id=home,
            lines=[LineIn(3, bowl)],
        )
    today = business_date(clock.now())
    with db.read() as conn:
        assert len(due_lots(conn, today, EndAction.EXTEND)) == 1
        assert due_lots(conn, today, EndAction.RETURN) == []
    with pytest.raises(ForbiddenError), db.write() as conn:
        extend_due_lots(conn, CASHIER, clock.now())
    with db.write() as conn:
        result = extend_due_lots(conn, MANAGER, clock.now())
    assert [(x.extensions_before, x.extensions_after) for x in result.extended] == [(0, 1)]
    assert result.extended[0].ends_on == business_date(long_ago) + timedelta(days=50)
    with db.write() as conn:  # done: nothing due any more, a second run changes nothing
        assert extend_due_lots(conn, MANAGER, clock.now()).extended == []
    with db.read() as conn:
        assert due_lots(conn, today, EndAction.EXTEND) == []
        assert conn.execute(select(StockLot.extensions)).scalar_one() == 1
        logged = conn.execute(
            select(AuditEntry.detail).where(AuditEntry.action == "lots_extended")
        ).scalar_one()
        assert find_violations(conn, clock.now()) == []
    assert list(logged["lots"].values()) == [{"from": 0, "to": 1}]
