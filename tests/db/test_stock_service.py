"""Stock services on SQLite and PostgreSQL: movements, intake, adjustments, counts, transfers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from inventory.models import StockCountLine, StockLevel, StockMovement
from inventory.stock.document_rules import LineIn
from inventory.stock.documents import (
    adjust_stock,
    post_count,
    return_to_entrepreneur,
    transfer_stock,
)
from inventory.stock.intakes import get_intake, list_intakes, receive_intake
from inventory.stock.queries import list_stock, lookup_product, low_stock, movements
from inventory.stock.rules import InsufficientStockError, MovementKind
from inventory.stock.service import apply_movements, on_hand
from kernel.access import SYSTEM, Actor, Role
from kernel.audit import AuditEntry
from kernel.clock import FixedClock
from kernel.db.engine import Database
from kernel.errors import ForbiddenError, InvalidInputError, NotFoundError
from tests import factories as f
from web.accounts.users import NewPassword, create_user

MANAGER = Actor(user_id=None, username="manager", role=Role.MANAGER)
CASHIER = Actor(user_id=None, username="cashier", role=Role.CASHIER)


@dataclass
class Shop:
    home: int
    fair: int
    weaver: int
    potter: int
    sarong: int
    scarf: int
    vase: int


def make_shop(db: Database) -> Shop:
    with db.write() as conn:
        district = f.district(conn)
        home = f.location(conn)
        fair = f.location(conn, code="TPR", name_th="ท่าแพ", name_en="Tha Phae", is_default=False)
        cat = f.category(conn)
        weaver = f.entrepreneur(conn, district, code="E1")
        potter = f.entrepreneur(conn, district, code="E2", name_th="เครื่องปั้น", name_en="Pots")
        sarong = f.product(conn, weaver, cat, name_th="ผ้าซิ่น")
        scarf = f.product(conn, weaver, cat, name_th="ผ้าพันคอ", name_en="Scarf")
        vase = f.product(conn, potter, cat, name_th="แจกัน", name_en="Vase")
    return Shop(home, fair, weaver, potter, sarong, scarf, vase)


@pytest.fixture
def shop(db: Database) -> Shop:
    return make_shop(db)


def _sum_of_movements(db: Database, location_id: int) -> dict[int, int]:
    with db.read() as conn:
        rows = conn.execute(
            select(StockMovement.product_id, func.sum(StockMovement.quantity))
            .where(StockMovement.location_id == location_id)
            .group_by(StockMovement.product_id)
        )
        return {pid: int(total) for pid, total in rows}


def _levels(db: Database, location_id: int) -> dict[int, int]:
    with db.read() as conn:
        rows = conn.execute(
            select(StockLevel.product_id, StockLevel.on_hand).where(
                StockLevel.location_id == location_id
            )
        )
        return {pid: qty for pid, qty in rows}


def test_apply_movements_creates_levels_and_appends_movements(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    with db.write() as conn:
        after = apply_movements(
            conn,
            MANAGER,
            clock.now(),
            location_id=shop.home,
            deltas={shop.sarong: 5, shop.vase: 2},
            kind=MovementKind.INTAKE,
            reason="test",
            document="D1",
        )
    assert after == {shop.sarong: 5, shop.vase: 2}
    with db.write() as conn:
        after = apply_movements(
            conn,
            MANAGER,
            clock.now(),
            location_id=shop.home,
            deltas={shop.sarong: -3},
            kind=MovementKind.SALE,
            reason="sale",
            document=None,
        )
        version = conn.execute(
            select(StockLevel.version).where(StockLevel.product_id == shop.sarong)
        ).scalar_one()
    assert after == {shop.sarong: 2}
    assert version == 2
    assert _sum_of_movements(db, shop.home) == {shop.sarong: 2, shop.vase: 2}


def test_shortage_names_every_short_product_and_writes_nothing(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    with db.write() as conn:
        f.stock(conn, shop.sarong, shop.home, 1)
    with pytest.raises(InsufficientStockError) as caught, db.write() as conn:
        apply_movements(
            conn,
            MANAGER,
            clock.now(),
            location_id=shop.home,
            deltas={shop.sarong: -2, shop.scarf: -1, shop.vase: 4},
            kind=MovementKind.SALE,
            reason="sale",
            document=None,
        )
    shortages = caught.value.shortages
    assert [s.product_id for s in shortages] == sorted([shop.sarong, shop.scarf])
    assert "ผ้าซิ่น" in caught.value.message and "ผ้าพันคอ" in caught.value.message
    assert _sum_of_movements(db, shop.home) == {shop.sarong: 1}
    with db.read() as conn:
        assert on_hand(conn, [shop.sarong, shop.vase], shop.home) == {shop.sarong: 1, shop.vase: 0}


def test_intake_gets_a_numbered_grn_and_merges_duplicate_lines(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    with db.read() as conn:
        barcode = lookup_product(conn, CASHIER, _barcode(db, shop.scarf)).barcode
    with db.write() as conn:
        grn = receive_intake(
            conn,
            CASHIER,
            clock.now(),
            entrepreneur_id=shop.weaver,
            location_id=None,
            lines=[LineIn(3, shop.sarong), LineIn(2, barcode=barcode), LineIn(1, shop.sarong)],
            note=" first delivery ",
        )
        second = receive_intake(
            conn,
            CASHIER,
            clock.now(),
            entrepreneur_id=shop.weaver,
            location_id=shop.fair,
            lines=[LineIn(1, shop.scarf)],
        )
    assert grn.number == "GRN-2026-000001" and second.number == "GRN-2026-000002"
    assert grn.location_id == shop.home and grn.note == "first delivery"
    assert {(line.product_id, line.quantity) for line in grn.lines} == {
        (shop.sarong, 4),
        (shop.scarf, 2),
    }
    assert grn.total_units == 6
    assert _sum_of_movements(db, shop.home) == {shop.sarong: 4, shop.scarf: 2}
    with db.read() as conn:
        assert [i.number for i in list_intakes(conn, MANAGER, entrepreneur_id=shop.weaver)] == [
            "GRN-2026-000002",
            "GRN-2026-000001",
        ]
        audit = conn.execute(
            select(AuditEntry.action).where(AuditEntry.entity_id == str(grn.id))
        ).scalars()
        assert "intake_received" in list(audit)
        docs = {m.document for m in movements(conn, MANAGER, location_id=shop.home)}
        assert docs == {"GRN-2026-000001"}


def _barcode(db: Database, product_id: int) -> str:
    from inventory.models import Product

    with db.read() as conn:
        return str(
            conn.execute(select(Product.barcode).where(Product.id == product_id)).scalar_one()
        )


def test_intake_refuses_another_entrepreneurs_product_naming_the_line(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    with pytest.raises(InvalidInputError) as caught, db.write() as conn:
        receive_intake(
            conn,
            MANAGER,
            clock.now(),
            entrepreneur_id=shop.weaver,
            location_id=None,
            lines=[LineIn(1, shop.sarong), LineIn(1, shop.vase)],
        )
    assert caught.value.field == "lines[1].product_id"
    assert "แจกัน" in caught.value.message
    assert _sum_of_movements(db, shop.home) == {}
    with db.read() as conn:
        assert list_intakes(conn, MANAGER) == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"entrepreneur_id": 999}, "entrepreneur_id"),
        ({"location_id": 999}, "location_id"),
        ({"lines": []}, "lines"),
        ({"lines": [LineIn(0, 1)]}, "lines[0].quantity"),
        ({"lines": [LineIn(1, 999)]}, "lines[0].product_id"),
        ({"lines": [LineIn(1, barcode="0000")]}, "lines[0].barcode"),
        ({"lines": [LineIn(1)]}, "lines[0].product_id"),
    ],
)
def test_intake_refuses_bad_input_naming_the_field(
    db: Database, shop: Shop, clock: FixedClock, kwargs: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {
        "entrepreneur_id": shop.weaver,
        "location_id": None,
        "lines": [LineIn(1, shop.sarong)],
    }
    args.update(kwargs)
    with pytest.raises(InvalidInputError) as caught, db.write() as conn:
        receive_intake(conn, MANAGER, clock.now(), **args)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_entrepreneur_may_not_receive_and_sees_only_own_intakes(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    potter = Actor(user_id=None, username="p", role=Role.ENTREPRENEUR, entrepreneur_id=shop.potter)
    with pytest.raises(ForbiddenError), db.write() as conn:
        receive_intake(
            conn,
            potter,
            clock.now(),
            entrepreneur_id=shop.potter,
            location_id=None,
            lines=[LineIn(1, shop.vase)],
        )
    with db.write() as conn:
        grn = receive_intake(
            conn,
            MANAGER,
            clock.now(),
            entrepreneur_id=shop.weaver,
            location_id=None,
            lines=[LineIn(1, shop.sarong)],
        )
    with db.read() as conn:
        with pytest.raises(NotFoundError):
            get_intake(conn, potter, grn.id)
        assert list_intakes(conn, potter, entrepreneur_id=shop.weaver) == []
        assert list_stock(conn, potter, entrepreneur_id=shop.weaver).items == []


def test_adjustment_needs_a_reason_and_a_manager(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    with db.write() as conn:
        f.stock(conn, shop.sarong, shop.home, 5)
    with pytest.raises(ForbiddenError), db.write() as conn:
        adjust_stock(
            conn,
            CASHIER,
            clock.now(),
            location_id=shop.home,
            lines=[LineIn(-1, shop.sarong)],
            reason="damaged",
        )
    with pytest.raises(InvalidInputError) as caught, db.write() as conn:
        adjust_stock(
            conn,
            MANAGER,
            clock.now(),
            location_id=shop.home,
            lines=[LineIn(-1, shop.sarong)],
            reason="  ",
        )
    assert caught.value.field == "reason"
    with db.write() as conn:
        doc = adjust_stock(
            conn,
            MANAGER,
            clock.now(),
            location_id=shop.home,
            lines=[LineIn(-2, shop.sarong), LineIn(1, shop.scarf)],
            reason="water damage",
        )
    assert doc.number == "ADJ-2026-000001"
    assert {(line.product_id, line.on_hand) for line in doc.lines} == {
        (shop.sarong, 3),
        (shop.scarf, 1),
    }


def test_transfer_moves_between_locations_and_refuses_the_same_location(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    with db.write() as conn:
        f.stock(conn, shop.sarong, shop.home, 5)
    with pytest.raises(InvalidInputError) as caught, db.write() as conn:
        transfer_stock(
            conn,
            MANAGER,
            clock.now(),
            from_location_id=shop.home,
            to_location_id=shop.home,
            lines=[LineIn(1, shop.sarong)],
        )
    assert caught.value.field == "to_location_id"
    with pytest.raises(InsufficientStockError), db.write() as conn:
        transfer_stock(
            conn,
            MANAGER,
            clock.now(),
            from_location_id=shop.home,
            to_location_id=shop.fair,
            lines=[LineIn(6, shop.sarong)],
        )
    with db.write() as conn:
        view = transfer_stock(
            conn,
            MANAGER,
            clock.now(),
            from_location_id=shop.home,
            to_location_id=shop.fair,
            lines=[LineIn(2, shop.sarong)],
            note="fair",
        )
    assert view.number == "TRF-2026-000001"
    assert view.lines[0].from_on_hand == 3 and view.lines[0].to_on_hand == 2
    assert _sum_of_movements(db, shop.home) == {shop.sarong: 3}
    assert _sum_of_movements(db, shop.fair) == {shop.sarong: 2}


def test_count_posts_differences_and_keeps_expected_and_counted(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    with db.write() as conn:
        f.stock(conn, shop.sarong, shop.home, 5)
        f.stock(conn, shop.scarf, shop.home, 2)
    with db.write() as conn:
        view = post_count(
            conn,
            MANAGER,
            clock.now(),
            location_id=shop.home,
            lines=[LineIn(4, shop.sarong), LineIn(2, shop.scarf), LineIn(1, shop.vase)],
        )
    assert [(line.expected, line.counted, line.difference) for line in view.lines] == [
        (5, 4, -1),
        (2, 2, 0),
        (0, 1, 1),
    ]
    with db.read() as conn:
        kinds = {(m.product_id, m.quantity, m.kind) for m in movements(conn, MANAGER)}
        kept = conn.execute(select(func.count()).select_from(StockCountLine)).scalar_one()
    assert (shop.sarong, -1, "count") in kinds and (shop.vase, 1, "count") in kinds
    assert kept == 3
    with pytest.raises(InvalidInputError) as caught, db.write() as conn:
        post_count(
            conn,
            MANAGER,
            clock.now(),
            location_id=shop.home,
            lines=[LineIn(4, shop.sarong), LineIn(3, shop.sarong)],
        )
    assert caught.value.field == "lines[1].product_id"
    with pytest.raises(InvalidInputError) as caught, db.write() as conn:
        post_count(
            conn, MANAGER, clock.now(), location_id=shop.home, lines=[LineIn(-1, shop.sarong)]
        )
    assert caught.value.field == "lines[0].counted"


def test_return_gives_goods_back_to_their_entrepreneur_only(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    with db.write() as conn:
        f.stock(conn, shop.sarong, shop.home, 3)
        f.stock(conn, shop.vase, shop.home, 3)
    with pytest.raises(InvalidInputError) as caught, db.write() as conn:
        return_to_entrepreneur(
            conn,
            MANAGER,
            clock.now(),
            entrepreneur_id=shop.weaver,
            location_id=None,
            lines=[LineIn(1, shop.vase)],
        )
    assert caught.value.field == "lines[0].product_id"
    with db.write() as conn:
        doc = return_to_entrepreneur(
            conn,
            MANAGER,
            clock.now(),
            entrepreneur_id=shop.weaver,
            location_id=None,
            lines=[LineIn(2, shop.sarong)],
            note="faded",
        )
    assert doc.number == "RTN-2026-000001" and doc.lines[0].on_hand == 1
    assert doc.kind == "return"


def test_movements_are_attributed_to_the_acting_user(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    with db.write() as conn:
        user = create_user(
            conn,
            SYSTEM,
            username="somsri",
            password=NewPassword.of("a long password"),
            role=Role.MANAGER,
            now=clock.now(),
        )
        adjust_stock(
            conn,
            user.actor(),
            clock.now(),
            location_id=shop.home,
            lines=[LineIn(2, shop.sarong)],
            reason="found",
        )
    with db.read() as conn:
        assert [m.actor_id for m in movements(conn, MANAGER)] == [user.id]


def test_stock_list_and_low_stock_filter_by_location_and_entrepreneur(
    db: Database, shop: Shop, clock: FixedClock
) -> None:
    with db.write() as conn:
        f.stock(conn, shop.sarong, shop.home, 10)
        f.stock(conn, shop.scarf, shop.home, 1)
        f.stock(conn, shop.vase, shop.home, 0 + 2)
        f.stock(conn, shop.sarong, shop.fair, 1)
    with db.read() as conn:
        page = list_stock(conn, MANAGER, location_id=shop.home)
        assert page.total == 3
        low = low_stock(conn, MANAGER, threshold=3, location_id=shop.home)
        assert [r.product_id for r in low] == [shop.scarf, shop.vase]
        mine = low_stock(conn, MANAGER, threshold=3, entrepreneur_id=shop.weaver)
        assert {(r.product_id, r.location_id) for r in mine} == {
            (shop.scarf, shop.home),
            (shop.sarong, shop.fair),
        }
        only_low = list_stock(conn, MANAGER, low_threshold=1)
        assert only_low.total == 2


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["in", "adj", "sale", "xfer", "count"]),
            st.integers(0, 2),
            st.integers(1, 5),
        ),
        max_size=12,
    )
)
def test_on_hand_always_equals_the_sum_of_movements(
    db: Database, clock: FixedClock, ops: list[tuple[str, int, int]]
) -> None:
    with db.write() as conn:
        conn.execute(StockMovement.__table__.delete())
        conn.execute(StockLevel.__table__.delete())
    shop = _shop_once(db)
    products = [shop.sarong, shop.scarf, shop.vase]
    for op, which, qty in ops:
        _try_op(db, shop, clock, op, products[which], qty)
    for place in (shop.home, shop.fair):
        levels = {p: q for p, q in _levels(db, place).items() if q}
        assert levels == {p: q for p, q in _sum_of_movements(db, place).items() if q}
        assert all(q >= 0 for q in _levels(db, place).values())


def _shop_once(db: Database) -> Shop:
    """Hypothesis runs every example on the same database: make the shop on the first."""
    shop: Shop | None = getattr(db, "_stock_test_shop", None)
    if shop is None:
        shop = make_shop(db)
        db._stock_test_shop = shop  # type: ignore[attr-defined]
    return shop


def _try_op(db: Database, shop: Shop, clock: FixedClock, op: str, product: int, qty: int) -> None:
    try:
        with db.write() as conn:
            now = clock.now()
            if op == "in":
                apply_movements(
                    conn,
                    MANAGER,
                    now,
                    location_id=shop.home,
                    deltas={product: qty},
                    kind=MovementKind.INTAKE,
                    reason="in",
                    document=None,
                )
            elif op == "adj":
                adjust_stock(
                    conn,
                    MANAGER,
                    now,
                    location_id=shop.home,
                    lines=[LineIn(-qty, product)],
                    reason="loss",
                )
            elif op == "sale":
                apply_movements(
                    conn,
                    MANAGER,
                    now,
                    location_id=shop.home,
                    deltas={product: -qty},
                    kind=MovementKind.SALE,
                    reason="sale",
                    document=None,
                )
            elif op == "xfer":
                transfer_stock(
                    conn,
                    MANAGER,
                    now,
                    from_location_id=shop.home,
                    to_location_id=shop.fair,
                    lines=[LineIn(qty, product)],
                )
            else:
                post_count(conn, MANAGER, now, location_id=shop.fair, lines=[LineIn(qty, product)])
    except InsufficientStockError:
        pass
